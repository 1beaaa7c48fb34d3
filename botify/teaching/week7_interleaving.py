"""Checks of seminar 7's tasks: the team draft by hand, each listener's share of credit won by B, and the sign
test over listeners.

Each check runs the student's function on a small planted case whose answer is
known and compares it with the package (``botify.service.team_draft.draft_session``,
``botify.analysis.interleaving.listener_credits`` and ``preference``), then, when
given the notebook's real steps, with the package on those too. It names the
first step or listener that differs, with a hint when the answer is what a
typical mistake gives.
"""

import numpy as np
import pandas as pd
from scipy import stats

from botify import fields
from botify.analysis.interleaving import CREDIT_A, CREDIT_B, LISTENED, SHARE_B, listener_credits, preference
from botify.fields import BOTH_TEAMS, TEAM_A, TEAM_B
from botify.teaching import attempt, check, passed

# ---------------------------------------------------------------- Task 7.1: the team draft by hand

# Sessions of (proposals of A, proposals of B, coins): coins[k] is the coin of the round where both teams have
# k picks. Session 1 is plain; in session 2 both propose the same track at step 3 (played for both, nobody's
# pick) and the coins are not A, B, A, B; session 3 opens with a shared track and then has two rounds opened
# by B.
PLANTED_SESSIONS = [
    ([11, 12, 13, 14, 15], [21, 22, 23, 24, 25], ["A", "A", "B"]),
    ([31, 32, 33, 34, 35, 36], [41, 42, 33, 44, 45, 46], ["B", "B", "A", "A"]),
    ([51, 52, 53, 54, 55], [51, 62, 63, 64, 65], ["B", "B", "A"]),
]
# Hidden: two shared tracks in a row, a session of one step, a coin string that starts with A, A.
HIDDEN_SESSIONS = [
    ([1, 2, 3, 4, 5, 6, 7], [9, 2, 3, 8, 10, 11, 12], ["A", "A", "B", "A"]),
    ([5], [6], ["B"]),
    ([7, 8, 9, 10], [17, 18, 9, 20], ["A", "B", "A"]),
]


def reference_draft(a_list, b_list, coins):
    """The rule of ``botify.service.team_draft.draft_session``, with the coins given instead of hashed."""
    picks, teams = {TEAM_A: 0, TEAM_B: 0}, []
    for track_a, track_b in zip(a_list, b_list):
        if track_a == track_b:
            teams.append(BOTH_TEAMS)
            continue
        if picks[TEAM_A] != picks[TEAM_B]:
            team = TEAM_A if picks[TEAM_A] < picks[TEAM_B] else TEAM_B
        else:
            team = coins[picks[TEAM_A]]
        picks[team] += 1
        teams.append(team)
    return teams


def check_team_draft(team_draft, hidden=False):
    """Task 7.1: ``team_draft(a_list, b_list, coins)`` gives the team played at every step of one session."""
    task = "Task 7.1"
    for number, (a_list, b_list, coins) in enumerate(HIDDEN_SESSIONS if hidden else PLANTED_SESSIONS, 1):
        got = attempt(task, team_draft, list(a_list), list(b_list), list(coins))
        want = reference_draft(a_list, b_list, coins)
        check(isinstance(got, (list, tuple)) and len(got) == len(want),
              f"{task}: session {number} has {len(want)} steps, so team_draft should return a list of "
              f"{len(want)} teams; it returned {_shown(got)}")
        got = [str(team) for team in got]
        for step, (mine, right) in enumerate(zip(got, want), 1):
            if mine != right:
                raise_draft_mistake(task, number, step, a_list, b_list, coins, got, want)
    passed(task, "the team with fewer picks plays, a coin opens every round, and a track both teams propose "
                 "is played for both (\"AB\") and counts as nobody's pick" + (" (hidden sessions)" if hidden
                                                                              else ""))


def raise_draft_mistake(task, number, step, a_list, b_list, coins, got, want):
    """The first step that differs, said with what the typical mistake was."""
    index = step - 1
    where = (f"{task}: at step {step} of session {number} (A proposes {a_list[index]}, B proposes "
             f"{b_list[index]})")
    if want[index] == BOTH_TEAMS:
        check(False, f"{where} both teams propose the same track, so it is played for both: \"AB\", yours "
                     f"says {got[index]!r}")
    if got[index] == BOTH_TEAMS:
        check(False, f"{where} the proposals differ, so one team plays: {want[index]!r}, yours says \"AB\"")
    picks_a = sum(team == TEAM_A for team in want[:index])
    picks_b = sum(team == TEAM_B for team in want[:index])
    if picks_a != picks_b:
        check(False, f"{where} A has {picks_a} pick(s) and B {picks_b}, so the team with fewer picks, "
                     f"{want[index]}, plays without a coin; yours says {got[index]}")
    strict = [TEAM_A if i % 2 == 0 else TEAM_B for i in range(len(want))]
    hint = ""
    if [team for team in got if team != BOTH_TEAMS] == strict[:len([t for t in got if t != BOTH_TEAMS])]:
        hint = " (yours alternates A, B, A, B: each round's first pick is the coin's, not always A's)"
    elif index < len(coins) and got[index] == coins[index]:
        hint = (f" (coin number {index} is the coin of step {step}; a coin belongs to a round, the number "
                f"of picks each team has, and shared tracks make no round)")
    check(False, f"{where} both teams have {picks_a} pick(s), so round {picks_a}'s coin, "
                 f"coins[{picks_a}] = {coins[picks_a]!r}, decides: {want[index]}; yours says {got[index]}"
                 + hint)


