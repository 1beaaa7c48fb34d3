"""Homework 2's checks: the item-feature matrix and the optuna search space, before any training.

``homework/hw2/train.py`` has two task functions, and every run checks them first:

- HW2.1 ``item_features(catalog, events) -> (matrix, names)``: one CSR row per catalog track, one column
  per feature named ``"group=value"``, exactly one genre, artist, popularity-bucket and duration-bucket
  column set (to 1) in every row;
- HW2.2 ``suggest(trial) -> dict``: LightFM's parameters drawn from an optuna trial, ``no_components`` and
  ``learning_rate`` among them.

``python train.py --check`` runs the checks alone (on a planted 12-track catalog, and on the real one when
``--logs`` and ``--data`` are given). In a training run a task not written yet is left out, so the starter
as given still trains plain LightFM; a task written wrong stops the run with one sentence saying what is
wrong, before training starts.
"""

import argparse
import inspect
import sys

import numpy as np
import pandas as pd
import scipy.sparse as sp

from botify import fields
from botify.teaching import CheckFailed, attempt, check, passed

FEATURES = "HW2.1"
SPACE = "HW2.2"
POPULARITY = "popularity"
GROUPS = (fields.GENRE, fields.ARTIST, POPULARITY, fields.DURATION)
BUCKETS = (2, 20)  # how many popularity or duration buckets make a feature that says something
TRIALS = 8  # trials of a seeded random study that suggest() is asked for
LOSSES = ("warp", "bpr", "logistic", "warp-kos")
SCHEDULES = ("adagrad", "adadelta")
# LightFM's numeric parameters: (int or float, lowest, highest, lowest allowed, highest allowed)
NUMBERS = {
    "no_components": (int, 1, 512, True, True),
    "learning_rate": (float, 0, 1, False, True),
    "max_sampled": (int, 1, 1000, True, True),
    "k": (int, 1, 1000, True, True),
    "n": (int, 1, 1000, True, True),
    "item_alpha": (float, 0, 1, True, True),
    "user_alpha": (float, 0, 1, True, True),
    "rho": (float, 0, 1, False, False),
    "epsilon": (float, 0, 1, True, True),
}
SEARCHED = ("no_components", "learning_rate")  # the space must draw these from the trial


class NotWrittenYet(CheckFailed):
    """The task's function still raises NotImplementedError."""


def planted_case():
    """A 12-track catalog and 46 plays of its tracks, small enough to follow by hand.

    Track 5 has the most plays (13) but is never liked, and track 9 is liked on both of its 2 plays, so
    buckets of likes are not ranges of plays; tracks 0 and 8 are never played.
    """
    genres = ["rock", "pop", "jazz"] * 4
    artists = ["Quiet Riders", "Blue Mile", "Quiet Riders", "Nine Lamps", "Blue Mile", "Nine Lamps",
               "Quiet Riders", "Orbit", "Orbit", "Blue Mile", "Nine Lamps", "Orbit"]
    durations = [95, 180, 210, 240, 262, 300, 331, 360, 402, 420, 201, 150]
    catalog = pd.DataFrame({fields.TRACK: range(12), fields.ARTIST: artists, fields.TITLE: "a song",
                            fields.GENRE: genres, fields.DURATION: durations, fields.YEAR: 2001})
    plays = [0, 1, 2, 3, 4, 13, 5, 8, 0, 2, 1, 7]
    liked = {3: 0.9, 7: 0.95, 9: 1.0, 10: 0.9}  # share listened; every other play 0.3, so never liked
    tracks = np.repeat(np.arange(12), plays)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(tracks))
    events = pd.DataFrame({
        fields.MESSAGE: fields.NEXT, fields.TIMESTAMP: 1_700_000_000_000 + np.arange(len(tracks)) * 1000,
        fields.USER: rng.integers(0, 5, len(tracks)), fields.TRACK: tracks[order],
        fields.TIME: [liked.get(int(track), 0.3) for track in tracks[order]], fields.LATENCY: 0.001,
    })
    return catalog.set_index(fields.TRACK, drop=False), events


# ---------------------------------------------------------------- HW2.1: the item-feature matrix

