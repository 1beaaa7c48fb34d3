"""The runner's pieces: splitting work over processes, one process's day, and when a day is partial."""

import signal

import pytest

from sim.interrupts import Interrupted
from sim.runner import DayResult, Simulation, split


def test_split_covers_every_episode_once():
    assert split(10, 3) == [(0, 4), (4, 3), (7, 3)]
    assert split(2, 3) == [(0, 1), (1, 1), (2, 0)]


def test_a_day_numbers_its_episodes_from_the_given_start(world):
    result = Simulation(world, "random", seed=0, process=1).run_day(day=2, first_episode=100, episodes=5)
    assert [row["episode"] for row in result.rows] == list(range(100, 105))
    assert {row["day"] for row in result.rows} == {2}


def test_processes_draw_different_sessions(world):
    rows = [Simulation(world, "random", seed=0, process=p).run_day(0, 0, 20).rows for p in (0, 1)]
    assert [r["user"] for r in rows[0]] != [r["user"] for r in rows[1]]


def test_a_learning_agent_keeps_its_state_across_days(world):
    simulation = Simulation(world, "top_pop", seed=0)
    simulation.run_day(0, 0, 50)
    seen = simulation.agent.listened.sum()
    simulation.run_day(1, 0, 50)
    assert simulation.agent.listened.sum() > seen > 0


def test_processes_serve_disjoint_users(world):
    rows = [Simulation(world, "random", seed=0, process=p, processes=2).run_day(0, 0, 40).rows for p in (0, 1)]
    assert {r["user"] % 2 for r in rows[0]} == {0} and {r["user"] % 2 for r in rows[1]} == {1}


def stop_after(count, interrupt=KeyboardInterrupt):
    """An on_session hook that interrupts the day after ``count`` sessions, as Ctrl-C would."""
    seen = []

    def on_session(row):
        seen.append(row)
        if len(seen) == count:
            raise interrupt

    return on_session


@pytest.mark.parametrize("interrupt, name", [(KeyboardInterrupt, "SIGINT"), (Interrupted(signal.SIGTERM), "SIGTERM")])
def test_an_interrupted_day_keeps_its_finished_sessions_and_says_why(world, interrupt, name):
    result = Simulation(world, "random", seed=0).run_day(0, 0, 20, on_session=stop_after(5, interrupt))
    assert len(result.rows) == 5 and result.interrupted == name and result.partial
    assert result.why_partial == f"interrupted by {name} after 5 of 20 sessions"


def test_a_day_is_partial_only_when_it_ended_before_its_planned_sessions():
    rows = [{"time": 1.0, "tracks": 2}] * 3
    assert not DayResult(0, rows, planned=3).partial
    assert not DayResult(0, rows, planned=3, interrupted="SIGINT").partial  # the signal came after the last one
    stopped = DayResult(0, rows, failed=1, planned=10, stopped="dead")
    assert stopped.why_partial == "stopped early after 4 of 10 sessions"
