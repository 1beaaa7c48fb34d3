"""Checks of seminar 1's tasks: sessions from events, a listener-level metric, Welch's relative interval,
the session-level test that the exercise shows to be overconfident.

Each check runs the student's function on a small planted case whose answer
is known, compares it with the package (``sessionize``, ``user_metrics``,
``effects``), then, when given the notebook's real data, with the package on
that too. It names the first session, listener or number that differs, with a
hint when the answer is exactly what a typical mistake gives.
"""

import numpy as np
import pandas as pd
from scipy import stats

from botify import fields
from botify.analysis.sessions import sessionize
from botify.analysis.significance import effects, welch, welch_from_moments
from botify.analysis.user_level import user_metrics
from botify.teaching import CheckFailed, attempt, check, passed

# ---------------------------------------------------------------- Task 1.1: sessions from events

SESSION_COLUMNS = [fields.USER, fields.START, fields.END, fields.TRACKS, fields.TIME]
MORNING = 1_796_637_600_000  # 2026-12-07 10:00:00 UTC, in ms: the planted logs' clock starts here

# (minute after 10:00, message, user, share heard), in time order. Listeners interleave; another
# listener's `last` falls inside user 7's first session; user 30 leaves after one track; user 12's
# events after 10:10 have no `last` yet (still listening when the log was read).
PLANTED_LOG = [
    (0.0, "next", 12, 1.0), (1.0, "next", 12, 0.4), (2.0, "last", 12, 0.6),
    (3.0, "next", 7, 1.0), (4.0, "next", 7, 0.5), (4.5, "last", 30, 1.0), (5.0, "last", 7, 0.2),
    (6.0, "next", 12, 1.0), (6.5, "next", 7, 1.0), (7.0, "next", 12, 0.3), (8.0, "next", 12, 0.5),
    (8.5, "last", 12, 0.1), (9.0, "last", 7, 0.25),
    (10.0, "next", 12, 1.0), (11.0, "next", 12, 0.7), (12.0, "next", 30, 1.0), (13.0, "last", 30, 0.5),
]
# Hidden: two `last`s in a row (two one-track sessions), a listener with nothing but an unfinished session,
# two listeners' events in the same millisecond.
HIDDEN_LOG = [
    (0.0, "last", 5, 1.0), (0.5, "last", 5, 0.9), (1.0, "next", 8, 1.0), (1.0, "next", 9, 1.0),
    (2.0, "next", 8, 0.2), (2.0, "last", 9, 0.4), (3.0, "next", 8, 0.6), (3.5, "next", 11, 1.0),
    (4.0, "last", 8, 0.3), (5.0, "next", 5, 1.0), (6.0, "last", 5, 0.05), (7.0, "next", 11, 0.8),
]


def planted_events(log=None):
    """A tiny event log in ``load_events``' shape (time order, one arm column per experiment)."""
    rows = [{fields.MESSAGE: message, fields.TIMESTAMP: MORNING + int(minute * 60_000), fields.USER: user,
             fields.TRACK: 100 + number, fields.TIME: share, fields.LATENCY: 0.001}
            for number, (minute, message, user, share) in enumerate(PLANTED_LOG if log is None else log)]
    events = pd.DataFrame(rows)
    events[fields.MESSAGE] = events[fields.MESSAGE].astype("category")
    events["STICKY_ARTIST"] = pd.Categorical(np.where(events[fields.USER] % 2 == 0, "C", "T1"))
    events.attrs = {"experiments": ["STICKY_ARTIST"]}
    return events


def clock(timestamp):
    """A log timestamp (ms) as a time of day, with milliseconds only when it has some: 10:04:30."""
    moment = pd.Timestamp(int(timestamp), unit="ms")
    return moment.strftime("%H:%M:%S") + (f".{moment.microsecond // 1000:03d}" if moment.microsecond else "")


