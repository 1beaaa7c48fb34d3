"""Homework 2: train the per-listener lists your recommender serves. Start here.

The grader runs ``python train.py --logs LOGS --data DATA [--smoke]`` on the
logs of its training day; whatever this writes into DATA/artifacts/ is loaded
by the service. Your two tasks are the functions ``item_features`` (HW2.1) and
``suggest`` (HW2.2) below.

    python homework/hw2/train.py --check                          # check both tasks, in seconds
    python homework/hw2/train.py --check --logs LOGS --data DATA  # ... and the matrix on the real catalog

Every run checks both tasks first and stops with one sentence saying what is
wrong. A task not written yet is left out, so the starter as given trains plain
LightFM (no item features, no search): exactly the baseline.
"""

import pathlib

from botify import training
from botify.teaching import homework2

ARTIFACT = "hw2_lists"  # DATA/artifacts/hw2_lists.jsonl; the same name as ARTIFACT in recommender.py
SEARCH = {"trials": 10, "epochs": 30, "patience": 3}  # with suggest: the study; a trial stops early
PLAIN = {"trials": 0, "epochs": 10}  # until suggest is written: one fit, LightFM's default parameters
SMOKE = {"epochs": 2, "patience": 1}  # --smoke (the course's tests): the same path in seconds


def item_features(catalog, events):
    """HW2.1: the item-feature matrix LightFM learns a vector for each feature of.

    ``catalog``: the public catalog, one row per track (columns track, artist,
    title, genre, duration in seconds, year), in track order.
    ``events``: the training day's event log, one row per play (columns
    user, track, time, ...), as ``botify.analysis.load_events`` reads it.

    Returns ``(matrix, names)``:

    - ``matrix``: a ``scipy.sparse`` CSR matrix of shape (len(catalog), len(names));
      row i is the catalog's i-th track; 1 where the track has the feature, 0 elsewhere;
    - ``names``: a list of strings, the name of each column, as ``"group=value"``.

    Every row has exactly one column set in each of four groups:

    - ``genre=<the track's genre>``, e.g. ``"genre=rock"``;
    - ``artist=<the track's artist>``, e.g. ``"artist=Quiet Riders"``;
    - ``popularity=<bucket>``: how many times the track was played in ``events``
      (tracks never played included), in 2 to 20 buckets that are ranges of
      play counts, e.g. ``"popularity=0"`` for never played;
    - ``duration=<bucket>``: the track's duration, in 2 to 20 buckets that are
      ranges of seconds, e.g. quartiles.

    Leave out the track's own feature: the pipeline adds it to every row, and
    scales the rows, as LightFM's ``Dataset`` does.
    """
    # TODO (HW2.1): build the matrix and the names of its columns.
    raise NotImplementedError


def suggest(trial):
    """HW2.2: the optuna search space, one set of LightFM parameters per trial.

    ``trial``: an ``optuna.trial.Trial``; draw each parameter with
    ``trial.suggest_int``, ``trial.suggest_float`` or ``trial.suggest_categorical``.

    Returns a dict of ``LightFM(...)``'s own parameters, e.g.
    ``{"no_components": 24, "learning_rate": 0.03, "loss": "warp", ...}``. It
    must draw ``no_components`` (an int, 1 to 512) and ``learning_rate`` (a
    float, above 0 and at most 1) from the trial; it may add ``loss`` (warp,
    bpr, logistic, warp-kos), ``max_sampled`` (an int), ``item_alpha`` and
    ``user_alpha`` (floats, 0 or more) and the rest of LightFM's parameters.
    Leave out ``random_state`` (the pipeline seeds LightFM) and the number of
    epochs (early stopping picks it, up to ``epochs`` in SEARCH).
    """
    # TODO (HW2.2): return the parameters, drawn from the trial.
    raise NotImplementedError


def main():
    args = homework2.arguments(__doc__.splitlines()[0])
    features, space = homework2.checked_tasks(item_features, suggest, args)  # stops on a wrong task
    options = {**(SEARCH if space else PLAIN), **(SMOKE if args.smoke else {})}
    if args.smoke and space:
        options["trials"] = 2
    out = pathlib.Path(args.data) / "artifacts" / f"{ARTIFACT}.jsonl"
    training.train_lightfm(args.logs, args.data, out=out, item_features=features, suggest=space, seed=0,
                           **options)


if __name__ == "__main__":
    main()
