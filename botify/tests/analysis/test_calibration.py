"""Calibration: the 95% Welch interval errs 5% of the time in A/A tests and has its promised power.

Users are simulated in-process (``botify.analysis.synthetic_ab``): skewed,
heterogeneous listeners, a fresh population for every split so that the
splits are independent and their count of "significant" results is binomial.
"""

import numpy as np
import pytest
from scipy import stats

from botify.analysis.significance import effects
from botify.analysis.synthetic_ab import simulate_sessions
from botify.analysis.trust import aa_split
from botify.analysis.user_level import METRICS, user_metrics

SPLITS = 200
ALPHA = 0.05


def significant_share(metric_names, users, effect, seed0):
    """Per metric: how many of SPLITS independent experiments came out significant."""
    hits = np.zeros(len(metric_names), dtype=int)
    for seed in range(seed0, seed0 + SPLITS):
        metrics = user_metrics(simulate_sessions(users, "EXP", effect=effect, seed=seed), "EXP")
        table = effects(metrics, alpha=ALPHA, metrics=metric_names)
        hits += table["significant"].to_numpy()
    return hits


def test_aa_false_positive_rate_is_within_the_binomial_99_percent_range_of_5_percent():
    low, high = stats.binom.interval(0.99, SPLITS, ALPHA)
    hits = significant_share(list(METRICS), users=2000, effect=0.0, seed0=1000)
    assert all(low <= hit <= high for hit in hits), dict(zip(METRICS, hits))


def test_aa_split_of_one_population_is_also_calibrated():
    low, high = stats.binom.interval(0.99, SPLITS, ALPHA)
    metrics = user_metrics(simulate_sessions(4000, "EXP", seed=5), "EXP")
    hits = sum(effects(aa_split(metrics, seed=seed), metrics=["time"])["significant"].iloc[0]
               for seed in range(SPLITS))
    assert low <= hits <= high


def expected_power(metric, users, effect):
    """Normal-approximation power of Welch's test, sds taken from a large simulated population."""
    big = user_metrics(simulate_sessions(100_000, "EXP", effect=effect, seed=77), "EXP")
    sd = big.groupby("treatment")[metric].std()
    delta = effect * big.loc[big["treatment"] == "C", metric].mean()
    se = np.sqrt((sd["C"] ** 2 + sd["T1"] ** 2) / (users / 2))
    z = stats.norm.ppf(1 - ALPHA / 2)
    return stats.norm.cdf(delta / se - z) + stats.norm.cdf(-delta / se - z)


@pytest.mark.parametrize("metric", ["mean_time_per_session"])
def test_a_planted_5_percent_effect_is_found_with_the_expected_power(metric):
    users = 6000
    power = expected_power(metric, users, 0.05)
    assert 0.4 < power < 0.9  # a size where power is informative, not 0 or 1
    low, high = stats.binom.interval(0.99, SPLITS, power)
    [hits] = significant_share([metric], users=users, effect=0.05, seed0=5000)
    assert low <= hits <= high, (hits, power * SPLITS)
