"""Welch intervals against scipy, Holm's correction, and the effects table."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from botify.analysis.significance import COLUMNS, effects, holm, welch
from botify.errors import AnalysisError

CONTROL = np.array([4.1, 5.3, 2.2, 6.8, 5.0, 3.9, 4.4, 7.1, 2.9, 5.5])
TREATMENT = np.array([5.9, 6.1, 4.8, 9.3, 7.7, 5.2, 6.6, 8.8, 5.1, 6.0, 7.4, 12.5])


@pytest.mark.parametrize("alpha", [0.05, 0.01])
def test_welch_matches_scipy(alpha):
    ours = welch(CONTROL, TREATMENT, alpha)
    theirs = stats.ttest_ind(TREATMENT, CONTROL, equal_var=False)
    interval = theirs.confidence_interval(1 - alpha)
    assert ours["p_value"] == pytest.approx(theirs.pvalue, rel=1e-10)
    assert ours["df"] == pytest.approx(theirs.df, rel=1e-10)
    assert (ours["low"], ours["high"]) == pytest.approx((interval.low, interval.high), rel=1e-10)
    assert ours["diff"] == pytest.approx(TREATMENT.mean() - CONTROL.mean())


def test_welch_degrees_of_freedom_follow_welch_satterthwaite():
    var_c, var_t = CONTROL.var(ddof=1) / 10, TREATMENT.var(ddof=1) / 12
    expected = (var_c + var_t) ** 2 / (var_c**2 / 9 + var_t**2 / 11)
    assert welch(CONTROL, TREATMENT)["df"] == pytest.approx(expected)


def test_welch_degenerate_inputs_give_no_verdict_and_no_warning():
    assert np.isnan(welch([1.0], [1.0, 2.0])["p_value"])
    assert welch([1.0, 1.0], [2.0, 2.0])["p_value"] == 0.0
    assert welch([1.0, 1.0], [1.0, 1.0])["p_value"] == 1.0


def test_holm_matches_the_step_down_definition():
    assert holm([0.01, 0.04, 0.03, np.nan]) == pytest.approx([0.03, 0.06, 0.06, np.nan], nan_ok=True)
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def metrics_frame(arms):
    """A user-metrics frame where every metric equals the given values."""
    rows = [(arm, value) for arm, values in arms.items() for value in values]
    frame = pd.DataFrame(rows, columns=["treatment", "time"])
    frame.insert(0, "user", range(len(frame)))
    return frame


def test_effects_table_relative_interval_is_the_difference_over_the_control_mean():
    table = effects(metrics_frame({"C": CONTROL, "T1": TREATMENT}), metrics=["time"])
    assert list(table.columns) == list(COLUMNS)
    [row] = table.to_dict("records")
    assert row["effect"] == pytest.approx(100 * (TREATMENT.mean() / CONTROL.mean() - 1))
    assert row["ci_low"] == pytest.approx(100 * row["diff_low"] / CONTROL.mean())
    assert row["significant"] and row["significant_holm"] and row["p_holm"] == row["p_value"]
    assert (row["users_control"], row["users_treatment"]) == (10, 12)


def test_a_three_way_split_shows_raw_and_holm_corrected_verdicts():
    arms = {"C": CONTROL, "T1": TREATMENT, "T2": CONTROL + 0.01}
    table = effects(metrics_frame(arms), metrics=["time"]).set_index("treatment")
    assert table.loc["T1", "p_holm"] == pytest.approx(2 * table.loc["T1", "p_value"])
    assert not table.loc["T2", "significant"]


def test_a_missing_control_or_treatment_is_a_clear_error():
    with pytest.raises(AnalysisError, match="no control arm 'C'"):
        effects(metrics_frame({"T1": TREATMENT}), metrics=["time"])
    with pytest.raises(AnalysisError, match="only the control arm"):
        effects(metrics_frame({"C": CONTROL}), metrics=["time"])
