"""Who listens next: users drawn by their heavy-tailed activity, minus those who churned.

Active users come back many times a day, so a model trained on one day's
logs meets most of the same listeners the next day.
"""

import bisect

import numpy as np


class Population:
    """Draws session owners by activity; with churn on, remembers who left for good.

    ``share=(p, P)`` keeps only users ``u % P == p``: parallel processes then
    never run two sessions of one user at the same time (which would
    interleave that user's events in botify's log).
    """

    def __init__(self, world, config, churned=(), share=(0, 1)):
        self.config = config
        self.weights = world.users["activity"].astype(np.float64).copy()
        part, parts = share
        self.weights[np.arange(len(self.weights)) % parts != part] = 0.0
        self.churned = set()
        self.leave(churned)

    def leave(self, users):
        """Remove ``users`` for good (they never start a session again)."""
        users = set(int(u) for u in users) - self.churned
        self.churned |= users
        if users:
            self.weights[list(users)] = 0.0
        self._cdf = np.cumsum(self.weights)
        self._cdf_list = self._cdf.tolist()
        if self._cdf[-1] <= 0:
            raise RuntimeError("every user has churned; no one is left to listen")

    def pick(self, rng, size=None):
        """One user id (or an array of ``size``) drawn proportionally to activity."""
        if size is None:
            return bisect.bisect_right(self._cdf_list, rng.random() * self._cdf_list[-1])
        return np.searchsorted(self._cdf, rng.random(size) * self._cdf[-1], side="right")

    def after_session(self, session, rng):
        """Apply churn: a bad session makes its user leave with some probability."""
        if not self.config.churn or session.time >= self.config.churn_below:
            return False
        if rng.random() >= self.config.churn_probability:
            return False
        self.leave([session.user])
        return True
