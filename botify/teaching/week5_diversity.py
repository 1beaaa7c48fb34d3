"""Checks of seminar 5's tasks: intra-list diversity by hand, MMR re-ranking, and which λ to ship.

Each check runs the student's function on small planted cases whose answers
are known (worked out in the comments), compares it with
``botify.training.diversity`` where the package has the same thing, and names
the first list, position or table where the student's answer differs, with a
hint when the answer is exactly what a typical mistake gives.
"""

import math

import numpy as np
import pandas as pd

from botify.teaching import CheckFailed, attempt, check, passed
from botify.training import diversity

# ---------------------------------------------------------------- Task 5.1: intra-list diversity

# A planted catalogue of 8 tracks: artists 0,0,1,1,2,3,3,3. The last track (7) is by artist 3, so
# labels[-1] -- what a padding -1 looks up by accident -- is artist 3.
ILD_LABELS = np.array([0, 0, 1, 1, 2, 3, 3, 3])
# (list, answer): the share of its unordered pairs of real tracks whose artists differ
ILD_CASES = [([0, 2, 4, 5], 1.0),  # four artists: every pair differs
             ([0, 1], 0.0),  # one artist
             ([0, 1, 2], 2 / 3),  # artists 0,0,1: pairs (0,0) (0,1) (0,1)
             ([5, 6, 7, 0], 0.5),  # artists 3,3,3,0: 3 of the 6 pairs are by artist 3
             ([5, 0, -1], 1.0)]  # two tracks and padding: one pair, different artists
HIDDEN_ILD_LABELS = np.array([4, 4, 4, 4, 9, 9, 2, 5, 5, 1])  # genres, say; labels[-1] is 1
HIDDEN_ILD_CASES = [([0, 1, 2, 3], 0.0), ([0, 4, 6, 7, 9], 1.0), ([0, 1, 4, 5, 6], 0.8),
                    ([9, 6, 0, 1, -1, -1], 5 / 6), ([7, 8, 9, -1], 2 / 3)]


def check_intra_list_diversity(ild, hidden=False):
    """Task 5.1: ``ild(tracks, labels)`` is the share of a list's pairs of tracks with different labels."""
    task = "Task 5.1"
    labels, cases = (HIDDEN_ILD_LABELS, HIDDEN_ILD_CASES) if hidden else (ILD_LABELS, ILD_CASES)
    for tracks, answer in cases:
        got = attempt(task, ild, np.array(tracks), labels)
        check(_is_number(got), f"{task}: ild should return one number (a float); for {tracks} yours returned "
                               f"{got!r}")
        if not math.isclose(got, answer, abs_tol=1e-9):
            raise CheckFailed(_ild_message(task, tracks, labels, answer, got))
    single = attempt(task, ild, np.array([3, -1]), labels)
    check(_is_number(single) and math.isnan(single),
          f"{task}: the list [3, -1] holds one track, so no pair: ild should return float('nan') "
          f"(the package leaves such lists out of its mean); yours returned {single!r}")
    _compare_with_package(task, ild, seed=5 if hidden else 1)
    passed(task, "pairs of different labels over all pairs, padding skipped, equal to "
                 "diversity.intra_list_diversity on 200 random lists")


def _ild_message(task, tracks, labels, answer, got):
    real = [t for t in tracks if t >= 0]
    names = [int(labels[t]) for t in real]
    n = len(real)
    same = sum(a == b for i, a in enumerate(names) for b in names[i + 1:])
    pairs = n * (n - 1) // 2
    says = (f"{task}: the list {tracks} (labels {names}) has {pairs - same} of its {pairs} pairs with "
            f"different labels, so ILD {answer:.3g}; yours is {got:.3g}")
    if len(real) < len(tracks) and math.isclose(got, _ild_of([labels[t] for t in tracks]), abs_tol=1e-9):
        return (f"{says}: the -1s are padding, not tracks (labels[-1] is the last track's label, so they "
                f"must be skipped)")
    if math.isclose(got, 1 - answer, abs_tol=1e-9):
        return f"{says}: that is the share of pairs with the SAME label (similarity); diversity is 1 minus it"
    if any(math.isclose(got, (pairs - same) * times / n ** 2, abs_tol=1e-9) for times in (1, 2)):
        return f"{says}: divide by the number of pairs of two different tracks, n(n-1)/2 = {pairs}, not by n²"
    return says


