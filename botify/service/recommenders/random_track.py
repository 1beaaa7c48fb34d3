"""Random: a uniformly random catalog track; the control of most experiments."""

from botify.service.recommenders.base import Recommender


class Random(Recommender):
    """Ignores the user and the context: the baseline every other recommender must beat."""

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        return self.random_track()
