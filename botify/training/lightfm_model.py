"""LightFM on the positives: fit with early stopping, tune with optuna (seminar 3, HW2).

Evaluation ranks every track for every test listener with the same batched
scorer the export uses, so the precision@k reported while training is the
precision of the lists botify will serve. One thread and a seed make runs
repeatable (LightFM's multi-threaded updates are not).
"""

import copy
import dataclasses

import numpy as np
import optuna
import pandas as pd
import scipy.sparse as sp
import sklearn.preprocessing
from lightfm import LightFM
from lightfm.data import Dataset

from botify import fields
from botify.progress_bars import progress_bar, stopped_early
from botify.training import export, ranking_metrics

DEFAULT_PARAMS = {"no_components": 32, "learning_rate": 0.05, "loss": "warp", "max_sampled": 10}


@dataclasses.dataclass
class Interactions:
    """Train/test matrices in LightFM's internal ids, with the ids to map back."""

    train: object  # scipy COO (users x items)
    test: object  # scipy COO, or None when fitting on everything
    item_features: object  # scipy CSR (items x features), or None
    user_ids: np.ndarray  # external user id of each internal row
    item_ids: np.ndarray  # external track id of each internal column


@dataclasses.dataclass
class Fit:
    """A model at its best epoch, with the per-epoch precision@k curve."""

    model: LightFM
    params: dict
    curve: list  # precision@k on the test split after each epoch (empty without a test split)
    best_epoch: int  # epochs trained for the best score
    best_score: float
    study: object = None  # the optuna study, set by :func:`tune`


def interactions(train, test=None, items=None, features=None):
    """Build the LightFM dataset from (user, track) frames.

    ``items`` lists every track that may be recommended (default: the tracks
    in the pairs); ``features`` is ``{track: [feature names]}`` from
    :func:`botify.training.data.item_features`, or a ``(matrix, names)`` pair
    with one row per track of ``items`` (homework 2 builds it by hand). Either
    way each track also gets its own identity feature.
    """
    pairs = pd.concat([train, test]) if test is not None else train
    items = np.unique(pairs[fields.TRACK]) if items is None else np.asarray(items)
    built = isinstance(features, tuple)
    dataset = Dataset()
    names = None if features is None or built else sorted(
        {name for track in items for name in features[int(track)]})
    dataset.fit(np.unique(pairs[fields.USER]), items, item_features=names)
    user_map, _, item_map, _ = dataset.mapping()
    if built:
        matrix = with_identity(*features, len(items))
    elif features is not None:
        matrix = dataset.build_item_features((int(track), features[int(track)]) for track in items)
    return Interactions(
        train=_matrix(dataset, train),
        test=None if test is None else _matrix(dataset, test),
        item_features=matrix if features is not None else None,
        user_ids=_inverse(user_map),
        item_ids=_inverse(item_map),
    )


def with_identity(matrix, names, n_items):
    """A hand-built (tracks x features) matrix as LightFM's ``Dataset`` would give it.

    Each track's identity column first, then the named columns in sorted order
    (empty ones dropped), every row scaled to sum to 1: the same matrix, to the
    bit, as ``Dataset.build_item_features`` builds from the same features.
    """
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    if matrix.shape != (n_items, len(names)):
        raise ValueError(f"the item-feature matrix is {matrix.shape[0]} x {matrix.shape[1]} with "
                         f"{len(names)} names; it needs one row per track ({n_items}) and a name per column")
    counts = matrix.getnnz(axis=0)
    used = [column for column in sorted(range(len(names)), key=names.__getitem__) if counts[column]]
    identity = sp.identity(n_items, dtype=np.float32, format="csr")
    full = sp.hstack([identity, matrix[:, used]], format="csr")
    full.sort_indices()  # LightFM sums a row's feature vectors in this order
    return sklearn.preprocessing.normalize(full, norm="l1", copy=False)


def _matrix(dataset, pairs):
    return dataset.build_interactions(zip(pairs[fields.USER], pairs[fields.TRACK]))[0]


