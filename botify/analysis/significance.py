"""Effects of every treatment against control, with Welch confidence intervals.

Welch's t-interval does not assume equal variances in the two arms (a new
recommender often changes the spread as well as the mean), and its degrees of
freedom come from the Welch–Satterthwaite formula.

The relative effect is ``100 * (mean_T - mean_C) / mean_C`` and its interval
is the interval of the difference divided by the control mean (the control
mean is treated as known; with thousands of users per arm its own noise is
small against the difference's). Significance therefore means exactly "the
interval of the difference excludes 0".

With several treatments every metric asks one question per treatment, so the
p-values of a metric are also corrected with Holm's step-down method (it
controls the family-wise error like Bonferroni and is never less powerful);
the table shows both the raw and the corrected verdict.
"""

import numpy as np
import pandas as pd
from scipy import stats

from botify.analysis.user_level import METRICS
from botify.errors import AnalysisError
from botify.fields import CONTROL, TREATMENT

COLUMNS = (
    "metric", TREATMENT, "control_mean", "treatment_mean", "effect", "ci_low", "ci_high",
    "diff", "diff_low", "diff_high", "df", "p_value", "p_holm", "significant", "significant_holm",
    "users_control", "users_treatment",
)


def welch(control, treatment, alpha=0.05):
    """Welch's t-test of mean(treatment) - mean(control): {diff, low, high, df, p_value}."""
    return welch_from_moments(_moments(control), _moments(treatment), alpha)


def welch_from_moments(control, treatment, alpha=0.05):
    """The same test from each arm's (count, mean, sample variance): all it needs, so a cluster
    can reduce millions of users to three numbers per arm and the driver finishes the test."""
    (n_c, mean_c, var_c), (n_t, mean_t, var_t) = control, treatment
    if min(n_c, n_t) < 2:
        return {"diff": np.nan, "low": np.nan, "high": np.nan, "df": np.nan, "p_value": np.nan}
    var_c, var_t = var_c / n_c, var_t / n_t
    diff, se = mean_t - mean_c, np.sqrt(var_c + var_t)
    if se == 0:
        return {"diff": diff, "low": diff, "high": diff, "df": np.nan, "p_value": float(diff == 0)}
    df = (var_c + var_t) ** 2 / (var_c**2 / (n_c - 1) + var_t**2 / (n_t - 1))
    margin = stats.t.ppf(1 - alpha / 2, df) * se
    p_value = 2 * stats.t.sf(abs(diff) / se, df)
    return {"diff": diff, "low": diff - margin, "high": diff + margin, "df": df, "p_value": p_value}


def _moments(values):
    values = np.asarray(values, dtype=float)
    return (len(values), (values.mean() if len(values) else np.nan),
            (values.var(ddof=1) if len(values) > 1 else np.nan))


def holm(p_values):
    """Holm's step-down adjusted p-values (NaN stays NaN), same order as given."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(len(p), np.nan)
    known = np.flatnonzero(~np.isnan(p))
    order = known[np.argsort(p[known], kind="stable")]
    steps = (len(order) - np.arange(len(order))) * p[order]
    adjusted[order] = np.minimum(np.maximum.accumulate(steps), 1.0)
    return adjusted


def effects(user_metrics, control=CONTROL, alpha=0.05, metrics=METRICS):
    """One row per (metric, treatment != control); columns COLUMNS, effects and CIs in % of control."""
    return effects_from_moments(arm_moments(user_metrics, metrics), control, alpha)


def arm_moments(user_metrics, metrics=METRICS):
    """Per treatment and metric: users, mean and sample variance (rows: treatment, metric, n, mean, var)."""
    grouped = user_metrics.groupby(TREATMENT, sort=True)[list(metrics)]
    table = pd.concat({"n": grouped.count(), "mean": grouped.mean(), "var": grouped.var(ddof=1)}, axis=1)
    return table.stack(level=1, future_stack=True).rename_axis([TREATMENT, "metric"]).reset_index()


def effects_from_moments(moments, control=CONTROL, alpha=0.05):
    """``effects`` from ``arm_moments``' table, wherever it was computed (pandas here, Spark in seminar 6)."""
    arms = {name: group.set_index("metric") for name, group in moments.groupby(TREATMENT, sort=True)}
    if control not in arms:
        found = ", ".join(map(str, arms)) or "none"
        raise AnalysisError(f"no control arm {control!r} among the treatments ({found})")
    treated = [name for name in arms if name != control]
    if not treated:
        raise AnalysisError(f"only the control arm {control!r} is present: nothing to compare")
    metrics = list(dict.fromkeys(moments["metric"]))
    rows = [_row(metric, arms[control].loc[metric], name, arms[name].loc[metric], alpha)
            for metric in metrics for name in treated]
    table = pd.DataFrame(rows)
    table["p_holm"] = table.groupby("metric", sort=False)["p_value"].transform(holm)
    table["significant"] = table["p_value"] < alpha
    table["significant_holm"] = table["p_holm"] < alpha
    table.attrs = {"alpha": alpha, "control": control, "correction": "holm"}
    return table[list(COLUMNS)]


def _row(metric, control, name, treatment, alpha):
    """One effects row from two arms' moments (each a Series with n, mean, var)."""
    n_c, n_t = int(control["n"]), int(treatment["n"])
    test = welch_from_moments((n_c, control["mean"], control["var"]),
                              (n_t, treatment["mean"], treatment["var"]), alpha)
    base = control["mean"]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = 100 * np.array([test["diff"], test["low"], test["high"]]) / base
    return {
        "metric": metric, TREATMENT: name, "control_mean": base, "treatment_mean": treatment["mean"],
        "effect": relative[0], "ci_low": relative[1], "ci_high": relative[2],
        "diff": test["diff"], "diff_low": test["low"], "diff_high": test["high"],
        "df": test["df"], "p_value": test["p_value"],
        "users_control": n_c, "users_treatment": n_t,
    }
