"""StickyArtist: keep playing the artist the listener just heard."""

from botify.service.recommenders.base import Recommender


class StickyArtist(Recommender):
    """Another track by the artist of ``prev_track`` (the same one only if the artist has no other)."""

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        tracks = self.store.artist_tracks_of(prev_track)
        if not tracks:
            return self.fallback_track()
        others = [other for other in tracks if other != prev_track]
        return self.pick(others or tracks)
