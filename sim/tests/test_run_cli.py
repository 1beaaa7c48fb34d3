"""`sim run` end to end: the table, the CSV, one-line errors for every bad input, clean stops on signals."""

import csv as csv_module
import json
import os
import pathlib
import re
import signal
import subprocess
import sys

import pytest

from sim.cli import main


def run_cli(*argv):
    return main(["run", *map(str, argv)])


def test_prints_a_table_per_day_and_writes_the_csv(world_dir, tmp_path, capsys):
    csv = tmp_path / "episodes.csv"
    code = run_cli("--world", world_dir, "--episodes", 30, "--days", 2, "--agent", "random", "--quiet",
                   "--csv", csv)
    out = capsys.readouterr().out
    assert code == 0
    assert "session time" in out and "\n  0        30 " in out and "\n  1        30 " in out
    assert len(csv.read_text().splitlines()) == 61


def test_remote_agent_runs_against_a_service(world_dir, botify_stub, capsys):
    assert run_cli("--world", world_dir, "--episodes", 5, "--url", botify_stub.url, "--quiet") == 0
    assert botify_stub.calls[-1][0] == "last"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--world", "{missing}"], "manifest.json is missing; generate a world first"),
        (["--world", "{corrupt}"], "embeddings.npy is not a readable .npy"),
        (["--world", "{world}", "--agent", "shuffle"], "unknown agent 'shuffle'"),
        (["--world", "{world}", "--config", "{config}"], "max_tracks must be int, got 'lots'"),
        (
            ["--world", "{world}", "--agent", "remote", "--url", "http://127.0.0.1:9"],
            "botify is not reachable",
        ),
        (["--world", "{world}", "--episodes", "0"], "at least 1"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(world_dir, tmp_path, capsys, argv, message):
    corrupt = tmp_path / "corrupt"
    for name in ["catalog/tracks.jsonl", "world/users.jsonl", "world/manifest.json", "world/embeddings.npy"]:
        (corrupt / name).parent.mkdir(parents=True, exist_ok=True)
        (corrupt / name).write_bytes((world_dir / name).read_bytes())
    (corrupt / "world/embeddings.npy").write_bytes(b"\x93NUMPY broken")
    config = tmp_path / "listener.json"
    config.write_text(json.dumps({"max_tracks": "lots"}))
    paths = {"missing": tmp_path / "nowhere", "corrupt": corrupt, "world": world_dir, "config": config}
    code = run_cli(*[arg.format(**paths) for arg in argv], "--quiet")
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("sim run: error: ") and message in err and err.count("\n") == 1


def test_the_installed_command_shows_no_traceback(tmp_path):
    sim = pathlib.Path(sys.executable).parent / "sim"
    result = subprocess.run([str(sim), "run", "--world", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_interactive_asks_before_each_next_day(world_dir, capsys, monkeypatch):
    questions = []
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or "q")
    assert run_cli("--world", world_dir, "--episodes", 5, "--days", 3, "--agent", "random", "--quiet",
                   "--interactive") == 0
    assert questions == ["start day 1? [Enter = yes, q = stop] "]
    assert "\n  1 " not in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.parametrize(
    "processes, signum, to_group, code",
    [
        (2, signal.SIGTERM, False, 143),  # `kill <pid>` of sim run alone
        (2, signal.SIGINT, True, 130),  # Ctrl-C in a terminal: the whole process group
        (2, signal.SIGTERM, True, 143),  # a service manager stopping the whole group
        (1, signal.SIGTERM, False, 143),
        (1, signal.SIGINT, True, 130),
    ],
)
def test_a_signal_stops_the_run_keeps_the_finished_sessions_and_marks_the_day_partial(
        world_dir, tmp_path, sim_run, processes, signum, to_group, code):
    csv = tmp_path / "episodes.csv"
    run = sim_run("--world", world_dir, "--episodes", 2_000_000, "--processes", processes,
                  "--agent", "random", "--csv", csv)
    run.wait_for_sessions(1000)
    assert len(run.workers()) == (processes if processes > 1 else 0)
    (os.killpg if to_group else os.kill)(run.pid, signum)
    exit_code, out, err = run.finish()
    name = signal.Signals(signum).name
    row = re.search(rf"\n  0 +(\d+) .*\(partial: interrupted by {name} after \d+ of 2000000 sessions\)", out)
    assert row, out
    kept = int(row.group(1))
    assert exit_code == code and run.leftovers() == []
    assert f"sim run: interrupted by {name}; kept the {kept} finished sessions of day 0" in err
    assert "Traceback" not in err
    with open(csv, newline="") as f:
        rows = list(csv_module.DictReader(f))
    assert len(rows) == kept >= 1000 and {row["partial"] for row in rows} == {"True"}
