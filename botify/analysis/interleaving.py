"""Interleaved experiments: which of two recommenders each listener preferred (seminar 7).

In an interleaved experiment every listener hears both recommenders, team A and
team B, picked by a team draft (``botify.service.team_draft``). A played track
earns its team *credit*: by default the share of it the listener heard (the
``time`` of the listener's next call). Per listener, B's preference is B's share
of their credit; listeners, not steps, are the unit, as in the A/B analysis.

Credit functions (``CREDITS``):
    time    every played track earns its listening time (the default)
    liked   every played track heard more than 0.8 earns 1 (a "liked" track, as in training)
    first   only the first team-credited track of each session earns, its listening time
            (the listener's first impression of each team, one per session)

``preference`` gives the mean of B's per-listener share with a t-interval, a
two-sided sign test over the listeners with a winner (B's credit above A's, or
below), the ties (equal credit, none included), and the winner's name when the
sign test finds one. ``synthetic_steps`` plants a known preference (tests, the
benchmark).
"""

import dataclasses
import json

import numpy as np
import pandas as pd
from scipy import stats

from botify.analysis.log_description import active_experiment, arm_labels, partial_day, read_description
from botify.analysis.log_reader import event_files
from botify.errors import AnalysisError, EventLogError
from botify.fields import (
    BOTH_TEAMS,
    EXPERIMENTS,
    FALLBACK_A,
    FALLBACK_B,
    LAST,
    MESSAGE,
    NEXT,
    RECOMMENDATION,
    SESSION,
    TEAM,
    TEAM_A,
    TEAM_B,
    TIME,
    TIMESTAMP,
    TRACK,
    USER,
)

KIND = "interleaving"
CREDITS = ("time", "liked", "first")
LIKED = 0.8  # a track heard for more than this share is liked (training's positives)
LISTENED = "listened"  # a step's listening time: the `time` of the listener's next call
FIRST = "first"  # the step is its session's first team-credited one
CREDIT_A, CREDIT_B, SHARE_B = "credit_a", "credit_b", "share_b"


def is_interleaved(log_dir, experiment):
    """Whether the log's description says ``experiment`` was an interleaved experiment."""
    described = ((read_description(log_dir) or {}).get("experiments") or {}).get(experiment) or {}
    return described.get("kind") == KIND


def load_interleaved_events(log_dir, experiment):
    """The events of ``experiment``'s listeners with the team-draft fields, in time order.

    Read with ``json`` line by line (the fast reader keeps only the A/B fields); a
    cut last line of a file is skipped and counted in ``attrs["truncated_lines"]``.
    """
    rows, truncated = [], 0
    for path in event_files(log_dir):
        lines = path.read_bytes().splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except ValueError:
                if number == len(lines):
                    truncated += 1
                    continue
                raise EventLogError(f"{path}: line {number} is not JSON") from None
            if experiment in event.get(EXPERIMENTS, {}):
                rows.append((event[MESSAGE], event[TIMESTAMP], event[USER], event[TRACK], event[TIME],
                             event.get(RECOMMENDATION), event.get(TEAM), event.get(FALLBACK_A),
                             event.get(FALLBACK_B)))
    if not rows:
        raise EventLogError(f"experiment {experiment!r} is not in the logs of {log_dir}")
    columns = [MESSAGE, TIMESTAMP, USER, TRACK, TIME, RECOMMENDATION, TEAM, FALLBACK_A, FALLBACK_B]
    events = pd.DataFrame(rows, columns=columns)
    events = events.iloc[np.argsort(events[TIMESTAMP].to_numpy(), kind="stable")].reset_index(drop=True)
    events.attrs["truncated_lines"] = truncated
    return events


def steps(events):
    """One row per interleaved ``next``: user, session, team, fallback_a/b, listened, first.

    ``listened`` is the ``time`` of the same listener's following call in the same
    session when it reports the track played (NaN otherwise: the session was still
    going when the log was read, or lines are missing); ``first`` marks each
    session's first step credited to a team.
    """
    order = np.lexsort((events[TIMESTAMP].to_numpy(), events[USER].to_numpy()))
    frame = events.iloc[order].reset_index(drop=True)
    users = frame[USER].to_numpy()
    is_last = (frame[MESSAGE] == LAST).to_numpy()
    new_session = np.ones(len(frame), dtype=bool)
    new_session[1:] = (users[1:] != users[:-1]) | is_last[:-1]
    frame[SESSION] = np.cumsum(new_session) - 1
    following = frame.shift(-1)
    continues = (following[SESSION] == frame[SESSION]) & (following[TRACK] == frame[RECOMMENDATION])
    frame[LISTENED] = following[TIME].where(continues)
    picked = frame[(frame[MESSAGE] == NEXT) & frame[TEAM].notna()].copy()
    credited = picked[TEAM].isin([TEAM_A, TEAM_B])
    first_rows = picked[credited].groupby(SESSION).head(1).index
    picked[FIRST] = picked.index.isin(first_rows)
    return picked[[USER, SESSION, TEAM, FALLBACK_A, FALLBACK_B, LISTENED, FIRST]].reset_index(drop=True)


def credit_values(step_frame, credit="time"):
    """Each step's credit under one of ``CREDITS`` (0 for steps nobody is credited for)."""
    if credit not in CREDITS:
        raise AnalysisError(f"unknown credit {credit!r}; choose one of {', '.join(CREDITS)}")
    listened = step_frame[LISTENED].fillna(0.0).astype(float)
    if credit == "liked":
        return (listened > LIKED).astype(float)
    if credit == "first":
        return listened.where(step_frame[FIRST], 0.0)
    return listened


