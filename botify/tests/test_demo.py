"""The course loop end to end at smoke size: real world, service, traffic, training, report."""

import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_of(folder):
    """Live processes whose command line mentions folder or whose working directory is in it."""
    found = []
    for proc in pathlib.Path("/proc").glob("[0-9]*"):
        try:
            if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if str(folder) in cmdline or cwd.startswith(str(folder)):
            found.append(f"{proc.name}: {cmdline[:200]}")
    return found


def demo_argv(tmp_path, *extra):
    botify = shutil.which("botify", path=str(pathlib.Path(sys.executable).parent))
    argv = [botify, "demo", "--data", tmp_path / "data", "--logs", tmp_path / "log",
            "--reports", tmp_path / "reports", "--port", free_port(), "--tracks", 3000, "--users", 400,
            "--episodes", 400, "--trials", 2, "--epochs", 5, *extra]
    return [str(arg) for arg in argv]


def run_demo(tmp_path, *extra):
    return subprocess.run(demo_argv(tmp_path, *extra), capture_output=True, text=True, timeout=900,
                          cwd=tmp_path)


@pytest.fixture(scope="module")
def finished_demo(tmp_path_factory):
    """One smoke-size demo run shared by the tests that read its results: (folder, result)."""
    folder = tmp_path_factory.mktemp("demo")
    return folder, run_demo(folder)


def report_without_latency(folder):
    """The report's lines but those about latency, the one thing the wall clock decides."""
    text = (folder / "reports" / "COLLABORATIVE" / "report.md").read_text().replace(str(folder), "RUN")
    return [line for line in text.splitlines() if "latency" not in line]


def test_demo_runs_the_loop_writes_the_report_and_leaves_no_process(finished_demo):
    tmp_path, result = finished_demo
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = tmp_path / "reports" / "COLLABORATIVE" / "report.md"
    text = report.read_text()
    assert "COLLABORATIVE" in text and "mean_time_per_session" in text
    assert list(report.parent.glob("*.png")), "the A/B screenshot is missing"
    assert "mean_time_per_session" in result.stdout
    assert str(report) in result.stdout
    for day in ("day1-STICKY_ARTIST", "day2-COLLABORATIVE"):
        assert list((tmp_path / "log" / day).glob("events*.jsonl*")), f"no event log for {day}"
    assert processes_of(tmp_path) == []


def test_the_same_seed_gives_the_same_report(finished_demo, tmp_path):
    first, _ = finished_demo
    assert run_demo(tmp_path).returncode == 0
    assert report_without_latency(tmp_path) == report_without_latency(first)
    assert (tmp_path / "reports" / "demo" / "collaborative.jsonl").read_bytes() == (
        first / "reports" / "demo" / "collaborative.jsonl").read_bytes()


def test_a_failing_step_stops_everything_and_says_which(tmp_path):
    result = run_demo(tmp_path, "--experiment", "NO_SUCH_EXPERIMENT")
    assert result.returncode != 0
    assert "error" in result.stderr.lower()
    assert processes_of(tmp_path) == []


def test_stopping_the_demo_mid_traffic_stops_the_service_and_the_simulator(tmp_path):
    demo = subprocess.Popen(demo_argv(tmp_path, "--episodes", 100_000), cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    day1 = tmp_path / "log" / "day1-STICKY_ARTIST"
    deadline = time.monotonic() + 300
    while not list(day1.glob("events*.jsonl")) and time.monotonic() < deadline and demo.poll() is None:
        time.sleep(0.5)
    time.sleep(2)  # traffic is flowing: the service, the simulator and its workers all run
    assert demo.poll() is None, demo.stderr.read()
    demo.terminate()
    _, stderr = demo.communicate(timeout=60)
    assert demo.returncode != 0
    assert "interrupted" in stderr
    assert processes_of(tmp_path) == []
    assert not (tmp_path / "data" / "run" / "serve.json").exists()
    assert "did not finish" in (day1 / "PARTIAL").read_text()  # the half day never passes for a full one
