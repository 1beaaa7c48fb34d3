"""In-process baselines that see only the public catalog and what listeners do.

They mirror botify's first recommenders so the calibration table predicts the
course's A/B lessons: Random, StickyArtist (another track of the same artist)
and TopPop (popular tracks, learnt from observed listening time).
"""

import numpy as np

from sim.agents.base import Agent


class RandomAgent(Agent):
    """A uniformly random track: the control every lesson starts from."""

    def __init__(self, catalog, seed=0):
        self.n_tracks = len(catalog)
        self.rng = np.random.default_rng(seed)

    def next(self, user, track, time):
        return int(self.rng.integers(self.n_tracks))


class StickyArtistAgent(Agent):
    """A random track by the artist of the track just listened to."""

    def __init__(self, catalog, seed=0):
        self.rng = np.random.default_rng(seed)
        by_artist = {}
        for row in catalog:
            by_artist.setdefault(row["artist"], []).append(row["track"])
        self.same_artist = [by_artist[row["artist"]] for row in catalog]

    def next(self, user, track, time):
        tracks = self.same_artist[track]
        return tracks[int(self.rng.integers(len(tracks)))]


class TopPopAgent(Agent):
    """A random pick among the ``top`` tracks with the most listening time seen so far.

    It learns online from the traffic it serves (like botify's TopPop learns
    from logs), so it starts as Random and improves as sessions come in.
    """

    def __init__(self, catalog, seed=0, top=100, refresh=200):
        self.rng = np.random.default_rng(seed)
        self.listened = np.zeros(len(catalog))
        self.top, self.refresh, self.calls = top, refresh, 0
        self.best = np.arange(len(catalog))

    def next(self, user, track, time):
        self.listened[track] += time
        self.calls += 1
        if (self.calls - 1) % self.refresh == 0:
            self._rank()
        return int(self.best[self.rng.integers(len(self.best))])

    def _rank(self):
        known = int((self.listened > 0).sum())
        if known >= self.top:
            self.best = np.argpartition(-self.listened, self.top - 1)[: self.top]
