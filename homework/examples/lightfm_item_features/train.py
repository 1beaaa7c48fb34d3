"""Worked example for homework 2: LightFM with item features, tuned by a 30-trial optuna study.

The grader runs ``python train.py --logs LOGS --data DATA [--smoke]`` on the
logs of its training day; this writes DATA/artifacts/lightfm_item_features.jsonl
(a top-100 per listener, the most-liked tracks for listeners without a positive)
and prints what the search found, with how long it took. The two functions are
homework 2's tasks, written; ``--check`` runs their checks alone.
"""

import pathlib
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp

from botify import fields, training
from botify.teaching import homework2

ARTIFACT = "lightfm_item_features"
FULL = {"trials": 30, "epochs": 30, "patience": 3}  # the study; every trial stops early on precision@10
SMOKE = {"trials": 2, "epochs": 2, "patience": 1}  # the same code path in seconds, for the tests
BUCKETS = 4  # quartiles of duration; popularity: never played, then quartiles of the tracks played


def item_features(catalog, events):
    """Genre, artist, popularity bucket and duration bucket of every catalog track, one column each."""
    plays = events[fields.TRACK].value_counts().reindex(catalog.index, fill_value=0)
    popularity = quantile_buckets(plays.where(plays > 0)) + 1
    popularity[plays.to_numpy() == 0] = 0
    groups = {
        fields.GENRE: catalog[fields.GENRE].to_numpy(),
        fields.ARTIST: catalog[fields.ARTIST].to_numpy(),
        "popularity": popularity,
        fields.DURATION: quantile_buckets(catalog[fields.DURATION]),
    }
    names, columns = [], []
    for group, values in groups.items():
        codes, levels = pd.factorize(pd.Series(values))
        columns.append(codes + len(names))
        names += [f"{group}={level}" for level in levels]
    rows = np.repeat(np.arange(len(catalog)), len(groups))
    ones = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((ones, (rows, np.column_stack(columns).ravel())), shape=(len(catalog), len(names)))
    return matrix, names


def quantile_buckets(values, buckets=BUCKETS):
    """Bucket 0..buckets-1 by the value's quantile (ties share their mean rank); missing values get 0."""
    ranks = values.rank(pct=True, method="average").fillna(0).to_numpy()
    return np.minimum((ranks * buckets).astype(int), buckets - 1)


def suggest(trial):
    """Size, step and loss of the model and its two L2 penalties; log scales where the range spans decades."""
    return {
        "no_components": trial.suggest_int("no_components", 8, 64, log=True),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.2, log=True),
        "loss": trial.suggest_categorical("loss", ["warp", "bpr"]),
        "max_sampled": trial.suggest_int("max_sampled", 5, 50),
        "item_alpha": trial.suggest_float("item_alpha", 1e-8, 1e-3, log=True),
        "user_alpha": trial.suggest_float("user_alpha", 1e-8, 1e-3, log=True),
    }


def main():
    args = homework2.arguments(__doc__.splitlines()[0])
    features, space = homework2.checked_tasks(item_features, suggest, args)
    out = pathlib.Path(args.data) / "artifacts" / f"{ARTIFACT}.jsonl"
    started = time.monotonic()
    summary = training.train_lightfm(args.logs, args.data, out=out, item_features=features, suggest=space,
                                     seed=0, progress=not args.smoke, **(SMOKE if args.smoke else FULL))
    describe(summary, time.monotonic() - started)


def describe(summary, seconds):
    """The figures the README quotes: the search, the best trial, offline precision against popularity."""
    study = summary["study"]
    print(f"optuna: {len(study.trials) if study else 0} trials in {seconds / 60:.1f} min "
          "(training and export)")
    print(f"best params: {summary['params']}")
    print(f"best epoch {summary['best_epoch']}: precision@10 {summary['precision@10']:.4f} "
          f"vs most-liked tracks {summary['popularity_precision@10']:.4f}")


if __name__ == "__main__":
    main()
