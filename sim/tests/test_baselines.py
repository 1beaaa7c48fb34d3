"""The in-process baselines: seeded random, same-artist, and popularity learnt from traffic."""

import numpy as np

from sim.agents.baselines import RandomAgent, StickyArtistAgent, TopPopAgent


def test_random_agent_is_seeded(world):
    picks = [RandomAgent(world.catalog, seed=3).next(0, 0, 1.0) for _ in range(2)]
    assert picks[0] == picks[1]
    assert len({RandomAgent(world.catalog, seed=s).next(0, 0, 1.0) for s in range(20)}) > 10


def test_sticky_artist_stays_with_the_current_artist(world):
    agent = StickyArtistAgent(world.catalog, seed=0)
    for track in range(0, world.n_tracks, 97):
        assert world.catalog[agent.next(0, track, 0.5)]["artist"] == world.catalog[track]["artist"]


def test_top_pop_learns_the_most_listened_tracks(world):
    agent = TopPopAgent(world.catalog, seed=0, top=3, refresh=1)
    favourites = [10, 20, 30]
    for _ in range(50):
        for track in favourites:
            agent.next(0, track, 1.0)
    agent.next(0, 40, 0.1)
    picks = {agent.next(0, 10, 0.0) for _ in range(30)}
    assert picks <= set(favourites) and len(picks) > 1


def test_top_pop_is_random_before_it_has_seen_enough(world):
    agent = TopPopAgent(world.catalog, seed=0, top=100)
    assert len({agent.next(0, 1, 1.0) for _ in range(50)}) > 40
    assert np.count_nonzero(agent.listened) == 1
