"""Experiments: treatment names, 2- to 7-way splits, stable and balanced assignment, the registry."""

import collections
import pathlib
import subprocess
import sys

import pytest

from botify.errors import ExperimentError
from botify.service import registry
from botify.service.experiment import Experiment, index_by_name
from botify.service.recommenders.random_track import Random
from botify.service.recommenders.top_pop import TopPop

USERS = 100_000


def test_treatments_are_control_then_t1_t2():
    assert Experiment("X", Random, TopPop, TopPop).treatments == ["C", "T1", "T2"]


@pytest.mark.parametrize("count", [0, 1, 8])
def test_splits_outside_2_to_7_are_refused(count):
    with pytest.raises(ExperimentError, match="2 to 7"):
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
    code = ("from botify.service.registry import BY_NAME; "
            "print([BY_NAME['AA'].treatment(u) for u in range(200)])")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            check=True).stdout
    assert output.strip() == str([registry.BY_NAME["AA"].treatment(user) for user in range(200)])


def test_the_experiment_name_seeds_the_split():
    first, second = Experiment("ONE", Random, Random), Experiment("TWO", Random, Random)
    same = sum(first.treatment(user) == second.treatment(user) for user in range(10_000))
    assert 4_500 < same < 5_500  # independent splits agree half of the time


def test_the_registry_holds_the_course_experiments():
    described = {name: experiment.describe()["treatments"] for name, experiment in registry.BY_NAME.items()}
    assert described["AA"] == {"C": "Random", "T1": "Random"}
    assert described["STICKY_ARTIST"] == {"C": "Random", "T1": "StickyArtist"}
    assert described["TOP_POP"] == {"C": "Random", "T1": "TopPop"}
    assert described["COLLABORATIVE"] == {"C": "Random", "T1": "Collaborative"}
    assert described["CONTEXTUAL"] == {"C": "StickyArtist", "T1": "Contextual"}
    assert registry.DEFAULT in described


def test_a_name_registered_twice_fails_naming_both_lines():
    first = Experiment("TWICE", Random, Random)
    second = Experiment("TWICE", Random, TopPop)
    with pytest.raises(ExperimentError, match=r"test_registry.py:\d+: experiment TWICE is registered twice "
                                              r"\(first at .*test_registry.py:\d+\)"):
        index_by_name([first, second])


@pytest.mark.parametrize("treatment", [Random(None), "Random", len],
                         ids=["an-instance", "a-name", "a-function"])
def test_a_treatment_that_is_not_a_recommender_class_fails_naming_the_file(treatment):
    with pytest.raises(ExperimentError, match=r"test_registry.py:\d+: experiment BAD, treatment T1: "
                                              r".* is not a Recommender subclass"):
        Experiment("BAD", Random, treatment)


def test_a_broken_registry_fails_at_import_not_at_the_first_request(tmp_path):
    """A copy of the registry with a duplicate line, imported in a fresh interpreter, fails with the file."""
    source = pathlib.Path(registry.__file__).read_text()
    broken = source.replace('    Experiment("AA", Random, Random),', '    Experiment("AA", Random, Random),\n'
                            '    Experiment("AA", Random, TopPop),')
    assert broken != source
    (tmp_path / "broken_registry.py").write_text(broken)
    result = subprocess.run([sys.executable, "-c", "import broken_registry"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ExperimentError" in result.stderr
    assert "broken_registry.py:" in result.stderr and "experiment AA is registered twice" in result.stderr


def test_every_experiment_describes_its_arms_split_and_artifacts():
    described = registry.BY_NAME["CONTEXTUAL"].describe()
    assert described == {"name": "CONTEXTUAL", "treatments": {"C": "StickyArtist", "T1": "Contextual"},
                         "artifacts": {"T1": "contextual"}, "split": {"C": 0.5, "T1": 0.5}}
