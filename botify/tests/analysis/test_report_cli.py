"""``botify report``: the table on stdout, files in --out, one-line errors with exit code 2."""

import pathlib
import subprocess
import sys

import pytest

from botify.analysis.synthetic_ab import simulate_sessions, write_event_log
from botify.cli import main

BOTIFY = str(pathlib.Path(sys.executable).with_name("botify"))


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("log")
    write_event_log(folder, simulate_sessions(300, "EXP", effect=0.3, seed=2), "EXP", files=2)
    return folder


def test_report_prints_the_table_and_writes_the_files(log_dir, tmp_path, capsys):
    assert main(["report", "--logs", str(log_dir), "--experiment", "EXP", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "mean_time_per_session" in out and "95% CI" in out and "sample ratio" in out
    assert {path.name for path in (tmp_path / "r").iterdir()} == {"report.md", "report.json", "effects.png",
                                                                 "sessions.png"}


@pytest.mark.parametrize("arguments, message", [
    (["--logs", "{missing}", "--experiment", "EXP"], "is not a directory of event logs"),
    (["--logs", "{empty}", "--experiment", "EXP"], "no event files"),
    (["--logs", "{log}", "--experiment", "NOPE"], "'NOPE' is not in the logs (found: EXP)"),
    (["--logs", "{log}", "--experiment", "EXP", "--control", "T9"], "no control arm 'T9'"),
    (["--logs", "{log}", "--experiment", "EXP", "--alpha", "1.5"], "--alpha must be between 0 and 1"),
    (["--logs", "{log}", "--experiment", "EXP", "--split", "C50"], "--split must look like"),
])
def test_bad_input_is_one_line_and_exit_2(log_dir, tmp_path, capsys, arguments, message):
    (tmp_path / "empty").mkdir()
    places = {"missing": tmp_path / "missing", "empty": tmp_path / "empty", "log": log_dir}
    arguments = [argument.format(**places) for argument in arguments]
    assert main(["report", *arguments, "--out", str(tmp_path / "r")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("botify report: error: ") and message in error
    assert error.count("\n") == 1


def test_the_installed_command_answers_help_fast():
    result = subprocess.run([BOTIFY, "report", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--experiment" in result.stdout and "--pre-logs" in result.stdout


def test_a_truncated_line_is_reported_in_plain_words(log_dir, tmp_path, capsys):
    for path in log_dir.iterdir():
        (tmp_path / "log").mkdir(exist_ok=True)
        (tmp_path / "log" / path.name).write_bytes(path.read_bytes())
    with open(next((tmp_path / "log").iterdir()), "a") as log:
        log.write('{"message":"next","timest')
    assert main(["report", "--logs", str(tmp_path / "log"), "--experiment", "EXP",
                 "--out", str(tmp_path / "r")]) == 0
    captured = capsys.readouterr()
    assert "truncated log lines skipped: 1" in captured.out and "Warning" not in captured.err