def _ild_of(names):
    n = len(names)
    pairs = n * (n - 1) / 2
    return sum(a != b for i, a in enumerate(names) for b in names[i + 1:]) / pairs if pairs else math.nan


def _compare_with_package(task, ild, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 6, 40)
    lists = rng.integers(0, 40, (200, 10))
    lengths = rng.integers(2, 11, 200)
    lists[np.arange(10)[None, :] >= lengths[:, None]] = -1
    for row in lists:
        want = diversity.intra_list_diversity(row[None, :], labels)
        got = attempt(task, ild, row.copy(), labels)
        if not (_is_number(got) and math.isclose(got, want, abs_tol=1e-9)):
            raise CheckFailed(f"{task}: on the random list {row.tolist()} (labels "
                              f"{[int(labels[t]) for t in row if t >= 0]}) diversity.intra_list_diversity "
                              f"gives {want:.4g}; yours gives {got!r}")


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


# ---------------------------------------------------------------- Task 5.2: MMR re-ranking

# Eight candidates, best first: track ids (not positions!), artists, genres and relevance.
#   relevance 1.0  0.95  0.9   0.8   0.7   0.6   0.5   0.4
#   track     12   31    17    25    40    18    23    44
#   artist    A    A     B     A     C     B     E     D
#   genre     rock rock  rock  rock  jazz  rock  pop   jazz
# At λ = 0.6 (score = 0.6 relevance - 0.4 max similarity; same artist 1, same genre 0.5):
#   pick 12 (A); then 40 (C, jazz: 0.42 beats 17's 0.54 - 0.2); then 17 (B: 0.34 beats E's 0.30);
#   then 23 (E, pop: 0.30, every rock track now costs 0.4); then 31 (0.57 - 0.4 = 0.17).
PLANTED = pd.DataFrame({"track": [12, 31, 17, 25, 40, 18, 23, 44],
                        "artist": list("AABACBED"),
                        "genre": ["rock", "rock", "rock", "rock", "jazz", "rock", "pop", "jazz"],
                        "relevance": [1.0, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4]})
HIDDEN_PLANTED = pd.DataFrame({"track": [7, 3, 11, 5, 9, 2, 8, 6, 4],
                               "artist": list("PPQRPQSTR"),
                               "genre": ["folk", "folk", "folk", "soul", "folk", "folk", "soul", "funk",
                                         "soul"],
                               "relevance": [0.9, 0.88, 0.7, 0.66, 0.6, 0.5, 0.42, 0.3, 0.2]})
MISTAKES = {  # (how the score is computed, what to tell the student)
    "swapped": "you seem to weigh relevance by (1 - λ) and similarity by λ: λ = 1 must mean pure relevance",
    "sum": "you seem to add up the similarities to all picked tracks; MMR takes the largest one (max)",
    "mean": "you seem to average the similarities to the picked tracks; MMR takes the largest one (max)",
    "last": "you seem to compare with the last picked track only; take the max over ALL picked tracks",
}


def check_mmr(mmr_rerank, lists=None, labels=None, lam=0.7, k=20, hidden=False):
    """Task 5.2: ``mmr_rerank(candidates, relevance, similarity, lam, k)`` equals MMR on planted lists and,
    given ``lists`` (rows of track ids padded with -1) and ``labels`` (one array per level: artist,
    genre), equals ``diversity.mmr`` on the first rows of ``lists`` at ``lam``."""
    task = "Task 5.2"
    table = HIDDEN_PLANTED if hidden else PLANTED
    ids = {name: pd.factorize(table[name])[0] for name in ("artist", "genre")}
    size = int(table["track"].max()) + 1
    levels = [np.zeros(size, dtype=int) for _ in ids]
    for level, codes in zip(levels, ids.values()):
        level[table["track"].to_numpy()] = codes
    for planted_lam in (1.0, 0.4 if hidden else 0.6):
        _check_one(task, mmr_rerank, table["track"].tolist(), table["relevance"].tolist(), levels,
                   planted_lam, 5, describe=lambda t: _planted_name(table, t))
    if lists is not None:
        lists = np.asarray(lists)
        width = lists.shape[1]
        relevance = 1 - np.arange(width) / max(width - 1, 1)
        for row in lists:
            real = row[row >= 0]
            _check_one(task, mmr_rerank, real.tolist(), relevance[: len(real)].tolist(), list(labels), lam, k,
                       describe=lambda t: f"track {t} (artist {labels[0][t]})",
                       where=f"the list {real[:5].tolist()}…")
    passed(task, "greedy picks by λ·relevance − (1−λ)·max similarity to the picked tracks"
           + (f", equal to diversity.mmr on {len(lists)} of this notebook's lists at λ = {lam:g}"
              if lists is not None else ""))


