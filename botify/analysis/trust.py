"""Trust checks that come with every effect: is the split what it should be?

A sample ratio mismatch (SRM: e.g. 55/45 users where the assignment promises
50/50) means users were lost or moved unevenly between arms (a crashing
recommender, a bot, a logging bug), and then no effect can be trusted, however
significant. The A/A split re-labels control users at random: an honest
pipeline finds "no effect" there about 95% of the time.
"""

import numpy as np
import pandas as pd
from scipy import stats

from botify.errors import AnalysisError
from botify.fields import CONTROL, FALLBACK, MESSAGE, NEXT, SESSIONS, TREATMENT, USER

SRM_THRESHOLD = 0.001


def arm_sizes(user_metrics):
    """Users and sessions per treatment."""
    sizes = user_metrics.groupby(TREATMENT, sort=True).agg(users=(USER, "size"), sessions=(SESSIONS, "sum"))
    return sizes.reset_index()


def srm(user_metrics, split=None, threshold=SRM_THRESHOLD):
    """Chi-square test of users per treatment against the intended split.

    ``split`` maps treatment -> weight (any scale, e.g. {"C": 50, "T1": 50});
    by default every treatment present gets an equal share. Returns a dict with
    the per-arm table (users, sessions, expected users), ``chi2``, ``p_value``
    and ``mismatch`` (p below ``threshold``; 0.001 is the usual bar, since the
    check runs on every experiment and a false alarm stops a good one), and
    ``crossovers``: users seen in more than one arm (the assignment changed
    under them; they count in both).
    """
    crossovers = int(user_metrics[USER].duplicated().sum())
    sizes = arm_sizes(user_metrics)
    if split is not None:  # an arm that lost every user is the worst mismatch: keep it in the table
        absent = [arm for arm in split if arm not in set(sizes[TREATMENT])]
        extra = pd.DataFrame({TREATMENT: absent, "users": 0, "sessions": 0})
        sizes = pd.concat([sizes, extra], ignore_index=True) if absent else sizes
    weights = _weights(sizes[TREATMENT], split)
    expected = weights / weights.sum() * sizes["users"].sum()
    sizes["expected_users"] = expected
    if len(sizes) < 2:
        return {"arms": sizes, "chi2": 0.0, "p_value": 1.0, "mismatch": False, "crossovers": crossovers}
    chi2, p_value = stats.chisquare(sizes["users"], expected)
    return {"arms": sizes, "chi2": float(chi2), "p_value": float(p_value),
            "mismatch": bool(p_value < threshold), "crossovers": crossovers}


def _weights(arms, split):
    if split is None:
        return np.ones(len(arms))
    missing = sorted(set(arms) - set(split))
    if missing:
        raise AnalysisError(f"the split {split} does not give a weight to treatment {missing[0]!r}")
    return np.array([float(split[arm]) for arm in arms])


def aa_split(user_metrics, control=CONTROL, seed=0):
    """The control users alone, shuffled into two equal halves labelled C and T1 (an A/A test)."""
    users = user_metrics[user_metrics[TREATMENT] == control].reset_index(drop=True)
    halves = np.random.default_rng(seed).permutation(len(users)) % 2
    return users.assign(**{TREATMENT: pd.Series(np.where(halves == 0, CONTROL, "T1"), index=users.index)})


def fallback_shares(events, experiment):
    """{treatment: share of its ``next`` answers that were random fallbacks}; {} for logs without the flag.

    An arm whose recommender has no data (an artifact never uploaded) answers
    at random: its "A/B test" is really an A/A test, and this is how to see it.
    """
    answers = events[(events[MESSAGE] == NEXT) & events[experiment].notna()]
    if FALLBACK not in answers or answers[FALLBACK].isna().all():
        return {}
    flags = answers[FALLBACK].astype("float64")
    shares = flags.groupby(answers[experiment].astype(str), observed=True).mean()
    return {arm: float(share) for arm, share in shares.sort_index().items() if not np.isnan(share)}
