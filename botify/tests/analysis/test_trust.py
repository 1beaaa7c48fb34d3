"""Sample ratio mismatch and the A/A split."""

import numpy as np
import pandas as pd
import pytest

from botify.analysis.trust import aa_split, arm_sizes, fallback_shares, srm
from botify.errors import AnalysisError


def users(**counts):
    arms = [arm for arm, count in counts.items() for _ in range(count)]
    return pd.DataFrame({"user": range(len(arms)), "treatment": arms, "sessions": 2})


def test_srm_fires_on_55_45_of_a_50_50_split():
    check = srm(users(C=5500, T1=4500))
    assert check["mismatch"] and check["p_value"] < 1e-20
    assert check["arms"]["expected_users"].tolist() == [5000, 5000]


def test_srm_is_quiet_on_a_fair_split():
    rng = np.random.default_rng(7)
    arms = np.where(rng.random(10_000) < 0.5, "C", "T1")
    check = srm(pd.DataFrame({"user": range(10_000), "treatment": arms, "sessions": 1}))
    assert not check["mismatch"] and check["p_value"] > 0.001


def test_srm_uses_an_explicit_split_and_reports_an_arm_with_no_users():
    assert not srm(users(C=7000, T1=3000), split={"C": 70, "T1": 30})["mismatch"]
    check = srm(users(C=5000, T1=5000), split={"C": 1, "T1": 1, "T2": 1})
    assert check["mismatch"] and check["arms"]["users"].tolist() == [5000, 5000, 0]
    with pytest.raises(AnalysisError, match="weight to treatment 'T1'"):
        srm(users(C=10, T1=10), split={"C": 1})


def test_users_in_two_arms_are_counted():
    both = pd.concat([users(C=3, T1=3), users(T1=2)], ignore_index=True)
    assert srm(both)["crossovers"] == 2 and srm(users(C=3, T1=3))["crossovers"] == 0


def test_arm_sizes_count_users_and_sessions():
    assert arm_sizes(users(C=3, T1=2)).values.tolist() == [["C", 3, 6], ["T1", 2, 4]]


def test_aa_split_halves_the_control_users_at_random():
    split = aa_split(users(C=101, T1=50), seed=1)
    assert len(split) == 101 and split["treatment"].value_counts().to_dict() == {"C": 51, "T1": 50}
    assert not split.equals(aa_split(users(C=101, T1=50), seed=2))


def test_fallback_shares_per_arm_count_next_answers_only():
    events = pd.DataFrame({
        "message": ["next", "next", "next", "last", "next", "next"],
        "EXP": pd.Categorical(["C", "C", "T1", "T1", "T1", None]),
        "fallback": pd.array([False, False, True, pd.NA, True, True], dtype="boolean"),
    })
    assert fallback_shares(events, "EXP") == {"C": 0.0, "T1": 1.0}


def test_logs_without_the_fallback_flag_give_no_shares():
    events = pd.DataFrame({"message": ["next"], "EXP": pd.Categorical(["C"]),
                           "fallback": pd.array([pd.NA], dtype="boolean")})
    assert fallback_shares(events, "EXP") == {}
