"""Shared fixtures: one small seeded world written once per test session."""

import pytest

from sim.generator import generate_world
from sim.world import load_world, save_world

SMALL = {"seed": 7, "n_tracks": 3000, "n_users": 400}


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("world")
    save_world(generate_world(**SMALL), path)
    return path


@pytest.fixture(scope="session")
def world(world_dir):
    return load_world(world_dir)