def check_sessions(sessions_of, events=None, hidden=False):
    """Task 1.1: ``sessions_of(events)`` gives one row per complete session (user, start, end, tracks, time);
    checked on a planted log, then on ``events`` (the day's log) against ``sessionize``."""
    task = "Task 1.1"
    planted = planted_events(HIDDEN_LOG if hidden else None)
    _compare_sessions(task, _sessions_from(task, sessions_of, planted), planted, "the planted log")
    what = "sessions end at their listener's `last` and unfinished ones are dropped, on the planted log"
    if events is not None:
        _compare_sessions(task, _sessions_from(task, sessions_of, events), events, "the day's log")
        what += f" and on all {len(sessionize(events)):,} sessions of the day's log (as sessionize cuts them)"
    passed(task, what)


def _sessions_from(task, sessions_of, events):
    got = attempt(task, sessions_of, events.copy())
    check(isinstance(got, pd.DataFrame), f"{task}: sessions_of should return a DataFrame; "
                                         f"it returned {type(got).__name__}")
    missing = [column for column in SESSION_COLUMNS if column not in got.columns]
    check(not missing, f"{task}: the sessions need the columns {', '.join(SESSION_COLUMNS)}; "
                       f"yours lack {', '.join(missing)}")
    return got[SESSION_COLUMNS].reset_index(drop=True)


def _compare_sessions(task, got, events, where):
    expected = sessionize(events)
    expected["number"] = expected.groupby(fields.USER).cumcount() + 1
    theirs = {(int(row.user), int(row.start)): row for row in got.itertuples(index=False)}
    for row in expected.itertuples(index=False):
        name = f"in {where}, session {row.number} of user {row.user} (from {clock(row.start)})"
        mine = theirs.get((int(row.user), int(row.start)))
        if mine is None:
            starts = sorted(start for user, start in theirs if user == row.user)
            shown = ", ".join(clock(start) for start in starts[:6]) or "none"
            raise CheckFailed(f"{task}: {name} is missing; yours has user {row.user}'s sessions "
                              f"starting at {shown}{_others_last(events, row, row.start)}")
        if int(mine.end) != int(row.end):
            raise CheckFailed(f"{task}: {name} should end at its `last` event at {clock(row.end)}; yours "
                              f"ends at {clock(mine.end)}{_why_end(events, row, int(mine.end))}")
        check(int(mine.tracks) == int(row.tracks),
              f"{task}: {name} has {row.tracks} events (tracks); yours counts {mine.tracks}")
        if not np.isclose(float(mine.time), row.time):
            hint = (" (the mean share; a session's time is the sum of the shares heard)"
                    if np.isclose(float(mine.time), row.time / row.tracks) else "")
            raise CheckFailed(f"{task}: {name} should have time {row.time:.4g}, the sum of the shares heard; "
                              f"yours has {float(mine.time):.4g}{hint}")
    if len(got) != len(expected):
        raise CheckFailed(f"{task}: {_extra_sessions(got, expected, events, where)}")


def _why_end(events, session, end):
    """Why a session's end came out wrong: the typical mistake that gives exactly this end."""
    own = events[events[fields.USER] == session.user]
    if end > session.end:
        return " (a listener's `last` ends their session; their next event starts a new one)"
    before_last = own.loc[own[fields.TIMESTAMP] < session.end, fields.TIMESTAMP].max()
    if _others_last(events, session, end):
        return _others_last(events, session, end)
    if end == before_last:
        return " (the `last` event belongs to the session it ends, not to the next one)"
    return ""


def _others_last(events, session, since):
    """A hint when another listener's `last` falls inside ``session`` after ``since``: a cut made over the
    whole log instead of per listener ends the session there."""
    others_last = events[(events[fields.USER] != session.user) & (events[fields.MESSAGE] == fields.LAST)
                         & events[fields.TIMESTAMP].between(since, session.end, inclusive="left")]
    if not len(others_last):
        return ""
    other = others_last.iloc[0]
    return (f" (the `last` of another listener, user {other[fields.USER]} at "
            f"{clock(other[fields.TIMESTAMP])}, must not end it: cut each listener's events apart)")


