"""TwoStage: candidates that may follow the track just heard, ranked for this listener at request time.

Stage 1 reads the candidate list of ``prev_track``; stage 2 scores each
candidate with the user-aware ranker's vectors, <context(prev_track) +
user(user), item(candidate)> + bias(candidate), in numpy (no torch in the
service), and plays one of the ``TOP_K`` best. A listener the model never saw
gets the context alone: the ranking of the average listener.
"""

import numpy as np

from botify.service.recommenders.base import Recommender


class TwoStage(Recommender):
    ARTIFACT = "two_stage"
    ARTIFACT_KIND = "two-stage"
    MAKE_ARTIFACT = "botify train two-stage --logs log --data data"
    TOP_K = 10  # a random one of the best ten: the same best track after every play would bore the listener

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        candidates, context, user_vector = self.store.two_stage_query(self.ARTIFACT, prev_track, user)
        if not candidates or context is None:
            return self.fallback_track()
        items = self.store.item_vectors(self.ARTIFACT, candidates)
        if items is None:
            return self.pick(candidates)
        query = context if user_vector is None else context + user_vector
        scores = items[:, :-1] @ query + items[:, -1]
        best = np.argsort(-scores, kind="stable")[: self.TOP_K]
        return self.pick([candidates[i] for i in best])
