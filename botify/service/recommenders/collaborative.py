"""Collaborative: the user's own top list, precomputed offline (e.g. by LightFM) and uploaded to Redis."""

from botify.service.recommenders.base import Recommender


class Collaborative(Recommender):
    """A random track of the per-user artifact ``ARTIFACT``; users without a list get a random track.

    To serve another per-user list, subclass and change ``ARTIFACT``.
    """

    ARTIFACT = "collaborative"

    def recommend_next(self, user, prev_track, prev_track_time):
        return self.pick(self.store.tracks_for(self.ARTIFACT, user))
