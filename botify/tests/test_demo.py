"""The course loop end to end at smoke size: real world, service, traffic, training, report."""

import pathlib
import shutil
import socket
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_mentioning(text):
    """Live processes whose command line contains text (our temp folder is unique)."""
    found = []
    for cmdline in pathlib.Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                stat = (cmdline.parent / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(cmdline.parent.name)
        except OSError:
            pass
    return found


def run_demo(tmp_path, *extra):
    botify = shutil.which("botify", path=str(pathlib.Path(sys.executable).parent))
    argv = [botify, "demo", "--data", tmp_path / "data", "--logs", tmp_path / "log",
            "--reports", tmp_path / "reports", "--port", free_port(), "--tracks", 3000, "--users", 400,
            "--episodes", 400, "--trials", 2, "--epochs", 5, *extra]
    return subprocess.run([str(arg) for arg in argv], capture_output=True, text=True, timeout=900, cwd=tmp_path)


def test_demo_runs_the_loop_writes_the_report_and_leaves_no_process(tmp_path):
    result = run_demo(tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = tmp_path / "reports" / "COLLABORATIVE" / "report.md"
    text = report.read_text()
    assert "COLLABORATIVE" in text and "mean_time_per_session" in text
    assert list(report.parent.glob("*.png")), "the A/B screenshot is missing"
    assert "mean_time_per_session" in result.stdout
    assert str(report) in result.stdout
    for day in ("day1-STICKY_ARTIST", "day2-COLLABORATIVE"):
        assert list((tmp_path / "log" / day).glob("events*.jsonl*")), f"no event log for {day}"
    assert processes_mentioning(str(tmp_path)) == []


def test_a_failing_step_stops_everything_and_says_which(tmp_path):
    result = run_demo(tmp_path, "--experiment", "NO_SUCH_EXPERIMENT")
    assert result.returncode != 0
    assert "error" in result.stderr.lower()
    assert processes_mentioning(str(tmp_path)) == []
