"""sim.simulate / run_days: seeded episode stats, days, churn, processes, a failing service, interruptions."""

import csv
import sys
import types

import pytest

import sim
from sim.agents.base import Agent
from sim.agents.remote import RemoteAgent
from sim.api import run_days, write_episodes_csv
from sim.config import ListenerConfig
from sim.errors import OutputError


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(RemoteAgent, "backoff", 0.001)


def test_simulate_returns_one_row_per_episode_and_day(world_dir):
    frame = sim.simulate(world=world_dir, agent="random", episodes=40, days=2, seed=1, progress=False)
    assert list(frame.columns) == ["day", "episode", "user", "interest", "time", "tracks"]
    assert len(frame) == 80 and set(frame["day"]) == {0, 1}
    assert (frame["time"] >= 1.0).all() and (frame["tracks"] >= 2).all()
    assert frame.attrs["failed"] == 0 and frame.attrs["partial"] is False and frame.attrs["why_partial"] == ""


def test_same_seed_same_sessions_other_seed_other_sessions(world):
    def run(seed):
        return sim.simulate(world=world, agent="sticky_artist", episodes=50, seed=seed, progress=False)

    assert run(3).equals(run(3))
    assert not run(3).equals(run(4))


def test_churned_users_do_not_come_back(world):
    config = ListenerConfig(churn=True, churn_below=1.2, churn_probability=1.0)
    days = run_days(world, "random", episodes=200, days=2, seed=0, config=config, progress=False)
    assert days[0].churned
    assert not set(days[0].churned) & {row["user"] for row in days[1].rows}


def test_a_stop_between_days_ends_the_run(world):
    days = run_days(world, "random", episodes=5, days=3, progress=False, between_days=lambda day: False)
    assert len(days) == 1


def test_retried_requests_are_counted_and_the_sessions_kept(world, botify_stub):
    botify_stub.fail_next = 3
    days = run_days(world, "remote", episodes=10, url=botify_stub.url, progress=False)
    assert len(days[0].rows) == 10 and days[0].retried == 3 and days[0].failed == 0


def test_a_service_that_dies_mid_run_is_counted_and_the_run_stops(world, botify_stub):
    botify_stub.fail_next = 10**9  # GET / still answers alive, every POST fails
    days = run_days(world, "remote", episodes=50, url=botify_stub.url, progress=False)
    assert days[0].failed == 10 and not days[0].rows
    assert "10 sessions in a row failed" in days[0].stopped


@pytest.mark.slow
def test_processes_are_seeded_differently_but_reproducibly(world_dir):
    def run():
        return sim.simulate(world=str(world_dir), agent="random", episodes=60, processes=2, seed=2,
                            progress=False)

    first = run()
    assert first.equals(run())
    assert sorted(first["episode"]) == list(range(60))
    halves = first[first["episode"] < 30], first[first["episode"] >= 30]
    assert halves[0]["user"].tolist() != halves[1]["user"].tolist()


def test_a_later_first_day_gives_fresh_sessions_numbered_from_it(world):
    day0 = sim.simulate(world=world, agent="random", episodes=30, seed=1, progress=False)
    day1 = sim.simulate(world=world, agent="random", episodes=30, seed=1, first_day=1, progress=False)
    assert set(day1["day"]) == {1} and day0["user"].tolist() != day1["user"].tolist()


class CtrlCAfter(Agent):
    """Recommends the next track, and is interrupted by Ctrl-C during the 100th request."""

    def __init__(self, catalog):
        self.size, self.calls = len(catalog), 0

    def next(self, user, track, time):
        self.calls += 1
        if self.calls == 100:
            raise KeyboardInterrupt
        return (track + 1) % self.size


@pytest.fixture
def interrupting_agent():
    sys.modules["interrupting_agents"] = types.SimpleNamespace(CtrlCAfter=CtrlCAfter)
    yield "interrupting_agents:CtrlCAfter"
    del sys.modules["interrupting_agents"]


def test_an_interrupted_simulation_returns_the_finished_sessions_marked_partial(world, interrupting_agent):
    frame = sim.simulate(world=world, agent=interrupting_agent, episodes=50, days=2, progress=False)
    assert 0 < len(frame) < 50 and set(frame["day"]) == {0}  # day 1 never starts
    assert frame.attrs["partial"] is True
    assert frame.attrs["why_partial"] == f"day 0 interrupted by SIGINT after {len(frame)} of 50 sessions"


def test_an_interrupt_between_days_ends_the_run_with_that_day_empty(world):
    def ctrl_c(day):
        raise KeyboardInterrupt

    days = run_days(world, "random", episodes=5, days=3, progress=False, between_days=ctrl_c)
    assert [len(d.rows) for d in days] == [5, 0]
    assert days[1].why_partial == "interrupted by SIGINT after 0 of 5 sessions"


def test_the_csv_marks_the_rows_of_partial_days(world, interrupting_agent, tmp_path):
    days = run_days(world, "random", episodes=5, progress=False)
    days += run_days(world, interrupting_agent, episodes=50, first_day=1, progress=False)
    path = tmp_path / "episodes.csv"
    assert write_episodes_csv(days, path) == len(days[0].rows) + len(days[1].rows)
    with open(path, newline="") as f:
        marks = {(row["day"], row["partial"]) for row in csv.DictReader(f)}
    assert marks == {("0", "False"), ("1", "True")}


def test_an_unwritable_csv_path_is_an_output_error(world, tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        write_episodes_csv(run_days(world, "random", episodes=2, progress=False), tmp_path / "no" / "such.csv")
