"""LightFM on planted logs: it learns, stops early, tunes, and maps ids back."""

import numpy as np
import pytest

from botify import fields
from botify.analysis import load_events
from botify.training import data, lightfm_model, planted_logs, ranking_metrics


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = tmp_path_factory.mktemp("planted")
    planted_logs.write_logs(root / "log", n_sessions=600, seed=1)
    planted_logs.write_catalog(root / "data", planted_logs.planted_catalog())
    events = load_events(root / "log")
    train, test = data.split_positives(events)
    features = data.item_features(data.read_catalog(root / "data"), events)
    return train, test, features


def random_precision(data_, k=10, seed=0):
    """precision@k of random lists that avoid train tracks, the bar a model must clear."""
    rng = np.random.default_rng(seed)
    test, train = data_.test.tocsr(), data_.train.tocsr()
    lists, relevant = {}, {}
    for row in np.flatnonzero(np.diff(test.indptr)):
        allowed = np.setdiff1d(np.arange(test.shape[1]), train[row].indices)
        lists[row] = rng.permutation(allowed)[:k].tolist()
        relevant[row] = set(test[row].indices)
    return ranking_metrics.precision_at_k(lists, relevant, k)


def test_interactions_map_internal_ids_back_to_users_and_tracks(planted):
    train, test, _ = planted
    built = lightfm_model.interactions(train, test, items=range(200))
    assert built.train.shape == (len(built.user_ids), 200)
    assert built.train.nnz == len(train) and built.test.nnz == len(test)
    assert built.item_ids.tolist() == list(range(200))
    rows, cols = built.train.row, built.train.col
    pairs = set(zip(built.user_ids[rows].tolist(), built.item_ids[cols].tolist()))
    assert pairs == set(zip(train[fields.USER], train[fields.TRACK]))


def test_a_tiny_run_beats_random_lists(planted):
    train, test, _ = planted
    built = lightfm_model.interactions(train, test, items=range(200))
    fit = lightfm_model.fit(built, epochs=15, patience=3, seed=0)
    assert fit.best_score == max(fit.curve)
    assert fit.best_score > 2 * random_precision(built)
    assert lightfm_model.precision(fit.model, built) == pytest.approx(fit.best_score)


def test_fit_is_repeatable_for_a_seed(planted):
    train, test, _ = planted
    built = lightfm_model.interactions(train, test)
    first, second = (lightfm_model.fit(built, epochs=3, seed=4) for _ in range(2))
    assert first.curve == second.curve


def test_early_stopping_ends_after_patience_epochs_without_progress(planted):
    train, test, _ = planted
    built = lightfm_model.interactions(train, test)
    fit = lightfm_model.fit(built, {"learning_rate": 0.2}, epochs=60, patience=2)
    assert len(fit.curve) <= fit.best_epoch + 2
    assert len(fit.curve) < 60


def test_item_features_enter_the_model(planted):
    train, test, features = planted
    built = lightfm_model.interactions(train, test, items=range(200), features=features)
    assert built.item_features.shape[0] == 200 and built.item_features.shape[1] > 200
    fit = lightfm_model.fit(built, epochs=10, seed=0)
    assert fit.best_score > 2 * random_precision(built)
    users, items = lightfm_model.vectors(fit.model, built)
    assert items.shape == (200, 33) and users.shape == (len(built.user_ids), 33)


def test_without_a_test_split_all_epochs_are_trained(planted):
    train, _, _ = planted
    fit = lightfm_model.fit(lightfm_model.interactions(train), epochs=4)
    assert fit.best_epoch == 4 and fit.curve == []


def test_tune_returns_best_params_curves_and_the_study(planted):
    train, test, _ = planted
    built = lightfm_model.interactions(train, test)
    tuned = lightfm_model.tune(built, trials=3, epochs=4, seed=2)
    assert set(tuned.params) >= {"no_components", "learning_rate", "loss", "max_sampled", "item_alpha",
                                 "user_alpha"}
    assert len(tuned.study.trials) == 3
    assert tuned.best_score == pytest.approx(tuned.study.best_value)
    assert all(len(trial.user_attrs["curve"]) >= 1 for trial in tuned.study.trials)
    again = lightfm_model.tune(built, trials=3, epochs=4, seed=2)
    assert again.params == tuned.params


def test_popularity_precision_is_the_bar_under_the_same_protocol(planted):
    train, test, _ = planted
    built = lightfm_model.interactions(train, test, items=range(200))
    popularity = lightfm_model.popularity_precision(built)
    assert 0 < popularity < lightfm_model.fit(built, epochs=10).best_score
