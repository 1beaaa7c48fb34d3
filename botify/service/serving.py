"""Who answers a user: the recommender of their treatment in the active experiment.

Recommenders are built once per worker process (after the fork), with a seed
derived from the configured ``SEED``, the experiment and the treatment; each
request then draws from a stream seeded by that and the request itself (see
``Recommender.answer``), so answers do not depend on which worker serves them.
"""

import os
import threading

from flask import current_app

from botify.service import experiments
from botify.service.store import get_store

_creating = threading.Lock()


class Serving:
    """The active experiment's recommenders, and every experiment's treatment for the log."""

    def __init__(self, store, active, registry, seed):
        self.active = active
        self.registry = registry
        self.pid = os.getpid()
        self.recommenders = [
            factory(store, seed=f"{seed}:{active.name}:{treatment}")
            for treatment, factory in zip(active.treatments, active.recommenders)
        ]

    def recommender(self, user):
        return self.recommenders[self.active.index(user)]

    def treatments(self, user):
        """{experiment name: treatment} for every registered experiment."""
        return {experiment.name: experiment.treatment(user) for experiment in self.registry}


def active_experiment(name):
    """The registered experiment called ``name``; ValueError naming the choices otherwise."""
    registry = experiments.by_name()
    if name not in registry:
        raise ValueError(f"unknown experiment {name!r}; registered: {', '.join(registry)}")
    return registry[name]


def init_app(app):
    active_experiment(app.config["EXPERIMENT"])  # fail at start, not at the first request
    app.extensions["botify.serving"] = None


def get_serving():
    serving = current_app.extensions.get("botify.serving")
    if serving is None or serving.pid != os.getpid():
        with _creating:  # one set of recommenders (and random streams) per worker, not per thread
            serving = current_app.extensions.get("botify.serving")
            if serving is None or serving.pid != os.getpid():
                active = active_experiment(current_app.config["EXPERIMENT"])
                serving = Serving(get_store(), active, experiments.EXPERIMENTS, current_app.config["SEED"])
                current_app.extensions["botify.serving"] = serving
    return serving
