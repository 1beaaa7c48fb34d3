"""Beyond accuracy: how varied, how new and how wide recommendation lists are, and an MMR re-ranker
(seminar 5).

Lists are a 2-D integer array, one row per list (a per-track artifact has
one per catalog track), best first, padded with -1 (:func:`as_matrix` turns
``{id: [tracks]}`` into one). Working on the whole matrix at once keeps a
50,000-list artifact to a second or two per metric, where a Python loop per
list would take minutes.

Accuracy asks "is each track good?"; these metrics ask what a listener who
hears several tracks of a list meets: one artist again and again, or a mix;
the hits everyone knows, or the tail; a few hundred tracks of the catalog,
or most of it.
"""

import numpy as np


def as_matrix(lists, k=None):
    """``{id: [tracks]}`` as (ids, matrix): rows padded with -1 to the longest list (or cut to ``k``)."""
    ids = np.array(sorted(lists))
    width = k or max((len(tracks) for tracks in lists.values()), default=0)
    matrix = np.full((len(ids), width), -1, dtype=np.int64)
    for row, key in enumerate(ids.tolist()):
        tracks = list(lists[key])[:width]
        matrix[row, : len(tracks)] = tracks
    return ids, matrix


def unique_labels(lists, labels, k=None):
    """Mean number of distinct labels (artists, say) per list among its first ``k`` tracks.

    The plainest diversity question: "how many artists would a listener meet
    in this list?". Padding is not a label.
    """
    lists = _head(lists, k)
    valid = lists >= 0
    tags = np.where(valid, np.asarray(labels)[np.where(valid, lists, 0)], -1)
    tags = np.sort(tags, axis=1)
    changes = (np.diff(tags, axis=1) != 0).sum(axis=1) + 1  # distinct values, -1 included
    return float(np.mean(changes - (~valid).any(axis=1)))


def intra_list_diversity(lists, labels, k=None):
    """Mean share of pairs of tracks in a list whose labels differ (1 = all different, 0 = one label).

    Intra-list diversity with the simplest distance: 0 for the same artist
    (or genre), 1 otherwise. Lists with fewer than two tracks are left out.
    """
    lists = _head(lists, k)
    valid = lists >= 0
    tags = np.asarray(labels)[np.where(valid, lists, 0)]
    pair = valid[:, :, None] & valid[:, None, :]
    upper = np.triu(np.ones((lists.shape[1],) * 2, dtype=bool), 1)
    pair &= upper
    different = ((tags[:, :, None] != tags[:, None, :]) & pair).sum(axis=(1, 2))
    pairs = pair.sum(axis=(1, 2))
    keep = pairs > 0
    return float(np.mean(different[keep] / pairs[keep])) if keep.any() else float("nan")


def popularity_shares(counts):
    """Each track's share of all plays, add-one smoothed so an unplayed track is rare, not impossible."""
    counts = np.asarray(counts, dtype=float)
    return (counts + 1) / (counts.sum() + len(counts))


def novelty(lists, counts, k=None):
    """Mean self-information −log2 p(track) of the recommended tracks, p from :func:`popularity_shares`.

    A track everybody plays carries few bits of surprise; a tail track many.
    Higher = the lists reach further from what listeners already hear.
    """
    lists = _head(lists, k)
    valid = lists >= 0
    bits = -np.log2(popularity_shares(counts))
    return float(bits[lists[valid]].mean())


def coverage(lists, n_tracks, k=None):
    """Share of the catalog's ``n_tracks`` that appear in at least one list (its first ``k``)."""
    lists = _head(lists, k)
    return len(np.unique(lists[lists >= 0])) / n_tracks


def popularity_bias(lists, counts, k=None):
    """Mean plays of the recommended tracks over the mean plays of a catalog track.

    1 means the lists are as popular as the catalog on average; 5 means they
    recommend tracks five times as played as a typical one: the rich get richer.
    """
    lists = _head(lists, k)
    counts = np.asarray(counts, dtype=float)
    return float(counts[lists[lists >= 0]].mean() / counts.mean())


def mmr(lists, similarity, relevance=None, lam=0.5, k=20):
    """Maximal marginal relevance: re-rank each row of ``lists`` and keep its first ``k``.

    Greedily picks the candidate with the best
    ``lam * relevance - (1 - lam) * max similarity to the tracks already picked``.
    ``lam=1`` keeps the relevance order (the plain top-``k``); smaller ``lam``
    trades relevance for variety. ``similarity`` is a label array per track
    (same label = similarity 1) or a sequence of them (similarity = the share
    of levels that match, so with artist and genre: same artist 1, same genre
    0.5). ``relevance`` is a (rows, candidates) array; by default a list's
    order is all we know, so relevance falls linearly from 1 (first) to 0 (last).
    Returns a (rows, k) array padded with -1.
    """
    if not 0 <= lam <= 1:
        raise ValueError(f"lam must be in [0, 1], not {lam}")
    lists = np.asarray(lists, dtype=np.int64)
    rows, width = lists.shape
    valid = lists >= 0
    if relevance is None:
        relevance = np.tile(1 - np.arange(width) / max(width - 1, 1), (rows, 1))
    relevance = np.where(valid, np.asarray(relevance, dtype=float), -np.inf)
    levels = np.atleast_2d(np.asarray(similarity))
    tags = levels[:, np.where(valid, lists, 0)]  # (levels, rows, candidates)
    closest = np.zeros((rows, width))  # max similarity of each candidate to the picked ones
    free = valid.copy()
    out = np.full((rows, min(k, width)), -1, dtype=np.int64)
    everyone = np.arange(rows)
    for step in range(out.shape[1]):
        score = np.where(free, lam * relevance - (1 - lam) * closest, -np.inf)
        best = np.argmax(score, axis=1)  # ties: the earlier (more relevant) candidate
        found = free[everyone, best]
        out[found, step] = lists[everyone, best][found]
        free[everyone[found], best[found]] = False
        picked = tags[:, everyone, best]  # (levels, rows)
        same = (tags == picked[:, :, None]).mean(axis=0)
        closest = np.where(found[:, None], np.maximum(closest, same), closest)
    return out


def _head(lists, k):
    lists = np.atleast_2d(np.asarray(lists, dtype=np.int64))
    return lists if k is None else lists[:, :k]
