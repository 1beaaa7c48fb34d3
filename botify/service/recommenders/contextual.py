"""Contextual: what to play after this track, precomputed offline per track and uploaded to Redis."""

from botify.service.recommenders.base import Recommender


class Contextual(Recommender):
    """A random track of the per-track artifact ``ARTIFACT`` for ``prev_track``; the fallback if it has none.

    To serve another per-track list, subclass and change ``ARTIFACT``.
    """

    ARTIFACT = "contextual"
    ARTIFACT_KIND = "per-track"
    MAKE_ARTIFACT = "botify train contextual --logs log --data data"

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        return self.pick(self.store.tracks_for(self.ARTIFACT, prev_track))
