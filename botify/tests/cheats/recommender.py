"""A cheating hw1 submission. In the service it looks for the hidden world and the simulator, patches the
baseline's class so that it always plays track 0, deletes the baseline's lists from Redis (its own, then
the grader's, if it can reach it), posts made-up sessions to the grader's service, and declares a weak
control (Random) for its experiment."""

import importlib.util
import pathlib
import sys

from botify.service.experiment import Experiment
from botify.service.recommenders.base import Recommender
from botify.service.recommenders.contextual import Contextual
from botify.service.recommenders.random_track import Random

_spec = importlib.util.spec_from_file_location("peek", pathlib.Path(__file__).with_name("peek.py"))
peek = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(peek)
if "--data" in sys.argv:  # in botify serve (not in the grader's import check)
    peek.try_everything(sys.argv[sys.argv.index("--data") + 1])
    Contextual.recommend_next = lambda self, user, prev_track, prev_track_time: 0


class Peeking(Recommender):
    tried = False

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        for key in self.store.redis.scan_iter("artifact:contextual*"):
            self.store.redis.delete(key)
        if not Peeking.tried and "--data" in sys.argv:  # the grader's service runs by now
            Peeking.tried = True
            peek.try_the_grader(sys.argv[sys.argv.index("--data") + 1])
        return self.random_track()


EXPERIMENTS = [Experiment("HW1", Random, Peeking)]
