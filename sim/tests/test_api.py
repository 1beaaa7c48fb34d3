"""sim.simulate and the episodes CSV: seeded episode stats, days, processes, interrupted runs."""

import csv
import sys
import types

import pytest

import sim
from sim.agents.base import Agent
from sim.api import write_episodes_csv
from sim.errors import OutputError
from sim.runner import run_days


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


def test_the_csv_marks_the_rows_of_partial_days(world, interrupting_agent, tmp_path):
    days = run_days(world, "random", episodes=5, progress=False)
    days += run_days(world, interrupting_agent, episodes=50, first_day=1, progress=False)
    path = tmp_path / "episodes.csv"
    assert write_episodes_csv(days, path) == len(days[0].rows) + len(days[1].rows)
    with open(path, newline="") as f:
        marks = {(row["day"], row["partial"]) for row in csv.DictReader(f)}
    assert marks == {("0", "False"), ("1", "True")}


def test_an_unwritable_csv_path_is_an_output_error(world, tmp_path):
    days = run_days(world, "random", episodes=2, progress=False)
    with pytest.raises(OutputError, match="cannot write"):
        write_episodes_csv(days, tmp_path / "no" / "such.csv")
