"""An A/B experiment: a name and 2 to 7 treatments, each served by a recommender class.

A user's treatment is MurmurHash3 of the user id, seeded with a hash of the
experiment name, modulo the number of treatments: stable across workers and
restarts, and independent between experiments (different seeds). Mistakes in
the registry fail at import, naming the file and line of the experiment.
"""

import re
import sys

import mmh3

from botify.errors import ExperimentError
from botify.fields import CONTROL
from botify.service.recommenders.base import Recommender

MIN_TREATMENTS, MAX_TREATMENTS = 2, 7
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Experiment:
    """Treatment names are "C" (control, the first recommender), then "T1", "T2", ..."""

    def __init__(self, name: str, *recommenders: type[Recommender]):
        self.where = _caller()
        if not isinstance(name, str) or not NAME.match(name):
            raise ExperimentError(f"{self.where}: experiment name {name!r} must be letters, digits and '_'")
        if not MIN_TREATMENTS <= len(recommenders) <= MAX_TREATMENTS:
            raise ExperimentError(f"{self.where}: experiment {name} needs {MIN_TREATMENTS} to "
                                  f"{MAX_TREATMENTS} recommenders, got {len(recommenders)}")
        self.name = name
        self.recommenders = recommenders
        self.treatments = [CONTROL] + [f"T{index}" for index in range(1, len(recommenders))]
        for treatment, recommender in zip(self.treatments, recommenders):
            if not (isinstance(recommender, type) and issubclass(recommender, Recommender)):
                raise ExperimentError(
                    f"{self.where}: experiment {name}, treatment {treatment}: {recommender!r} is not a "
                    "Recommender subclass (pass the class itself, imported from its module under "
                    "botify/service/recommenders/)")
        self.seed = mmh3.hash(name, signed=False)

    def index(self, user: int) -> int:
        return mmh3.hash(str(user), seed=self.seed, signed=False) % len(self.recommenders)

    def treatment(self, user: int) -> str:
        """The treatment ("C", "T1", ...) of a user."""
        return self.treatments[self.index(user)]

    def split(self):
        """The intended share of users per treatment: equal, by construction of the hash split."""
        return {treatment: 1 / len(self.treatments) for treatment in self.treatments}

    def describe(self):
        """What the log's description and ``GET /experiments`` say about this experiment."""
        return {
            "name": self.name,
            "treatments": {t: r.__name__ for t, r in zip(self.treatments, self.recommenders)},
            "artifacts": {t: r.ARTIFACT for t, r in zip(self.treatments, self.recommenders) if r.ARTIFACT},
            "split": self.split(),
        }

    def __repr__(self):
        return f"Experiment({self.name!r}, {self.describe()['treatments']})"


def index_by_name(experiments):
    """{name: experiment}; a name registered twice is an error that points at both lines."""
    found = {}
    for experiment in experiments:
        if experiment.name in found:
            raise ExperimentError(f"{experiment.where}: experiment {experiment.name} is registered twice "
                                  f"(first at {found[experiment.name].where})")
        found[experiment.name] = experiment
    return found


def _caller():
    """'file:line' of the code that created the experiment (the registry, or a test)."""
    frame = sys._getframe(2)
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"
