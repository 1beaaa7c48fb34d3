"""Checks of seminar 6 (scale): sessions by a Spark window, per-arm moments in Spark, sessions by a gap.

Each check builds a small planted log or listener table in the student's Spark
session, runs the student's function on it and compares the result with the
package's own Spark pipeline (``botify.analysis.spark_ab``), which the tests
hold equal to the pandas one. A difference is named by its listener and
session, or by its arm, in one sentence.
"""

import pandas as pd

from botify.analysis import spark_ab
from botify.fields import END, LAST, NEXT, START, TIME, TRACKS, TREATMENT, USER
from botify.teaching import CheckFailed, attempt, check, passed

SESSION_COLUMNS = [USER, TREATMENT, START, END, TRACKS, TIME]
MOMENT_COLUMNS = [TREATMENT, "n", "mean", "var"]
USERS_SCHEMA = ("user long, treatment string, sessions long, tracks long, time double, "  # user_metrics'
                "mean_request_latency double, mean_tracks_per_session double, mean_time_per_session double")
DAY_START_MS = 1_796_032_800_000  # 2026-11-30 10:00 UTC: planted clocks read as times of day
MINUTE_MS = 60_000


def clock(ms):
    """A planted timestamp as a time of day, "10:02:00"."""
    return pd.to_datetime(ms, unit="ms").strftime("%H:%M:%S")


def _event(message, user, minute, time, arm, experiment):
    stamp = DAY_START_MS + int(minute * MINUTE_MS)
    return {"message": message, "timestamp": stamp, "user": user, "track": 100 + user + int(minute),
            "time": time, "latency": 0.002, "experiments": {experiment: arm, "AA": "C"},
            "recommendation": None if message == LAST else 7, "fallback": None if message == LAST else False,
            spark_ab.MALFORMED: None}


def planted_events(hidden=False):
    """A few listeners' events, shuffled in time across listeners: (events as dicts, experiment).

    Listener 12 has two sessions and an unfinished one (events after their last ``last``); listener 7
    listens at the same minutes as listener 12, so a window not partitioned by listener mixes them;
    listener 30 has a one-event session (a ``last`` right away). The hidden case uses another
    experiment, a listener with only an unfinished session and one whose sessions are back to back.
    """
    experiment = "AA_SPLIT" if hidden else "STICKY_ARTIST"
    plan = [  # (message, user, minute, time listened, arm)
        (NEXT, 12, 0, 1.0, "T1"), (NEXT, 12, 1, 0.5, "T1"), (LAST, 12, 2, 0.25, "T1"),
        (NEXT, 12, 30, 0.75, "T1"), (LAST, 12, 31, 0.5, "T1"), (NEXT, 12, 40, 1.0, "T1"),
        (NEXT, 7, 1, 0.125, "C"), (NEXT, 7, 2, 0.5, "C"), (NEXT, 7, 3, 1.0, "C"), (LAST, 7, 4, 0.0, "C"),
        (LAST, 30, 5, 0.375, "C"),
    ]
    if hidden:
        plan += [(NEXT, 44, 6, 1.0, "T1"), (NEXT, 44, 7, 1.0, "T1"),  # never finished: no session
                 (NEXT, 5, 10, 0.5, "T1"), (LAST, 5, 11, 0.5, "T1"), (LAST, 5, 11.5, 1.0, "T1")]
    events = [_event(message, user, minute, time, arm, experiment)
              for message, user, minute, time, arm in plan]
    return sorted(events, key=lambda event: (event["timestamp"], event["user"])), experiment


def _frame(spark, rows):
    return spark.createDataFrame(rows, schema=spark_ab.event_schema())


def _collected(task, result, columns, what):
    """The student's Spark result as a pandas frame with ``columns``, or a CheckFailed saying why not."""
    check(hasattr(result, "collect") and hasattr(result, "columns"),
          f"{task}: {what} should return a Spark DataFrame; yours returned {type(result).__name__}")
    missing = [column for column in columns if column not in result.columns]
    check(not missing, f"{task}: the sessions need the columns {', '.join(columns)}; yours lack "
                       f"{', '.join(missing)}")
    return _run(task, what, lambda: spark_ab.collect_frame(result.select(*columns)))


def _run(task, what, job):
    """Run a Spark job on the student's plan: Spark finds some mistakes only then (lazy evaluation)."""
    try:
        return job()
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise CheckFailed(f"{task}: Spark failed running the plan {what} returned: {type(error).__name__}: "
                          f"{first}") from error


def _by_listener(sessions):
    ordered = sessions.sort_values([USER, START], ignore_index=True)
    return {int(user): group.reset_index(drop=True) for user, group in ordered.groupby(USER)}


