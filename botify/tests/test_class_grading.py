"""``botify grade-class`` on a class of four at smoke size, on two hidden seeds: two honest submissions
(hw1's starter and the liked_tracks example), one that does not import and the cheating one. Every one
gets its row; the ranking is reproduced to the digit when a submission is graded again; the page renders
in headless Chromium."""

import argparse
import importlib.util
import json
import pathlib
import shutil
import socket
import subprocess
import sys
import time

import pytest

from botify import leaderboard
from botify.class_grading import grade_one, read_seeds
from botify.errors import UsageError
from botify.grading import Assignment, PreparedDay

ROOT = pathlib.Path(__file__).resolve().parents[2]
BOTIFY = str(pathlib.Path(sys.executable).with_name("botify"))
SEEDS = "# world seed, traffic seed: kept out of the repository in a real class\n11 101\n\n12 102  # two\n"


def _seed_file(tmp_path, text):
    path = tmp_path / "seeds.txt"
    path.write_text(text)
    return path


def test_the_seeds_file_is_read_and_a_bad_line_is_named(tmp_path):
    assert read_seeds(_seed_file(tmp_path, SEEDS)) == [(11, 101), (12, 102)]
    with pytest.raises(UsageError, match=r"seeds.txt:2: expected 'WORLD_SEED TRAFFIC_SEED'.*'11'"):
        read_seeds(_seed_file(tmp_path, "1 2\n11\n"))
    with pytest.raises(UsageError, match="31337 is the public seed"):
        read_seeds(_seed_file(tmp_path, "31337 5\n"))
    with pytest.raises(UsageError, match="lists a seed twice"):
        read_seeds(_seed_file(tmp_path, "1 2\n1 2\n"))


def _graded(effect, low, high):
    return {"status": "graded", "reason": None, "won": low > 0, "effect": effect, "ci": [low, high],
            "p": 0.01, "world_seed": 1, "traffic_seed": 2,
            "oracle_share": {"control": 0.1, "treatment": 0.12}}


def test_overlapping_intervals_share_a_rank_and_void_or_failed_rows_have_none():
    rows = leaderboard.rank({
        "a": [_graded(20, 10, 30)], "b": [_graded(12, 2, 22)], "c": [_graded(-5, -15, 5)],
        "d": [_graded(30, 20, 40), {"status": "void", "reason": "declares Random", "world_seed": 3}],
        "e": [{"status": "failed", "reason": "does not import", "world_seed": 1}]})
    assert [(row["submission"], row["rank"], row["won"]) for row in rows] == [
        ("a", 1, True), ("b", 1, True), ("c", 3, False), ("d", None, False), ("e", None, False)]
    assert rows[3]["reason"] == "declares Random" and rows[4]["status"] == "failed"


