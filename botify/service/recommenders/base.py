"""The interface every recommender implements, and the fallback they share.

A recommender answers one question: which track to play next for this user,
who just listened to ``prev_track`` for ``prev_track_time`` (share in [0, 1]).
It reads what it needs from the store (Redis) and must always answer a track
of the catalog; when its data is missing it falls back to a random track.
"""

import random


class Recommender:
    """Base class: subclass it in one module under ``botify/service/recommenders/``."""

    def __init__(self, store, seed=None):
        self.store = store
        self.random = random.Random(seed)

    def recommend_next(self, user, prev_track, prev_track_time):
        """Return the id of the next track for ``user``."""
        raise NotImplementedError

    def random_track(self):
        """The fallback: a track drawn uniformly from the catalog."""
        return self.random.randrange(self.store.catalog_size())

    def pick(self, tracks):
        """A random known track of ``tracks``, or the fallback when there is none."""
        if not tracks:
            return self.random_track()
        size = self.store.catalog_size()
        track = self.random.choice(tracks)  # uploads drop unknown ids, so this is nearly always it
        if 0 <= track < size:
            return track
        known = [track for track in tracks if 0 <= track < size]
        return self.random.choice(known) if known else self.random_track()