def compare_sessions(task, expected, got):
    """Name the first listener and session where ``got`` differs from ``expected`` (both pandas)."""
    want, have = _by_listener(expected), _by_listener(got)
    for user in sorted(set(have) - set(want)):
        check(False, f"Task {task}: listener {user} has no complete session (no `last` ends any of their "
                     f"events), so it must not appear; yours gives it {len(have[user])}")
    for user, sessions in want.items():
        mine = have.get(user)
        check(mine is not None, f"Task {task}: listener {user} has {len(sessions)} complete session(s); "
                                f"yours has none")
        lasts = set(sessions[END])  # each expected session ends at one of the listener's `last` events
        for number, (row, other) in enumerate(zip(sessions.itertuples(), mine.itertuples()), start=1):
            _compare_one(task, user, number, row, other, lasts)
        unfinished = len(mine) > len(sessions)
        check(len(mine) == len(sessions),
              f"Task {task}: listener {user} has {len(sessions)} complete session(s); yours has {len(mine)}"
              + (": the events after a listener's last `last` are an unfinished session, to be dropped"
                 if unfinished else ""))


def _compare_one(task, user, number, row, other, lasts):
    where = f"Task {task}: session {number} of listener {user}"
    if (other.start, other.end) != (row.start, row.end):
        if other.start in lasts:
            hint = (": it starts at a `last` event, so your window counts the current row; count only the "
                    "rows before it (rowsBetween(Window.unboundedPreceding, -1))")
        elif other.end > row.end:
            hint = ": it runs past its `last` event: is your window ordered by timestamp?"
        else:
            hint = (": something cut it before its `last` event: a `last` of another listener? (partition "
                    "the window by listener)")
        check(False, f"{where} should run from {clock(row.start)} to its `last` event at {clock(row.end)}; "
                     f"yours runs from {clock(other.start)} to {clock(other.end)}{hint}")
    check(other.tracks == row.tracks,
          f"{where} has {row.tracks} events (tracks); yours counts {other.tracks}")
    check(abs(other.time - row.time) < 1e-9,
          f"{where} should have time {row.time:g} (the sum of its events' time); yours has {other.time:g}")
    check(other.treatment == row.treatment,
          f"{where} is in arm {row.treatment} (the experiment's entry of `experiments`); yours says "
          f"{other.treatment}")


def check_spark_sessions(sessions_in_spark, spark, day_events=None, experiment="STICKY_ARTIST", hidden=False):
    """Task 6.1: ``sessions_in_spark(events, experiment)`` gives spark_ab.sessionize's sessions.

    First a planted log whose answer is known, then (if given) the notebook's real day: every listener's
    sessions must match the package's Spark sessionize (which equals pandas' ``sessionize``).
    """
    task = "6.1"
    rows, planted_experiment = planted_events(hidden)
    cases = [(_frame(spark, rows), planted_experiment)]
    if day_events is not None:
        cases.append((day_events, experiment))
    for events, name in cases:
        result = attempt(f"Task {task}", sessions_in_spark, events, name)
        got = _collected(f"Task {task}", result, SESSION_COLUMNS, "sessions_in_spark")
        expected = spark_ab.collect_frame(spark_ab.sessionize(events, name).select(*SESSION_COLUMNS))
        compare_sessions(task, expected, got)
    day = f" and the {len(expected):,} sessions of the day's log" if day_events is not None else ""
    passed(f"Task {task}", f"every session of the planted listeners{day} matches the package's sessionize")


def planted_users(hidden=False):
    """A tiny listener table in ``spark_ab.user_metrics``' columns, three arms (hidden: other values)."""
    plan = {"C": [(2, 10, 4.0), (1, 3, 2.0), (4, 20, 13.0), (3, 9, 3.0)],
            "T1": [(2, 14, 9.0), (5, 31, 20.0), (1, 8, 6.5)],
            "T2": [(3, 12, 6.0), (2, 11, 5.5), (6, 45, 30.0), (1, 2, 0.5), (2, 7, 2.0)]}
    if hidden:
        plan["T1"] = [(1, 1, 1.0), (7, 70, 49.0)]
    rows, user = [], 0
    for arm, listeners in plan.items():
        for sessions, tracks, time in listeners:
            user += 1
            rows.append({USER: user, TREATMENT: arm, "sessions": sessions, TRACKS: tracks, TIME: time,
                         "mean_request_latency": 0.001 * user, "mean_tracks_per_session": tracks / sessions,
                         "mean_time_per_session": time / sessions})
    return rows


def check_arm_moments(arm_moments_in_spark, spark, hidden=False):
    """Task 6.2: ``arm_moments_in_spark(users, metric)`` gives, per arm, the listeners, mean and sample
    variance of ``metric`` as a small pandas table (spark_ab.moments' numbers for that metric)."""
    task = "Task 6.2"
    rows = planted_users(hidden)
    users = spark.createDataFrame([tuple(row.values()) for row in rows], schema=USERS_SCHEMA)
    for metric in ("mean_time_per_session", "mean_tracks_per_session"):
        got = attempt(task, arm_moments_in_spark, users, metric)
        check(isinstance(got, pd.DataFrame),
              f"{task}: return a pandas DataFrame (collect the small per-arm aggregate to the driver); "
              f"yours returned {type(got).__name__}")
        missing = [column for column in MOMENT_COLUMNS if column not in got.columns]
        check(not missing, f"{task}: the table needs the columns {', '.join(MOMENT_COLUMNS)}; yours lacks "
                           f"{', '.join(missing)}")
        expected = spark_ab.moments(users, [metric]).set_index(TREATMENT)
        mine = got.set_index(TREATMENT)
        check(list(mine.index) == list(expected.index),
              f"{task}: one row per arm in order {', '.join(expected.index)}; yours has "
              f"{', '.join(map(str, mine.index))}")
        for arm, row in expected.iterrows():
            _compare_moments(task, metric, arm, row, mine.loc[arm])
    passed(task, "listeners, mean and sample variance per arm match spark_ab.moments for two metrics")


