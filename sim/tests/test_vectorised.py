"""The vectorised listeners follow the same rules as the single listener, at scale."""

import numpy as np

from sim.array_policies import RandomPolicy, StickyArtistPolicy
from sim.config import ListenerConfig
from sim.listener import ListenerModel
from sim.vectorised import BatchListeners, evaluate


def test_batch_times_match_the_single_listener_rules(world):
    batch = BatchListeners(world)
    rng = np.random.default_rng(0)
    users, first = batch.reset(50, rng)
    actions = np.random.default_rng(1).integers(world.n_tracks, size=50)
    times, _ = batch.step(actions, rng)
    model = ListenerModel(world)
    for row in range(50):
        session = model.start(int(users[row]), np.random.default_rng(0))
        session.taste, session.played = model.content[batch.anchors[row]], {int(first[row])}
        session.artist_plays = {int(world.artist_of[first[row]]): 1}
        assert abs(times[row] - model.listening_time(session, int(actions[row]))) <= 0.01


def test_repeats_get_zero_and_finished_sessions_stay_finished(world):
    batch = BatchListeners(world)
    rng = np.random.default_rng(0)
    _, first = batch.reset(30, rng)
    times, done = batch.step(first, rng)
    assert not times.any()
    while not done.all():
        times, done = batch.step(first, rng)
    assert not batch.step(first, rng)[0].any()
    assert (batch.budget <= 0).all()


def test_the_cap_holds_in_batch(world):
    batch = BatchListeners(world, ListenerConfig(max_tracks=4, fatigue=0.0))
    rng = np.random.default_rng(0)
    batch.reset(20, rng)
    batch.bias[:] = -10.0
    for step in range(4):
        _, done = batch.step(np.arange(20) * 10 + step + 1000, rng)
    assert done.all() and (batch.recommended == 4).all()


def test_evaluate_is_deterministic_and_sticky_artist_beats_random(world):
    first = evaluate(world, RandomPolicy(world.n_tracks, 0), sessions=3000, batch_size=1000, seed=5)
    again = evaluate(world, RandomPolicy(world.n_tracks, 0), sessions=3000, batch_size=1000, seed=5)
    assert all(np.array_equal(first[k], again[k]) for k in first)
    sticky = evaluate(world, StickyArtistPolicy(world, 0), sessions=3000, batch_size=1000, seed=5)
    assert sticky["time"].mean() > first["time"].mean() + 0.3