def _check_one(task, mmr_rerank, candidates, relevance, levels, lam, k, describe, where="the planted list"):
    def similarity(a, b):
        return sum(float(level[a] == level[b]) for level in levels) / len(levels)

    want = diversity.mmr([candidates], levels, relevance=[relevance], lam=lam, k=k)[0].tolist()
    got = attempt(task, mmr_rerank, list(candidates), list(relevance), similarity, lam, k)
    check(isinstance(got, (list, tuple, np.ndarray)),
          f"{task}: mmr_rerank should return a list of track ids; yours returned {type(got).__name__}")
    got = [int(t) for t in got]
    head = f"{task}: in {where} with λ = {lam:g}, k = {k}"
    repeated = [t for i, t in enumerate(got) if t in got[:i]]
    check(not repeated, f"{head}: track {repeated[0] if repeated else ''} is picked twice in {got}; "
                        f"a picked track must leave the candidates")
    positions = [candidates.index(t) for t in want]
    check(got != positions or positions == want,
          f"{head}: you return positions in the candidate list {got}; return the track ids {want}")
    check(len(got) == len(want), f"{head}: the answer should hold {len(want)} tracks; yours holds {len(got)}")
    if got == want:
        return
    at = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b)
    says = (f"{head}, position {at + 1} should be {describe(want[at])}, yours is {describe(got[at])} "
            f"(the answer is {want}, yours {got})")
    for mistake, hint in MISTAKES.items():
        if got == _mmr_variant(candidates, relevance, similarity, lam, k, mistake):
            raise CheckFailed(f"{says}: {hint}")
    if lam == 1.0:
        raise CheckFailed(f"{says}: with λ = 1 MMR keeps the relevance order")
    raise CheckFailed(says)


def _mmr_variant(candidates, relevance, similarity, lam, k, mistake):
    """MMR as a typical mistake computes it (for recognising that mistake in a student's answer)."""
    weight, penalty = (1 - lam, lam) if mistake == "swapped" else (lam, 1 - lam)
    combine = {"sum": sum, "mean": lambda s: sum(s) / len(s), "last": lambda s: s[-1]}.get(mistake, max)
    picked, free = [], list(range(len(candidates)))
    while free and len(picked) < k:
        def score(i):
            near = [similarity(candidates[i], p) for p in picked]
            return weight * relevance[i] - penalty * (combine(near) if near else 0.0)
        best = max(free, key=lambda i: (score(i), -i))
        picked.append(candidates[best])
        free.remove(best)
    return picked


def _planted_name(table, track):
    row = table.set_index("track").loc[track]
    return f"track {track} ({row['artist']}, {row['genre']}, relevance {row['relevance']:g})"


# ---------------------------------------------------------------- Task 5.3: which λ to ship

CONTEXTUAL, STICKY = "Contextual (re-ranked)", "StickyArtist (reference)"


def _table(contextual, sticky):
    """A section-4-like table from {λ: (effect, low, high)} for each arm; the λ = 1 rows are the base day."""
    rows = []
    for arm, effects in ((CONTEXTUAL, contextual), (STICKY, sticky)):
        for lam, (effect, low, high) in effects.items():
            rows.append({"λ": lam, "arm": arm, "listeners": 700,
                         "mean time per session": 3.0 * (1 + effect / 100), "effect %": effect,
                         "ci low %": low, "ci high %": high, "p": 0.5})
    return pd.DataFrame(rows)