def _inverse(mapping):
    """External ids ordered by internal index."""
    ids = np.empty(len(mapping), dtype=np.int64)
    ids[list(mapping.values())] = list(mapping.keys())
    return ids


def vectors(model, data):
    """(user vectors, item vectors) whose dot products rank like LightFM's scores.

    Item biases ride along as an extra coordinate against a constant 1 on the
    user side; user biases are dropped since they do not change a user's order.
    """
    item_bias, item_embedding = model.get_item_representations(data.item_features)
    _, user_embedding = model.get_user_representations()
    users = np.hstack([user_embedding, np.ones((len(user_embedding), 1), np.float32)])
    return users, np.hstack([item_embedding, item_bias[:, None]])


def precision(model, data, k=10):
    """precision@k on the test split, never recommending a user's train tracks."""
    users, items = vectors(model, data)
    return _test_precision(data, users, items, k)


def fit(data, params=None, epochs=30, patience=3, k=10, seed=0, progress=False):
    """Train one epoch at a time; keep the model of the best test precision@k.

    Stops after ``patience`` epochs without improvement. Without a test split
    it trains all ``epochs`` and keeps the last model.
    """
    params = {**DEFAULT_PARAMS, **(params or {})}
    model = LightFM(**params, random_state=seed)
    best = Fit(model, params, [], 0, float("nan"))
    with progress_bar(total=epochs, desc="lightfm", unit="epoch", disable=not progress) as bar:
        for epoch in range(1, epochs + 1):
            model.fit_partial(data.train, item_features=data.item_features, epochs=1, num_threads=1)
            bar.update()
            if data.test is None:
                best.best_epoch = epoch
                continue
            best.curve.append(precision(model, data, k))
            if not best.best_score >= best.curve[-1]:
                best.model, best.best_epoch, best.best_score = copy.deepcopy(model), epoch, best.curve[-1]
            elif epoch - best.best_epoch >= patience:
                stopped_early(bar, epoch, epochs)
                break
    return best


def suggest(trial):
    """The search space of the optuna study."""
    return {
        "no_components": trial.suggest_int("no_components", 8, 64, log=True),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.2, log=True),
        "loss": trial.suggest_categorical("loss", ["warp", "bpr"]),
        "max_sampled": trial.suggest_int("max_sampled", 5, 50),
        "item_alpha": trial.suggest_float("item_alpha", 1e-8, 1e-3, log=True),
        "user_alpha": trial.suggest_float("user_alpha", 1e-8, 1e-3, log=True),
    }


def tune(data, trials=10, epochs=30, patience=3, k=10, seed=0, progress=False, space=None):
    """An optuna study (seeded TPE) over ``space``, a function ``trial -> parameters`` (default
    :func:`suggest`); returns the best trial's :class:`Fit`.

    Every trial's learning curve is kept as its ``curve`` user attribute, and
    the study itself is the returned fit's ``study`` attribute for plotting.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    best = {}

    def objective(trial):
        result = fit(data, (space or suggest)(trial), epochs, patience, k, seed)
        trial.set_user_attr("curve", result.curve)
        if not best or result.best_score > best["fit"].best_score:
            best["fit"] = result
        return result.best_score

    study.optimize(objective, n_trials=trials, show_progress_bar=progress)
    return dataclasses.replace(best["fit"], study=study)


def popularity_precision(data, k=10):
    """precision@k of the most-liked train tracks under the same protocol, the bar to beat."""
    likes = np.asarray(data.train.tocsr().sum(axis=0), dtype=np.float32).reshape(-1, 1)
    return _test_precision(data, np.ones((data.train.shape[0], 1), np.float32), likes, k)


def _test_precision(data, users, items, k):
    """precision@k over the test listeners of lists that skip their train tracks."""
    test = data.test.tocsr()
    rows = np.flatnonzero(np.diff(test.indptr))
    top = export.top_k(users[rows], items, k, exclude=data.train.tocsr()[rows])
    relevant = {row: set(test.indices[test.indptr[row] : test.indptr[row + 1]]) for row in rows.tolist()}
    return ranking_metrics.precision_at_k(dict(zip(rows.tolist(), top.tolist())), relevant, k)
