"""Experiments: an A/B test (a name and 2 to 7 treatments, each served by a recommender class), or an
interleaved pair of recommenders (``Interleaved``).

A user's treatment is MurmurHash3 of the user id, seeded with a hash of the
experiment name, modulo the number of treatments: stable across workers and
restarts, and independent between experiments (different seeds). Mistakes in
the registry fail at import, naming the file and line of the experiment.
"""

import re
import sys

import mmh3

from botify.errors import ExperimentError
from botify.fields import BOTH_TEAMS, CONTROL, TEAM_A, TEAM_B
from botify.service.recommenders.base import Recommender

MIN_TREATMENTS, MAX_TREATMENTS = 2, 7
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Experiment:
    """Treatment names are "C" (control, the first recommender), then "T1", "T2", ..."""

    KIND = "ab"

    def __init__(self, name: str, *recommenders: type[Recommender]):
        self.where = _caller()
        _check_name(self.where, name)
        if not MIN_TREATMENTS <= len(recommenders) <= MAX_TREATMENTS:
            raise ExperimentError(f"{self.where}: experiment {name} needs {MIN_TREATMENTS} to "
                                  f"{MAX_TREATMENTS} recommenders, got {len(recommenders)}")
        self.name = name
        self.recommenders = recommenders
        self.treatments = [CONTROL] + [f"T{index}" for index in range(1, len(recommenders))]
        _check_recommenders(self.where, name, self.treatments, recommenders)
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


class Interleaved:
    """An interleaved experiment: every listener is served by both recommenders, team A and team B, at once.

    On each ``/next`` both answer, and a team draft seeded per session decides whose track is played
    (``botify.service.team_draft``); a track both proposed is played and credited to neither. Every listener
    has the same treatment, "AB"; the log's description says ``"kind": "interleaving"`` and names A and B.
    """

    KIND = "interleaving"

    def __init__(self, name: str, *recommenders: type[Recommender]):
        self.where = _caller()
        _check_name(self.where, name)
        if len(recommenders) != 2:
            raise ExperimentError(f"{self.where}: interleaved experiment {name} needs 2 recommenders (A, B), "
                                  f"got {len(recommenders)}")
        self.name = name
        self.recommenders = recommenders
        self.treatments = [TEAM_A, TEAM_B]  # the teams: /health and the start-up lines name them so
        _check_recommenders(self.where, name, self.treatments, recommenders)

    def treatment(self, user: int) -> str:
        """Every listener gets both teams."""
        return BOTH_TEAMS

    def split(self):
        return {BOTH_TEAMS: 1.0}

    def describe(self):
        """What the log's description and ``GET /experiments`` say: the kind, and the recommenders A and B."""
        return {
            "name": self.name,
            "kind": self.KIND,
            "treatments": {t: r.__name__ for t, r in zip(self.treatments, self.recommenders)},
            "artifacts": {t: r.ARTIFACT for t, r in zip(self.treatments, self.recommenders) if r.ARTIFACT},
            "split": self.split(),
            "rule": "team draft per session: the team with fewer picks plays; a seeded coin on a tie; "
                    "a track both teams propose is played and credited to neither",
        }

    def __repr__(self):
        return f"Interleaved({self.name!r}, {self.describe()['treatments']})"


def is_interleaved(experiment) -> bool:
    return getattr(experiment, "KIND", None) == Interleaved.KIND


def index_by_name(experiments):
    """{name: experiment}; a name registered twice is an error that points at both lines."""
    found = {}
    for experiment in experiments:
        if experiment.name in found:
            raise ExperimentError(f"{experiment.where}: experiment {experiment.name} is registered twice "
                                  f"(first at {found[experiment.name].where})")
        found[experiment.name] = experiment
    return found


def _check_name(where, name):
    if not isinstance(name, str) or not NAME.match(name):
        raise ExperimentError(f"{where}: experiment name {name!r} must be letters, digits and '_'")


def _check_recommenders(where, name, treatments, recommenders):
    for treatment, recommender in zip(treatments, recommenders):
        if not (isinstance(recommender, type) and issubclass(recommender, Recommender)):
            raise ExperimentError(
                f"{where}: experiment {name}, treatment {treatment}: {recommender!r} is not a "
                "Recommender subclass (pass the class itself, imported from its module under "
                "botify/service/recommenders/)")


def _caller():
    """'file:line' of the code that created the experiment (the registry, or a test)."""
    frame = sys._getframe(2)
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"
