"""The generated world has the structure the course relies on: tails, clusters, popularity."""

import numpy as np
import pytest

from sim.errors import ArgumentError
from sim.generator import generate_world


def test_artists_have_heavy_tailed_track_counts(world):
    counts = np.bincount(world.artist_of)
    assert counts.max() >= 5 * np.median(counts)


def test_embeddings_cluster_by_artist_then_genre(world):
    content = world.embeddings[:, : world.manifest["appeal_column"]].astype(np.float64)
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, world.n_tracks, size=(2, 20000))
    cos = (content[a] * content[b]).sum(axis=1)
    same_artist = world.artist_of[a] == world.artist_of[b]
    same_genre = (world.genre_of[a] == world.genre_of[b]) & ~same_artist
    other = world.genre_of[a] != world.genre_of[b]
    assert cos[same_artist & (a != b)].mean() > cos[same_genre].mean() + 0.2
    assert cos[same_genre].mean() > cos[other].mean() + 0.2


def test_popular_tracks_are_interests_of_more_users(world):
    anchors = world.users["interests"][world.users["interests"] >= 0]
    top = np.argsort(-world.appeal)[: world.n_tracks // 10]
    assert np.isin(anchors, top).mean() > 0.2


def test_generation_reports_its_stages_and_refuses_tiny_worlds():
    stages = []
    generate_world(1, n_tracks=200, n_users=10, progress=stages.append)
    assert stages == ["artists", "tracks", "embeddings", "users"]
    with pytest.raises(ArgumentError, match="at least 20 tracks"):
        generate_world(1, n_tracks=5, n_users=1)
