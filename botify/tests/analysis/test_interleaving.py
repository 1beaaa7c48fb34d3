"""Interleaving analysis: listening time paired with the played track, credits, a planted preference found."""

import json

import numpy as np
import pandas as pd
import pytest

from botify.analysis.interleaving import (
    CREDITS,
    analyse_interleaving,
    is_interleaved,
    listener_credits,
    preference,
    steps,
    synthetic_steps,
)
from botify.errors import AnalysisError

EXPERIMENT = "PAIR"
ARMS = {"A": "Random", "B": "StickyArtist"}


def write_interleaved_log(folder, sessions, described=True):
    """An interleaved experiment's log in the service's format; ``sessions`` are (user, [(team, listened)])
    with the listening time of each played track; every session starts on track 0 heard in full."""
    lines, clock = [], 1_800_000_000_000
    for user, plays in sessions:
        track, heard = 0, 1.0
        for step, (team, listened) in enumerate(plays):
            clock += 10
            played = 100 * user + step + 1
            other = played + 50
            candidates = {"A": (played, other), "B": (other, played), "AB": (played, played)}[team]
            lines.append({"message": "next", "timestamp": clock, "user": user, "track": track, "time": heard,
                          "latency": 0.001, "experiments": {EXPERIMENT: "AB"}, "recommendation": played,
                          "fallback": False, "candidate_a": candidates[0], "candidate_b": candidates[1],
                          "fallback_a": False, "fallback_b": team == "B" and step == 0, "team": team})
            track, heard = played, listened
        clock += 10
        lines.append({"message": "last", "timestamp": clock, "user": user, "track": track, "time": heard,
                      "latency": 0.001, "experiments": {EXPERIMENT: "AB"}})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "events-1.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    if described:
        description = {"active": EXPERIMENT, "experiments": {EXPERIMENT: {
            "name": EXPERIMENT, "kind": "interleaving", "treatments": ARMS}}}
        (folder / "experiments.json").write_text(json.dumps(description))
    return folder