def check_item_features(item_features, catalog=None, events=None):
    """HW2.1 on the planted catalog, then on ``catalog`` and ``events`` (the real ones) when given."""
    cases = [planted_case()] + ([(catalog, events)] if catalog is not None else [])
    for case_catalog, case_events in cases:
        result = _call(FEATURES, item_features, case_catalog.copy(), case_events.copy())
        sizes = _check_matrix(result, case_catalog, case_events)
    where = f"{len(cases[-1][0]):,} tracks of the real catalog" if len(cases) > 1 else "the planted catalog"
    passed(FEATURES, f"on {where}, each row has one genre, artist, popularity and duration column set "
                     f"({', '.join(f'{count} {group}' for group, count in sizes.items())} columns)")


def _check_matrix(result, catalog, events):
    """Every rule of HW2.1, the first broken one raised; returns the number of columns of each group."""
    check(isinstance(result, tuple) and len(result) == 2,
          f"{FEATURES}: item_features must return a pair (matrix, names); yours returned {_kind(result)}")
    matrix, names = result
    check(sp.issparse(matrix) and matrix.format == "csr",
          f"{FEATURES}: the matrix must be a scipy.sparse CSR matrix of shape (tracks, features); yours is "
          f"{_kind(matrix)}" + (" (.tocsr() converts it)" if sp.issparse(matrix) else ""))
    check(matrix.shape[0] == len(catalog),
          f"{FEATURES}: the matrix has {matrix.shape[0]} rows; it needs one per catalog track "
          f"({len(catalog)}), in the catalog's order")
    names = _check_names(names, matrix.shape[1])
    matrix = sp.csr_matrix(matrix, copy=True)  # a csr_array too
    matrix.eliminate_zeros()
    _check_ones(matrix, names)
    empty = np.flatnonzero(matrix.getnnz(axis=0) == 0)
    if len(empty):
        raise CheckFailed(f"{FEATURES}: column {names[empty[0]]!r} is set for no track; keep only the "
                          "features some track has")
    plays = events[fields.TRACK].value_counts().reindex(catalog.index, fill_value=0).to_numpy()
    values = {fields.GENRE: catalog[fields.GENRE].astype(str).to_numpy(),
              fields.ARTIST: catalog[fields.ARTIST].astype(str).to_numpy(),
              POPULARITY: plays, fields.DURATION: catalog[fields.DURATION].to_numpy()}
    sizes = {}
    for group in GROUPS:
        columns = np.array([column for column, name in enumerate(names) if name.split("=")[0] == group])
        chosen = _one_per_row(matrix, columns, group, catalog, values)
        if group in (fields.GENRE, fields.ARTIST):
            _check_values(chosen, names, group, catalog, values)
        else:
            _check_buckets(chosen, names, group, values[group])
        sizes[group] = len(columns)
    return sizes


def _check_names(names, n_columns):
    check(isinstance(names, (list, tuple, np.ndarray, pd.Index)),
          f"{FEATURES}: names must be a list of column names; yours is {_kind(names)}")
    names = list(names)
    check(len(names) == n_columns,
          f"{FEATURES}: names has {len(names)} entries for {n_columns} columns; name every column, in order")
    for column, name in enumerate(names):
        check(isinstance(name, str), f"{FEATURES}: column {column} is named {name!r}, not a string; name "
                                     "each column 'group=value', e.g. 'genre=rock'")
        group = name.split("=")[0]
        check(group not in ("track", "id", "item"),
              f"{FEATURES}: column {name!r} looks like a track's own feature; LightFM's pipeline adds it "
              "for every track, so leave it out")
        check("=" in name and group in GROUPS,
              f"{FEATURES}: column {column} is named {name!r}; name each column 'group=value' with group one "
              f"of {', '.join(GROUPS)} (e.g. 'genre=rock', 'popularity=2')")
    seen = {}
    for column, name in enumerate(names):
        check(name not in seen, f"{FEATURES}: {name!r} names both column {seen.get(name)} and column "
                                f"{column}; each feature needs one column")
        seen[name] = column
    return names


def _check_ones(matrix, names):
    """A feature a track has is 1; the pipeline adds the identity feature and scales the rows itself."""
    wrong = np.flatnonzero(matrix.data != 1)
    if len(wrong):
        row = int(np.searchsorted(matrix.indptr, wrong[0], side="right") - 1)
        raise CheckFailed(f"{FEATURES}: row {row} holds {matrix.data[wrong[0]]:g} in column "
                          f"{names[matrix.indices[wrong[0]]]!r}; put 1 where a track has a feature and "
                          "nothing elsewhere (the pipeline adds each track's own feature and scales rows)")


