"""TopPop: one of the most popular tracks, the same short list for everyone."""

from botify.service.recommenders.base import Recommender


class TopPop(Recommender):
    """A random track among the ``TOP_K`` first of the popularity artifact ``top_tracks``."""

    ARTIFACT = "top_tracks"
    ARTIFACT_KIND = "popularity"
    MAKE_ARTIFACT = "botify train top --logs log --data data"
    TOP_K = 100

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        tracks = self.store.popularity(self.ARTIFACT)
        return self.pick(tracks[: self.TOP_K] if tracks else None)
