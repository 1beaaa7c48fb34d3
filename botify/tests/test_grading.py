"""``botify grade`` on every assignment's starter at smoke size: a report with the PNG and a verdict line;
a broken submission is one clear error naming its file, and nothing is left running."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from botify import sandbox

pytestmark = pytest.mark.slow

ROOT = pathlib.Path(__file__).resolve().parents[2]
BOTIFY = str(pathlib.Path(sys.executable).with_name("botify"))
SIM = str(pathlib.Path(sys.executable).with_name("sim"))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grading") / "data"
    subprocess.run([SIM, "world", "--out", str(folder), "--tracks", "2000", "--users", "500", "--seed", "7"],
                   check=True, capture_output=True, timeout=300)
    return folder


def grade(submission, world, tmp_path, *extra, port=None, env=None):
    port = port or _free_port()
    return subprocess.run(
        [BOTIFY, "grade", str(submission), "--world", str(world), "--episodes", "150",
         "--train-episodes", "250", "--smoke", "--work", str(tmp_path / "work"),
         "--report", str(tmp_path / "report"), "--port", str(port),
         *extra], capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("assignment", ["hw1", "hw2", "hw3"])
def test_the_starter_is_graded_with_a_report_and_a_verdict(assignment, world, tmp_path):
    result = grade(ROOT / "homework" / assignment, world, tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    *_, verdict, isolation = result.stdout.strip().splitlines()
    assert isolation == sandbox.isolation()
    assert verdict.startswith(f"{assignment.upper()}: ") and " on mean_time_per_session: " in verdict
    assert ("BEATS" in verdict) != ("does NOT beat" in verdict)
    report = tmp_path / "report"
    assert (report / "effects.png").read_bytes()[:4] == b"\x89PNG"
    filled = (report / "REPORT.md").read_text()
    assert verdict in filled and "{{" not in filled and "mean_time_per_session" in filled
    assert f"Isolation: {isolation}." in filled


def test_grading_again_at_once_on_the_same_port_gives_the_same_figures_and_names_the_world(world, tmp_path):
    """The first run's closed keep-alive connections linger in TIME_WAIT on the port: no false "taken".
    A stateless submission graded twice gives the same figures to the digit (latency aside)."""
    port = _free_port()
    first = grade(ROOT / "homework" / "hw1", world, tmp_path / "first", port=port)
    again = grade(ROOT / "homework" / "hw1", world, tmp_path / "again", port=port)
    assert first.returncode == 0 and again.returncode == 0, again.stderr[-2000:]
    assert first.stdout.splitlines()[-2:] == again.stdout.splitlines()[-2:]
    reused = grade(ROOT / "homework" / "hw1", world, tmp_path / "first", port=port)  # after a fix, say
    assert "reusing the day prepared in " in reused.stdout, reused.stdout[-2000:]
    assert "STICKY_ARTIST" not in reused.stdout  # no training day served again
    assert reused.stdout.splitlines()[-2:] == first.stdout.splitlines()[-2:]
    assert _effects(tmp_path / "first") == _effects(tmp_path / "again")
    how_to_run = (tmp_path / "again" / "report" / "REPORT.md").read_text()
    assert f"sim world --out {os.path.relpath(world, ROOT)} --seed 7 --tracks 2000 --users 500" in how_to_run
    assert "--world-seed 7 --episodes 150 --train-episodes 250 --seed 31337" in how_to_run


def test_the_control_arm_is_the_same_whatever_the_treatment(world, tmp_path):
    """Each simulated session has its own random stream: another treatment leaves the control's sessions as
    they were, so submissions are compared with the same control figures."""
    starter = grade(ROOT / "homework" / "hw1", world, tmp_path / "starter")
    example = grade(ROOT / "homework" / "examples" / "liked_tracks", world, tmp_path / "example",
                    "--assignment", str(ROOT / "homework" / "hw1"))
    assert starter.returncode == 0 and example.returncode == 0, example.stderr[-2000:]
    starter_effects, example_effects = _effects(tmp_path / "starter"), _effects(tmp_path / "example")
    assert starter_effects["mean_time_per_session"] != example_effects["mean_time_per_session"]
    assert ({metric: row[0] for metric, row in starter_effects.items()}
            == {metric: row[0] for metric, row in example_effects.items()})


def _effects(folder):
    """{metric: (control, treatment, effect, CI)} from the report's effects table, latency left out."""
    rows = [line.split("|")[1:-1] for line in (folder / "report" / "report.md").read_text().splitlines()
            if line.startswith("| ") and "| T1 |" in line]
    return {cells[0].strip(): tuple(cell.strip() for cell in cells[2:6]) for cells in rows
            if "latency" not in cells[0]}


def test_a_world_of_another_seed_is_refused_before_any_traffic(world, tmp_path):
    result = grade(ROOT / "homework" / "hw1", world, tmp_path, "--world-seed", "8")
    assert result.returncode == 2
    assert f"{world} holds the world of seed 7, not 8" in result.stderr


