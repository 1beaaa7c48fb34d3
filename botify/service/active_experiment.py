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
from botify.service.experiment import is_interleaved
from botify.service.store import get_store
from botify.service.team_draft import InterleavedArms

_creating = threading.Lock()


class ActiveExperiment:
    """The active experiment's recommenders, and every registered experiment's treatment for the log."""

    def __init__(self, store, experiment, seed):
        self.experiment = experiment
        self.pid = os.getpid()
        self.interleaved = InterleavedArms(store, experiment, seed) if is_interleaved(experiment) else None
        self.recommenders = [] if self.interleaved else [
            recommender(store, seed=f"{seed}:{experiment.name}:{treatment}")
            for treatment, recommender in zip(experiment.treatments, experiment.recommenders)
        ]

    def recommender(self, user):
        return self.recommenders[self.experiment.index(user)]

    def answer(self, user, prev_track, prev_track_time):
        """The answer to ``/next`` and the fields it adds to the log (both teams', when interleaved)."""
        if self.interleaved:
            return self.interleaved.answer(user, prev_track, prev_track_time)
        return self.recommender(user).answer(user, prev_track, prev_track_time), {}

    def end_session(self, user, last_track, last_track_time):
        (self.interleaved or self.recommender(user)).end_session(user, last_track, last_track_time)

    def treatments(self, user):
        """{experiment name: treatment} for every registered A/B experiment, and the active one if it is
        interleaved ("AB": the listener gets both teams). Inactive interleaved experiments are left out: they
        would say "AB" of everyone and lengthen every line."""
        found = {experiment.name: experiment.treatment(user) for experiment in registry.EXPERIMENTS}
        if self.interleaved:
            found[self.experiment.name] = self.experiment.treatment(user)
        return found


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
