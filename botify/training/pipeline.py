"""The whole jobs behind ``botify train`` and the notebooks' one-liners.

Each job reads the event logs (and the public catalog), trains, writes one
artifact botify can upload, and returns a summary dict: what a notebook
shows and what the command prints.
"""

import pathlib

import numpy as np
import pandas as pd
import scipy.sparse as sp

from botify import fields
from botify.analysis import load_events
from botify.errors import TrainingError
from botify.training import contextual_ranker, data, export, lightfm_model

EXCLUDE = ("none", "seen", "skipped")  # which of a listener's own tracks the per-user lists leave out


def collaborative(logs, data_dir="data", out=None, trials=10, epochs=30, seed=0, item_features=True, k=10,
                  threshold=data.POSITIVE_TIME, test_share=0.2, patience=3, exclude="none", cold_start=True,
                  progress=False, say=print, suggest=None):
    """LightFM top-100 per listener: tune on a seeded split of the positives, refit on every positive, export.

    The split is :func:`botify.training.data.split`, not seminar 2's split by
    session order: it must not depend on how the simulator's processes
    interleaved, so that the same log gives the same artifacts (and grades).

    ``item_features``: True for botify's own (:func:`botify.training.data.item_features`),
    False for none, or a function ``(catalog, events) -> (matrix, names)`` that
    builds them by hand (homework 2), one CSR row per catalog track. ``suggest``
    is the optuna search space, ``trial -> LightFM parameters`` (default
    :func:`botify.training.lightfm_model.suggest`).
    ``exclude`` drops the listener's own tracks from the lists: ``seen``
    (every track in the logs) or ``skipped`` (never listened beyond ``threshold``).
    ``cold_start`` also writes the most-liked tracks for user ids missing from the logs.
    """
    if exclude not in EXCLUDE:
        raise ValueError(f"exclude must be one of {', '.join(EXCLUDE)}, not {exclude!r}")
    events, catalog = load_events(logs), data.read_catalog(data_dir)
    _check_tracks(events, catalog)
    liked = data.positives(events, threshold)
    if liked.empty:
        raise TrainingError(f"no track in {logs} was listened to for more than {threshold}")
    features = _item_features(item_features, catalog, events)
    items = catalog.index.to_numpy() if item_features else np.unique(liked[fields.TRACK])
    say(f"{len(events)} events: {len(liked)} positives of {liked[fields.USER].nunique()} listeners "
        f"on {len(items)} tracks{' with item features' if item_features else ''}")
    split = lightfm_model.interactions(*data.split(liked, test_share, seed), items, features)
    found = _search(split, trials, epochs, patience, k, seed, progress, suggest)
    popularity = lightfm_model.popularity_precision(split, k)
    say(f"best precision@{k} {found.best_score:.4f} after {found.best_epoch} epochs "
        f"(popularity {popularity:.4f}); refitting on every positive")
    full = lightfm_model.interactions(liked, None, items, features)
    final = lightfm_model.fit(full, found.params, found.best_epoch, seed=seed)
    out = pathlib.Path(out or pathlib.Path(data_dir) / "artifacts" / "collaborative.jsonl")
    lists, cold, tracks = _write_user_lists(out, final.model, full, events, exclude, cold_start, threshold,
                                            progress)
    say(f"wrote {lists} lists to {out} ({cold} of them the most-liked tracks, "
        "for listeners without positives)")
    return {"out": str(out), "lists": lists, "params": found.params, "best_epoch": found.best_epoch,
            f"precision@{k}": found.best_score, f"popularity_precision@{k}": popularity, "curve": found.curve,
            "study": found.study, "model": final.model, "interactions": full, "item_vectors": tracks}


def _item_features(item_features, catalog, events):
    """botify's features as a dict, a hand-built ``(matrix, names)`` pair, or None."""
    if callable(item_features):
        matrix, names = item_features(catalog, events)
        return matrix, list(names)
    return data.item_features(catalog, events) if item_features else None


def _search(split, trials, epochs, patience, k, seed, progress, suggest=None):
    """An optuna study, or one fit with the default parameters when ``trials`` is 0."""
    if trials:
        return lightfm_model.tune(split, trials, epochs, patience, k, seed, progress, space=suggest)
    return lightfm_model.fit(split, None, epochs, patience, k, seed, progress)


def _write_user_lists(out, model, full, events, exclude, cold_start, threshold, progress):
    """Score every listener against every candidate track; returns (lists, cold-start lists, item vectors)."""
    users, tracks = lightfm_model.vectors(model, full)
    banned = _own_tracks(events, exclude, threshold)
    exclusion = None if banned is None else export.exclusion_matrix(banned, full.user_ids, full.item_ids)
    top = export.top_k(users, tracks, export.TOP_SIZE, exclusion, progress)
    ids, top, cold = _with_cold_start(full, top, data.top_tracks(events, export.TOP_SIZE, threshold),
                                      cold_start)
    return export.write_lists(out, fields.USER, ids, top, full.item_ids), cold, tracks


def _with_cold_start(full, top, popular, cold_start):
    """Add the most-liked tracks as the list of every user id below the largest one seen without a list.

    User ids are the world's ids 0..U-1, so ids missing from the logs are
    listeners botify has not met yet: popularity is the best guess for them.
    """
    cold = np.setdiff1d(np.arange(full.user_ids.max() + 1), full.user_ids) if cold_start else np.empty(0, int)
    row = np.full(top.shape[1], -1)
    positions = pd.Index(full.item_ids).get_indexer(popular)
    row[: len(positions)] = positions[: top.shape[1]]
    return np.concatenate([full.user_ids, cold]), np.vstack([top, np.tile(row, (len(cold), 1))]), len(cold)


