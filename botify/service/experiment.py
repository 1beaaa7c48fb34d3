"""An A/B experiment: a name and 2 to 7 treatments, each served by a recommender.

A user's treatment is MurmurHash3 of the user id, seeded with a hash of the
experiment name, modulo the number of treatments: stable across workers and
restarts, and independent between experiments (different seeds).
"""

import mmh3

from botify.fields import CONTROL

MIN_TREATMENTS, MAX_TREATMENTS = 2, 7


class Experiment:
    """Treatment names are "C" (control, the first recommender), then "T1", "T2", ..."""

    def __init__(self, name, *recommenders):
        if not MIN_TREATMENTS <= len(recommenders) <= MAX_TREATMENTS:
            raise ValueError(f"experiment {name}: needs {MIN_TREATMENTS} to {MAX_TREATMENTS} treatments")
        self.name = name
        self.recommenders = recommenders
        self.treatments = [CONTROL] + [f"T{index}" for index in range(1, len(recommenders))]
        self.seed = mmh3.hash(name, signed=False)

    def index(self, user):
        return mmh3.hash(str(user), seed=self.seed, signed=False) % len(self.recommenders)

    def treatment(self, user):
        """The treatment ("C", "T1", ...) of a user."""
        return self.treatments[self.index(user)]

    def describe(self):
        return {
            "name": self.name,
            "treatments": {
                treatment: getattr(factory, "__name__", repr(factory))
                for treatment, factory in zip(self.treatments, self.recommenders)
            },
        }

    def __repr__(self):
        return f"Experiment({self.name!r}, {self.describe()['treatments']})"