def _extra_sessions(got, expected, events, where):
    known = set(zip(expected[fields.USER], expected[fields.START]))
    extra = got[[(user, start) not in known for user, start in zip(got[fields.USER], got[fields.START])]]
    unfinished = sessionize(events, keep_incomplete=True)
    unfinished = unfinished[~unfinished[fields.COMPLETE]]
    for row in extra.itertuples(index=False):
        if ((unfinished[fields.USER] == row.user) & (unfinished[fields.START] == row.start)).any():
            return (f"in {where}, user {row.user}'s events from {clock(row.start)} have no `last` yet (the "
                    "listener was still listening when the log was read): drop them, as sessionize does; "
                    "yours keeps them as a session")
    return f"{where} has {len(expected)} complete sessions; yours has {len(got)}"


# ---------------------------------------------------------------- Task 1.2: one value per listener

LISTENER_COLUMNS = [fields.USER, fields.TREATMENT, fields.SESSIONS, fields.MEAN_TIME_PER_SESSION]

# (user, tracks, time) of each planted session; the arms of TOP_POP and STICKY_ARTIST disagree for
# everyone, so reading the wrong column flips every arm.
PLANTED_SESSIONS = [(12, 3, 2.0), (7, 2, 1.2), (30, 1, 1.0), (12, 4, 1.5), (7, 2, 1.25), (41, 2, 0.3),
                    (7, 1, 0.5)]
HIDDEN_SESSIONS = [(3, 5, 3.1), (3, 1, 1.0), (3, 2, 0.4), (9, 6, 4.2), (15, 2, 0.7), (9, 1, 0.9),
                   (21, 3, 1.1)]
PLANTED_ARMS = {"TOP_POP": {7: "C", 12: "T1", 30: "C", 41: "T1"},
                "STICKY_ARTIST": {7: "T1", 12: "C", 30: "T1", 41: "C"}}
HIDDEN_ARMS = {"TOP_POP": {3: "T1", 9: "C", 15: "C", 21: "T1"},
               "STICKY_ARTIST": {3: "C", 9: "T1", 15: "T1", 21: "C"}}


def planted_sessions(hidden=False):
    """A tiny sessions table in ``sessionize``' shape, with two experiments' arm columns."""
    rows, arms = (HIDDEN_SESSIONS, HIDDEN_ARMS) if hidden else (PLANTED_SESSIONS, PLANTED_ARMS)
    sessions = pd.DataFrame(rows, columns=[fields.USER, fields.TRACKS, fields.TIME])
    sessions.insert(0, fields.SESSION, np.arange(len(sessions)))
    sessions[fields.START] = MORNING + 600_000 * sessions[fields.SESSION]
    sessions[fields.END] = sessions[fields.START] + 60_000 * sessions[fields.TRACKS]
    sessions[fields.LATENCY] = 0.002 * sessions[fields.TRACKS]
    sessions[fields.COMPLETE] = True
    for experiment, arm in arms.items():
        sessions[experiment] = pd.Categorical(sessions[fields.USER].map(arm))
    sessions.attrs = {"experiments": list(arms), "incomplete_sessions": 0}
    return sessions


def check_listener_means(listener_means, sessions=None, experiment=None, hidden=False):
    """Task 1.2: ``listener_means(sessions, experiment)`` gives one row per listener (user, treatment,
    sessions, mean_time_per_session); checked on planted sessions, then on ``sessions`` against
    ``user_metrics``."""
    task = "Task 1.2"
    planted = planted_sessions(hidden)
    _compare_listeners(task, _listeners_from(task, listener_means, planted, "TOP_POP"), planted, "TOP_POP",
                       "the planted sessions")
    what = "one row per listener, their arm and their mean time per session, on planted sessions"
    if sessions is not None:
        got = _listeners_from(task, listener_means, sessions, experiment)
        _compare_listeners(task, got, sessions, experiment, "the day's sessions")
        what += f" and on all {len(got):,} listeners of the day (as user_metrics computes them)"
    passed(task, what)


