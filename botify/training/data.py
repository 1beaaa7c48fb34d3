"""From event logs and the public catalog to training data.

Positives (what a listener liked), train/test splits (by session order for
offline evaluation, seeded over pairs for tuning), contextual
pairs (what was played after what, and for how long), item features for
LightFM and the popularity list. Seminars 2-4 start here, from the frame
``botify.analysis.load_events(log_dir)`` returns.
"""

import pathlib

import numpy as np
import pandas as pd

from botify import fields
from botify.errors import CatalogError

POSITIVE_TIME = 0.8  # a track listened to for more than this share counts as liked


def positives(events, threshold=POSITIVE_TIME):
    """De-duplicated (user, track) pairs listened to for more than ``threshold``.

    Sorted, so the order (and so a seeded model) does not depend on how the
    service's workers interleaved their log lines.
    """
    liked = events.loc[events[fields.TIME] > threshold, [fields.USER, fields.TRACK]]
    return liked.drop_duplicates().sort_values([fields.USER, fields.TRACK], ignore_index=True)


def skipped(events, threshold=POSITIVE_TIME):
    """De-duplicated (user, track) pairs the listener never listened to beyond ``threshold``.

    These are the known-bad tracks an export can exclude per listener.
    """
    best = events.groupby([fields.USER, fields.TRACK], as_index=False)[fields.TIME].max()
    return best.loc[best[fields.TIME] <= threshold, [fields.USER, fields.TRACK]].reset_index(drop=True)


def min_counts(pairs, min_user=1, min_track=1):
    """Keep users and tracks with at least that many pairs (one pass each)."""
    pairs = pairs[pairs.groupby(fields.TRACK)[fields.USER].transform("size") >= min_track]
    pairs = pairs[pairs.groupby(fields.USER)[fields.TRACK].transform("size") >= min_user]
    return pairs.reset_index(drop=True)


def split(pairs, test_share=0.2, seed=0):
    """A seeded random mask over the pairs: the same seed gives the same (train, test) frames.

    What ``botify train lightfm`` tunes and stops early on. It depends only on
    the pairs, not on the order the log's lines came in, so the same day of
    traffic always gives the same artifacts and a grade repeats to the digit.
    A split by session order would not: with several simulator processes the
    order of sessions in the log follows which process ran faster.
    """
    mask = np.random.default_rng(seed).random(len(pairs)) < test_share
    return pairs[~mask].reset_index(drop=True), pairs[mask].reset_index(drop=True)


def split_by_sessions(events, test_share=0.2):
    """(train events, test events): the sessions of the log in order, the first ones train, the last
    ``test_share`` of them test.

    Sessions are ordered by their first event, in log order (``load_events``
    sorts by time), and the cut is a count of sessions, not a clock time: how
    fast the day ran does not move it, and no session is cut in two. The past
    trains and the future tests, as when a model trained on yesterday serves
    today (seminars 2 and 3).
    """
    session = session_ids(events)
    sessions = int(session.max()) + 1 if len(session) else 0  # numbered in order of first appearance
    test = (session >= sessions - round(sessions * test_share)).to_numpy()
    return events[~test], events[test]


def split_positives(events, test_share=0.2, threshold=POSITIVE_TIME):
    """(train, test) liked pairs of :func:`split_by_sessions`'s two parts.

    A pair liked in both parts stays in train only: a listener's list never
    offers their train tracks, so it could not be found again in test.
    """
    train_events, test_events = split_by_sessions(events, test_share)
    train, test = positives(train_events, threshold), positives(test_events, threshold)
    again = test.merge(train, how="left", indicator=True)["_merge"].eq("both").to_numpy()
    return train, test[~again].reset_index(drop=True)


def session_ids(events):
    """A session number per event: a user's events up to and including a ``last``."""
    ended = (events[fields.MESSAGE] == fields.LAST).astype("int64")
    before = ended.groupby(events[fields.USER]).cumsum() - ended
    keys = pd.MultiIndex.from_arrays([events[fields.USER], before])
    return pd.Series(pd.factorize(keys)[0], index=events.index, name=fields.SESSION)


def contextual_pairs(events, context=fields.START):
    """(user, start, track, time) for every event after the first of its session.

    ``start`` is the session's first track (``context="start"``) or the track
    played just before (``context="previous"``).
    """
    if context not in (fields.START, "previous"):
        raise ValueError(f"context must be 'start' or 'previous', not {context!r}")
    session = session_ids(events)
    grouped = events[fields.TRACK].groupby(session)
    start = grouped.transform("first") if context == fields.START else grouped.shift(1)
    pairs = events.assign(**{fields.START: start})[grouped.cumcount() > 0]
    columns = [fields.USER, fields.START, fields.TRACK, fields.TIME]
    pairs = pairs[columns].astype({fields.START: "int64"})
    return pairs.sort_values(columns, ignore_index=True)  # independent of log interleaving


def read_catalog(data_dir):
    """The public catalog ``<data>/catalog/tracks.jsonl`` as a frame indexed by track."""
    path = pathlib.Path(data_dir) / "catalog" / "tracks.jsonl"
    if not path.exists():
        raise CatalogError(f"no catalog at {path} (run `sim world --out {data_dir}`)")
    return pd.read_json(path, lines=True).set_index(fields.TRACK, drop=False)


def item_features(catalog, events, buckets=4):
    """``{track: ["genre=...", "artist=...", "popularity=b", "duration=b"]}`` for LightFM.

    Popularity is the number of plays in the logs, bucketed by quantiles
    (bucket 0 = never played); duration is bucketed by catalog quantiles.
    """
    plays = events[fields.TRACK].value_counts().reindex(catalog.index, fill_value=0)
    popularity = _quantile_buckets(plays.where(plays > 0), buckets) + 1
    popularity[plays.to_numpy() == 0] = 0
    duration = _quantile_buckets(catalog[fields.DURATION], buckets)
    return {
        int(track): [f"genre={genre}", f"artist={artist}", f"popularity={pop}", f"duration={dur}"]
        for track, genre, artist, pop, dur in zip(
            catalog.index, catalog[fields.GENRE], catalog[fields.ARTIST], popularity, duration
        )
    }


def _quantile_buckets(values, buckets):
    """Bucket numbers 0..buckets-1 by quantile; missing values get 0."""
    ranks = values.rank(pct=True, method="average").fillna(0).to_numpy()
    return np.minimum((ranks * buckets).astype(int), buckets - 1)


def top_tracks(events, size=100, threshold=POSITIVE_TIME):
    """Track ids by the number of listeners who liked them, most popular first.

    Ties go to the track with more total listening time, then the lower id.
    """
    liked = positives(events, threshold)[fields.TRACK].value_counts()
    total = events.groupby(fields.TRACK)[fields.TIME].sum()
    table = pd.DataFrame({"liked": liked, "total": total}).fillna(0)
    table = table.rename_axis(fields.TRACK).reset_index()
    table = table.sort_values(["liked", "total", fields.TRACK], ascending=[False, False, True])
    return table[fields.TRACK].head(size).astype(int).tolist()


def as_sets(pairs, key=fields.USER):
    """``{user: {tracks}}`` (or by another key column), the answers offline metrics compare to."""
    return {int(user): set(tracks) for user, tracks in pairs.groupby(key)[fields.TRACK]}
