"""``botify serve --plugin FILE``: a submission's experiments join the registry, with the registry's
checks."""

import pytest

from botify.errors import ExperimentError
from botify.service import registry
from botify.service.plugins import load_plugin

GOOD = '''
from botify.service.experiment import Experiment
from botify.service.recommenders.random_track import Random


class Mine(Random):
    pass


EXPERIMENTS = [Experiment("MINE", Random, Mine)]
'''


@pytest.fixture(autouse=True)
def restore_registry():
    experiments, by_name = list(registry.EXPERIMENTS), dict(registry.BY_NAME)
    yield
    registry.EXPERIMENTS[:] = experiments
    registry.BY_NAME.clear()
    registry.BY_NAME.update(by_name)


def test_a_plugins_experiments_are_registered(tmp_path):
    (tmp_path / "recommender.py").write_text(GOOD)
    assert load_plugin(tmp_path / "recommender.py") == ["MINE"]
    assert registry.BY_NAME["MINE"].describe()["treatments"] == {"C": "Random", "T1": "Mine"}
    assert registry.EXPERIMENTS[-1] is registry.BY_NAME["MINE"]


@pytest.mark.parametrize("source, words", [
    (GOOD.replace('"MINE"', '"AA"'), r"recommender.py:\d+: experiment AA is registered twice"),
    (GOOD.replace("pass", "pass +"), r"recommender.py does not import: line 7: SyntaxError"),
    (GOOD.replace("class Mine(Random):", "class Mine(Nowhere):"), r"does not import: line 6: NameError"),
    (GOOD.replace("EXPERIMENTS =", "SOMETHING ="), r"must define EXPERIMENTS = \[Experiment"),
    (GOOD.replace("Random, Mine)", "Random, 'Mine')"), r"treatment T1: 'Mine' is not a Recommender subclass"),
])
def test_a_broken_plugin_is_one_error_naming_the_file(tmp_path, source, words):
    (tmp_path / "recommender.py").write_text(source)
    with pytest.raises(ExperimentError, match=words):
        load_plugin(tmp_path / "recommender.py")
    assert ("MINE" not in registry.BY_NAME
            and len(registry.EXPERIMENTS) == len(set(map(id, registry.EXPERIMENTS))))
    assert [e.name for e in registry.EXPERIMENTS].count("AA") == 1


def test_a_missing_plugin_file(tmp_path):
    with pytest.raises(ExperimentError, match="does not exist"):
        load_plugin(tmp_path / "nothing.py")
