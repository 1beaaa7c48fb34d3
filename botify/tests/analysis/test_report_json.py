"""report.json: the documented schema for A/B reports (interleaved ones: test_interleaving_report.py)."""

import json
import math

import pytest
from scipy import stats

from botify.analysis import report_json
from botify.analysis.reporting import analyse, format_table, write_report
from botify.analysis.synthetic_ab import simulate_sessions, write_event_log
from botify.errors import EventLogError

METRICS = {"sessions", "tracks", "time", "mean_request_latency", "mean_tracks_per_session",
           "mean_time_per_session"}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    logs = tmp_path_factory.mktemp("log")
    write_event_log(logs, simulate_sessions(400, "EXP", effect=0.4, seed=5), "EXP", files=1)
    analysis = analyse(logs, "EXP")
    out = tmp_path_factory.mktemp("report")
    write_report(analysis, out)
    return analysis, json.loads((out / "report.json").read_text()), out


def test_an_ab_report_has_the_kind_arms_and_every_metric_per_arm(written):
    analysis, report, _ = written
    assert report["schema"] == 1 and report["kind"] == "ab" and report["experiment"] == "EXP"
    assert set(report["arms"]) == {"C", "T1"} and set(report["metrics"]) == METRICS
    row = report["metrics"]["mean_time_per_session"]["T1"]
    expected = analysis.effects.set_index(["metric", "treatment"]).loc[("mean_time_per_session", "T1")]
    assert row["effect"] == pytest.approx(expected["effect"])
    assert row["p"] == pytest.approx(expected["p_value"])
    assert row["ci"] == pytest.approx([expected["ci_low"], expected["ci_high"]])
    assert row["verdict"] in {"better", "worse", "no effect"}
    assert "preference" not in report


def test_each_arm_carries_its_listener_means_with_the_t_interval(written):
    analysis, report, _ = written
    control = analysis.metrics[analysis.metrics["treatment"] == "C"]["mean_time_per_session"]
    half = stats.sem(control) * stats.t.ppf(0.975, len(control) - 1)
    found = report["arms"]["C"]["means"]["mean_time_per_session"]
    assert found["mean"] == pytest.approx(control.mean())
    assert found["ci"] == pytest.approx([control.mean() - half, control.mean() + half])
    assert report["arms"]["C"]["users"] == len(control)
    per_session = analysis.sessions[analysis.sessions["EXP"] == "C"]["time"].mean()
    assert report["arms"]["C"]["time_per_session"] == pytest.approx(per_session)


def test_the_effects_table_reads_back_as_the_command_prints_it(written):
    analysis, report, out = written
    assert format_table(report_json.effects_frame(report_json.read(out))) == format_table(analysis.effects)


def test_numbers_that_are_not_numbers_are_null():
    assert report_json._clean({"x": [math.nan, math.inf, 1.5]}) == {"x": [None, None, 1.5]}


def test_a_file_that_is_not_a_report_is_one_error(tmp_path):
    with pytest.raises(EventLogError, match="not a readable report.json"):
        report_json.read(tmp_path)
    (tmp_path / "report.json").write_text('{"kind": "other"}')
    with pytest.raises(EventLogError, match="not a botify report.json"):
        report_json.read(tmp_path / "report.json")