def _listeners_from(task, listener_means, sessions, experiment):
    got = attempt(task, listener_means, sessions.copy(), experiment)
    check(isinstance(got, pd.DataFrame), f"{task}: listener_means should return a DataFrame; "
                                         f"it returned {type(got).__name__}")
    got = got.reset_index() if fields.USER not in got.columns and fields.USER in got.index.names else got
    missing = [column for column in LISTENER_COLUMNS if column not in got.columns]
    check(not missing, f"{task}: the table needs the columns {', '.join(LISTENER_COLUMNS)}; "
                       f"yours lacks {', '.join(missing)}")
    return got[LISTENER_COLUMNS].reset_index(drop=True)


def _compare_listeners(task, got, sessions, experiment, where):
    expected = user_metrics(sessions, experiment)
    if len(got) != len(expected):
        per_session = " (one per session: group each listener's sessions into one row)" \
            if len(got) == len(sessions) else ""
        raise CheckFailed(f"{task}: {where} come from {len(expected)} listeners, so one row each; yours has "
                          f"{len(got)} rows{per_session}")
    theirs = got.drop_duplicates(fields.USER).set_index(fields.USER)
    if len(theirs) != len(got):
        repeated = got.loc[got[fields.USER].duplicated(), fields.USER].iloc[0]
        raise CheckFailed(f"{task}: every listener should have one row; yours repeats user {repeated}")
    for row in expected.itertuples(index=False):
        name = f"in {where}, user {row.user}"
        check(row.user in theirs.index, f"{task}: {name} is missing from yours")
        mine = theirs.loc[row.user]
        check(str(mine[fields.TREATMENT]) == row.treatment,
              f"{task}: {name} is in arm {row.treatment} of {experiment}; yours says "
              f"{mine[fields.TREATMENT]} (take the arm from the column named by `experiment`)")
        if int(mine[fields.SESSIONS]) != row.sessions:
            hint = " (that is their number of tracks)" if int(mine[fields.SESSIONS]) == row.tracks else ""
            raise CheckFailed(f"{task}: {name} has {row.sessions} sessions; yours counts "
                              f"{mine[fields.SESSIONS]}{hint}")
        _check_mean(task, name, float(mine[fields.MEAN_TIME_PER_SESSION]), row)


def _check_mean(task, name, value, row):
    if np.isclose(value, row.mean_time_per_session):
        return
    if np.isclose(value, row.time) and row.sessions > 1:
        hint = ": that is the total; divide by the number of sessions"
    elif np.isclose(value, row.time / row.tracks):
        hint = ": that is per track (time / tracks), not per session"
    else:
        hint = ""
    raise CheckFailed(f"{task}: {name}'s mean time per session should be {row.mean_time_per_session:.4g} "
                      f"({row.time:.4g} over {row.sessions} sessions); yours is {value:.4g}{hint}")


# ---------------------------------------------------------------- Task 1.3: Welch's relative interval

# One value per listener in each arm: few listeners, unequal sizes and spreads, where the typical
# shortcuts (z instead of t, a pooled variance, ddof=0) each give a visibly different interval.
PLANTED_ARMS_VALUES = ([1.2, 0.8, 1.5, 0.9, 1.1, 1.4], [2.0, 1.1, 3.2, 0.7, 2.6, 1.9, 2.8, 1.3, 2.4])
HIDDEN_ARMS_VALUES = ([2.2, 3.1, 1.9, 2.8, 2.5, 3.3, 2.0], [1.9, 2.4, 1.2, 2.9, 1.5])


def welch_relative(control, treated, alpha=0.05):
    """The reference: (effect, low, high) in % of the control mean, as ``effects`` computes them."""
    test = welch(control, treated, alpha)
    base = np.mean(control)
    return tuple(100 * np.array([test["diff"], test["low"], test["high"]]) / base)


