"""Seminar 5's checks: the reference solutions pass, each typical mistake fails with its own message,
and an unwritten task says so."""

import re

import numpy as np
import pandas as pd
import pytest

from botify.teaching import CheckFailed
from botify.teaching.week5_diversity import check_intra_list_diversity, check_lambda_to_ship, check_mmr
from botify.training import diversity


def stub(name):
    """What the student edition leaves of a task: a function that raises NotImplementedError."""
    def unwritten(*args):
        raise NotImplementedError()
    unwritten.__name__ = name
    return unwritten


# ---------------------------------------------------------------- Task 5.1

def ild(tracks, labels):
    real = [t for t in tracks if t >= 0]
    pairs = [(a, b) for i, a in enumerate(real) for b in real[i + 1:]]
    if not pairs:
        return float("nan")
    return sum(labels[a] != labels[b] for a, b in pairs) / len(pairs)


def ild_with_padding(tracks, labels):
    return ild([t if t >= 0 else len(labels) - 1 for t in tracks], labels)


def ild_similarity(tracks, labels):
    return 1 - ild(tracks, labels)


def ild_over_n_squared(tracks, labels):
    real = [t for t in tracks if t >= 0]
    return sum(labels[a] != labels[b] for a in real for b in real) / len(real) ** 2


def ild_zero_for_one_track(tracks, labels):
    value = ild(tracks, labels)
    return 0.0 if value != value else value


def test_the_reference_ild_passes_both_checks(capsys):
    check_intra_list_diversity(ild)
    check_intra_list_diversity(ild, hidden=True)
    assert "✔ Task 5.1 passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, phrase", [
    (stub("ild"), "ild is not written yet"),
    (ild_with_padding, "the -1s are padding"),
    (ild_similarity, "SAME label"),
    (ild_over_n_squared, "not by n²"),
    (ild_zero_for_one_track, "float('nan')"),
    (lambda tracks, labels: [ild(tracks, labels)], "one number"),
    (lambda tracks, labels: 0.5, "pairs with different labels"),
])
def test_a_wrong_ild_fails_with_its_message(wrong, phrase):
    with pytest.raises(CheckFailed, match=r"^Task 5\.1: ") as failure:
        check_intra_list_diversity(wrong)
    assert phrase in str(failure.value)


# ---------------------------------------------------------------- Task 5.2

def mmr_rerank(candidates, relevance, similarity, lam, k):
    picked, free = [], list(range(len(candidates)))
    closest = [0.0] * len(candidates)
    while free and len(picked) < k:
        best = max(free, key=lambda i: (lam * relevance[i] - (1 - lam) * closest[i], -i))
        free.remove(best)
        picked.append(candidates[best])
        for i in free:
            closest[i] = max(closest[i], similarity(candidates[i], candidates[best]))
    return picked


def mmr_aggregating(combine, swap=False, positions=False, keep_picked=False):
    def rerank(candidates, relevance, similarity, lam, k):
        weight, penalty = (1 - lam, lam) if swap else (lam, 1 - lam)
        picked = []
        while len(picked) < min(k, len(candidates)):
            def score(i):
                near = [similarity(candidates[i], candidates[p]) for p in picked]
                return weight * relevance[i] - penalty * (combine(near) if near else 0)
            free = [i for i in range(len(candidates)) if keep_picked or i not in picked]
            picked.append(max(free, key=lambda i: (score(i), -i)))
        return picked if positions else [candidates[i] for i in picked]
    return rerank


def test_the_reference_mmr_passes_and_matches_the_package_on_real_looking_lists(capsys):
    rng = np.random.default_rng(0)
    artist, genre = rng.integers(0, 30, 500), rng.integers(0, 4, 500)
    lists = np.array([rng.choice(500, 100, replace=False) for _ in range(4)])
    lists[0, 90:] = -1
    check_mmr(mmr_rerank, lists, (artist, genre), lam=0.4, k=20)
    check_mmr(mmr_rerank, hidden=True)
    assert "equal to diversity.mmr on 4 of this notebook's lists at λ = 0.4" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, phrase", [
    (stub("mmr_rerank"), "mmr_rerank is not written yet"),
    (mmr_aggregating(max, keep_picked=True), "is picked twice"),
    (mmr_aggregating(max, positions=True), "you return positions"),
    (mmr_aggregating(max, swap=True), "λ = 1 must mean pure relevance"),
    (mmr_aggregating(sum), "add up the similarities"),
    (mmr_aggregating(lambda near: sum(near) / len(near)), "average the similarities"),
    (mmr_aggregating(lambda near: near[-1]), "the last picked track only"),
    (lambda candidates, relevance, similarity, lam, k: candidates[:k], "position 2 should be track 40"),
    (lambda candidates, relevance, similarity, lam, k: candidates[:k - 1], "should hold 5 tracks"),
])
def test_a_wrong_mmr_fails_with_its_message(wrong, phrase):
    with pytest.raises(CheckFailed, match=r"^Task 5\.2: ") as failure:
        check_mmr(wrong)
    assert phrase in str(failure.value)