def planted_sessions(listeners, prefer_b, seed=0, steps_per_session=6):
    """Listeners who hear B's tracks ``prefer_b`` of the way on average and A's ``1 - prefer_b``."""
    rng = np.random.default_rng(seed)
    sessions = []
    for user in range(listeners):
        teams = [team for _ in range(steps_per_session // 2) for team in rng.permutation(["A", "B"])]
        sessions.append((user, [(team, float(np.clip(rng.normal(prefer_b if team == "B" else 1 - prefer_b,
                                                                  0.2), 0, 1)))
                                for team in teams]))
    return sessions


def test_each_played_track_is_credited_the_time_of_the_next_call(tmp_path):
    logs = write_interleaved_log(tmp_path / "log", [(1, [("A", 0.3), ("B", 0.9), ("AB", 0.5), ("A", 0.1)]),
                                                    (2, [("B", 0.7)])])
    analysis = analyse_interleaving(logs, EXPERIMENT)
    frame = analysis.steps
    assert list(frame["team"]) == ["A", "B", "AB", "A", "B"]
    assert list(frame["listened"]) == pytest.approx([0.3, 0.9, 0.5, 0.1, 0.7])
    listeners = analysis.listeners.set_index("user")
    assert listeners.loc[1, "credit_a"] == pytest.approx(0.4) and listeners.loc[1, "credit_b"] == 0.9
    assert listeners.loc[1, "share_b"] == pytest.approx(0.9 / 1.3)
    assert analysis.teams["same_track"] == pytest.approx(1 / 5)
    assert analysis.teams["plays"] == {"A": 2, "B": 2}
    assert analysis.teams["fallback"] == {"A": 0.0, "B": pytest.approx(1 / 5)}  # user 2 step 0


def test_a_step_whose_track_was_not_reported_back_earns_nothing():
    events = pd.DataFrame({"message": ["next", "next", "next"], "timestamp": [1, 2, 3], "user": [5, 5, 5],
                           "track": [0, 99, 7], "time": [1.0, 0.8, 0.4], "recommendation": [7, 8, 9],
                           "team": ["A", "B", "A"], "fallback_a": False, "fallback_b": False})
    frame = steps(events)
    assert np.isnan(frame["listened"][0])  # the next call reports track 99, not the played 7
    assert np.isnan(frame["listened"][1])  # the next call reports track 7, not the played 8
    assert np.isnan(frame["listened"][2])  # the session is still going: nothing reported yet


@pytest.mark.parametrize("credit, expected_b", [("time", 0.9 + 0.2), ("liked", 1.0), ("first", 0.9)])
def test_credit_functions(tmp_path, credit, expected_b):
    logs = write_interleaved_log(tmp_path / "log", [(1, [("AB", 1.0), ("B", 0.9), ("A", 0.85), ("B", 0.2)])])
    listeners = analyse_interleaving(logs, EXPERIMENT, credit=credit).listeners
    assert listeners["credit_b"][0] == pytest.approx(expected_b)
    assert listeners["credit_a"][0] == pytest.approx({"time": 0.85, "liked": 1.0, "first": 0.0}[credit])


def test_a_planted_preference_for_b_is_found_with_its_share(tmp_path):
    logs = write_interleaved_log(tmp_path / "log", planted_sessions(300, prefer_b=0.6, seed=1))
    found = analyse_interleaving(logs, EXPERIMENT).preference
    assert found["winner"] == "StickyArtist" and found["p"] < 1e-6
    assert found["ci"][0] < found["share"] < found["ci"][1]
    assert found["ci"][0] < 0.6 < found["ci"][1] + 0.02  # B's mean share of listening is about 0.6
    assert found["wins_b"] + found["wins_a"] + found["ties"] == found["listeners"] == 300


def test_a_preference_for_a_names_a(tmp_path):
    logs = write_interleaved_log(tmp_path / "log", planted_sessions(300, prefer_b=0.4, seed=2))
    found = analyse_interleaving(logs, EXPERIMENT).preference
    assert found["winner"] == "Random" and found["share"] < 0.5


def test_no_preference_names_no_winner_most_of_the_time():
    """An A/A interleaving: the sign test's false positives stay near alpha over 200 experiments."""
    winners = sum(preference(listener_credits(synthetic_steps(200, 10, preference_b=0.5, seed=seed)),
                             alpha=0.05)["winner"] is not None for seed in range(200))
    assert winners <= 20  # binomial(200, 0.05): 99.9% of draws give at most 20


def test_ties_are_listeners_without_a_winner():
    listeners = pd.DataFrame({"user": [1, 2, 3, 4], "credit_a": [0.0, 0.5, 1.0, 0.0],
                              "credit_b": [0.0, 0.5, 2.0, 1.0], "share_b": [np.nan, 0.5, 2 / 3, 1.0]})
    found = preference(listeners, arms=ARMS)
    assert (found["ties"], found["wins_b"], found["wins_a"]) == (2, 2, 0)
    assert found["share"] == pytest.approx((0.5 + 2 / 3 + 1.0) / 3)
    assert found["winner"] is None  # two listeners are too few for the sign test


def test_the_kind_comes_from_the_description_and_an_unknown_credit_is_one_error(tmp_path):
    logs = write_interleaved_log(tmp_path / "log", [(1, [("A", 0.3)])])
    plain = write_interleaved_log(tmp_path / "plain", [(1, [("A", 0.3)])], described=False)
    assert is_interleaved(logs, EXPERIMENT) and not is_interleaved(plain, EXPERIMENT)
    with pytest.raises(AnalysisError, match="unknown credit 'clicks'; choose one of time, liked, first"):
        analyse_interleaving(logs, EXPERIMENT, credit="clicks")
    assert set(CREDITS) == {"time", "liked", "first"}