def _shortcuts(control, treated, alpha=0.05):
    """What each typical mistake gives on these arms, with the sentence that names it."""
    c, t = np.asarray(control, float), np.asarray(treated, float)
    n_c, n_t, diff, base = len(c), len(t), t.mean() - c.mean(), c.mean()
    se = np.sqrt(c.var(ddof=1) / n_c + t.var(ddof=1) / n_t)
    right = welch(c, t, alpha)
    t_quantile = stats.t.ppf(1 - alpha / 2, right["df"])
    pooled = np.sqrt(((n_c - 1) * c.var(ddof=1) + (n_t - 1) * t.var(ddof=1)) / (n_c + n_t - 2)
                     * (1 / n_c + 1 / n_t))
    biased = welch_from_moments((n_c, c.mean(), c.var()), (n_t, t.mean(), t.var()), alpha)

    def interval(margin, scale=100 / base):
        return (diff * scale, (diff - margin) * scale, (diff + margin) * scale)

    return [
        (interval(1.96 * se),
         f"the normal 1.96 is too narrow with {n_c} and {n_t} listeners: use the t quantile at the "
         f"Welch–Satterthwaite degrees of freedom ({right['df']:.1f}), {t_quantile:.3f}"),
        (interval(stats.t.ppf(1 - alpha / 2, n_c + n_t - 2) * pooled),
         "that is Student's pooled-variance interval; Welch's keeps each arm's own variance"),
        (interval(biased["high"] - biased["diff"]),
         "use each arm's sample variance (ddof=1); numpy's var divides by n unless told ddof=1"),
        (interval(t_quantile * se, scale=1 / base), "in percent of the control mean: multiply by 100"),
        (interval(t_quantile * se, scale=100 / t.mean()),
         "relative to the control mean, not the treatment's"),
        (interval(t_quantile * se, scale=1),
         "that is the absolute difference; divide it by the control mean"),
    ]


def check_relative_interval(relative_interval, users=None, metric=fields.MEAN_TIME_PER_SESSION, hidden=False):
    """Task 1.3: ``relative_interval(control, treated)`` gives (effect, low, high) in % of the control mean;
    checked on planted arms, then on ``users`` (listener metrics with a treatment column) against
    ``effects``."""
    task = "Task 1.3"
    control, treated = HIDDEN_ARMS_VALUES if hidden else PLANTED_ARMS_VALUES
    _compare_interval(task, relative_interval, np.array(control), np.array(treated), "the planted arms")
    what = "Welch's 95% interval of the relative effect, on planted arms"
    if users is not None:
        arm = users[fields.TREATMENT]
        values = users[metric]
        got = _compare_interval(task, relative_interval, values[arm == fields.CONTROL].to_numpy(),
                                values[arm == "T1"].to_numpy(), f"the day's listeners ({metric})")
        row = effects(users, metrics=(metric,)).iloc[0]
        check(np.allclose(got, (row.effect, row.ci_low, row.ci_high)),
              f"{task}: on {metric}, effects() says {_shown((row.effect, row.ci_low, row.ci_high))}; "
              f"yours is {_shown(got)}")
        what += f" and on the day's listeners, as effects() gives it: {_shown(got, 1)}"
    passed(task, what)


def _compare_interval(task, relative_interval, control, treated, where):
    answer = attempt(task, relative_interval, pd.Series(control), pd.Series(treated))
    try:
        got = tuple(float(value) for value in answer)
    except (TypeError, ValueError):
        got = ()
    check(len(got) == 3, f"{task}: relative_interval should return three numbers (effect, low, high); "
                         f"it returned {answer!r}")
    expected = welch_relative(control, treated)
    if np.allclose(got, expected):
        return got
    for wrong, why in _shortcuts(control, treated):
        if np.allclose(got, wrong, rtol=1e-4):  # loose enough for 1.96 against the exact normal quantile
            hint = f": {why}"
            break
    else:
        hint = ""
    raise CheckFailed(f"{task}: on {where} the effect is {_shown(expected)}; yours is {_shown(got)}{hint}")


def _shown(interval, digits=2):
    """(effect, low, high) as '+87.04% [+80.20%, +93.88%]'."""
    effect, low, high = interval
    return f"{effect:+.{digits}f}% [{low:+.{digits}f}%, {high:+.{digits}f}%]"


# ---------------------------------------------------------------- Task 1.4: the session-level test

