"""Who answers a user: the recommender of their treatment in the active experiment.

Recommenders are built once per worker process (after the fork), with a seed
derived from the configured ``SEED``, the experiment and the treatment; each
request then draws from a stream seeded by that and the request itself (see
``Recommender.answer``), so answers do not depend on which worker serves them.
"""

import os
import threading

from flask import current_app

from botify.service import registry
from botify.service.store import get_store

_creating = threading.Lock()


class ActiveExperiment:
    """The active experiment's recommenders, and every registered experiment's treatment for the log."""

    def __init__(self, store, experiment, seed):
        self.experiment = experiment
        self.pid = os.getpid()
        self.recommenders = [
            recommender(store, seed=f"{seed}:{experiment.name}:{treatment}")
            for treatment, recommender in zip(experiment.treatments, experiment.recommenders)
        ]

    def recommender(self, user):
        return self.recommenders[self.experiment.index(user)]

    def treatments(self, user):
        """{experiment name: treatment} for every registered experiment."""
        return {experiment.name: experiment.treatment(user) for experiment in registry.EXPERIMENTS}


def init_app(app):
    registry.find_experiment(app.config["EXPERIMENT"])  # fail at start, not at the first request
    app.extensions["botify.active_experiment"] = None


def get_active_experiment():
    active = current_app.extensions.get("botify.active_experiment")
    if active is None or active.pid != os.getpid():
        with _creating:  # one set of recommenders (and random streams) per worker, not per thread
            active = current_app.extensions.get("botify.active_experiment")
            if active is None or active.pid != os.getpid():
                experiment = registry.find_experiment(current_app.config["EXPERIMENT"])
                active = ActiveExperiment(get_store(), experiment, current_app.config["SEED"])
                current_app.extensions["botify.active_experiment"] = active
    return active
