"""Worked example for homework 2: each listener's LightFM list (item features, optuna), served at random."""

from botify.service.experiment import Experiment
from botify.service.recommenders.collaborative import Collaborative


class LightFMItemFeatures(Collaborative):
    """A random track of the listener's top 100 by LightFM with genre, artist, popularity and duration."""

    ARTIFACT = "lightfm_item_features"  # DATA/artifacts/lightfm_item_features.jsonl, written by train.py
    MAKE_ARTIFACT = "python homework/examples/lightfm_item_features/train.py --logs log --data data"


EXPERIMENTS = [Experiment("HW2", Collaborative, LightFMItemFeatures)]
