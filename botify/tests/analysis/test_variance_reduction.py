"""CUPED keeps the difference of means and removes the variance the pre-period predicts."""

import numpy as np
import pandas as pd

from botify.analysis.significance import effects
from botify.analysis.variance_reduction import cuped


def experiment(seed=0, users=4000, lift=0.5):
    rng = np.random.default_rng(seed)
    habit = rng.gamma(2.0, 2.0, users)
    arms = np.where(np.arange(users) % 2, "T1", "C")
    during = habit + rng.normal(0, 1, users) + np.where(arms == "T1", lift, 0)
    metrics = pd.DataFrame({"user": range(users), "treatment": arms, "time": during})
    pre = pd.DataFrame({"user": range(users), "time": habit + rng.normal(0, 1, users)})
    return metrics, pre


def test_cuped_narrows_the_interval_and_keeps_the_estimate():
    metrics, pre = experiment()
    adjusted = cuped(metrics, pre, metrics=["time"])
    raw, reduced = effects(metrics, metrics=["time"]).iloc[0], effects(adjusted, metrics=["time"]).iloc[0]
    assert raw["diff_low"] < 0.5 < raw["diff_high"]  # both estimate the planted lift 0.5 ...
    assert reduced["diff_low"] < 0.5 < reduced["diff_high"]
    assert (reduced["diff_high"] - reduced["diff_low"]
            < 0.7 * (raw["diff_high"] - raw["diff_low"]))  # ... CUPED tighter
    note = adjusted.attrs["cuped"]["time"]
    assert note["covered"] == 1.0 and note["variance_reduction"] > 0.5 and note["theta"] > 0


def test_users_without_pre_period_are_left_as_they_are():
    metrics, pre = experiment(users=100)
    adjusted = cuped(metrics, pre[pre["user"] < 50], metrics=["time"])
    assert adjusted.attrs["cuped"]["time"]["covered"] == 0.5
    late = adjusted["user"] >= 50
    shift = adjusted.loc[late, "time"] - metrics.loc[late, "time"]
    assert np.allclose(shift, shift.iloc[0])  # the same constant: theta * (mean X - mean X filled)


def test_a_constant_pre_period_changes_nothing():
    metrics, pre = experiment(users=50)
    adjusted = cuped(metrics, pre.assign(time=1.0), metrics=["time"])
    assert adjusted["time"].equals(metrics["time"]) and adjusted.attrs["cuped"]["time"]["theta"] == 0.0