def _shown(value):
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


# ---------------------------------------------------------------- Task 7.2: B's share of each listener

SHARE_COLUMNS = [fields.USER, CREDIT_A, CREDIT_B, SHARE_B]


def planted_steps(hidden=False):
    """A few listeners' steps in ``steps()``'s shape. User 1 prefers B; user 2 has a shared track (AB) heard
    fully and a step whose listening is unknown (NaN, the session still going); user 3 heard nothing of
    anything (no share); user 4 heard only B's tracks; user 5 prefers A over many steps."""
    rows = [(1, 0, "A", 0.2), (1, 0, "B", 0.9), (1, 0, "A", 0.1), (1, 1, "B", 0.6),
            (2, 2, "B", 0.5), (2, 2, "AB", 1.0), (2, 2, "A", 0.3), (2, 2, "B", np.nan),
            (3, 3, "A", 0.0), (3, 3, "B", 0.0),
            (4, 4, "B", 0.7), (4, 4, "AB", 0.4),
            (5, 5, "A", 0.8), (5, 5, "B", 0.1), (5, 6, "A", 0.95), (5, 6, "B", 0.05), (5, 6, "A", 0.6)]
    if hidden:  # only shared tracks; a B step not known yet; a listener with nothing known (no row)
        rows += [(6, 7, "AB", 0.9), (6, 7, "AB", 0.5), (7, 8, "A", 0.4), (7, 8, "B", np.nan),
                 (8, 9, "B", np.nan)]
    frame = pd.DataFrame(rows, columns=[fields.USER, fields.SESSION, fields.TEAM, LISTENED])
    return frame.assign(fallback_a=False, fallback_b=False, first=False)


def check_listener_shares(listener_shares, step_frame=None, hidden=False):
    """Task 7.2: ``listener_shares(steps)`` gives one row per listener: credit_a, credit_b, share_b."""
    task = "Task 7.2"
    _compare_shares(task, listener_shares, planted_steps(hidden), "the planted steps")
    what = "A's and B's listening credit per listener and B's share of it, on the planted steps"
    if step_frame is not None:
        _compare_shares(task, listener_shares, step_frame, "the day's steps")
        what += f" and on all {step_frame[fields.USER].nunique():,} listeners of the day's log"
    passed(task, what)


def _compare_shares(task, listener_shares, step_frame, where):
    got = attempt(task, listener_shares, step_frame.copy())
    check(isinstance(got, pd.DataFrame), f"{task}: listener_shares should return a DataFrame; it returned "
                                         f"{type(got).__name__}")
    missing = [column for column in SHARE_COLUMNS if column not in got.columns]
    check(not missing, f"{task}: the result needs the columns {', '.join(SHARE_COLUMNS)}; "
                       f"{', '.join(missing)} missing")
    want = listener_credits(step_frame, "time").set_index(fields.USER)
    twice = got.loc[got[fields.USER].duplicated(), fields.USER].tolist()
    check(not twice, f"{task}: one row per listener; user {twice[0] if twice else ''} has several in {where}")
    got = got.set_index(fields.USER)
    absent = sorted(set(want.index) - set(got.index))
    check(not absent, f"{task}: user {absent[0] if absent else ''} of {where} has steps with known listening "
                      "but no row in yours")
    extra = sorted(set(got.index) - set(want.index))
    check(not extra, f"{task}: user {extra[0] if extra else ''} is not a listener with a known step "
                     f"in {where}")
    for user in want.index:
        mine, right = got.loc[user], want.loc[user]
        for column, label in ((CREDIT_A, "A's credit"), (CREDIT_B, "B's credit")):
            if not np.isclose(float(mine[column]), right[column], atol=1e-9):
                own_steps = step_frame[step_frame[fields.USER] == user]
                shared = own_steps[own_steps[fields.TEAM] == BOTH_TEAMS]
                hint = ""
                if len(shared) and np.isclose(float(mine[column]), right[column]
                                              + shared[LISTENED].fillna(0).sum(), atol=1e-9):
                    hint = " (a track both teams proposed, team \"AB\", earns nobody credit)"
                check(False, f"{task}: user {user} of {where}: {label} should be {right[column]:.4g} (the "
                             "listening time of the tracks its team played); yours is "
                             f"{float(mine[column]):.4g}" + hint)
        _compare_share(task, user, mine[SHARE_B], right, step_frame, where)