def listener_credits(step_frame, credit="time"):
    """One row per listener: credit_a, credit_b, share_b (NaN when neither earned any), steps."""
    known = step_frame[step_frame[LISTENED].notna()]
    value = credit_values(known, credit)
    frame = pd.DataFrame({USER: known[USER].to_numpy(),
                          CREDIT_A: np.where(known[TEAM] == TEAM_A, value, 0.0),
                          CREDIT_B: np.where(known[TEAM] == TEAM_B, value, 0.0)})
    sums = {CREDIT_A: (CREDIT_A, "sum"), CREDIT_B: (CREDIT_B, "sum"), "steps": (CREDIT_A, "size")}
    listeners = frame.groupby(USER, sort=True).agg(**sums).reset_index()
    total = listeners[CREDIT_A] + listeners[CREDIT_B]
    listeners[SHARE_B] = (listeners[CREDIT_B] / total).where(total > 0)
    return listeners


def preference(listeners, alpha=0.05, arms=None):
    """B's preference over the listeners: share (mean of share_b), its t-interval, the sign test's p, ties,
    wins of each team and the winner (the recommender's name from ``arms``, or null without a significant
    sign test)."""
    arms = arms or {TEAM_A: TEAM_A, TEAM_B: TEAM_B}
    wins_b = int((listeners[CREDIT_B] > listeners[CREDIT_A]).sum())
    wins_a = int((listeners[CREDIT_A] > listeners[CREDIT_B]).sum())
    decided = wins_a + wins_b
    p = float(stats.binomtest(wins_b, decided, 0.5).pvalue) if decided else 1.0
    shares = listeners[SHARE_B].dropna().to_numpy(dtype=float)
    share = float(shares.mean()) if len(shares) else None
    ci = [None, None]
    if len(shares) > 1:
        half = float(stats.t.ppf(1 - alpha / 2, len(shares) - 1) * shares.std(ddof=1) / np.sqrt(len(shares)))
        ci = [share - half, share + half]
    winner = None
    if p < alpha and decided:
        winner = arms.get(TEAM_B) if wins_b > wins_a else arms.get(TEAM_A)
    return {"share": share, "ci": ci, "p": p, "ties": len(listeners) - decided, "winner": winner,
            "wins_a": wins_a, "wins_b": wins_b, "listeners": int(len(listeners)), "alpha": alpha}


def team_shares(step_frame):
    """How the draft went: plays per team, the share of steps both teams proposed the played track, and each
    team's share of random fallbacks among its proposals."""
    teams = step_frame[TEAM]
    return {"steps": int(len(step_frame)),
            "plays": {TEAM_A: int((teams == TEAM_A).sum()), TEAM_B: int((teams == TEAM_B).sum())},
            "same_track": float((teams == BOTH_TEAMS).mean()) if len(teams) else 0.0,
            "fallback": {TEAM_A: _share(step_frame[FALLBACK_A]), TEAM_B: _share(step_frame[FALLBACK_B])}}


def _share(flags):
    flags = flags.dropna()
    return float(flags.astype(float).mean()) if len(flags) else None


@dataclasses.dataclass
class InterleavingAnalysis:
    """Every table of one interleaved experiment's analysis."""

    experiment: str
    logs: str
    steps: pd.DataFrame
    listeners: pd.DataFrame  # per listener under ``credit``
    preference: dict  # under ``credit``
    preferences: dict  # credit function -> its preference, for every one of CREDITS
    teams: dict
    credit: str = "time"
    alpha: float = 0.05
    arms: dict = dataclasses.field(default_factory=dict)  # team -> recommender
    sessions: int = 0
    truncated_lines: int = 0
    partial: str | None = None
    active: str | None = None


def analyse_interleaving(logs, experiment, credit="time", alpha=0.05):
    """The whole analysis of an interleaved experiment's logs."""
    if credit not in CREDITS:
        raise AnalysisError(f"unknown credit {credit!r}; choose one of {', '.join(CREDITS)}")
    events = load_interleaved_events(logs, experiment)
    step_frame = steps(events)
    if step_frame.empty:
        raise AnalysisError(f"the logs of {experiment} hold no interleaved steps (no `team` field): was it "
                            "served as an interleaved experiment?")
    arms = arm_labels(logs, experiment) or {TEAM_A: TEAM_A, TEAM_B: TEAM_B}
    preferences = {name: preference(listener_credits(step_frame, name), alpha, arms) for name in CREDITS}
    sessions = int(events[MESSAGE].eq(LAST).sum())
    return InterleavingAnalysis(
        experiment, str(logs), step_frame, listener_credits(step_frame, credit), preferences[credit],
        preferences, team_shares(step_frame), credit, alpha, arms, sessions,
        events.attrs.get("truncated_lines", 0), partial_day(logs), active_experiment(logs))


def synthetic_steps(listeners=1000, steps_per_listener=20, preference_b=0.55, spread=0.1, seed=0):
    """Steps of a planted preference: each listener's tracks from B are heard ``preference_b`` of the time on
    average (A's ``1 - preference_b``), listeners differing by ``spread``; each step's team a fair coin."""
    rng = np.random.default_rng(seed)
    users = np.repeat(np.arange(listeners), steps_per_listener)
    taste = np.clip(rng.normal(preference_b, spread, listeners), 0.05, 0.95)[users]
    teams = np.where(rng.random(len(users)) < 0.5, TEAM_A, TEAM_B)
    mean = np.where(teams == TEAM_B, taste, 1 - taste)
    listened = np.clip(rng.normal(mean, 0.25), 0.0, 1.0)
    first = np.zeros(len(users), dtype=bool)
    first[::steps_per_listener] = True
    return pd.DataFrame({USER: users, SESSION: users, TEAM: teams, FALLBACK_A: False, FALLBACK_B: False,
                         LISTENED: listened, FIRST: first})