def _compare_moments(task, metric, arm, row, other):
    where = f"{task}: arm {arm}'s"
    if other.n != row.n:
        hint = " (count listeners, the table's rows of that arm, not sessions or tracks)" \
            if other.n > row.n else ""
        check(False, f"{where} n of {metric} should be {row.n:g} listeners; yours is {other.n:g}{hint}")
    hint = ""  # for the variance
    check(abs(other["mean"] - row["mean"]) <= 1e-9 * abs(row["mean"]),
          f"{where} mean of {metric} should be {row['mean']:.6g}; yours is {other['mean']:.6g}"
          + ": is it the mean of another column?")
    if abs(other["var"] - row["var"]) <= 1e-9 * abs(row["var"]):
        return
    if abs(other["var"] - row["var"] * (row.n - 1) / row.n) <= 1e-9 * abs(row["var"]):
        hint = ": that is the population variance (divides by n); Welch needs the sample variance " \
               "(divides by n - 1, F.var_samp)"
    elif abs(other["var"] ** 2 - row["var"]) <= 1e-9 * abs(row["var"]):
        hint = ": that is the standard deviation; Welch needs its square, the variance"
    check(False, f"{where} var of {metric} should be {row['var']:.6g}; yours is {other['var']:.6g}{hint}")


def planted_gap_events(hidden=False):
    """Listener 3's events are 45, 30 (exactly: no new session) and 31 minutes apart, so 3 sessions by a
    30-minute gap; listener 8's, in between, 40 and 29 minutes apart: 2 sessions (hidden: listener 9,
    whose events come out of order in the table: 3 sessions)."""
    return [_event(NEXT, user, minute, 1.0, "C", "STICKY_ARTIST") for user, minute in plan_of(hidden)]


def plan_of(hidden):
    """(listener, minute) of each planted event of task 6.3."""
    plan = [(3, 0), (3, 5), (3, 50), (3, 80), (3, 111), (3, 112), (8, 20), (8, 60), (8, 89)]
    return plan + [(9, 200), (9, 100), (9, 130), (9, 161)] if hidden else plan


def check_sessions_by_gap(sessions_by_gap, spark, gap_ms, logs=None, experiment="STICKY_ARTIST",
                          hidden=False):
    """Task 6.3: ``sessions_by_gap(events, gap_ms)`` gives one row per (user, session) with a
    ``count``; a gap of exactly ``gap_ms`` stays in the session. Then, for each named log folder in
    ``logs``, prints the sessions by gap against the sessions by ``last``."""
    task = "Task 6.3"
    check(gap_ms == 30 * MINUTE_MS, f"{task}: the planted log assumes GAP_MS = 30 minutes; it is {gap_ms}")
    events = _frame(spark, planted_gap_events(hidden))
    result = attempt(task, sessions_by_gap, events, gap_ms)
    check(hasattr(result, "collect"), f"{task}: sessions_by_gap should return a Spark DataFrame; yours "
                                      f"returned {type(result).__name__}")
    counted = _run(task, "sessions_by_gap", lambda: spark_ab.collect_frame(result.groupBy(USER).count()))
    got = counted.set_index(USER)["count"].to_dict()
    expected = {3: 3, 8: 2, 9: 3} if hidden else {3: 3, 8: 2}
    events_of = pd.Series([user for user, _ in plan_of(hidden)]).value_counts()
    for user, sessions in expected.items():
        found = got.get(user, 0)
        hint = ""
        if user == 3 and found == 4:
            hint = ": a gap of exactly 30 minutes does not start a session (gap > GAP_MS)"
        elif found == events_of[user]:
            hint = ": every event became a session: is the gap compared with gap_ms, in milliseconds?"
        elif found == 1:
            hint = ": no gap started a new session: is the gap compared with gap_ms, in milliseconds?"
        check(found == sessions, f"{task}: listener {user} has {sessions} sessions by a 30-minute gap; "
                                 f"yours gives {found}{hint}")
    passed(task, "the planted listeners' sessions by a 30-minute gap")
    for name, folder in (logs or {}).items():
        logged = spark_ab.read_events(spark, folder)
        by_gap = sessions_by_gap(logged, gap_ms).count()
        by_last = spark_ab.sessionize(logged, experiment).count()
        print(f"{name}: {by_gap:,} sessions by a {gap_ms // MINUTE_MS}-minute gap, {by_last:,} by `last` "
              f"events ({by_gap / by_last:.4f}×)")
