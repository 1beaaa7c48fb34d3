"""Workers: only JSON crosses, user errors come back as is, Ctrl-C is the parent's, none outlives its run."""

import multiprocessing
import os
import signal
import time

import numpy as np
import pytest

from sim.errors import AgentError, WorldError
from sim.simulation import DayTask, Simulation
from sim.workers import GRACE, _worker_error, run_parallel_day


class Bar:
    def __init__(self):
        self.n = 0

    def update(self, n):
        self.n += n


def task(world, process=0, processes=1, episodes=10, agent="random", seed=0):
    return DayTask(str(world), agent, None, {}, 0, process, processes, process * episodes, episodes, seed, [])


@pytest.mark.slow
def test_a_day_over_workers_has_every_episode_once_and_feeds_the_bar(world_dir):
    bar = Bar()
    day = run_parallel_day([task(world_dir, p, 2) for p in (0, 1)], bar)
    assert [row["episode"] for row in day.rows] == list(range(20))
    assert bar.n == 20 and day.planned == 20 and not day.partial


@pytest.mark.slow
def test_sessions_cross_as_json_unchanged_in_value_and_type(world_dir):
    # a numpy seed too
    day = run_parallel_day([task(world_dir, p, 2, seed=np.int64(3)) for p in (0, 1)], Bar())
    here = [row for p in (0, 1) for row in Simulation(str(world_dir), "random", 3, p, processes=2)
            .run_day(0, p * 10, 10).rows]
    assert day.rows == here
    assert ([[type(v) for v in row.values()] for row in day.rows]
            == [[type(v) for v in row.values()] for row in here])


@pytest.mark.slow
def test_a_user_error_in_a_worker_reaches_the_parent_as_itself(tmp_path):
    with pytest.raises(WorldError, match="manifest.json is missing") as raised:
        run_parallel_day([task(tmp_path / "nowhere")], Bar())
    assert "\n" not in str(raised.value)  # the command prints it in one line
    assert "Traceback" in str(raised.value.__cause__) and "load_world" in str(raised.value.__cause__)


BROKEN_AGENTS = """
from sim.errors import AgentError

class Buggy:
    def __init__(self, seed):
        raise ValueError("a bug in the agent")

class NotReady(AgentError):  # a user error of the agent's own, built on sim.errors
    pass

class Unready:
    def __init__(self):
        raise NotReady("train the model first")
"""


@pytest.mark.slow
def test_any_other_error_in_a_worker_is_a_runtime_error_with_its_traceback(world_dir, tmp_path, monkeypatch):
    (tmp_path / "broken_agents.py").write_text(BROKEN_AGENTS)
    monkeypatch.syspath_prepend(str(tmp_path))  # spawned workers get the parent's sys.path
    with pytest.raises(RuntimeError, match="ValueError: a bug in the agent") as raised:
        run_parallel_day([task(world_dir, agent="broken_agents:Buggy")], Bar())
    assert "Traceback" in str(raised.value) and "broken_agents.py" in str(raised.value)
    with pytest.raises(AgentError, match="train the model first") as raised:
        run_parallel_day([task(world_dir, agent="broken_agents:Unready")], Bar())
    # the nearest sim.errors class: broken_agents is not imported here
    assert type(raised.value) is AgentError


def test_only_a_sim_errors_class_is_rebuilt_by_name():
    for name in ["RuntimeError", "SystemExit", "ConfigError.__init__", "load_world", "dataclasses", None]:
        error, _ = _worker_error(
            {"type": "x.Y", "user_error": name, "message": "boom", "trace": "Traceback..."}
        )
        assert type(error) is RuntimeError and str(error) == "x.Y: boom\nin a worker process:\nTraceback..."


@pytest.mark.slow
def test_workers_ignore_ctrl_c_from_their_first_instant(world_dir, sim_run):
    run = sim_run("--world", world_dir, "--episodes", 3000, "--processes", 2, "--agent", "random", "--quiet")
    run.wait_for_workers(2)  # still importing: long before they could set up anything themselves
    for pid in run.workers():
        os.kill(pid, signal.SIGINT)
    code, out, err = run.finish()
    assert code == 0 and "\n  0      3000 " in out and "Traceback" not in err


@pytest.mark.slow
def test_a_worker_that_dies_fails_the_day_at_once(world_dir, sim_run):
    run = sim_run("--world", world_dir, "--episodes", 2_000_000, "--processes", 2, "--agent", "random")
    run.wait_for_sessions(1000)
    os.kill(run.workers()[0], signal.SIGKILL)
    code, _, err = run.finish()
    assert code == 1 and "ended (exit code -9) before reporting day 0" in err
    assert run.leftovers() == []


HUNG_AGENT = """
import os, pathlib, time

class Hung:
    def next(self, user, track, time_):  # like a request to a service that never answers
        pathlib.Path(os.environ["HUNG_MARKS"], str(os.getpid())).touch()
        time.sleep(3600)
"""


@pytest.mark.slow
def test_workers_stuck_in_a_call_die_with_a_killed_parent(world_dir, tmp_path, sim_run):
    (tmp_path / "hung_agents.py").write_text(HUNG_AGENT)
    marks = tmp_path / "marks"
    marks.mkdir()
    run = sim_run("--world", world_dir, "--episodes", 100, "--processes", 2, "--agent", "hung_agents:Hung",
                  env={"PYTHONPATH": str(tmp_path), "HUNG_MARKS": str(marks)})
    run.wait_for_workers(2)
    assert run.wait_for(lambda: len(list(marks.iterdir())) == 2), "the workers never reached the agent"
    os.kill(run.pid, signal.SIGKILL)  # no handler runs: only the kernel can stop the workers now
    run.finish()
    assert run.leftovers() == []


class InterruptedBar(Bar):
    """Ctrl-C in the parent while it reads the workers' sessions."""

    def update(self, n):
        super().update(n)
        if self.n >= 1000:
            self.interrupted_at = time.monotonic()
            raise KeyboardInterrupt


@pytest.mark.slow
def test_an_interrupted_day_keeps_what_arrived_and_ends_its_workers_before_returning(world_dir):
    bar = InterruptedBar()
    day = run_parallel_day([task(world_dir, p, 2, episodes=1_000_000) for p in (0, 1)], bar)
    assert time.monotonic() - bar.interrupted_at < GRACE  # terminated, not left to the kill after GRACE
    assert day.interrupted == "SIGINT" and 1000 <= len(day.rows) < 2_000_000
    assert day.why_partial == f"interrupted by SIGINT after {len(day.rows)} of 2000000 sessions"
    assert multiprocessing.active_children() == []
