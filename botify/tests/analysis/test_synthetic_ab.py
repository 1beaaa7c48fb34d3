"""The synthetic A/B data: the planted effect is there, the split is as asked, the log is the service's."""

import json

import pytest

from botify.analysis.synthetic_ab import simulate_sessions, write_event_log
from botify.analysis.user_level import user_metrics


def test_the_planted_effect_and_the_split_show_in_a_large_sample():
    sessions = simulate_sessions(40_000, "EXP", effect=0.2, split={"C": 3, "T1": 1}, seed=2)
    metrics = user_metrics(sessions, "EXP")
    means = metrics.groupby("treatment")["mean_tracks_per_session"].mean()
    assert means["T1"] / means["C"] == pytest.approx(1.2, abs=0.03)
    assert (metrics["treatment"] == "C").mean() == pytest.approx(0.75, abs=0.01)


def test_same_seed_same_sessions():
    assert simulate_sessions(100, seed=4).equals(simulate_sessions(100, seed=4))
    assert not simulate_sessions(100, seed=4).equals(simulate_sessions(100, seed=5))


def test_the_log_uses_the_contract_format_and_rotates(tmp_path):
    sessions = simulate_sessions(20, "EXP", seed=1)
    count = write_event_log(tmp_path, sessions, "EXP", files=2, lines_per_file=10,
                            other_experiments=("AA", "B"))
    names = sorted(path.name for path in tmp_path.iterdir())
    assert "events-1000.jsonl" in names and "events-1000.jsonl.1" in names
    lines = [json.loads(line) for path in tmp_path.iterdir() for line in path.read_text().splitlines()]
    assert len(lines) == count == sessions["tracks"].sum()
    last = next(line for line in lines if line["message"] == "last")
    assert set(last) == {"message", "timestamp", "user", "track", "time", "latency", "experiments"}
    assert set(last["experiments"]) == {"EXP", "AA", "B"} and last["experiments"]["EXP"] in ("C", "T1")


def test_the_large_logs_bar_ends_full_at_the_true_count(tmp_path, capsys):
    from botify.analysis.synthetic_ab import write_large_log

    written = write_large_log(tmp_path, 3000, "EXP", events_per_file=1000)
    shown = capsys.readouterr().err.split("\r")[-1]
    assert written > 3000  # the last block overshoots what was asked
    assert "100%" in shown and "/?" not in shown and f"{written / 1000:.2f}k/{written / 1000:.2f}k" in shown