def _one_per_row(matrix, columns, group, catalog, values):
    """The column of ``group`` set in each row, which must be exactly one."""
    part = matrix[:, columns] if len(columns) else sp.csr_matrix((matrix.shape[0], 0))
    counts = part.getnnz(axis=1)
    bad = np.flatnonzero(counts != 1)
    if len(bad):
        row = int(bad[0])
        where = _row(catalog, row, group, values)
        if counts[row] == 0:
            never = ", tracks never played included" if group == POPULARITY else ""
            raise CheckFailed(f"{FEATURES}: {where} has no {group} column set; every track needs exactly "
                              f"one {group} feature{never}")
        raise CheckFailed(f"{FEATURES}: {where} has {counts[row]} {group} columns set; every track needs "
                          f"exactly one {group} feature")
    part = part.tocsr()
    part.sort_indices()
    return columns[part.indices]


def _check_values(chosen, names, group, catalog, values):
    """Each row's genre (artist) column must name that track's genre (artist)."""
    given = np.array([names[column].split("=", 1)[1] for column in chosen], dtype=object)
    wrong = np.flatnonzero(given != values[group])
    if len(wrong):
        row = int(wrong[0])
        raise CheckFailed(f"{FEATURES}: {_row(catalog, row, group, values)} has {names[chosen[row]]!r} set; "
                          "row i must describe the catalog's i-th track, and each column what its name says")


def _check_buckets(chosen, names, group, values):
    """Buckets are ranges of the value (plays, seconds) that do not overlap, between 2 and 20 of them."""
    what = {POPULARITY: ("play counts", "played {} to {} times", "count each track's plays in events"),
            fields.DURATION: ("durations", "of {} to {} s", "bucket the catalog's duration")}[group]
    frame = pd.DataFrame({"column": chosen, "value": values})
    ranges = frame.groupby("column")["value"].agg(["min", "max"]).sort_values(["min", "max"])
    low, high = BUCKETS
    check(len(ranges) >= low, f"{FEATURES}: every track is in the same {group} bucket "
                              f"{names[ranges.index[0]]!r}; use {low} to {high} buckets so the feature tells "
                              "tracks apart")
    check(len(ranges) <= high, f"{FEATURES}: there are {len(ranges)} {group} buckets; use {low} to {high}, "
                               "so that each bucket holds many tracks")
    rows = list(ranges.itertuples())
    for a, b in zip(rows, rows[1:]):
        check(a.max < b.min,
              f"{FEATURES}: {group} buckets must be ranges of {what[0]} that do not overlap: "
              f"{names[a.Index]!r} holds tracks {what[1].format(a.min, a.max)} and {names[b.Index]!r} "
              f"tracks {what[1].format(b.min, b.max)} ({what[2]})")


def _row(catalog, row, group, values):
    described = {fields.GENRE: "genre {!r}", fields.ARTIST: "artist {!r}", POPULARITY: "played {} times",
                 fields.DURATION: "{} s long"}[group].format(values[group][row])
    return f"row {row} (track {catalog.index[row]}, {described})"


# ---------------------------------------------------------------- HW2.2: the search space

