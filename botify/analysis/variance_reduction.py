"""CUPED: less noise in an A/B test from each user's own pre-experiment behaviour.

A user who listened long last week listens long this week, whatever the
treatment. Subtracting ``theta * (X - mean X)``, where X is the user's same
metric in a pre-period and ``theta = cov(X, Y) / var(X)``, removes that
predictable part from Y: the means of the arms keep their difference (X does
not depend on the treatment) while the variance drops by a factor
``1 - corr(X, Y)^2``. Users without pre-period data keep X = mean X, i.e. no
adjustment. theta is pooled over all arms, as in Deng et al. (2013).
"""

import numpy as np

from botify.analysis.user_level import METRICS
from botify.fields import USER


def cuped(user_metrics, pre_metrics, metrics=METRICS):
    """A copy of ``user_metrics`` with each metric CUPED-adjusted by the same metric in ``pre_metrics``.

    ``pre_metrics`` is a per-user frame (``user_metrics(pre_sessions)``, no
    experiment needed). ``attrs["cuped"]`` holds, per metric, theta, the share
    of users with pre-period data and the variance reduction achieved.
    """
    pre = pre_metrics.drop_duplicates(USER).set_index(USER)
    adjusted, report = user_metrics.copy(), {}
    for metric in metrics:
        covariate = user_metrics[USER].map(pre[metric]).to_numpy(dtype=float)
        values = user_metrics[metric].to_numpy(dtype=float)
        adjusted[metric], report[metric] = _adjust(values, covariate)
    adjusted.attrs = {**user_metrics.attrs, "cuped": report}
    return adjusted


def _adjust(values, covariate):
    """Adjusted values and {theta, covered, variance_reduction} for one metric."""
    known = ~np.isnan(covariate)
    if known.sum() < 2 or np.var(covariate[known]) == 0:
        return values, {"theta": 0.0, "covered": float(known.mean()), "variance_reduction": 0.0}
    filled = np.where(known, covariate, covariate[known].mean())
    theta = np.cov(filled, values)[0, 1] / np.var(filled, ddof=1)
    result = values - theta * (filled - filled.mean())
    reduction = 1 - np.var(result) / np.var(values) if np.var(values) > 0 else 0.0
    return result, {"theta": float(theta), "covered": float(known.mean()),
                    "variance_reduction": float(reduction)}
