"""The runner: splitting work over processes, one process's day, when a day is partial, and days in a row."""

import signal

import pytest

from sim.agents.remote import RemoteAgent
from sim.config import ListenerConfig
from sim.interrupts import Interrupted
from sim.runner import run_days
from sim.simulation import DayResult, Simulation, split


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
    rows = [Simulation(world, "random", seed=0, process=p, processes=2).run_day(0, 0, 40).rows
            for p in (0, 1)]
    assert {r["user"] % 2 for r in rows[0]} == {0} and {r["user"] % 2 for r in rows[1]} == {1}


class _SplitByUser:
    """An A/B test in miniature: even users get a stateless control, odd users the treatment."""

    def __init__(self, treatment):
        self.treatment = treatment

    def next(self, user, track, time):
        return (track + 1) % 3000 if user % 2 == 0 else self.treatment(track)


def test_the_control_arm_meets_the_same_sessions_whatever_the_treatment(world):
    def day_with(treatment):
        simulation = Simulation(world, "random", seed=5)
        simulation.agent = _SplitByUser(treatment)
        return simulation.run_day(1, 0, 200).rows

    short, long_ = day_with(lambda track: track), day_with(lambda track: (track * 7 + 11) % 3000)
    assert [r["user"] for r in short] == [r["user"] for r in long_]  # each session draws its own listener
    assert [r["tracks"] for r in short if r["user"] % 2] != [r["tracks"] for r in long_ if r["user"] % 2]
    assert [r for r in short if r["user"] % 2 == 0] == [r for r in long_ if r["user"] % 2 == 0]


def stop_after(count, interrupt=KeyboardInterrupt):
    """An on_session hook that interrupts the day after ``count`` sessions, as Ctrl-C would."""
    seen = []

    def on_session(row):
        seen.append(row)
        if len(seen) == count:
            raise interrupt

    return on_session


@pytest.mark.parametrize("interrupt, name",
                         [(KeyboardInterrupt, "SIGINT"), (Interrupted(signal.SIGTERM), "SIGTERM")])
def test_an_interrupted_day_keeps_its_finished_sessions_and_says_why(world, interrupt, name):
    result = Simulation(world, "random", seed=0).run_day(0, 0, 20, on_session=stop_after(5, interrupt))
    assert len(result.rows) == 5 and result.interrupted == name and result.partial
    assert result.why_partial == f"interrupted by {name} after 5 of 20 sessions"


def test_a_day_is_partial_only_when_it_ended_before_its_planned_sessions():
    rows = [{"time": 1.0, "tracks": 2}] * 3
    assert not DayResult(0, rows, planned=3).partial
    assert not DayResult(0, rows, planned=3, interrupted="SIGINT").partial  # the signal came after the end
    stopped = DayResult(0, rows, failed=1, planned=10, stopped="dead")
    assert stopped.why_partial == "stopped early after 4 of 10 sessions"


@pytest.fixture
def quick_backoff(monkeypatch):
    monkeypatch.setattr(RemoteAgent, "backoff", 0.001)


def test_churned_users_do_not_come_back(world):
    config = ListenerConfig(churn=True, churn_below=1.2, churn_probability=1.0)
    days = run_days(world, "random", episodes=200, days=2, seed=0, config=config, progress=False)
    assert days[0].churned
    assert not set(days[0].churned) & {row["user"] for row in days[1].rows}


def test_a_stop_between_days_ends_the_run(world):
    days = run_days(world, "random", episodes=5, days=3, progress=False, between_days=lambda day: False)
    assert len(days) == 1


def test_retried_requests_are_counted_and_the_sessions_kept(world, botify_stub, quick_backoff):
    botify_stub.fail_next = 3
    days = run_days(world, "remote", episodes=10, url=botify_stub.url, progress=False)
    assert len(days[0].rows) == 10 and days[0].retried == 3 and days[0].failed == 0


def test_a_service_that_dies_mid_run_is_counted_and_the_run_stops(world, botify_stub, quick_backoff):
    botify_stub.fail_next = 10**9  # GET / still answers alive, every POST fails
    days = run_days(world, "remote", episodes=50, url=botify_stub.url, progress=False)
    assert days[0].failed == 10 and not days[0].rows
    assert "10 sessions in a row failed" in days[0].stopped


def test_an_interrupt_between_days_ends_the_run_with_that_day_empty(world):
    def ctrl_c(day):
        raise KeyboardInterrupt

    days = run_days(world, "random", episodes=5, days=3, progress=False, between_days=ctrl_c)
    assert [len(d.rows) for d in days] == [5, 0]
    assert days[1].why_partial == "interrupted by SIGINT after 0 of 5 sessions"
