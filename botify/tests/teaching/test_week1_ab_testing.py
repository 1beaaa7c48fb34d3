"""Seminar 1's checks: the reference solutions pass, each typical mistake fails with its own message, and an
unwritten task says so."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from botify import fields
from botify.analysis import sessionize, user_metrics
from botify.teaching import CheckFailed, week1_ab_testing
from botify.teaching.week1_ab_testing import check_listener_means, check_relative_interval, check_sessions


def stub(name):
    """What the student edition leaves of a task: a function that raises NotImplementedError."""
    def unwritten(*args):
        raise NotImplementedError()
    unwritten.__name__ = name
    return unwritten


def day_events(seed=3, users=40, steps=400):
    """A random interleaved log of many listeners, some still listening at the end."""
    generator = np.random.default_rng(seed)
    who = generator.integers(0, users, steps)
    events = pd.DataFrame({
        fields.MESSAGE: np.where(generator.random(steps) < 0.25, fields.LAST, fields.NEXT),
        fields.TIMESTAMP: week1_ab_testing.MORNING + np.cumsum(generator.integers(1, 900, steps)),
        fields.USER: who, fields.TRACK: generator.integers(0, 500, steps),
        fields.TIME: generator.random(steps).round(2), fields.LATENCY: 0.001,
    })
    events[fields.MESSAGE] = events[fields.MESSAGE].astype("category")
    events["STICKY_ARTIST"] = pd.Categorical(np.where(who % 3 == 0, "C", "T1"))
    events.attrs = {"experiments": ["STICKY_ARTIST"]}
    return events


# ---------------------------------------------------------------- Task 1.1

def sessions_by_cut(events, each_listener=True, last_ends=True, keep_unfinished=False, time="sum"):
    """The reference cut, or one of the typical mistakes (switched by the flags)."""
    events = events.sort_values([fields.USER, fields.TIMESTAMP], kind="stable")
    is_last = (events[fields.MESSAGE] == fields.LAST).astype(int)
    if each_listener:
        ended_before = is_last.groupby(events[fields.USER]).cumsum() - is_last
    else:  # one running count over the whole log, in time order
        by_time = events.sort_values(fields.TIMESTAMP, kind="stable")
        last = (by_time[fields.MESSAGE] == fields.LAST).astype(int)
        ended_before = (last.cumsum() - last).reindex(events.index)
    number = ended_before if last_ends else is_last.groupby(events[fields.USER]).cumsum()
    number = number if last_ends is not None else 0 * number
    grouped = events.assign(number=number, is_last=is_last).groupby([fields.USER, "number"])
    sessions = grouped.agg(start=(fields.TIMESTAMP, "min"), end=(fields.TIMESTAMP, "max"),
                           tracks=(fields.TIMESTAMP, "size"), time=(fields.TIME, time),
                           ends=("is_last", "max")).reset_index()
    if not keep_unfinished and last_ends:
        sessions = sessions[sessions["ends"] == 1]
    return sessions[[fields.USER, "start", "end", "tracks", "time"]]


def test_the_reference_sessions_pass_on_the_planted_hidden_and_a_random_log(capsys):
    check_sessions(sessions_by_cut, day_events())
    check_sessions(sessions_by_cut, hidden=True)
    assert "✔ Task 1.1 passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, phrase", [
    (dict(each_listener=False), "the `last` of another listener, user 30 at 10:04:30, must not end it"),
    (dict(last_ends=False), "the `last` event belongs to the session it ends"),
    (dict(last_ends=None), "a listener's `last` ends their session"),
    (dict(keep_unfinished=True), "user 12's events from 10:10:00 have no `last` yet"),
    (dict(time="mean"), "the mean share; a session's time is the sum"),
])
def test_each_typical_sessions_mistake_gets_its_own_message(mistake, phrase):
    with pytest.raises(CheckFailed, match=f"^Task 1.1: .*{re.escape(phrase)}"):
        check_sessions(lambda events: sessions_by_cut(events, **mistake))


def test_the_sessions_check_names_the_session_and_its_end():
    with pytest.raises(CheckFailed) as failure:
        check_sessions(lambda events: sessions_by_cut(events, last_ends=None))
    assert str(failure.value).startswith("Task 1.1: in the planted log, session 1 of user 12 (from 10:00:00) "
                                         "should end at its `last` event at 10:02:00; yours ends at 10:11:00")


def test_a_cut_right_on_the_planted_log_but_wrong_on_the_day_is_caught():
    def planted_only(events):
        right = sessions_by_cut(events)
        return right if len(events) < 30 else right.iloc[1:]
    with pytest.raises(CheckFailed, match="^Task 1.1: in the day's log, session 1 of user"):
        check_sessions(planted_only, day_events())


def test_missing_columns_and_unwritten_sessions_are_named():
    with pytest.raises(CheckFailed, match="yours lack end, tracks"):
        check_sessions(lambda events: sessions_by_cut(events)[["user", "start", "time"]])
    with pytest.raises(CheckFailed, match="^Task 1.1: sessions_of is not written yet"):
        check_sessions(stub("sessions_of"))


# ---------------------------------------------------------------- Task 1.2

def listener_means(sessions, experiment, per="session", value="mean", column=None):
    """The reference listener table, or one of the typical mistakes."""
    frame = sessions.assign(treatment=sessions[column or experiment].astype(str))
    if per == "session":
        frame = frame.groupby([fields.USER, "treatment"], observed=True).agg(
            sessions=(fields.TIME, "size"), total=(fields.TIME, "sum"), tracks=(fields.TRACKS, "sum"),
            mean=(fields.TIME, "mean")).reset_index()
    else:  # a row per session, nothing aggregated
        frame = frame.assign(sessions=1, total=frame[fields.TIME], tracks=frame[fields.TRACKS],
                             mean=frame[fields.TIME])
    frame["mean_time_per_session"] = {"total": frame["total"],
                                      "per track": frame["total"] / frame["tracks"]}.get(value, frame["mean"])
    if value == "count tracks":
        frame["sessions"] = frame["tracks"]
    return frame[[fields.USER, "treatment", "sessions", "mean_time_per_session"]]


def test_the_reference_listener_means_pass_on_planted_hidden_and_real_sessions(capsys):
    sessions = sessionize(day_events())
    check_listener_means(listener_means, sessions, "STICKY_ARTIST")
    check_listener_means(listener_means, hidden=True)
    assert "✔ Task 1.2 passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, phrase", [
    (dict(per="row"), "so one row each; yours has 7 rows (one per session"),
    (dict(column="STICKY_ARTIST"), "user 7 is in arm C of TOP_POP; yours says T1"),
    (dict(value="total"), "user 7's mean time per session should be 0.9833 (2.95 over 3 sessions); yours is "
                          "2.95: that is the total"),
    (dict(value="per track"), "that is per track (time / tracks)"),
    (dict(value="count tracks"), "user 7 has 3 sessions; yours counts 5 (that is their number of tracks)"),
])
def test_each_typical_listener_mistake_gets_its_own_message(mistake, phrase):
    with pytest.raises(CheckFailed, match="^Task 1.2: ") as failure:
        check_listener_means(lambda sessions, experiment: listener_means(sessions, experiment, **mistake))
    assert phrase in str(failure.value)


def test_listener_means_are_compared_with_user_metrics_on_the_day():
    sessions = sessionize(day_events())
    def off_on_the_day(frame, experiment):
        right = listener_means(frame, experiment)
        if len(frame) > 10:
            right.loc[3, "mean_time_per_session"] += 0.5
        return right
    with pytest.raises(CheckFailed, match="^Task 1.2: in the day's sessions, user"):
        check_listener_means(off_on_the_day, sessions, "STICKY_ARTIST")
    assert len(user_metrics(sessions, "STICKY_ARTIST")) == sessions[fields.USER].nunique()


def test_an_unwritten_listener_table_says_so():
    with pytest.raises(CheckFailed, match="^Task 1.2: listener_means is not written yet"):
        check_listener_means(stub("listener_means"))


# ---------------------------------------------------------------- Task 1.3

def relative_interval(control, treated, quantile="t", variance="welch", ddof=1, base="control", scale=100):
    """The reference Welch relative interval, or one of the typical mistakes."""
    n_c, n_t = len(control), len(treated)
    var_c, var_t = np.var(control, ddof=ddof) / n_c, np.var(treated, ddof=ddof) / n_t
    diff = np.mean(treated) - np.mean(control)
    if variance == "welch":
        se = np.sqrt(var_c + var_t)
        df = (var_c + var_t) ** 2 / (var_c ** 2 / (n_c - 1) + var_t ** 2 / (n_t - 1))
    else:
        pooled = ((n_c - 1) * np.var(control, ddof=1) + (n_t - 1) * np.var(treated, ddof=1)) / (n_c + n_t - 2)
        se, df = np.sqrt(pooled * (1 / n_c + 1 / n_t)), n_c + n_t - 2
    margin = (stats.t.ppf(0.975, df) if quantile == "t" else 1.96) * se
    divide_by = {"control": np.mean(control), "treated": np.mean(treated), "none": 1.0}[base]
    return tuple(scale * np.array([diff, diff - margin, diff + margin]) / divide_by)


def test_the_reference_interval_passes_and_matches_effects_on_real_listeners(capsys):
    users = user_metrics(sessionize(day_events(users=120, steps=1500)), "STICKY_ARTIST")
    check_relative_interval(relative_interval, users)
    check_relative_interval(relative_interval, hidden=True)
    assert "as effects() gives it" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, phrase", [
    (dict(quantile="z"), "the normal 1.96 is too narrow with 6 and 9 listeners"),
    (dict(variance="pooled"), "Student's pooled-variance interval"),
    (dict(ddof=0), "use each arm's sample variance (ddof=1)"),
    (dict(scale=1), "in percent of the control mean: multiply by 100"),
    (dict(base="treated"), "relative to the control mean, not the treatment's"),
    (dict(base="none", scale=1), "that is the absolute difference"),
])
def test_each_typical_interval_mistake_gets_its_own_message(mistake, phrase):
    with pytest.raises(CheckFailed, match="^Task 1.3: on the planted arms the effect is ") as failure:
        check_relative_interval(lambda control, treated: relative_interval(control, treated, **mistake))
    assert phrase in str(failure.value)


def test_an_interval_of_the_wrong_shape_or_unwritten_says_so():
    with pytest.raises(CheckFailed, match="should return three numbers"):
        check_relative_interval(lambda control, treated: {"effect": 1.0})
    with pytest.raises(CheckFailed, match="^Task 1.3: relative_interval is not written yet"):
        check_relative_interval(stub("relative_interval"))


# ---------------------------------------------------------------- Task 1.4

def session_level_p_value(sessions, halves, column, unit="session", test="welch", split="halves", sides=2):
    """The reference session-level p-value, or one of the typical mistakes."""
    half = (sessions[fields.USER].map(halves.set_index(fields.USER)[fields.TREATMENT]) if split == "halves"
            else sessions["AA"].astype(str))
    values = sessions[column]
    if unit == "listener":
        frame = values.groupby([sessions[fields.USER], half.rename("half")]).mean().reset_index()
        values, half = frame[column], frame["half"]
    p = stats.ttest_ind(values[half == "T1"], values[half == "C"], equal_var=test == "student").pvalue
    return p / (2 / sides)


def test_the_reference_session_level_p_value_passes(capsys):
    week1_ab_testing.check_session_level(session_level_p_value)
    week1_ab_testing.check_session_level(session_level_p_value, hidden=True)
    assert "✔ Task 1.4 passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, phrase", [
    (dict(unit="listener"), "that is the listener-level p-value"),
    (dict(test="student"), "that is Student's t-test"),
    (dict(split="own column"), "splits by the sessions' AA column"),
    (dict(sides=1), "that is one-sided"),
])
def test_each_typical_session_level_mistake_gets_its_own_message(mistake, phrase):
    with pytest.raises(CheckFailed, match=r"^Task 1.4: on the planted sessions \(time\) Welch's") as failure:
        week1_ab_testing.check_session_level(lambda s, h, c: session_level_p_value(s, h, c, **mistake))
    assert phrase in str(failure.value)


def test_an_unwritten_session_level_test_says_so():
    with pytest.raises(CheckFailed, match="^Task 1.4: session_level_p_value is not written yet"):
        week1_ab_testing.check_session_level(stub("session_level_p_value"))
