"""Random: a uniformly random catalog track; the control of most experiments."""

from botify.service.recommenders.base import Recommender


class Random(Recommender):
    """Ignores the user and the context: the baseline every other recommender must beat."""

    def recommend_next(self, user, prev_track, prev_track_time):
        return self.random_track()