def test_mmr_on_real_lists_names_the_list_and_position_where_it_differs():
    rng = np.random.default_rng(1)
    artist, genre = rng.integers(0, 30, 500), rng.integers(0, 4, 500)
    lists = np.array([rng.choice(500, 100, replace=False) for _ in range(3)])

    def right_on_planted_only(candidates, relevance, similarity, lam, k):
        picked = mmr_rerank(candidates, relevance, similarity, lam, k)
        return picked if len(candidates) < 10 else picked[:-2] + picked[-1:] + picked[-2:-1]

    where = re.escape(str(lists[0, :5].tolist()))
    with pytest.raises(CheckFailed, match=rf"^Task 5\.2: in the list {where}… .*position 19"):
        check_mmr(right_on_planted_only, lists, (artist, genre), lam=0.7, k=20)


def test_the_planted_answer_is_the_packages():
    from botify.teaching.week5_diversity import PLANTED

    levels = [np.zeros(45, dtype=int) for _ in range(2)]
    for level, name in zip(levels, ("artist", "genre")):
        level[PLANTED["track"]] = pd.factorize(PLANTED[name])[0]
    got = diversity.mmr([PLANTED["track"].tolist()], levels, relevance=[PLANTED["relevance"].tolist()],
                        lam=0.6, k=5)
    assert got.tolist() == [[12, 40, 17, 23, 31]]  # as worked out in the module's comment


# ---------------------------------------------------------------- Task 5.3

def lambda_to_ship(online):
    contextual = online[online["arm"].str.startswith("Contextual")].set_index("λ")
    drift = online.loc[online["arm"].str.startswith("Sticky"), "effect %"].abs().max()
    fit = contextual[(contextual["ci low %"] > 0) & (contextual["effect %"] > drift)]
    return float(fit["effect %"].idxmax()) if len(fit) else 1.0


def ship_ignoring_the_ci(online):
    contextual = online[online["arm"].str.startswith("Contextual")].set_index("λ")
    return float(contextual["effect %"].idxmax())


def ship_ignoring_the_drift(online):
    contextual = online[online["arm"].str.startswith("Contextual")].set_index("λ")
    fit = contextual[contextual["ci low %"] > 0]
    return float(fit["effect %"].idxmax()) if len(fit) else 1.0


def ship_with_a_signed_drift(online):
    contextual = online[online["arm"].str.startswith("Contextual")].set_index("λ")
    drift = online.loc[online["arm"].str.startswith("Sticky"), "effect %"].max()
    fit = contextual[(contextual["ci low %"] > 0) & (contextual["effect %"] > drift)]
    return float(fit["effect %"].idxmax()) if len(fit) else 1.0


def test_the_reference_rule_passes_and_decides_the_notebooks_table(capsys):
    from botify.teaching.week5_diversity import SHIP_CASES

    assert check_lambda_to_ship(lambda_to_ship, online=SHIP_CASES[0][1]) == 0.4
    check_lambda_to_ship(lambda_to_ship, hidden=True)
    out = capsys.readouterr().out
    assert "✔ Task 5.3 passed" in out and "your rule ships λ = 0.4" in out


@pytest.mark.parametrize("wrong, phrase", [
    (stub("lambda_to_ship"), "lambda_to_ship is not written yet"),
    (ship_ignoring_the_ci, "table B (the largest gain is noise) the λ to ship is 0.7, yours is 0.4"),
    (ship_ignoring_the_drift, "table C (the days drift) the λ to ship is 1, yours is 0.4"),
    (ship_with_a_signed_drift, "a drift is its size, either way"),
    (lambda online: "0.4", "should return a λ"),
])
def test_a_wrong_rule_fails_with_its_message(wrong, phrase):
    with pytest.raises(CheckFailed, match=r"^Task 5\.3: ") as failure:
        check_lambda_to_ship(wrong)
    assert phrase in str(failure.value)

