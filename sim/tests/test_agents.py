"""Building agents by name or module:Class, filling only the constructor arguments they ask for."""

import sys
import types

import pytest

from sim.agents import BUILT_IN, make_agent
from sim.agents.base import Agent
from sim.errors import AgentError
from sim.listener import ListenerModel


class Echo(Agent):
    def __init__(self, catalog, seed):
        self.size, self.seed = len(catalog), seed

    def next(self, user, track, time):
        return (track + 1) % self.size


@pytest.fixture
def student_module():
    module = types.ModuleType("student_agents")
    module.Echo, module.NotAnAgent = Echo, type("NotAnAgent", (), {})
    sys.modules["student_agents"] = module
    yield "student_agents"
    del sys.modules["student_agents"]


@pytest.mark.parametrize("name", [n for n in BUILT_IN if n != "remote"])
def test_every_built_in_agent_builds_and_answers_a_track(world, name):
    agent = make_agent(name, world=world, listeners=ListenerModel(world), seed=1)
    if name == "console":
        agent.ask, agent.say = (lambda prompt: ""), (lambda text: None)
    agent.start(0, int(world.users["interests"][0][0]))
    assert 0 <= agent.next(0, int(world.users["interests"][0][0]), 1.0) < world.n_tracks


def test_module_class_gets_catalog_and_seed(world, student_module):
    agent = make_agent(f"{student_module}:Echo", world=world, seed=9)
    assert (agent.size, agent.seed) == (world.n_tracks, 9)
    assert agent.next(0, 5, 1.0) == 6


@pytest.mark.parametrize(
    "spec, message",
    [
        ("shuffle", "unknown agent 'shuffle'"),
        ("no_such_module_xyz:Agent", "cannot import no_such_module_xyz"),
        ("student_agents:Missing", "has no class Missing"),
        ("student_agents:NotAnAgent", "has no next"),
    ],
)
def test_bad_agent_names_are_one_line_errors(world, student_module, spec, message):
    with pytest.raises(AgentError, match=message):
        make_agent(spec, world=world, seed=0)