def _compare_share(task, user, mine, right, step_frame, where):
    mine = float(mine) if pd.notna(mine) else np.nan
    if pd.isna(right[SHARE_B]):
        check(np.isnan(mine), f"{task}: user {user} of {where} earned no credit at all, so B's share is "
                              f"undefined (NaN), not {mine:.4g}: that listener says nothing about a "
                              "preference")
        return
    check(not np.isnan(mine), f"{task}: user {user} of {where}: B's share should be {right[SHARE_B]:.4g}; "
                              f"yours is NaN")
    if np.isclose(mine, right[SHARE_B], atol=1e-9):
        return
    own = step_frame[(step_frame[fields.USER] == user) & step_frame[fields.TEAM].isin([TEAM_A, TEAM_B])]
    hint = ""
    if len(own) and np.isclose(mine, (own[fields.TEAM] == TEAM_B).mean(), atol=1e-9):
        hint = " (yours is B's share of the plays; the share is of the credit, B's listening / A's and B's)"
    elif np.isclose(mine, right[CREDIT_B] / max(len(own), 1), atol=1e-9):
        hint = " (yours is B's credit per step; the share is B's credit / (A's + B's))"
    check(False, f"{task}: user {user} of {where}: B's share should be credit_b / (credit_a + credit_b) = "
                 f"{right[SHARE_B]:.4g}; yours is {mine:.4g}" + hint)


# ---------------------------------------------------------------- Task 7.3: the sign test over listeners

def planted_listeners(hidden=False):
    """Listeners' credits: 9 prefer B, 3 prefer A and 3 tie (two with no credit at all)."""
    credits = [(0.2, 1.5), (0.1, 0.9), (0.0, 0.4), (1.0, 1.2), (0.3, 0.31), (0.5, 2.0), (0.0, 0.05),
               (0.6, 0.9), (0.2, 0.3), (1.1, 0.2), (0.9, 0.4), (0.7, 0.6), (0.5, 0.5), (0.0, 0.0), (0.0, 0.0)]
    if hidden:  # a lopsided case: 14 prefer A, 4 B, 1 tie
        credits = [(1.0, 0.2)] * 14 + [(0.1, 0.5)] * 4 + [(0.3, 0.3)]
    frame = pd.DataFrame(credits, columns=[CREDIT_A, CREDIT_B])
    total = frame[CREDIT_A] + frame[CREDIT_B]
    share = (frame[CREDIT_B] / total).where(total > 0)
    return frame.assign(**{fields.USER: np.arange(len(frame)), SHARE_B: share, "steps": 4})


def check_sign_test(sign_test, listeners=None, hidden=False):
    """Task 7.3: ``sign_test(listeners)`` gives (wins of B, wins of A, ties, the two-sided p-value)."""
    task = "Task 7.3"
    _compare_sign(task, sign_test, planted_listeners(hidden), "the planted listeners")
    what = "wins, ties and the two-sided sign test's p on the planted listeners"
    if listeners is not None:
        _compare_sign(task, sign_test, listeners, "the day's listeners")
        what += f" and on the day's {len(listeners):,} listeners (as botify report counts them)"
    passed(task, what)


def _compare_sign(task, sign_test, listeners, where):
    got = attempt(task, sign_test, listeners.copy())
    check(isinstance(got, (tuple, list)) and len(got) == 4,
          f"{task}: sign_test should return four numbers (wins_b, wins_a, ties, p); it returned "
          f"{_shown(got)}")
    wins_b, wins_a, ties, p = got
    right = preference(listeners)
    check(int(wins_b) == right["wins_b"] and int(wins_a) == right["wins_a"],
          f"{task}: in {where} {right['wins_b']} listeners have more credit for B and {right['wins_a']} "
          f"for A; yours counts {wins_b} and {wins_a}")
    check(int(ties) == right["ties"], f"{task}: in {where} {right['ties']} listeners have equal credit "
                                      f"(no credit at all counts too); yours counts {ties} ties")
    decided = right["wins_a"] + right["wins_b"]
    if np.isclose(float(p), right["p"], rtol=1e-6, atol=1e-12):
        return
    one_sided = " (yours is a one-sided p; the test is two-sided: B may be better or worse)"
    hints = [(stats.binomtest(right["wins_b"], decided, 0.5, alternative="greater").pvalue, one_sided),
             (stats.binomtest(right["wins_b"], decided, 0.5, alternative="less").pvalue, one_sided),
             (stats.binomtest(right["wins_b"], len(listeners), 0.5).pvalue,
              " (yours counts the ties as trials; a tie says nothing about which team is preferred, so the "
              "test is over the decided listeners only)")]
    hint = next((text for value, text in hints if np.isclose(float(p), value, rtol=1e-6, atol=1e-12)), "")
    check(False, f"{task}: in {where} the two-sided binomial p of {right['wins_b']} wins for B out of "
                 f"{decided} decided listeners is {right['p']:.4g}; yours is {float(p):.4g}" + hint)