def test_a_cheating_submission_reaches_neither_the_world_nor_sim_nor_the_baseline(world, tmp_path):
    """``cheats/``: its train.py and its recommender try every route to the hidden world and to sim; in its
    service it also patches Contextual to play track 0, deletes the contextual lists from Redis (its own and,
    if it can reach it, the grader's), posts a made-up listening to the grader's service, and declares Random
    as its control, which voids its grade. (Worlds of other runs may lie around the disk; the graded one
    must not be read.)"""
    if not sandbox.available():
        pytest.skip("bubblewrap cannot make a sandbox here (make setup-sandbox; Linux only)")
    cheats = ROOT / "botify" / "tests" / "cheats"
    result = grade(cheats, world, tmp_path, "--assignment", ROOT / "homework" / "hw1")
    assert result.returncode == 1, result.stderr[-2000:]
    *_, void, figures, isolation = result.stdout.strip().splitlines()
    assert isolation == sandbox.SANDBOXED and "HW1: Peeking " in figures
    assert void == ("VOID: the submission declares Random as the control of HW1; the assignment's baseline "
                    "is Contextual")
    assert json.loads((tmp_path / "report" / "grade.json").read_text())["status"] == "void"

    copy, logs = tmp_path / "work" / "data", tmp_path / "work" / "log"
    graded = {str(world / "world" / "manifest.json"), str(copy / "world" / "manifest.json")}
    for tried in (result.stderr, (logs / "day2-HW1-submission" / "serve.log").read_text()):
        lines = dict(line[len("cheat: "):].split(": ", 1) for line in tried.splitlines()
                     if line.startswith("cheat: "))  # train.py's tries, then the service's
        routes = ["data folder", "other processes", "disk search", "import sim"]
        assert list(lines)[:4] == routes, tried[-3000:]
        read = {path for outcome in lines.values() if outcome.startswith("READ ")
                for path in outcome.split()[1:]}
        assert read & graded == set() and lines["import sim"].startswith("refused"), lines
    served = (logs / "day2-HW1-submission" / "serve.log").read_text()
    assert "cheat: grader service: refused (64512 tried)" in served, served[-3000:]  # every port, no answer
    assert "cheat: grader redis: refused (" in served, served[-3000:]
    unsandboxed = subprocess.run([sys.executable, cheats / "train.py", "--logs", tmp_path, "--data", copy],
                                 capture_output=True, text=True, timeout=120)
    assert "cheat: data folder: READ" in unsandboxed.stderr  # the same tries do find it outside the sandbox
    assert "cheat: import sim: READ" in unsandboxed.stderr

    day = logs / "day2-HW1"  # the A/B day's own service, which serves the control and logs both arms
    described = json.loads((day / "experiments.json").read_text())["experiments"]["HW1"]["treatments"]
    assert described == {"C": "Contextual", "T1": "Peeking"}  # not the declared Random
    events = [json.loads(line) for path in day.glob("events*.jsonl")
              for line in path.read_text().splitlines()]
    arms = {arm: [e for e in events if e["message"] == "next" and e["experiments"]["HW1"] == arm]
            for arm in ("C", "T1")}
    assert len(arms["C"]) > 100 and not any(e["fallback"] for e in arms["C"])  # its lists are all there
    assert sum(e["recommendation"] == 0 for e in arms["C"]) < len(arms["C"]) / 10  # not the patched track 0
    assert arms["T1"] and not any(e["fallback"] for e in arms["T1"])  # the submission's service answered


def test_a_submission_that_changes_the_control_arm_is_void(world, tmp_path):
    """The reference run (the baseline alone, same seed) is the control arm's yardstick. ``saboteur/``
    posts made-up listenings to the grader's service; the sandbox's missing network stops it, so it is
    turned off here to show the second wall: the control's mean leaves the reference's interval."""
    saboteur = ROOT / "botify" / "tests" / "saboteur"
    result = grade(saboteur, world, tmp_path, "--assignment", ROOT / "homework" / "hw1",
                   env={sandbox.SWITCH: "off"})
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    *_, void, figures, isolation = result.stdout.strip().splitlines()
    assert isolation == sandbox.TURNED_OFF and "HW1: Saboteur " in figures
    assert void.startswith("VOID: the control arm's mean "), void
    assert "is outside the reference run's 95% interval" in void
    posted = (tmp_path / "work" / "log" / "day2-HW1-submission" / "serve.log").read_text()
    assert "saboteur: 1000 made-up listenings posted to http://127.0.0.1:" in posted
    grade_file = json.loads((tmp_path / "report" / "grade.json").read_text())
    assert grade_file["status"] == "void" and grade_file["won"] is False
    low, high = grade_file["reference"]["ci"]
    assert not low <= grade_file["control"]["mean"] <= high


def grade_altered_starter(tmp_path, old, new):
    """``botify grade`` on a copy of hw1's starter with ``old`` replaced by ``new``;
    returns (folder, result)."""
    folder = tmp_path / "altered"
    folder.mkdir()
    source = (ROOT / "homework" / "hw1" / "recommender.py").read_text()
    (folder / "recommender.py").write_text(source.replace(old, new))
    result = subprocess.run([BOTIFY, "grade", str(folder), "--assignment", str(ROOT / "homework" / "hw1")],
                            capture_output=True, text=True, timeout=60)
    return folder, result


def test_a_submission_that_does_not_import_names_its_file_and_line(tmp_path):
    broken, result = grade_altered_starter(tmp_path, "LIKED = 0.8", "LIKED = 0.8 +")
    assert result.returncode == 2
    assert f"{broken / 'recommender.py'} does not import: line " in result.stderr
    assert "SyntaxError" in result.stderr


def test_a_missing_recommender_is_one_line(tmp_path):
    result = subprocess.run([BOTIFY, "grade", str(tmp_path), "--assignment", str(ROOT / "homework" / "hw1")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "recommender.py is missing" in result.stderr


def _free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_submission_of_another_experiment_is_refused_before_any_traffic(tmp_path):
    _, result = grade_altered_starter(tmp_path, 'Experiment("HW1"', 'Experiment("MINE"')
    assert result.returncode == 2 and "registers MINE, not the assignment's HW1" in result.stderr