# (user, session time) of each planted session: a few listeners with many alike sessions, most with one.
# The halves to compare disagree with the sessions' own AA column, so reading that column shows.
PLANTED_SESSION_TIMES = [(1, 2.1), (1, 2.4), (1, 2.2), (1, 2.6), (1, 2.3), (2, 0.4), (3, 1.1), (4, 0.9),
                         (5, 0.3), (5, 0.5), (6, 1.4), (7, 0.8), (8, 1.6), (8, 1.2), (9, 0.7)]
PLANTED_HALVES = {1: "T1", 2: "C", 3: "T1", 4: "C", 5: "C", 6: "T1", 7: "C", 8: "T1", 9: "C"}
HIDDEN_SESSION_TIMES = [(4, 0.2), (4, 0.1), (4, 0.3), (4, 0.2), (5, 1.9), (6, 1.0), (7, 1.3), (7, 1.5),
                        (8, 0.6), (9, 2.2), (10, 0.9), (10, 1.1), (11, 1.7)]
HIDDEN_HALVES = {4: "C", 5: "T1", 6: "C", 7: "T1", 8: "T1", 9: "C", 10: "C", 11: "T1"}


def planted_split(hidden=False):
    """Planted sessions (with an AA column that is not the split) and the listeners' halves."""
    times, halves = ((HIDDEN_SESSION_TIMES, HIDDEN_HALVES) if hidden
                     else (PLANTED_SESSION_TIMES, PLANTED_HALVES))
    sessions = pd.DataFrame(times, columns=[fields.USER, fields.TIME])
    sessions[fields.TRACKS] = (2 * sessions[fields.TIME]).round().astype(int) + 1
    sessions["AA"] = pd.Categorical(np.where(sessions[fields.USER] % 2 == 0, "C", "T1"))
    split = pd.DataFrame({fields.USER: list(halves), fields.TREATMENT: list(halves.values())})
    return sessions, split


def check_session_level(session_level_p_value, hidden=False):
    """Task 1.4: ``session_level_p_value(sessions, halves, column)`` is Welch's p-value with every session
    one observation, each in its listener's half; checked on planted sessions against ``welch``."""
    task = "Task 1.4"
    sessions, halves = planted_split(hidden)
    for column in (fields.TIME, fields.TRACKS):
        got = attempt(task, session_level_p_value, sessions.copy(), halves.copy(), column)
        try:
            got = float(got)
        except (TypeError, ValueError):
            raise CheckFailed(f"{task}: session_level_p_value should return one number, the p-value; "
                              f"it returned {got!r}") from None
        half = sessions[fields.USER].map(halves.set_index(fields.USER)[fields.TREATMENT])
        expected = welch(sessions.loc[half == "C", column], sessions.loc[half == "T1", column])["p_value"]
        if np.isclose(got, expected):
            continue
        raise CheckFailed(f"{task}: on the planted sessions ({column}) Welch's session-level p-value is "
                          f"{expected:.4g}; yours is {got:.4g}{_session_hint(got, sessions, half, column)}")
    passed(task, "Welch's p-value, each session one observation in its listener's half, on planted sessions")


def _session_hint(got, sessions, half, column):
    c, t = sessions.loc[half == "C", column], sessions.loc[half == "T1", column]
    means = sessions[column].groupby([sessions[fields.USER], half.rename("half")]).mean().reset_index()
    by_listener = welch(means.loc[means["half"] == "C", column], means.loc[means["half"] == "T1", column])
    by_listener = by_listener["p_value"]
    own = sessions["AA"]
    hints = [
        (by_listener, ": that is the listener-level p-value (one mean per listener); here every session "
                      "counts as one observation"),
        (stats.ttest_ind(t, c).pvalue, ": that is Student's t-test (equal variances); use Welch's "
                                       "(equal_var=False)"),
        (welch(sessions.loc[own == "C", column], sessions.loc[own == "T1", column])["p_value"],
         ": that splits by the sessions' AA column; take each listener's half from `halves`"),
        (welch(c, t)["p_value"] / 2, ": that is one-sided; the test is two-sided"),
    ]
    return next((why for value, why in hints if np.isclose(got, value)), "")
