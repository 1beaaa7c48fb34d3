"""Baseline policies over arrays: the next tracks of many sessions in one call, for :mod:`sim.vectorised`.

They mirror the agents ``random`` and ``sticky_artist`` (:mod:`sim.agents.baselines`),
so ``sim.vectorised.evaluate`` scores the course's baselines in seconds.
"""

import numpy as np


class RandomPolicy:
    """Uniformly random tracks for every session at once."""

    def __init__(self, n_tracks, seed=0):
        self.n_tracks, self.rng = n_tracks, np.random.default_rng(seed)

    def __call__(self, users, tracks, times):
        return self.rng.integers(self.n_tracks, size=len(users))


class StickyArtistPolicy:
    """A random track by the artist of each session's current track, vectorised."""

    def __init__(self, world, seed=0):
        self.rng = np.random.default_rng(seed)
        self.artist_of = world.artist_of
        self.by_artist = np.argsort(world.artist_of, kind="stable")
        counts = np.bincount(world.artist_of)
        self.count, self.offset = counts, np.concatenate([[0], np.cumsum(counts)[:-1]])

    def __call__(self, users, tracks, times):
        artists = self.artist_of[tracks]
        pick = (self.rng.random(len(tracks)) * self.count[artists]).astype(int)
        return self.by_artist[self.offset[artists] + pick]
