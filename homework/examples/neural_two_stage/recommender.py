"""Worked example for homework 3: the user-aware ranker served in two stages, anchored on the session's
first track.

Stage 1 takes the candidates of the session's first track; stage 2 ranks them
for this listener with <context(first track) + user, item> + bias in numpy
(no torch in the service) and plays one of the best ten not yet heard in the
session. The session's tracks live in Redis (``self.state``), so any worker
answers the same.
"""

import numpy as np

from botify.service.experiment import Experiment
from botify.service.recommenders.contextual import Contextual
from botify.service.recommenders.two_stage import TwoStage

HEARD = "heard"  # the tracks of the running session, newest first


class SessionTwoStage(TwoStage):
    """TwoStage with the session's first track as the context, and no track twice in a session."""

    ARTIFACT = "neural_two_stage"  # DATA/artifacts/neural_two_stage.jsonl, written by train.py
    MAKE_ARTIFACT = "python homework/examples/neural_two_stage/train.py --logs log --data data"

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        self.state.push(HEARD, user, prev_track)
        heard = self.state.recent(HEARD, user)  # the first track is the oldest (lists keep 100 tracks)
        candidates, context, listener = self.store.two_stage_query(self.ARTIFACT, heard[-1], user)
        if not candidates or context is None:
            return self.fallback_track()
        played = set(heard)
        fresh = [track for track in candidates if track not in played] or candidates
        items = self.store.item_vectors(self.ARTIFACT, fresh)
        if items is None:
            return self.pick(fresh)
        query = context if listener is None else context + listener  # a listener never seen: context alone
        scores = items[:, :-1] @ query + items[:, -1]
        return self.pick([fresh[i] for i in np.argsort(-scores, kind="stable")[: self.TOP_K]])

    def end_session(self, user: int, last_track: int, last_track_time: float) -> None:
        self.state.forget(HEARD, user)


EXPERIMENTS = [Experiment("HW3", Contextual, SessionTwoStage)]
