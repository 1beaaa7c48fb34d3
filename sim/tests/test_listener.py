"""The listener rules, one test each: first track, repeat, artist discount, rounding, patience, cap."""

import dataclasses
import math

import numpy as np
import pytest

from sim.config import ListenerConfig
from sim.listener import ListenerModel, appeal_shift


class FixedDraws:
    """A stand-in generator whose random() always returns ``value`` (integers() stays seeded)."""

    def __init__(self, value):
        self.value, self.rng = value, np.random.default_rng(0)

    def random(self):
        return self.value

    def integers(self, *args, **kwargs):
        return self.rng.integers(*args, **kwargs)


@pytest.fixture
def model(world):
    return ListenerModel(world)


def expected_time(model, session, track, plays):
    score = max(float(model.content[track] @ session.taste) + float(model.appeal[track]), 0.0)
    return round(1 / (1 + math.exp(-(score * session.gamma**plays - session.bias) * session.sharpness)), 2)


def test_first_track_is_near_one_interest_and_fully_listened(model, world):
    for user in range(20):
        session = model.start(user, np.random.default_rng(user))
        assert session.interest in world.users["interests"][user]
        assert session.first_track in model.first_candidates(session.interest)
        assert session.time == 1.0 and session.recommended == 0


def test_first_candidates_are_the_best_scored_tracks_of_the_nearest_artists(model, world):
    anchor = int(world.users["interests"][0][0])
    found = model.first_candidates(anchor)
    assert len(found) == model.config.first_track_neighbours
    assert set(world.genre_of[found]) == {world.genre_of[anchor]}
    same_artist = np.flatnonzero(world.artist_of == world.artist_of[anchor])
    best_own = same_artist[np.argmax(model.scores(same_artist, model.content[anchor]))]
    assert best_own in found


def test_listening_time_follows_the_sigmoid_rounded_to_hundredths(model, world):
    session = model.start(3, np.random.default_rng(0))
    first_artist = world.artist_of[session.first_track]
    other = next(t for t in range(world.n_tracks) if world.artist_of[t] != first_artist)
    time = model.listening_time(session, other)
    assert time == expected_time(model, session, other, plays=0)
    assert time == round(time, 2) and 0.0 <= time <= 1.0


def test_a_track_already_played_in_the_session_gets_zero(model):
    session = model.start(5, np.random.default_rng(0))
    assert model.listening_time(session, session.first_track) == 0.0
    assert model.listen(session, session.first_track, FixedDraws(0.99)) == 0.0


def test_each_earlier_play_of_the_artist_discounts_by_gamma(model, world):
    session = model.start(7, np.random.default_rng(1))
    artist = world.artist_of[session.first_track]
    same = [int(t) for t in np.flatnonzero(world.artist_of == artist) if t != session.first_track]
    if not same:
        pytest.skip("this artist has a single track")
    assert model.listening_time(session, same[0]) == expected_time(model, session, same[0], plays=1)
    session.artist_plays[artist] = 3
    assert model.listening_time(session, same[0]) == expected_time(model, session, same[0], plays=3)


def test_patience_is_lost_with_probability_one_minus_time(model):
    session = model.start(9, np.random.default_rng(0))
    budget = session.budget
    model.listen(session, session.first_track, FixedDraws(0.999))  # time 0: always loses a unit
    assert session.budget == budget - 1
    time = model.listening_time(session, 11)
    model.listen(session, 11, FixedDraws(1.0 - time * (1 - model.config.fatigue) + 1e-9))
    assert session.budget == budget - 1


def test_the_session_ends_when_the_budget_reaches_zero(model):
    session = model.start(2, np.random.default_rng(0))
    for _ in range(session.budget):
        assert not session.done
        model.listen(session, session.first_track, FixedDraws(0.5))
    assert session.done and session.budget == 0


def test_fatigue_costs_patience_even_for_a_perfect_track(world):
    model = ListenerModel(world, ListenerConfig(fatigue=0.2))
    session = model.start(4, np.random.default_rng(0))
    session.bias, budget = -10.0, session.budget  # every fresh track is listened to fully
    model.listen(session, 100, FixedDraws(0.19))
    assert session.budget == budget - 1
    model.listen(session, 101, FixedDraws(0.21))
    assert session.budget == budget - 1


def test_the_cap_ends_even_an_endless_session(world):
    model = ListenerModel(world, ListenerConfig(max_tracks=5, fatigue=0.0))
    session = model.start(1, np.random.default_rng(0))
    session.bias = -10.0
    for track in range(1000, 1005):
        model.listen(session, track, FixedDraws(0.999))
    assert session.done and session.recommended == 5 and session.budget > 0


def test_hype_boosts_a_few_tracks_for_one_day_only(world):
    config = ListenerConfig(hype=True, hype_tracks=20, hype_boost=0.3)
    day1, day2 = appeal_shift(world, config, 1), appeal_shift(world, config, 2)
    assert (day1 > 0).sum() == 20 and np.allclose(day1[day1 > 0], 0.3)
    assert not np.array_equal(day1, day2)
    assert np.array_equal(day1, appeal_shift(world, config, 1))


def test_drift_is_a_seeded_random_walk_starting_at_day_zero(world):
    config = ListenerConfig(drift=True, drift_scale=0.05)
    assert not appeal_shift(world, config, 0).any()
    one, two = appeal_shift(world, config, 1), appeal_shift(world, config, 2)
    assert 0.03 < one.std() < 0.07 and 0.05 < two.std() < 0.09
    assert np.corrcoef(one, two)[0, 1] > 0.5


def test_dynamics_are_off_by_default(world):
    assert not appeal_shift(world, ListenerConfig(), 5).any()
    assert not any(getattr(ListenerConfig(), f.name) for f in dataclasses.fields(ListenerConfig)
                   if isinstance(f.default, bool))
