"""Users come by activity, so the same users return day after day; churned users never return."""

import numpy as np

from sim.config import ListenerConfig
from sim.listener import Session
from sim.population import Population


def test_active_users_start_more_sessions(world):
    population = Population(world, ListenerConfig())
    picked = population.pick(np.random.default_rng(0), 20000)
    activity = world.users["activity"]
    busy, quiet = activity > np.quantile(activity, 0.9), activity < np.quantile(activity, 0.5)
    assert np.isin(picked, np.flatnonzero(busy)).mean() > 5 * np.isin(picked, np.flatnonzero(quiet)).mean()


def test_most_sessions_of_a_second_day_come_from_returning_users(world):
    population = Population(world, ListenerConfig())
    day1 = population.pick(np.random.default_rng(1), 300)
    day2 = population.pick(np.random.default_rng(2), 300)
    assert np.isin(day2, day1).mean() > 0.5


def bad_session(user):
    return Session(user=user, interest=0, taste=None, first_track=0, bias=0, sharpness=1, gamma=1, budget=0)


def test_churn_is_off_by_default(world):
    population = Population(world, ListenerConfig())
    assert not population.after_session(bad_session(3), np.random.default_rng(0))


def test_a_churned_user_is_never_drawn_again(world):
    population = Population(world, ListenerConfig(churn=True, churn_probability=1.0))
    busiest = int(np.argmax(world.users["activity"]))
    assert population.after_session(bad_session(busiest), np.random.default_rng(0))
    assert busiest not in population.pick(np.random.default_rng(0), 5000)


def test_a_share_keeps_only_its_users(world):
    population = Population(world, ListenerConfig(), share=(1, 3))
    assert set(population.pick(np.random.default_rng(0), 3000) % 3) == {1}
