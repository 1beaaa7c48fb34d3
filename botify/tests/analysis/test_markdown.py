"""report.md's page: sections in order, verdicts in bold, an SRM alarm that cannot be missed."""

import pandas as pd

from botify.analysis import markdown
from botify.analysis.reporting import Analysis, verdicts
from botify.analysis.significance import effects
from botify.analysis.synthetic_ab import simulate_sessions
from botify.analysis.trust import srm
from botify.analysis.user_level import user_metrics


def analysis(mismatch=False):
    sessions = simulate_sessions(300, "EXP", effect=0.5, seed=1)
    metrics = user_metrics(sessions, "EXP")
    trust = srm(metrics)
    trust["mismatch"] = mismatch
    return Analysis("EXP", "log", sessions, metrics, effects(metrics), trust)


def test_sections_come_in_reading_order():
    page = markdown.render(analysis(), verdicts(analysis().effects), ("e.png", "s.png"))
    order = [page.index(heading) for heading in
             ("# EXP: A/B test", "![effects](e.png)", "## Effects", "## Trust checks", "![sessions](s.png)",
              "## Method")]
    assert order == sorted(order)
    assert "**better**" in page and "Welch" in page


def test_a_sample_ratio_mismatch_is_shouted():
    page = markdown.render(analysis(mismatch=True), ["no effect"] * 6, ("e.png", "s.png"))
    assert "**MISMATCH" in page


def test_every_effect_row_is_a_table_row():
    result = analysis()
    page = markdown.render(result, verdicts(result.effects), ("e.png", "s.png"))
    rows = [line for line in page.splitlines() if line.split(" | ")[1:2] == ["T1"]]
    assert len(rows) == len(result.effects) == 6
    assert isinstance(result.effects, pd.DataFrame)


def test_a_log_path_under_the_working_directory_is_shown_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert markdown.shown_path(tmp_path / "reports" / "log") == "reports/log"
    assert markdown.shown_path("/elsewhere/log") == "/elsewhere/log"


def test_the_page_says_why_p_holm_equals_p_with_one_treatment_and_only_then():
    one = analysis()
    assert "nothing to correct: p (Holm) equals p" in markdown.render(one, verdicts(one.effects), ("e", "s"))
    metrics = one.metrics.assign(treatment=one.metrics["treatment"].mask(one.metrics.index % 3 == 0, "T2"))
    two = Analysis("EXP", "log", one.sessions, metrics, effects(metrics), one.srm)
    assert two.effects["treatment"].nunique() == 2
    assert "nothing to correct" not in markdown.render(two, verdicts(two.effects), ("e", "s"))
