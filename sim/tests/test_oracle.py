"""The oracle reads the hidden taste: it finds the session's interest and beats every baseline."""

import numpy as np

from sim.agents.baselines import StickyArtistAgent
from sim.agents.oracle import OracleAgent
from sim.episodes import play_session
from sim.listener import ListenerModel


def test_oracle_infers_the_interest_and_never_repeats(world):
    model = ListenerModel(world)
    oracle = OracleAgent(model)
    session = model.start(11, np.random.default_rng(0))
    oracle.start(11, session.first_track)
    assert oracle._interest(11, session.first_track) == session.interest
    picks = [oracle.next(11, session.first_track, 1.0)]
    for _ in range(30):
        picks.append(oracle.next(11, picks[-1], model.listen(session, picks[-1], np.random.default_rng(1))))
    assert len(set(picks)) == len(picks) and session.first_track not in picks


def test_oracle_is_far_above_sticky_artist(world):
    model = ListenerModel(world)
    rng_a, rng_b = np.random.default_rng(4), np.random.default_rng(4)
    users = np.random.default_rng(0).integers(world.n_users, size=100).tolist()
    oracle = [play_session(model, OracleAgent(model), u, rng_a).time for u in users]
    sticky = [play_session(model, StickyArtistAgent(world.catalog, 0), u, rng_b).time for u in users]
    assert np.mean(oracle) > 3 * np.mean(sticky)
