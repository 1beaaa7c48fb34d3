"""Offline metrics of top lists against held-out positives (seminar 2).

Lists and answers are mappings ``{user: [tracks]}`` / ``{user: {tracks}}``;
every metric averages over the users that have answers, so a user without
a list counts as a miss rather than being silently dropped.
"""

import numpy as np


def precision_at_k(lists, relevant, k=10):
    """Mean share of the first ``k`` recommended tracks that are relevant."""
    return _mean(relevant, lambda user, liked: _hits(lists.get(user, ()), liked, k) / k)


def recall_at_k(lists, relevant, k=10):
    """Mean share of each user's relevant tracks found in the first ``k``."""
    return _mean(relevant, lambda user, liked: _hits(lists.get(user, ()), liked, k) / len(liked))


def mrr(lists, relevant, k=100):
    """Mean reciprocal rank of the first relevant track within the first ``k`` (0 if none)."""

    def reciprocal_rank(user, liked):
        for rank, track in enumerate(list(lists.get(user, ()))[:k], start=1):
            if track in liked:
                return 1.0 / rank
        return 0.0

    return _mean(relevant, reciprocal_rank)


def coverage(lists, n_tracks, k=100):
    """Share of the catalogue's ``n_tracks`` that appear in at least one top-``k`` list."""
    shown = {track for tracks in lists.values() for track in list(tracks)[:k]}
    return len(shown) / n_tracks


def shuffled_top(top, users, k=100, seed=0):
    """The TopPop baseline as lists: each user gets the top-``k`` tracks in a seeded random order."""
    rng = np.random.default_rng(seed)
    head = np.asarray(top[:k])
    return {user: rng.permutation(head).tolist() for user in users}


def report(lists, relevant, n_tracks, k=10):
    """All four metrics in one dict, the row a notebook puts in a comparison table."""
    return {
        f"precision@{k}": precision_at_k(lists, relevant, k),
        f"recall@{k}": recall_at_k(lists, relevant, k),
        "mrr": mrr(lists, relevant),
        "coverage": coverage(lists, n_tracks),
    }


def _hits(tracks, liked, k):
    return sum(track in liked for track in list(tracks)[:k])


def _mean(relevant, per_user):
    values = [per_user(user, liked) for user, liked in relevant.items() if liked]
    return float(np.mean(values)) if values else 0.0
