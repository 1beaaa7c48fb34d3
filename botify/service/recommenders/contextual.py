"""Contextual: what to play after this track, precomputed offline per track and uploaded to Redis."""

from botify.service.recommenders.base import Recommender


class Contextual(Recommender):
    """A random track of the per-track artifact ``ARTIFACT`` for ``prev_track``; random if it has none.

    To serve another per-track list, subclass and change ``ARTIFACT``.
    """

    ARTIFACT = "contextual"

    def recommend_next(self, user, prev_track, prev_track_time):
        return self.pick(self.store.tracks_for(self.ARTIFACT, prev_track))