def test_the_pooled_effect_weighs_each_seed_by_its_precision():
    pooled = leaderboard.pooled([_graded(10, 0, 20), _graded(40, 20, 60)])
    assert pooled["effect"] == pytest.approx(16.0)  # weights 1/10**2 and 1/20**2 in standard errors
    assert pooled["ci"][1] - pooled["ci"][0] == pytest.approx(2 * 10 * 20 / (10**2 + 20**2) ** 0.5)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """The class graded once (about two minutes); returns (out folder, the command, its output)."""
    base = tmp_path_factory.mktemp("class")
    submissions = base / "submissions"
    shutil.copytree(ROOT / "homework" / "hw1", submissions / "alice",
                    ignore=shutil.ignore_patterns("report"))
    shutil.copytree(ROOT / "homework" / "examples" / "liked_tracks", submissions / "bob")
    shutil.copytree(ROOT / "botify" / "tests" / "cheats", submissions / "mallory")
    (submissions / "carol").mkdir()
    (submissions / "carol" / "recommender.py").write_text("class Broken(:\n    pass\n")
    (submissions / "bob" / "report" / "REPORT.md").write_text(
        "# HW1\n\n## Abstract\nBob's own words: liked tracks first.\n\n## Details\nBob's details.\n\n"
        "## A/B result\nHW1: LikedTracks BEATS Contextual by +99% (made up)\n")
    out = base / "out"
    argv = [BOTIFY, "grade-class", submissions, "--assignment", ROOT / "homework" / "hw1",
            "--seeds", _seed_file(base, SEEDS), "--out", out, "--episodes", "150", "--train-episodes", "250",
            "--tracks", "2000", "--users", "500", "--smoke", "--port", _free_port()]
    argv = list(map(str, argv))
    result = subprocess.run(argv, capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out, argv, result.stdout


@pytest.mark.slow
def test_every_submission_gets_its_row_and_the_cheat_and_the_broken_one_never_stop_the_class(graded_class):
    out, _, output = graded_class
    rows = {row["submission"]: row for row in json.loads((out / leaderboard.JSON).read_text())}
    assert set(list(rows)[:2]) == {"alice", "bob"} and list(rows)[2:] == ["mallory", "carol"]  # graded first
    carol, mallory = rows["carol"], rows["mallory"]
    assert carol["status"] == "failed"
    assert carol["reason"].startswith("recommender.py does not import: line 1: "), carol["reason"]
    assert mallory["status"] == "void" and "declares Random as the control" in mallory["reason"]
    for name in ("alice", "bob"):
        row = rows[name]
        assert row["status"] == "graded" and row["reason"] is None and row["rank"] in (1, 2)
        assert [(seed["world_seed"], seed["traffic_seed"]) for seed in row["seeds"]] == [(11, 101), (12, 102)]
        low, high = row["pooled"]["ci"]
        assert low < row["pooled"]["effect"] < high and row["won"] == (low > 0)
        assert 0 < row["oracle_share"] < 1
    assert rows["mallory"]["rank"] is None and rows["carol"]["rank"] is None
    assert "rank  submission" in output and "wrote " in output


@pytest.mark.slow
def test_the_hidden_seeds_worlds_were_graded_and_the_students_prose_kept_but_not_their_figures(graded_class):
    out, _, _ = graded_class
    for seed in ("11-101", "12-102"):
        day = json.loads((out / "days" / seed / "day.json").read_text())
        assert day["world"]["seed"] == int(seed.split("-")[0]) and day["seed"] == int(seed.split("-")[1])
        report = (out / "results" / "bob" / seed / "REPORT.md").read_text()
        assert "Bob's own words: liked tracks first." in report and "Bob's details." in report
        assert "(made up)" not in report and f"--world-seed {seed.split('-')[0]}" in report
        assert f"--seed {seed.split('-')[1]}" in report


@pytest.mark.slow
def test_a_submission_graded_again_gives_the_same_table_to_the_digit(graded_class):
    out, argv, _ = graded_class
    before = (out / leaderboard.JSON).read_text()
    shutil.rmtree(out / "results" / "alice")  # graded again; everyone else is resumed from their results
    again = subprocess.run(argv, capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "preparing the shared day" not in again.stdout  # the days are shared and kept
    assert (out / leaderboard.JSON).read_text() == before


@pytest.mark.slow
@pytest.mark.browser
def test_the_leaderboard_page_renders_in_chromium_without_errors_or_requests(graded_class, tmp_path):
    chromium = _chromium()
    executable = chromium.find_executable()
    if executable is None:
        pytest.skip("no Chromium on PATH and no $CHROMIUM: `make setup-browser` installs Debian's chromium")
    out, _, _ = graded_class
    with chromium.Chromium(executable) as browser:
        page = browser.open((out / leaderboard.HTML).as_uri())
        try:
            assert page.evaluate("document.querySelectorAll('tbody tr.submission').length") == 4
            assert page.evaluate("document.body.scrollWidth <= window.innerWidth"), "the table is too wide"
            assert "leaderboard" in page.evaluate("document.title")
            assert "11" not in page.evaluate("document.querySelector('thead').innerText")  # seeds by number
            page.screenshot(tmp_path / "leaderboard.png")
            assert page.problems() == []
        finally:
            page.close()


def _chromium():
    spec = importlib.util.spec_from_file_location("slides_chromium", ROOT / "slides" / "chromium.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_a_submission_slower_than_the_time_limit_is_stopped_with_its_reason(graded_class, tmp_path):
    out, _, _ = graded_class
    slow = tmp_path / "slow"
    shutil.copytree(ROOT / "homework" / "hw1", slow, ignore=shutil.ignore_patterns("report"))
    (slow / "train.py").write_text("import time\n\ntime.sleep(600)\n")
    args = argparse.Namespace(timeout=20, port=_free_port())
    assignment = Assignment.read(ROOT / "homework" / "hw1")
    started = time.monotonic()
    result = grade_one(args, assignment, slow, PreparedDay.read(out / "days" / "11-101"), tmp_path / "result")
    assert result["status"] == "failed" and result["reason"] == "took longer than 20 s; stopped"
    assert time.monotonic() - started < 60
    assert json.loads((tmp_path / "result" / "grade.json").read_text()) == result
    assert not _running(slow), "a process of the slow submission is still running"


def _read(path):
    try:
        return path.read_bytes()
    except OSError:
        return b""


@pytest.mark.slow
def test_a_class_stopped_by_sigterm_stops_the_grading_under_way(graded_class, tmp_path):
    out, argv, _ = graded_class
    slow = tmp_path / "submissions" / "slow"
    shutil.copytree(ROOT / "homework" / "hw1", slow, ignore=shutil.ignore_patterns("report"))
    (slow / "train.py").write_text("import time\n\ntime.sleep(600)\n")
    shutil.copytree(out, tmp_path / "out")  # its days, prepared already
    at = argv.index("--out")
    argv = [BOTIFY, "grade-class", str(slow.parent), *argv[3:at], "--out", str(tmp_path / "out"),
            *argv[at + 2:]]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 120
    while not _running(slow) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _running(slow), "the slow submission never started"
    time.sleep(3)  # its train.py is asleep now
    process.terminate()
    process.wait(timeout=60)
    assert not _running(slow), "a process of the slow submission is still running"


def _running(folder):
    """The processes whose command line names ``folder``."""
    return [path for path in pathlib.Path("/proc").glob("[0-9]*/cmdline")
            if str(folder).encode() in _read(path)]