def _own_tracks(events, exclude, threshold):
    if exclude == "seen":
        return events[[fields.USER, fields.TRACK]].drop_duplicates()
    return data.skipped(events, threshold) if exclude == "skipped" else None


def contextual_lists(logs, data_dir="data", out=None, epochs=30, seed=0, dim=32, user_aware=False,
                     context=fields.START, patience=3, options=None, progress=False, say=print):
    """Torch ranker top-100 for every catalog track (never the track itself), judged against the mean.

    ``options`` go to :func:`botify.training.contextual_ranker.train` (lr, weight_decay, batch_size).
    """
    events, catalog = load_events(logs), data.read_catalog(data_dir)
    _check_tracks(events, catalog)
    pairs = data.contextual_pairs(events, context)
    if pairs.empty:
        raise TrainingError(f"no session in {logs} has a second track to learn from")
    n_users = int(events[fields.USER].max()) + 1 if user_aware else 0
    say(f"{len(pairs)} ({context}, track, time) pairs from {len(events)} events")
    result = contextual_ranker.train(pairs, len(catalog), n_users, dim, epochs, patience, seed=seed,
                                     progress=progress, **catalog_codes(catalog), **(options or {}))
    say(f"test MSE {result.test_mse:.4f} vs mean baseline {result.baseline_mse:.4f} "
        f"(best epoch {result.best_epoch})")
    queries, tracks = result.model.vectors()  # every catalog track: unseen ones still have artist and genre
    itself = sp.identity(len(tracks), dtype=np.int8, format="csr")
    top = export.top_k(queries, tracks, export.TOP_SIZE, itself, progress)
    out = pathlib.Path(out or pathlib.Path(data_dir) / "artifacts" / "contextual.jsonl")
    export.write_lists(out, fields.TRACK, np.arange(len(tracks)), top, np.arange(len(tracks)))
    say(f"wrote {len(top)} lists to {out}")
    return {"out": str(out), "lists": len(top), "test_mse": result.test_mse,
            "baseline_mse": result.baseline_mse, "best_epoch": result.best_epoch, "curve": result.curve,
            "model": result.model}


def two_stage(logs, data_dir="data", out=None, epochs=30, seed=0, dim=32, patience=3, options=None,
              context="previous", progress=False, say=print):
    """The user-aware ranker served in two stages (homework 3): candidates per track from the average
    listener's ranking, then the vectors that rank them per listener at request time. The context is the
    previous track, the one the service knows at each request (``context="start"``: the session's first
    track, which the serving recommender must then remember itself)."""
    events, catalog = load_events(logs), data.read_catalog(data_dir)
    _check_tracks(events, catalog)
    pairs = data.contextual_pairs(events, context)
    if pairs.empty:
        raise TrainingError(f"no session in {logs} has a second track to learn from")
    n_users = int(events[fields.USER].max()) + 1
    say(f"{len(pairs)} ({context}, track, time) pairs of {pairs[fields.USER].nunique()} listeners")
    result = contextual_ranker.train(pairs, len(catalog), n_users, dim, epochs, patience, seed=seed,
                                     progress=progress, **catalog_codes(catalog), **(options or {}))
    say(f"test MSE {result.test_mse:.4f} vs mean baseline {result.baseline_mse:.4f} "
        f"(best epoch {result.best_epoch})")
    queries, tracks = result.model.vectors()
    itself = sp.identity(len(tracks), dtype=np.int8, format="csr")
    candidates = export.top_k(queries, tracks, export.TOP_SIZE, itself, progress)
    out = pathlib.Path(out or pathlib.Path(data_dir) / "artifacts" / "two_stage.jsonl")
    users = np.sort(pairs[fields.USER].unique())
    export.write_two_stage(out, candidates, result.model.two_stage_tables(), users)
    say(f"wrote {len(candidates)} candidate lists and the vectors of {len(users)} listeners to {out}")
    return {"out": str(out), "lists": len(candidates), "users": len(users), "test_mse": result.test_mse,
            "baseline_mse": result.baseline_mse, "best_epoch": result.best_epoch, "curve": result.curve,
            "model": result.model}


def catalog_codes(catalog):
    """Integer artist and genre codes per track, the shared levels of the contextual ranker."""
    return {"artists": pd.factorize(catalog[fields.ARTIST])[0],
            "genres": pd.factorize(catalog[fields.GENRE])[0]}


def top_tracks(logs, out="data/artifacts/top_tracks.json", size=export.TOP_SIZE, threshold=data.POSITIVE_TIME,
               say=print):
    """The popularity artifact: the most-liked tracks of the logs."""
    tracks = data.top_tracks(load_events(logs), size, threshold)
    path = export.write_top_tracks(out, tracks)
    say(f"wrote {len(tracks)} top tracks to {path}")
    return {"out": str(path), "tracks": tracks}


def _check_tracks(events, catalog):
    """Logs and catalog must describe the same world (track ids 0..N-1)."""
    unknown = np.setdiff1d(events[fields.TRACK].unique(), catalog.index.to_numpy())
    if len(unknown):
        raise TrainingError(f"{len(unknown)} logged tracks are not in the catalog (e.g. {unknown[0]}): "
                         f"logs and --data come from different worlds")
