"""``botify grade`` on every assignment's starter at smoke size: a report with the PNG and a verdict line;
a broken submission is one clear error naming its file, and nothing is left running."""

import pathlib
import subprocess
import sys

import pytest

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


def grade(submission, world, tmp_path, *extra):
    port = _free_port()
    return subprocess.run(
        [BOTIFY, "grade", str(submission), "--world", str(world), "--episodes", "150",
         "--train-episodes", "250", "--smoke", "--work", str(tmp_path / "work"),
         "--report", str(tmp_path / "report"), "--port", str(port),
         *extra], capture_output=True, text=True, timeout=600, cwd=ROOT)


@pytest.mark.parametrize("assignment", ["hw1", "hw2", "hw3"])
def test_the_starter_is_graded_with_a_report_and_a_verdict(assignment, world, tmp_path):
    result = grade(ROOT / "homework" / assignment, world, tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    verdict = result.stdout.strip().splitlines()[-1]
    assert verdict.startswith(f"{assignment.upper()}: ") and " on mean_time_per_session: " in verdict
    assert ("BEATS" in verdict) != ("does NOT beat" in verdict)
    report = tmp_path / "report"
    assert (report / "effects.png").read_bytes()[:4] == b"\x89PNG"
    filled = (report / "REPORT.md").read_text()
    assert verdict in filled and "{{" not in filled and "mean_time_per_session" in filled


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
