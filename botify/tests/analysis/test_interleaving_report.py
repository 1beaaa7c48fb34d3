"""``botify report`` on a real interleaved service's log: listeners who like B's artist make B the winner."""

import json

import pytest
import requests

from botify.analysis.log_reader import load_events
from botify.cli import main

EXPERIMENT = "INTERLEAVED_STICKY_ARTIST"  # A = Random, B = StickyArtist
ARTISTS = 10  # the test catalog: track t is by artist t % 10


@pytest.fixture(scope="module")
def served_log(start_botify_shared):
    """60 listeners, 2 sessions of 8 tracks each, who hear a track by the artist just heard (StickyArtist's
    pick, nearly always) to the end and anything else for a tenth."""
    service = start_botify_shared(experiment=EXPERIMENT)
    with requests.Session() as http:
        for user in range(60):
            for session in range(2):
                track, heard = (user + session) % 30, 1.0
                for _ in range(8):
                    answer = http.post(f"{service.url}/next/{user}", json={"track": track, "time": heard},
                                       timeout=10).json()["track"]
                    heard = 1.0 if answer % ARTISTS == track % ARTISTS else 0.1
                    track = answer
                http.post(f"{service.url}/last/{user}", json={"track": track, "time": heard}, timeout=10)
    service.stop()
    return service.log_dir


def test_the_report_names_the_preferred_recommender_and_writes_report_json(served_log, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["report", "--logs", str(served_log), "--experiment", EXPERIMENT, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "A = Random, B = StickyArtist" in printed and "StickyArtist" in printed.splitlines()[2]
    assert {path.name for path in out.iterdir()} == {"report.md", "report.json", "preference.png"}
    report = json.loads((out / "report.json").read_text())
    assert report["kind"] == "interleaving" and report["experiment"] == EXPERIMENT
    assert {team: arm["recommender"] for team, arm in report["arms"].items()} == {"A": "Random",
                                                                                  "B": "StickyArtist"}
    found = report["preference"]
    assert found["winner"] == "StickyArtist" and found["share"] > 0.8 and found["p"] < 1e-6
    assert found["listeners"] == 60 and found["ties"] >= 0 and found["credit"] == "time"
    assert report["arms"]["A"]["plays"] + report["arms"]["B"]["plays"] <= report["trust"]["steps"] == 960
    assert report["metrics"]["preference_time"]["B"]["verdict"] == "better"
    assert "StickyArtist is preferred" in (out / "report.md").read_text()


def test_another_credit_function_is_an_option(served_log, tmp_path, capsys):
    out = tmp_path / "liked"
    assert main(["report", "--logs", str(served_log), "--experiment", EXPERIMENT, "--out", str(out),
                 "--credit", "liked"]) == 0
    assert json.loads((out / "report.json").read_text())["preference"]["credit"] == "liked"
    assert capsys.readouterr().out.splitlines()[2].startswith("liked")


def test_options_of_ab_tests_are_one_line_errors(served_log, tmp_path, capsys):
    assert main(["report", "--logs", str(served_log), "--experiment", EXPERIMENT, "--aa",
                 "--out", str(tmp_path)]) == 2
    assert "is interleaved" in capsys.readouterr().err


def test_an_interleaved_log_reads_on_the_fast_path(served_log, monkeypatch):
    def refuse(path, data):
        raise AssertionError(f"{path} took the slow json path")

    monkeypatch.setattr("botify.analysis.log_reader._read_with_json", refuse)
    events = load_events(served_log)
    assert len(events) == 60 * 2 * 9 and set(events[EXPERIMENT].astype(str)) == {"AB"}
