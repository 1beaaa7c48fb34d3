"""The one-call report: tables, trust checks and pictures from a log dir."""

import json

import pytest

from botify.analysis.reporting import analyse, format_table, format_trust, report
from botify.analysis.synthetic_ab import simulate_sessions, write_event_log


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("log")
    write_event_log(folder, simulate_sessions(800, "EXP", effect=0.5, seed=11), "EXP", files=2)
    return folder


@pytest.fixture(scope="module")
def pre_log_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pre")
    write_event_log(folder, simulate_sessions(800, "OLD", seed=11), "OLD", files=1)
    return folder


def test_report_writes_markdown_and_pngs_and_returns_the_effects(tmp_path, log_dir):
    table = report(log_dir, "EXP", out=tmp_path / "out")
    assert set(table["metric"]) >= {"time", "mean_time_per_session"}
    names = {path.name for path in (tmp_path / "out").iterdir()}
    assert names == {"report.md", "report.json", "effects.png", "sessions.png"}
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert "| mean_time_per_session | T1 |" in markdown
    assert "![effects](effects.png)" in markdown and "![sessions](sessions.png)" in markdown
    assert "Sample ratio mismatch" in markdown and "Holm" in markdown


def test_a_planted_big_effect_reads_better(log_dir):
    table = analyse(log_dir, "EXP").effects.set_index("metric")
    assert table.loc["mean_tracks_per_session", "significant"]
    assert "better" in format_table(analyse(log_dir, "EXP").effects)


def test_the_text_table_is_aligned(log_dir):
    lines = format_table(analyse(log_dir, "EXP").effects).splitlines()
    assert lines[0].split()[:3] == ["metric", "arm", "control"]
    assert set(lines[1]) == {"-"}
    assert len({len(line) for line in lines[2:]}) <= 2  # right-aligned numbers, left-aligned verdict


def test_aa_mode_compares_two_halves_of_control(log_dir):
    analysis = analyse(log_dir, "EXP", aa=True)
    assert set(analysis.metrics["treatment"]) == {"C", "T1"}
    assert analysis.effects["users_control"].iloc[0] + analysis.effects["users_treatment"].iloc[0] == (
        (analyse(log_dir, "EXP").metrics["treatment"] == "C").sum())


def test_pre_period_logs_turn_on_cuped(log_dir, pre_log_dir, tmp_path):
    analysis = analyse(log_dir, "EXP", pre_logs=pre_log_dir)
    assert set(analysis.cuped) >= {"time"} and analysis.cuped["time"]["covered"] > 0.9
    report(log_dir, "EXP", out=tmp_path, pre_logs=pre_log_dir)
    assert "CUPED on time" in (tmp_path / "report.md").read_text()


def test_trust_lines_name_every_arm(log_dir):
    text = format_trust(analyse(log_dir, "EXP"))
    assert "C: " in text and "T1: " in text and "-> ok" in text


def test_a_sample_ratio_mismatch_is_flagged_in_the_report(tmp_path):
    write_event_log(tmp_path / "log", simulate_sessions(3000, "EXP", split={"C": 60, "T1": 40}, seed=4),
                    "EXP")
    analysis = analyse(tmp_path / "log", "EXP")
    assert analysis.srm["mismatch"]
    assert not analyse(tmp_path / "log", "EXP", split={"C": 60, "T1": 40}).srm["mismatch"]
    report(tmp_path / "log", "EXP", out=tmp_path / "out")
    assert "**MISMATCH" in (tmp_path / "out" / "report.md").read_text()


def test_arms_are_named_from_the_logs_own_description(tmp_path):
    logs = tmp_path / "log"
    write_event_log(logs, simulate_sessions(300, "EXP", seed=5), "EXP")
    assert analyse(logs, "EXP").arms == {}  # no description: arms are just C and T1
    description = {"experiments": {"EXP": {"treatments": {"C": "Random", "T1": "MyNew"}}}}
    (logs / "experiments.json").write_text(json.dumps(description))
    assert analyse(logs, "EXP").arms == {"C": "Random", "T1": "MyNew"}
    report(logs, "EXP", out=tmp_path / "out")
    page = (tmp_path / "out" / "report.md").read_text()
    assert "Arms: C = Random, T1 = MyNew." in page
    assert "| T1 | MyNew |" in page


def test_a_log_of_an_interrupted_day_says_so_in_every_report(tmp_path):
    logs = tmp_path / "log"
    write_event_log(logs, simulate_sessions(300, "EXP", seed=6), "EXP")
    assert analyse(logs, "EXP").partial is None
    (logs / "PARTIAL").write_text("day 2 of 3000 sessions did not finish: KeyboardInterrupt\n")
    analysis = analyse(logs, "EXP")
    assert format_trust(analysis).startswith("warning: PARTIAL DAY, the traffic was interrupted "
                                             "(day 2 of 3000")
    report(logs, "EXP", out=tmp_path / "out")
    assert "**PARTIAL DAY: the traffic was interrupted**" in (tmp_path / "out" / "report.md").read_text()


def test_analysing_an_experiment_that_was_not_served_warns_that_it_is_an_a_a_test(tmp_path):
    logs = tmp_path / "log"
    write_event_log(logs, simulate_sessions(300, "EXP", seed=6), "EXP")
    (logs / "experiments.json").write_text(json.dumps({"active": "OTHER", "experiments": {}}))
    text = format_trust(analyse(logs, "EXP"))
    assert text.startswith("warning: EXP was not being served in this log (the active experiment was OTHER)")
    (logs / "experiments.json").write_text(json.dumps({"active": "EXP", "experiments": {}}))
    assert "was not being served" not in format_trust(analyse(logs, "EXP"))
