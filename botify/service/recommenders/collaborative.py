"""Collaborative: the user's own top list, precomputed offline (e.g. by LightFM) and uploaded to Redis."""

from botify.service.recommenders.base import Recommender


class Collaborative(Recommender):
    """A random track of the per-user artifact ``ARTIFACT``; users without a list get the fallback.

    To serve another per-user list, subclass and change ``ARTIFACT``.
    """

    ARTIFACT = "collaborative"
    ARTIFACT_KIND = "per-user"
    MAKE_ARTIFACT = "botify train lightfm --logs log --data data"

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        return self.pick(self.store.tracks_for(self.ARTIFACT, user))
