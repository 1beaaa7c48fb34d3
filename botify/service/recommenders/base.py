"""The interface every recommender implements, and the fallback they share.

A recommender answers one question: which track to play next for this user,
who just listened to ``prev_track`` for ``prev_track_time`` (share in [0, 1]).
It reads what it needs from the store (Redis) and must always answer a track
of the catalog; when its data is missing it falls back to a random track.
"""

import random
import threading

_request = threading.local()  # the random stream of the request this thread is answering


class Recommender:
    """Base class: subclass it in one module under ``botify/service/recommenders/``."""

    def __init__(self, store, seed=None):
        self.store = store
        self.seed = seed
        self._own_random = random.Random(seed)

    @property
    def random(self):
        """The random stream to draw from: the request's inside ``answer``, else the instance's."""
        return getattr(_request, "random", None) or self._own_random

    def answer(self, user, prev_track, prev_track_time):
        """What the service calls: ``recommend_next`` with a random stream seeded by the request.

        The same seed and request give the same track in any worker, thread or
        restart, so the same simulated traffic produces the same logs and report.
        """
        _request.random = random.Random(f"{self.seed}:{user}:{prev_track}:{prev_track_time!r}")
        try:
            return self.recommend_next(user, prev_track, prev_track_time)
        finally:
            _request.random = None

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
