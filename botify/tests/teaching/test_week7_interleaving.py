"""Seminar 7's checks: the reference solutions pass, each typical mistake fails with its own message, and an
unwritten task says so."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from botify import fields
from botify.analysis.interleaving import CREDIT_A, CREDIT_B, LISTENED, SHARE_B, synthetic_steps
from botify.service.team_draft import draft_session, team_to_play
from botify.teaching import CheckFailed
from botify.teaching.week7_interleaving import (
    PLANTED_SESSIONS,
    check_listener_shares,
    check_sign_test,
    check_team_draft,
    reference_draft,
)


def stub(name):
    def unwritten(*args):
        raise NotImplementedError()
    unwritten.__name__ = name
    return unwritten


# ---------------------------------------------------------------- Task 7.1

def draft(a_list, b_list, coins, shared_is_pick=False, strict=False, coin_by_step=False, shared_to_a=False):
    """The reference draft, or one of the typical mistakes (switched by the flags)."""
    picks, teams = {"A": 0, "B": 0}, []
    for step, (a, b) in enumerate(zip(a_list, b_list)):
        if a == b and not shared_is_pick:
            teams.append("A" if shared_to_a else "AB")
            continue
        if strict:
            team = "A" if step % 2 == 0 else "B"
        elif picks["A"] != picks["B"]:
            team = "A" if picks["A"] < picks["B"] else "B"
        else:
            team = coins[min(step, len(coins) - 1)] if coin_by_step else coins[picks["A"]]
        picks[team] += 1
        teams.append(team)
    return teams


def test_the_reference_draft_passes_and_agrees_with_the_service_rule(capsys):
    check_team_draft(draft)
    check_team_draft(draft, hidden=True)
    assert "✔ Task 7.1 passed" in capsys.readouterr().out
    for seed in range(20):  # the service's rule with its hashed coins is the same rule
        proposals = [(t, t if t % 4 == 0 else t + 100) for t in range(9)]
        coins = [team_to_play(f"s{seed}", k, k) for k in range(9)]
        assert draft_session(f"s{seed}", proposals) == reference_draft(*zip(*proposals), coins)


@pytest.mark.parametrize("mistake, phrase", [
    (dict(shared_to_a=True), "both teams propose the same track, so it is played for both"),
    (dict(strict=True), "yours alternates A, B, A, B"),
    (dict(coin_by_step=True), "a coin belongs to a round"),
])
def test_each_typical_draft_mistake_gets_its_own_message(mistake, phrase):
    with pytest.raises(CheckFailed, match=f"^Task 7.1: at step \\d+ of session \\d+ .*{re.escape(phrase)}"):
        check_team_draft(lambda a, b, coins: draft(a, b, coins, **mistake))


def test_a_shared_track_counted_as_a_pick_is_named():
    with pytest.raises(CheckFailed, match="Task 7.1: .*session 2 .*same track"):
        check_team_draft(lambda a, b, coins: draft(a, b, coins, shared_is_pick=True))


def test_a_draft_of_the_wrong_length_and_an_unwritten_one():
    with pytest.raises(CheckFailed, match="should return a list of 5 teams"):
        check_team_draft(lambda a, b, coins: ["A"])
    with pytest.raises(CheckFailed, match="Task 7.1: team_draft is not written yet"):
        check_team_draft(stub("team_draft"))


def test_the_planted_sessions_hold_every_case():
    teams = [reference_draft(*session) for session in PLANTED_SESSIONS]
    assert any("AB" in session for session in teams)
    assert teams[1][0] == "B" and teams[0][-1] == "B"  # rounds opened by B, not only by A


# ---------------------------------------------------------------- Task 7.2

def shares(steps, shared_to_both=False, share_of_plays=False, empty_is_half=False):
    """The reference shares, or one of the typical mistakes."""
    known = steps[steps[LISTENED].notna()]
    time = known[LISTENED]
    team = known[fields.TEAM]
    frame = pd.DataFrame({fields.USER: known[fields.USER],
                          CREDIT_A: time.where(team.isin(["A", "AB"] if shared_to_both else ["A"]), 0.0),
                          CREDIT_B: time.where(team.isin(["B", "AB"] if shared_to_both else ["B"]), 0.0),
                          "b_play": (team == "B").astype(float), "play": team.isin(["A", "B"]).astype(float)})
    per = frame.groupby(fields.USER).sum().reset_index()
    total = per[CREDIT_A] + per[CREDIT_B]
    if share_of_plays:
        per[SHARE_B] = per["b_play"] / per["play"]
    else:
        per[SHARE_B] = (per[CREDIT_B] / total).where(total > 0, 0.5 if empty_is_half else np.nan)
    return per[[fields.USER, CREDIT_A, CREDIT_B, SHARE_B]]


def test_the_reference_shares_pass_on_the_planted_hidden_and_synthetic_steps(capsys):
    check_listener_shares(shares, synthetic_steps(listeners=50, seed=2))
    check_listener_shares(shares, hidden=True)
    assert "✔ Task 7.2 passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, phrase", [
    (dict(shared_to_both=True), "team \"AB\", earns nobody credit"),
    (dict(share_of_plays=True), "yours is B's share of the plays"),
    (dict(empty_is_half=True), "earned no credit at all, so B's share is undefined"),
])
def test_each_typical_share_mistake_gets_its_own_message(mistake, phrase):
    with pytest.raises(CheckFailed, match=f"^Task 7.2: .*{re.escape(phrase)}"):
        check_listener_shares(lambda steps: shares(steps, **mistake))


def test_a_listener_whose_steps_are_all_unknown_is_not_a_row():
    def with_unknown(steps):
        frame = shares(steps.assign(listened=steps[LISTENED].fillna(0.0)))
        return frame
    with pytest.raises(CheckFailed, match="Task 7.2: user 8 is not a listener with a known step"):
        check_listener_shares(with_unknown, hidden=True)
    with pytest.raises(CheckFailed, match="Task 7.2: listener_shares is not written yet"):
        check_listener_shares(stub("listener_shares"))


# ---------------------------------------------------------------- Task 7.3

def sign(listeners, alternative="two-sided", ties_as_trials=False):
    wins_b = int((listeners[CREDIT_B] > listeners[CREDIT_A]).sum())
    wins_a = int((listeners[CREDIT_A] > listeners[CREDIT_B]).sum())
    ties = len(listeners) - wins_a - wins_b
    trials = len(listeners) if ties_as_trials else wins_a + wins_b
    return wins_b, wins_a, ties, stats.binomtest(wins_b, trials, 0.5, alternative=alternative).pvalue


def test_the_reference_sign_test_passes(capsys):
    listeners = shares(synthetic_steps(listeners=200, preference_b=0.52, seed=4))
    check_sign_test(sign, listeners)
    check_sign_test(sign, hidden=True)
    assert "✔ Task 7.3 passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, phrase", [
    (dict(alternative="greater"), "yours is a one-sided p"),
    (dict(ties_as_trials=True), "yours counts the ties as trials"),
])
def test_each_typical_sign_test_mistake_gets_its_own_message(mistake, phrase):
    with pytest.raises(CheckFailed, match=f"^Task 7.3: .*{re.escape(phrase)}"):
        check_sign_test(lambda listeners: sign(listeners, **mistake))


def test_ties_left_out_of_the_count_are_named_and_a_stub_is_not_written():
    def no_empty_ties(listeners):
        wins_b, wins_a, ties, p = sign(listeners)
        return wins_b, wins_a, ties - 2, p
    with pytest.raises(CheckFailed, match="Task 7.3: .*3 listeners have equal credit"):
        check_sign_test(no_empty_ties)
    with pytest.raises(CheckFailed, match="Task 7.3: sign_test is not written yet"):
        check_sign_test(stub("sign_test"))
