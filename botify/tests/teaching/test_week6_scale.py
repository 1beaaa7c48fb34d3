"""Seminar 6's checks: the reference solutions pass; each typical mistake fails with its own sentence."""

import pandas as pd
import pytest

from botify.analysis import spark_ab
from botify.teaching import CheckFailed
from botify.teaching.week6_scale import check_arm_moments, check_sessions_by_gap, check_spark_sessions, clock

try:
    from pyspark.sql import Window
    from pyspark.sql import functions as F
except ImportError:  # the optional Spark extra: every Spark test below is skipped with spark_problem()
    Window = F = None

GAP_MS = 30 * 60 * 1000


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    problem = spark_ab.spark_problem()
    if problem:
        pytest.skip(problem)
    session = spark_ab.start_spark(cores=2, memory="1g", scratch=tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()


def sessions_in_spark(events, experiment, include_current=False, partition=True, drop_unfinished=True):
    """The reference solution of task 6.1, with switches for the typical mistakes."""
    window = Window.partitionBy("user") if partition else Window.partitionBy()
    window = window.orderBy("timestamp", "is_last")
    window = window.rowsBetween(Window.unboundedPreceding, 0 if include_current else -1)
    numbered = (events.select("user", "timestamp", "time",
                              (F.col("message") == "last").cast("int").alias("is_last"),
                              F.col("experiments").getItem(experiment).alias("treatment"))
                .withColumn("number", F.coalesce(F.sum("is_last").over(window), F.lit(0))))
    sessions = numbered.groupBy("user", "number").agg(
        F.min_by("treatment", "timestamp").alias("treatment"), F.min("timestamp").alias("start"),
        F.max("timestamp").alias("end"), F.count("*").alias("tracks"), F.sum("time").alias("time"),
        F.max("is_last").alias("ended"))
    if drop_unfinished:
        sessions = sessions.where(F.col("ended") == 1)
    return sessions.drop("number", "ended")


def arm_moments_in_spark(users, metric, variance=None, count=None):
    """The reference solution of task 6.2, with switches for the typical mistakes."""
    variance = variance or F.var_samp
    count = count or (lambda column: F.count("*"))
    rows = (users.groupBy("treatment")
            .agg(count(metric).alias("n"), F.mean(metric).alias("mean"), variance(metric).alias("var"))
            .orderBy("treatment").collect())
    return pd.DataFrame([row.asDict() for row in rows], columns=["treatment", "n", "mean", "var"])


def sessions_by_gap(events, gap_ms, strict=True):
    """The reference solution of the gap exercise; ``strict=False`` starts a session at a gap of exactly
    ``gap_ms`` too."""
    in_time = Window.partitionBy("user").orderBy("timestamp")
    gap = F.col("timestamp") - F.lag("timestamp").over(in_time)
    longer = (gap > gap_ms) if strict else (gap >= gap_ms)
    marked = events.select("user", "timestamp").withColumn("new", (gap.isNull() | longer).cast("int"))
    running = in_time.rowsBetween(Window.unboundedPreceding, 0)
    numbered = marked.withColumn("session", F.sum("new").over(running))
    return numbered.groupBy("user", "session").count()


def stub(*args):
    raise NotImplementedError()


def test_a_planted_clock_reads_as_a_time_of_day():
    assert clock(1_796_032_800_000 + 2 * 60_000) == "10:02:00"


@pytest.mark.slow
@pytest.mark.parametrize("hidden", [False, True])
def test_the_reference_sessions_pass_on_the_planted_log_and_a_real_one(spark, tmp_path, hidden, capsys):
    from botify.analysis.synthetic_ab import simulate_sessions, write_event_log

    write_event_log(tmp_path, simulate_sessions(50, "STICKY_ARTIST", seed=3), "STICKY_ARTIST")
    day = spark_ab.read_events(spark, tmp_path)
    check_spark_sessions(sessions_in_spark, spark, day_events=day, hidden=hidden)
    assert "✔ Task 6.1 passed" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.parametrize("mistake, says", [
    ({"include_current": True}, "session 1 of listener 7 should run from 10:01:00 to its `last` event at "
                                "10:04:00; yours runs from 10:04:00 .* your window counts the current row"),
    ({"partition": False}, "session 1 of listener 7 .* a `last` of another listener.*partition the window"),
    ({"drop_unfinished": False}, "listener 12 has 2 complete session.*yours has 3: the events after .* "
                                 "unfinished session"),
])
def test_each_typical_session_mistake_is_named(spark, mistake, says):
    def wrong(events, experiment):
        return sessions_in_spark(events, experiment, **mistake)

    with pytest.raises(CheckFailed, match=f"^Task 6.1: {says}"):
        check_spark_sessions(wrong, spark)


@pytest.mark.slow
def test_a_wrong_time_a_wrong_arm_and_missing_columns_are_named(spark):
    def doubled_time(events, experiment):
        return sessions_in_spark(events, experiment).withColumn("time", F.col("time") * 2)

    def fixed_experiment(events, experiment):
        return sessions_in_spark(events, "STICKY_ARTIST")

    def no_treatment(events, experiment):
        return sessions_in_spark(events, experiment).drop("treatment")

    with pytest.raises(CheckFailed, match="session 1 of listener 7 should have time 1.625 .* yours has 3.25"):
        check_spark_sessions(doubled_time, spark)
    with pytest.raises(CheckFailed, match="session 1 of listener 5 is in arm T1 .* yours says None"):
        check_spark_sessions(fixed_experiment, spark, hidden=True)
    with pytest.raises(CheckFailed, match="the sessions need the columns .* yours lack treatment"):
        check_spark_sessions(no_treatment, spark)


@pytest.mark.slow
def test_a_hidden_listener_with_no_finished_session_must_not_appear(spark):
    with pytest.raises(CheckFailed, match="listener 44 has no complete session .* yours gives it 1"):
        check_spark_sessions(lambda events, name: sessions_in_spark(events, name, drop_unfinished=False),
                             spark, hidden=True)


@pytest.mark.slow
def test_an_unwritten_task_is_not_written_yet(spark):
    for check_task, arguments in ((check_spark_sessions, ()), (check_arm_moments, ()),
                                  (check_sessions_by_gap, (GAP_MS,))):
        with pytest.raises(CheckFailed, match="stub is not written yet"):
            check_task(stub, spark, *arguments)


@pytest.mark.slow
@pytest.mark.parametrize("hidden", [False, True])
def test_the_reference_moments_pass(spark, hidden, capsys):
    check_arm_moments(arm_moments_in_spark, spark, hidden=hidden)
    assert "✔ Task 6.2 passed" in capsys.readouterr().out


@pytest.mark.slow
def test_each_typical_moments_mistake_is_named(spark):
    def population(users, metric):
        return arm_moments_in_spark(users, metric, variance=F.var_pop)

    def deviation(users, metric):
        return arm_moments_in_spark(users, metric, variance=F.stddev_samp)

    def sessions_counted(users, metric):
        return arm_moments_in_spark(users, metric, count=lambda column: F.sum("sessions"))

    def spark_frame(users, metric):
        return users.groupBy("treatment").agg(F.count("*").alias("n"))

    def always_time(users, metric):
        return arm_moments_in_spark(users, "mean_time_per_session")

    with pytest.raises(CheckFailed, match="^Task 6.2: arm C's var .* population variance .* n - 1"):
        check_arm_moments(population, spark)
    with pytest.raises(CheckFailed, match="^Task 6.2: arm C's var .* the standard deviation"):
        check_arm_moments(deviation, spark)
    with pytest.raises(CheckFailed, match="^Task 6.2: arm C's n .* should be 4 listeners; yours is 10 "
                                          r"\(count listeners"):
        check_arm_moments(sessions_counted, spark)
    with pytest.raises(CheckFailed, match="return a pandas DataFrame .* yours returned DataFrame"):
        check_arm_moments(spark_frame, spark)
    with pytest.raises(CheckFailed,
                       match="arm C's mean of mean_tracks_per_session should be 4; .* another column"):
        check_arm_moments(always_time, spark)


@pytest.mark.slow
def test_the_gap_exercise_passes_and_prints_both_counts(spark, tmp_path, capsys):
    from botify.analysis.synthetic_ab import simulate_sessions, write_event_log

    write_event_log(tmp_path, simulate_sessions(30, "STICKY_ARTIST", seed=1), "STICKY_ARTIST")
    check_sessions_by_gap(sessions_by_gap, spark, GAP_MS, logs={"a log": tmp_path})
    check_sessions_by_gap(sessions_by_gap, spark, GAP_MS, hidden=True)
    shown = capsys.readouterr().out
    assert "✔ Task 6.3 passed" in shown and "a log: " in shown and "by a 30-minute gap" in shown


@pytest.mark.slow
def test_a_gap_of_exactly_gap_ms_starting_a_session_is_named(spark):
    with pytest.raises(CheckFailed, match="^Task 6.3: listener 3 has 3 sessions .* yours gives 4: a gap of"):
        check_sessions_by_gap(lambda events, gap: sessions_by_gap(events, gap, strict=False), spark, GAP_MS)


@pytest.mark.slow
def test_a_gap_in_minutes_instead_of_milliseconds_is_named(spark):
    with pytest.raises(CheckFailed, match="^Task 6.3: listener 3 .* every event became a session"):
        check_sessions_by_gap(lambda events, gap: sessions_by_gap(events, gap // 60_000), spark, GAP_MS)


@pytest.mark.slow
def test_a_plan_spark_cannot_run_is_a_check_failure_not_a_traceback(spark):
    def broken(events, experiment):
        return sessions_in_spark(events, experiment).withColumn("tracks", F.raise_error("boom"))

    with pytest.raises(CheckFailed, match="^Task 6.1: Spark failed running the plan sessions_in_spark"):
        check_spark_sessions(broken, spark)