BASE = (0.0, -4.0, 4.0)
# (name, table, answer, why): each table is built so that one typical mistake gives another answer
SHIP_CASES = [
    ("A (a clear winner)", _table({1.0: BASE, 0.7: (10.0, 5.0, 15.0), 0.4: (20.0, 15.0, 25.0)},
                                  {1.0: BASE, 0.7: (2.0, -2.0, 6.0), 0.4: (-1.0, -5.0, 3.0)}), 0.4,
     "λ = 0.4 gains the most, its interval clears 0, and the StickyArtist drift is at most 2%"),
    ("B (the largest gain is noise)", _table({1.0: BASE, 0.7: (6.0, 2.0, 10.0), 0.4: (12.0, -1.0, 25.0)},
                                             {1.0: BASE, 0.7: (1.0, -3.0, 5.0), 0.4: (0.5, -3.0, 4.0)}), 0.7,
     "λ = 0.4's interval [-1%, +25%] includes 0, so only λ = 0.7 (+6% [+2%, +10%], drift 1%) can ship"),
    ("C (the days drift)", _table({1.0: BASE, 0.7: (3.0, 0.5, 5.5), 0.4: (5.0, 1.0, 9.0)},
                                  {1.0: BASE, 0.7: (6.0, 2.0, 10.0), 0.4: (-1.0, -5.0, 3.0)}), 1.0,
     "StickyArtist moved by 6% between days without any change, more than either gain, so keep λ = 1"),
    ("D (the days drift down)", _table({1.0: BASE, 0.7: (3.0, 0.5, 5.5), 0.4: (5.0, 1.0, 9.0)},
                                       {1.0: BASE, 0.7: (-8.0, -12.0, -4.0), 0.4: (1.0, -3.0, 5.0)}), 1.0,
     "StickyArtist moved by -8% between days: a drift is its size, either way, so keep λ = 1"),
    ("E (re-ranking hurts)", _table({1.0: BASE, 0.7: (-3.0, -6.0, -0.5), 0.4: (-9.0, -13.0, -5.0)},
                                    {1.0: BASE, 0.7: (1.0, -3.0, 5.0), 0.4: (0.0, -4.0, 4.0)}), 1.0,
     "every re-ranking loses, so keep the plain lists, λ = 1"),
]
HIDDEN_SHIP_CASES = [
    ("F (four λ)",
     _table({1.0: BASE, 0.8: (4.0, 1.5, 6.5), 0.6: (9.0, 6.0, 12.0), 0.3: (7.0, 3.0, 11.0)},
            {1.0: BASE, 0.8: (1.0, -2.0, 4.0), 0.6: (-2.5, -6.0, 1.0), 0.3: (0.0, -3.0, 3.0)}), 0.6,
     "λ = 0.6 gains the most and clears both its CI and the 2.5% drift"),
    ("G (one day is noise)", _table({1.0: BASE, 0.5: (4.0, -0.5, 8.5)}, {1.0: BASE, 0.5: (0.5, -3.0, 4.0)}),
     1.0, "λ = 0.5's interval includes 0"),
]


def check_lambda_to_ship(lambda_to_ship, online=None, hidden=False):
    """Task 5.3: ``lambda_to_ship(online)`` applies the shipping rule to section 4's table; ``online`` (this
    notebook's table) is then decided too and the verdict printed."""
    task = "Task 5.3"
    for name, table, answer, why in (HIDDEN_SHIP_CASES if hidden else SHIP_CASES):
        got = attempt(task, lambda_to_ship, table.copy())
        check(_is_number(got), f"{task}: lambda_to_ship should return a λ (a float); for table {name} yours "
                               f"returned {got!r}")
        check(math.isclose(got, answer),
              f"{task}: in planted table {name} the λ to ship is {answer:g}, yours is {got:g}: {why}")
    passed(task, "the λ with the largest gain whose CI clears 0 and whose gain beats the drift, else λ = 1")
    if online is not None:
        lam = attempt(task, lambda_to_ship, online.copy())
        print(f"On this run's table your rule ships λ = {lam:g}")
        return lam
    return None
