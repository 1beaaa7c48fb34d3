"""Homework 3: serve the user-aware ranker in two stages. This part is done; the work is in train.py."""

from botify.service.experiment import Experiment
from botify.service.recommenders.contextual import Contextual
from botify.service.recommenders.two_stage import TwoStage


class UserAwareRanker(TwoStage):
    ARTIFACT = "hw3_two_stage"  # data/artifacts/hw3_two_stage.jsonl, written by train.py
    MAKE_ARTIFACT = "python homework/hw3/train.py --logs log --data data"


EXPERIMENTS = [Experiment("HW3", Contextual, UserAwareRanker)]
