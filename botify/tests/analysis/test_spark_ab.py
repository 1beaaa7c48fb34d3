"""The Spark pipeline gives the pandas pipeline's numbers on the same log; a missing or old Java is one
clear line."""

import os
import shutil
import stat

import pandas as pd
import pytest

from botify.analysis import effects, load_events, sessionize, spark_ab, user_metrics
from botify.analysis.log_reader import TruncatedLineWarning
from botify.analysis.synthetic_ab import simulate_sessions, write_event_log
from botify.errors import SparkSetupError

EXPERIMENT = "STICKY_ARTIST"
KEYS = ["user", "treatment"]


def fake_java(folder, shown):
    """A `java` that prints ``shown`` as its version, as the real one does on stderr."""
    (folder / "bin").mkdir()
    java = folder / "bin" / "java"
    java.write_text(f"#!/bin/sh\necho '{shown}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return java


def test_no_java_is_one_line_saying_what_to_install(monkeypatch, tmp_path):
    pytest.importorskip("pyspark", reason="pyspark is not installed (make setup-spark)")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    problem = spark_ab.spark_problem()
    assert "no `java` was found" in problem and "apt install openjdk-17" in problem and "\n" not in problem
    with pytest.raises(SparkSetupError, match="Java 17 or newer"):
        spark_ab.start_spark()


@pytest.mark.parametrize("shown, major", [('openjdk version "11.0.22" 2024-01-16', 11),
                                          ('java version "1.8.0_392"', 8)])
def test_an_old_java_is_named_with_its_version(monkeypatch, tmp_path, shown, major):
    pytest.importorskip("pyspark", reason="pyspark is not installed (make setup-spark)")
    java = fake_java(tmp_path, shown)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    assert spark_ab.java_version(str(java)) == major
    assert f"is Java {major}" in spark_ab.spark_problem()


def test_java_home_wins_over_path_as_in_sparks_launcher(monkeypatch, tmp_path):
    pytest.importorskip("pyspark", reason="pyspark is not installed (make setup-spark)")
    fake_java(tmp_path, 'openjdk version "21.0.1"')
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    monkeypatch.setenv("PATH", os.defpath)
    assert spark_ab.spark_problem() is None


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    problem = spark_ab.spark_problem()
    if problem:
        pytest.skip(problem)
    session = spark_ab.start_spark(cores=2, memory="1g", scratch=tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def awkward_log(tmp_path_factory):
    """Three arms with a real effect, two workers' rotated files, other experiments on every line,
    a listener still listening (no `last` yet) and a file cut mid-line."""
    folder = tmp_path_factory.mktemp("log")
    sessions = simulate_sessions(users=600, experiment=EXPERIMENT, effect={"T1": 0.1, "T2": -0.05},
                                 split={"C": 2, "T1": 1, "T2": 1}, seed=5)
    write_event_log(folder, sessions, EXPERIMENT, files=2, lines_per_file=3000,
                    other_experiments=("AA", "TOP_POP"))
    with open(folder / "events-1001.jsonl", "a") as live:
        live.write('{"message":"next","timestamp":99999999999,"user":3,"track":1,"time":0.5,"latency":0.001,'
                   '"experiments":{"STICKY_ARTIST":"C"},"recommendation":2,"fallback":false}\n')
        live.write('{"message":"next","timestamp":99999999999,"user":4,"tr')
    return folder


@pytest.mark.slow
def test_spark_gives_the_pandas_sessions_metrics_and_effects(spark, awkward_log):
    with pytest.warns(TruncatedLineWarning):
        events = load_events(awkward_log)
    by_pandas = user_metrics(sessionize(events), EXPERIMENT).sort_values(KEYS, ignore_index=True)
    spark_events = spark_ab.read_events(spark, awkward_log)
    sessions = spark_ab.sessionize(spark_events, EXPERIMENT)
    by_spark = spark_ab.user_metrics(sessions).cache()

    assert spark_ab.malformed_lines(spark_events) == 1
    assert sessions.count() == len(sessionize(events))
    from_spark = spark_ab.collect_frame(by_spark).sort_values(KEYS, ignore_index=True)
    pd.testing.assert_frame_equal(from_spark, by_pandas, check_dtype=False, check_exact=False, rtol=1e-9)
    table = spark_ab.effects(by_spark)
    pd.testing.assert_frame_equal(table, effects(by_pandas), check_exact=False, rtol=1e-9)
    assert set(table["treatment"]) == {"T1", "T2"} and table["significant"].any()


@pytest.mark.slow
def test_the_treatment_of_a_session_is_that_of_its_first_event(spark, tmp_path):
    lines = [
        '{"message":"next","timestamp":1,"user":1,"track":1,"time":1.0,"latency":0.1,"experiments":{"E":"T1"}}',
        '{"message":"last","timestamp":2,"user":1,"track":2,"time":0.5,"latency":0.1,"experiments":{"E":"C"}}',
        '{"message":"next","timestamp":3,"user":1,"track":3,"time":1.0,"latency":0.1,"experiments":{"E":"C"}}',
        '{"message":"last","timestamp":3,"user":1,"track":4,"time":0.2,"latency":0.1,"experiments":{"E":"C"}}',
    ]
    # order in the file is irrelevant
    (tmp_path / "events-1.jsonl").write_text("\n".join(reversed(lines)) + "\n")
    sessions = spark_ab.collect_frame(spark_ab.sessionize(spark_ab.read_events(spark, tmp_path), "E"))
    sessions = sessions.sort_values("start", ignore_index=True)
    assert sessions["treatment"].tolist() == ["T1", "C"]
    assert sessions["tracks"].tolist() == [2, 2] and sessions["time"].tolist() == [1.5, 1.2]


@pytest.mark.slow
def test_starting_again_replaces_a_session_whose_scratch_was_deleted(spark, tmp_path, awkward_log):
    """A notebook run again from the top deletes its folder, scratch included, then starts Spark."""
    first = spark_ab.start_spark(cores=2, memory="1g", scratch=tmp_path / "first")
    spark_ab.sessionize(spark_ab.read_events(first, awkward_log), EXPERIMENT).count()
    shutil.rmtree(tmp_path / "first")
    second = spark_ab.start_spark(cores=2, memory="1g", scratch=tmp_path / "second")
    assert second is not first
    # shuffles work
    assert spark_ab.sessionize(spark_ab.read_events(second, awkward_log), EXPERIMENT).count() > 0
    second.stop()
