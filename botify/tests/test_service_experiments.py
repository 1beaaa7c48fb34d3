"""Experiments: treatment names, 2- to 7-way splits, stable and balanced assignment, the registry."""

import collections
import subprocess
import sys

import pytest

from botify.service import experiments
from botify.service.experiment import Experiment
from botify.service.recommenders import Random, TopPop

USERS = 100_000


def test_treatments_are_control_then_t1_t2():
    assert Experiment("X", Random, TopPop, TopPop).treatments == ["C", "T1", "T2"]


@pytest.mark.parametrize("count", [0, 1, 8])
def test_splits_outside_2_to_7_are_refused(count):
    with pytest.raises(ValueError, match="2 to 7"):
        Experiment("X", *[Random] * count)


@pytest.mark.parametrize("ways", range(2, 8))
def test_assignment_is_balanced_within_sampling_error(ways):
    experiment = Experiment(f"BALANCE_{ways}", *[Random] * ways)
    counts = collections.Counter(experiment.treatment(user) for user in range(USERS))
    assert set(counts) == set(experiment.treatments)
    expected = USERS / ways
    sigma = (expected * (1 - 1 / ways)) ** 0.5
    assert all(abs(count - expected) < 5 * sigma for count in counts.values()), counts


def test_assignment_is_stable_across_processes():
    code = "from botify.service.experiments import by_name; print([by_name()['AA'].treatment(u) for u in range(200)])"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    assert output.strip() == str([experiments.by_name()["AA"].treatment(user) for user in range(200)])


def test_the_experiment_name_seeds_the_split():
    first, second = Experiment("ONE", Random, Random), Experiment("TWO", Random, Random)
    same = sum(first.treatment(user) == second.treatment(user) for user in range(10_000))
    assert 4_500 < same < 5_500  # independent splits agree half of the time


def test_the_registry_holds_the_course_experiments():
    described = {name: experiment.describe()["treatments"] for name, experiment in experiments.by_name().items()}
    assert described["AA"] == {"C": "Random", "T1": "Random"}
    assert described["STICKY_ARTIST"] == {"C": "Random", "T1": "StickyArtist"}
    assert described["TOP_POP"] == {"C": "Random", "T1": "TopPop"}
    assert described["COLLABORATIVE"] == {"C": "Random", "T1": "Collaborative"}
    assert described["CONTEXTUAL"] == {"C": "StickyArtist", "T1": "Contextual"}
    assert experiments.DEFAULT in described
