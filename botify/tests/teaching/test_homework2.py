"""Homework 2's checks: the worked example's functions pass, each typical mistake fails with its own
message, the starter's stubs say "not written yet", and the library trains the hand-built matrix exactly as
its own features."""

import argparse
import importlib.util
import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from botify import fields
from botify.analysis import load_events
from botify.teaching import CheckFailed, homework2
from botify.teaching.homework2 import check_item_features, check_suggest, planted_case
from botify.training import data, export, lightfm_model, pipeline, planted_logs

ROOT = pathlib.Path(__file__).resolve().parents[3]
STARTER = ROOT / "homework" / "hw2" / "train.py"
EXAMPLE = ROOT / "homework" / "examples" / "lightfm_item_features" / "train.py"


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


starter = load(STARTER, "hw2_starter_train")
example = load(EXAMPLE, "hw2_example_train")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A 200-track planted catalog and a day of its logs, read as train.py reads them."""
    root = tmp_path_factory.mktemp("hw2")
    planted_logs.write_logs(root / "log", n_sessions=200, seed=3)
    planted_logs.write_catalog(root / "data", planted_logs.planted_catalog())
    return root, data.read_catalog(root / "data"), load_events(root / "log")


# ---------------------------------------------------------------- HW2.1

def features_of(catalog, groups):
    """(matrix, names) with one column per value of each group: what a student builds, by another hand."""
    names, rows, columns = [], [], []
    for group, values in groups.items():
        for row, value in enumerate(values):
            name = f"{group}={value}"
            if name not in names:
                names.append(name)
            rows.append(row)
            columns.append(names.index(name))
    return sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(catalog), len(names))), names


def groups_of(catalog, events, **changed):
    plays = events[fields.TRACK].value_counts().reindex(catalog.index, fill_value=0)
    groups = {"genre": catalog[fields.GENRE], "artist": catalog[fields.ARTIST],
              "popularity": pd.qcut(plays.rank(method="min"), 3, labels=False),
              "duration": pd.qcut(catalog[fields.DURATION], 4, labels=False)}
    return {**groups, **changed}


def by_hand(catalog, events):
    return features_of(catalog, groups_of(catalog, events))


def dense(catalog, events):
    matrix, names = example.item_features(catalog, events)
    return matrix.toarray(), names


def coo(catalog, events):
    matrix, names = example.item_features(catalog, events)
    return matrix.tocoo(), names


def only_the_matrix(catalog, events):
    return example.item_features(catalog, events)[0]


def played_tracks_only(catalog, events):
    matrix, names = example.item_features(catalog, events)
    return matrix[np.unique(events[fields.TRACK])], names


def rows_by_genre(catalog, events):
    matrix, names = example.item_features(catalog, events)
    return matrix[np.argsort(catalog[fields.GENRE].to_numpy(), kind="stable")], names


def a_genre_forgotten(catalog, events):
    matrix, names = example.item_features(catalog, events)
    matrix = matrix.tolil()
    matrix[7, names.index(f"genre={catalog[fields.GENRE].iloc[7]}")] = 0
    return matrix.tocsr(), names


def rows_scaled(catalog, events):
    matrix, names = example.item_features(catalog, events)
    return sp.diags(1 / np.asarray(matrix.sum(axis=1)).ravel()) @ matrix, names


def own_feature_added(catalog, events):
    matrix, names = example.item_features(catalog, events)
    own = [f"track={track}" for track in catalog.index]
    return sp.hstack([sp.identity(len(catalog)), matrix], format="csr"), own + names


def bare_names(catalog, events):
    matrix, names = example.item_features(catalog, events)
    return matrix, [name.split("=", 1)[1] for name in names]


def a_name_short(catalog, events):
    matrix, names = example.item_features(catalog, events)
    return matrix, names[:-1]


def a_name_twice(catalog, events):
    matrix, names = example.item_features(catalog, events)
    return matrix, [names[1]] + names[1:]


def an_empty_column(catalog, events):
    matrix, names = example.item_features(catalog, events)
    return sp.hstack([matrix, sp.csr_matrix((len(catalog), 1))], format="csr"), names + ["genre=polka"]


def popularity_of_played_only(catalog, events):
    played = np.isin(catalog.index, events[fields.TRACK])
    groups = groups_of(catalog, events)
    groups["popularity"] = groups["popularity"].where(played)
    matrix, names = features_of(catalog, groups)
    nan = [column for column, name in enumerate(names) if name == "popularity=nan"]
    keep = [column for column in range(len(names)) if column not in nan]
    return matrix[:, keep], [names[column] for column in keep]


def popularity_of_likes(catalog, events):
    likes = data.positives(events)[fields.TRACK].value_counts().reindex(catalog.index, fill_value=0)
    return features_of(catalog, groups_of(catalog, events, popularity=(likes > 0).astype(int)))


def one_popularity_bucket(catalog, events):
    return features_of(catalog, groups_of(catalog, events, popularity=np.zeros(len(catalog), int)))


def a_bucket_per_second(catalog, events):
    return features_of(catalog, groups_of(catalog, events, duration=catalog[fields.DURATION]))


def genre_and_artist_only(catalog, events):
    groups = groups_of(catalog, events)
    return features_of(catalog, {"genre": groups["genre"], "artist": groups["artist"]})


def test_the_worked_example_passes_on_the_planted_and_a_real_catalog(world, capsys):
    _, catalog, events = world
    check_item_features(example.item_features, catalog, events)
    out = capsys.readouterr().out
    assert "✔ HW2.1 passed: on 200 tracks of the real catalog" in out
    assert "(4 genre, 20 artist, 4 popularity, 4 duration columns)" in out


def test_another_bucketing_by_hand_passes_too(world, capsys):
    _, catalog, events = world
    check_item_features(by_hand, catalog, events)
    assert "✔ HW2.1 passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, phrase", [
    (starter.item_features, "HW2.1: item_features is not written yet"),
    (only_the_matrix, "item_features must return a pair (matrix, names); yours returned a scipy.csr_matrix"),
    (dense, "must be a scipy.sparse CSR matrix of shape (tracks, features); yours is a numpy.ndarray"),
    (coo, "yours is a scipy.coo_matrix (.tocsr() converts it)"),
    (played_tracks_only, "the matrix has 10 rows; it needs one per catalog track (12), in the catalog's"),
    (a_name_short, "names has 15 entries for 16 columns; name every column, in order"),
    (own_feature_added, "column 'track=0' looks like a track's own feature"),
    (bare_names, "column 0 is named 'rock'; name each column 'group=value'"),
    (a_name_twice, "'genre=pop' names both column 0 and column 1; each feature needs one column"),
    (rows_scaled, "row 0 holds 0.25 in column 'duration=0'; put 1 where a track has a feature"),
    (an_empty_column, "column 'genre=polka' is set for no track"),
    (a_genre_forgotten, "row 7 (track 7, genre 'pop') has no genre column set; every track needs exactly "
                        "one genre feature"),
    (rows_by_genre, "row 0 (track 0, genre 'rock') has 'genre=jazz' set; row i must describe the catalog's "
                    "i-th track"),
    (popularity_of_played_only, "row 0 (track 0, played 0 times) has no popularity column set; every track "
                                "needs exactly one popularity feature, tracks never played included"),
    (popularity_of_likes, "popularity buckets must be ranges of play counts that do not overlap: "
                          "'popularity=0' holds tracks played 0 to 13 times and 'popularity=1' tracks played "
                          "1 to 8 times (count each track's plays in events)"),
    (one_popularity_bucket, "every track is in the same popularity bucket 'popularity=0'; use 2 to 20"),
    (genre_and_artist_only, "row 0 (track 0, played 0 times) has no popularity column set"),
])
def test_each_typical_mistake_is_named_on_the_planted_catalog(wrong, phrase):
    with pytest.raises(CheckFailed) as failed:
        check_item_features(wrong)
    assert phrase in str(failed.value)


def test_a_bucket_per_value_passes_the_planted_catalog_but_not_the_real_one(world, capsys):
    _, catalog, events = world
    check_item_features(a_bucket_per_second)
    with pytest.raises(CheckFailed, match=r"there are \d+ duration buckets; use 2 to 20"):
        check_item_features(a_bucket_per_second, catalog, events)


def test_the_check_leaves_the_real_frames_as_they_were(world):
    _, catalog, events = world
    before = catalog.copy(), events.copy()

    def vandal(catalog, events):
        catalog[fields.GENRE] = "polka"
        events[fields.TRACK] = 0
        raise NotImplementedError

    with pytest.raises(CheckFailed, match="not written yet"):
        check_item_features(vandal, catalog, events)
    pd.testing.assert_frame_equal(catalog, before[0])
    pd.testing.assert_frame_equal(events, before[1])


def test_the_planted_case_is_what_its_docstring_says():
    catalog, events = planted_case()
    plays = events[fields.TRACK].value_counts()
    assert plays.idxmax() == 5 and plays[5] == 13 and 5 not in set(data.positives(events)[fields.TRACK])
    assert set(catalog.index) - set(plays.index) == {0, 8} and list(catalog.index) == list(range(12))


# ---------------------------------------------------------------- HW2.2

def components_as_float(trial):
    return {"no_components": trial.suggest_float("no_components", 8, 64), "learning_rate": 0.05}


def no_learning_rate(trial):
    return {"no_components": trial.suggest_int("no_components", 8, 64)}


def a_fixed_learning_rate(trial):
    return {"no_components": trial.suggest_int("no_components", 8, 64), "learning_rate": 0.05}


def space(trial, **changed):
    """A small right space, with some parameters drawn (or set) otherwise."""
    drawn = {"no_components": lambda: trial.suggest_int("no_components", 8, 64),
             "learning_rate": lambda: trial.suggest_float("learning_rate", 0.01, 0.2, log=True),
             **changed}
    return {name: draw() for name, draw in drawn.items()}


def with_epochs(trial):
    return space(trial, epochs=lambda: trial.suggest_int("epochs", 5, 30))


def with_a_seed(trial):
    return space(trial, random_state=lambda: 0)


def loss_in_capitals(trial):
    return space(trial, loss=lambda: trial.suggest_categorical("loss", ["WARP", "BPR"]))


def a_huge_learning_rate(trial):
    return space(trial, learning_rate=lambda: trial.suggest_float("learning_rate", 2, 10))


def a_negative_penalty(trial):
    return space(trial, item_alpha=lambda: trial.suggest_float("item_alpha", -1e-3, 1e-3))


def pairs_not_a_dict(trial):
    return list(space(trial).items())


def a_log_range_from_zero(trial):
    return space(trial, user_alpha=lambda: trial.suggest_float("user_alpha", 0, 1e-3, log=True))


def test_the_worked_example_passes(capsys):
    check_suggest(example.suggest)
    assert ("✔ HW2.2 passed: suggest(trial) draws item_alpha, learning_rate, loss, max_sampled, "
            "no_components, user_alpha") in capsys.readouterr().out


@pytest.mark.parametrize("wrong, phrase", [
    (starter.suggest, "HW2.2: suggest is not written yet"),
    (pairs_not_a_dict, "suggest(trial) must return a dict of LightFM parameters; yours returned a list"),
    (with_epochs, "'epochs' is not a parameter of LightFM(); it takes epsilon, item_alpha"),
    (with_a_seed, "leave random_state out; the pipeline seeds LightFM itself"),
    (no_learning_rate, "the space must contain learning_rate; yours has no_components"),
    (components_as_float, "suggest(trial) must return no_components as an int in a range you choose; "
                          "you returned 38.7"),
    (a_fixed_learning_rate, "suggest(trial) returned learning_rate 0.05 in all 8 trials; draw it from the "
                            "trial"),
    (loss_in_capitals, "loss must be one of 'warp', 'bpr', 'logistic', 'warp-kos'; you returned 'WARP'"),
    (a_huge_learning_rate, "learning_rate must be above 0 and at most 1; you returned"),
    (a_negative_penalty, "item_alpha must be at least 0 and at most 1; you returned -0.000"),
    (a_log_range_from_zero, "raised ValueError: `low > 0` must hold for `log=True`"),
])
def test_each_typical_space_mistake_is_named(wrong, phrase):
    with pytest.raises(CheckFailed) as failed:
        check_suggest(wrong)
    assert phrase in str(failed.value)


# ---------------------------------------------------------------- train.py's side

def arguments(check=False, logs=None, data_dir=None):
    return argparse.Namespace(check=check, logs=logs, data=data_dir, smoke=True)


def test_the_starter_as_given_trains_plain_lightfm_and_says_why(world, capsys):
    root, _, _ = world
    assert homework2.checked_tasks(starter.item_features, starter.suggest,
                                   arguments(logs=root / "log", data_dir=root / "data")) == (False, None)
    out = capsys.readouterr().out
    assert "HW2.1: item_features is not written yet" in out and "until it is: without item features" in out
    assert "HW2.2: suggest is not written yet" in out and "instead of a search" in out


def test_a_wrong_task_stops_the_run_before_training(world, capsys):
    root, _, _ = world
    with pytest.raises(SystemExit) as stopped:
        homework2.checked_tasks(dense, starter.suggest, arguments(logs=root / "log", data_dir=root / "data"))
    assert stopped.value.code == 1
    said = capsys.readouterr()
    assert said.err.splitlines() == ["HW2.1: the matrix must be a scipy.sparse CSR matrix of shape (tracks, "
                                     "features); yours is a numpy.ndarray"]
    assert "HW2.2: suggest is not written yet" in said.out


def test_check_alone_fails_on_a_task_not_written_and_passes_the_example(capsys):
    with pytest.raises(SystemExit) as stopped:
        homework2.checked_tasks(example.item_features, starter.suggest, arguments(check=True))
    assert stopped.value.code == 1 and "HW2.2: suggest is not written yet" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        homework2.checked_tasks(example.item_features, example.suggest, arguments(check=True))
    assert stopped.value.code == 0


def test_train_py_check_from_the_command_line():
    result = subprocess.run([sys.executable, str(STARTER), "--check"], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "HW2.1: item_features is not written yet (it raises NotImplementedError)",
        "HW2.2: suggest is not written yet (it raises NotImplementedError)"]
    result = subprocess.run([sys.executable, str(STARTER)], capture_output=True, text=True, timeout=120,
                            cwd=ROOT)
    assert result.returncode == 2 and "--logs and --data are needed to train" in result.stderr


# ---------------------------------------------------------------- the library's hook

def test_the_hand_built_matrix_is_the_one_botify_builds_from_its_own_features(world):
    """Same features, same matrix to the bit (identity first, sorted columns, rows summing to 1)."""
    _, catalog, events = world
    items = catalog.index.to_numpy()
    liked = data.positives(events)
    built = lightfm_model.interactions(liked, None, items, data.item_features(catalog, events)).item_features
    matrix, names = example.item_features(catalog, events)
    assert sorted(names) != names  # the order of the columns is the example's own
    by_hand_matrix = lightfm_model.interactions(liked, None, items, (matrix, names)).item_features
    for part in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(by_hand_matrix, part), getattr(built, part))


def test_the_example_trains_the_same_lists_as_the_library_one_call(world, tmp_path):
    root, _, _ = world
    options = {"trials": 2, "epochs": 3, "patience": 1, "seed": 0, "say": lambda *_: None}
    pipeline.collaborative(root / "log", root / "data", tmp_path / "library.jsonl", **options)
    pipeline.collaborative(root / "log", root / "data", tmp_path / "example.jsonl", **options,
                           item_features=example.item_features, suggest=example.suggest)
    assert export.read_lists(tmp_path / "example.jsonl") == export.read_lists(tmp_path / "library.jsonl")