def check_suggest(suggest):
    """HW2.2: ask ``suggest`` for the parameters of a few trials of a seeded random study."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    drawn = [_check_params(_call(SPACE, suggest, study.ask())) for _ in range(TRIALS)]
    for name in SEARCHED:
        found = {params[name] for params in drawn}
        check(len(found) > 1, f"{SPACE}: suggest(trial) returned {name} {drawn[0][name]!r} in all {TRIALS} "
                              f"trials; draw it from the trial (trial.suggest_...) so the study searches it")
    keys = sorted({name for params in drawn for name in params})
    passed(SPACE, f"suggest(trial) draws {', '.join(keys)} in ranges LightFM accepts ({TRIALS} trials asked)")


def _check_params(params):
    """One trial's parameters: a dict of LightFM's own, each of the right type and range."""
    from lightfm import LightFM

    check(isinstance(params, dict),
          f"{SPACE}: suggest(trial) must return a dict of LightFM parameters; yours returned {_kind(params)}")
    accepted = set(inspect.signature(LightFM).parameters) - {"random_state"}
    for name in params:
        check(name != "random_state", f"{SPACE}: leave random_state out; the pipeline seeds LightFM itself "
                                      "(seed=0), so that runs repeat")
        hint = " (train.py sets the epochs; early stopping picks them)" if "epoch" in str(name) else ""
        check(name in accepted, f"{SPACE}: {name!r} is not a parameter of LightFM(); it takes "
                                f"{', '.join(sorted(accepted))}{hint}")
    for name in SEARCHED:
        check(name in params, f"{SPACE}: the space must contain {name}; yours has "
                              f"{', '.join(sorted(params)) or 'nothing'}")
    for name, value in params.items():
        _check_param(name, value)
    try:
        LightFM(**params)
    except Exception as error:  # LightFM checks its arguments with bare asserts
        raise CheckFailed(f"{SPACE}: LightFM(**{params}) refused these parameters: "
                          f"{type(error).__name__} {error}") from error
    return params


def _check_param(name, value):
    if name in ("loss", "learning_schedule"):
        allowed = LOSSES if name == "loss" else SCHEDULES
        check(value in allowed, f"{SPACE}: {name} must be one of {', '.join(map(repr, allowed))}; "
                                f"you returned {value!r}")
        return
    kind, low, high, low_in, high_in = NUMBERS[name]
    number = isinstance(value, (int, np.integer) if kind is int else (int, float, np.number))
    check(number and not isinstance(value, bool),
          f"{SPACE}: suggest(trial) must return {name} as {'an int' if kind is int else 'a float'} in a "
          f"range you choose; you returned {value!r}")
    inside = (low <= value if low_in else low < value) and (value <= high if high_in else value < high)
    bounds = f"{'at least' if low_in else 'above'} {low} and {'at most' if high_in else 'below'} {high}"
    check(inside, f"{SPACE}: {name} must be {bounds}; you returned {value!r}")


# ---------------------------------------------------------------- train.py's side

def arguments(description):
    """train.py's options: the grader's ``--logs``, ``--data`` and ``--smoke``, and ``--check``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--logs", help="the training day's event log")
    parser.add_argument("--data", help="the data folder; the lists go into DATA/artifacts/")
    parser.add_argument("--smoke", action="store_true", help="tiny training, for the tests")
    parser.add_argument("--check", action="store_true",
                        help="only check the two tasks (with --logs and --data, on the real catalog too)")
    args = parser.parse_args()
    if not args.check and not (args.logs and args.data):
        parser.error("--logs and --data are needed to train (or --check alone checks the two tasks)")
    return args


def checked_tasks(item_features, suggest, args):
    """Check both tasks; returns what to train with: ``(item_features or False, suggest or None)``.

    With ``--check`` it exits after the checks: 0 when both pass, else 1 with each failure's sentence (a
    task not written yet included). Otherwise a task not written yet is left out (and said so), and a task
    that fails stops the run with its sentence, before training.
    """
    catalog = events = None
    if args.logs and args.data:
        from botify.analysis import load_events
        from botify.training import data

        catalog, events = data.read_catalog(args.data), load_events(args.logs)
    tasks = [(check_item_features, item_features, (catalog, events), "without item features"),
             (check_suggest, suggest, (), "one fit with LightFM's default parameters instead of a search")]
    use, failures = [], []
    for check_task, function, extra, instead in tasks:
        try:
            check_task(function, *extra)
            use.append(function)
        except NotWrittenYet as error:
            use.append(None)
            if args.check:
                failures.append(error)
            else:
                print(f"{error}; until it is: {instead}")
        except CheckFailed as error:
            failures.append(error)
    if failures:
        print("\n".join(map(str, failures)), file=sys.stderr)
        raise SystemExit(1)
    if args.check:
        raise SystemExit(0)
    return use[0] or False, use[1]


def _call(task, function, *args):
    try:
        return attempt(task, function, *args)
    except CheckFailed as error:
        if "not written yet" in str(error) and error.__cause__ is None:
            raise NotWrittenYet(str(error)) from None
        raise


def _kind(value):
    kind = type(value)
    return f"a {kind.__module__.split('.')[0]}.{kind.__name__}" if kind.__module__ != "builtins" else \
        f"a {kind.__name__}"
