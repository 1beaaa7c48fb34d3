"""Checks of seminar 3's tasks: the liked pairs, LightFM's Dataset by hand, and a Collaborative recommender.

Each check runs the student's code on a small planted case whose answer is
worked out in the comments, compares it with the package's own version
(``botify.training.data.positives``, ``botify.training.lightfm_model.interactions``,
the built-in ``Collaborative``) and names the first pair, matrix or request
where the two differ, with a hint when the difference is a typical mistake.
"""

import pathlib

import numpy as np
import pandas as pd

from botify import fields
from botify.teaching import CheckFailed, attempt, check, passed
from botify.teaching.plugin_file import ListStore
from botify.training import data, lightfm_model

# ---------------------------------------------------------------- Task 3.1: the liked pairs

# (message, user, track, time). Liked = heard for MORE than 0.8 at some event, next or last:
#   user 1: 10 (0.95) yes; 11 (exactly 0.8) no; 12 (0.81, on its `last` event) yes
#   user 2: 10 twice above 0.8 (one pair), 20 (0.3) no, 21 (0.85, last) yes
#   user 3: nothing above 0.8
#   user 4: 40 heard twice, 0.7 and 0.9: liked (one play was enough; the mean, 0.8, is not)
PLANTED_EVENTS = [("next", 1, 10, 0.95), ("next", 1, 11, 0.8), ("last", 1, 12, 0.81),
                  ("next", 2, 10, 0.9), ("next", 2, 20, 0.3), ("next", 2, 10, 0.99), ("last", 2, 21, 0.85),
                  ("next", 3, 30, 0.5), ("last", 3, 31, 0.2),
                  ("next", 4, 40, 0.7), ("next", 4, 40, 0.9), ("last", 4, 41, 0.1)]
PLANTED_LIKED = {(1, 10), (1, 12), (2, 10), (2, 21), (4, 40)}
EXACT = (1, 11)  # heard for exactly the threshold
ON_LAST = [(1, 12), (2, 21)]  # liked on a `last` event
MIXED = (4, 40)  # one play below, one above: mean exactly 0.8
HIDDEN_EVENTS = [("next", 7, 3, 0.8), ("next", 7, 5, 1.0), ("next", 7, 5, 0.85), ("last", 7, 6, 0.9),
                 ("next", 8, 3, 0.95), ("next", 8, 4, 0.6), ("next", 8, 4, 1.0), ("last", 8, 9, 0.8),
                 ("next", 9, 3, 0.1), ("last", 9, 2, 0.99)]
HIDDEN_LIKED = {(7, 5), (7, 6), (8, 3), (8, 4), (9, 2)}


def planted_events(rows=PLANTED_EVENTS):
    """A tiny event log in the columns of ``load_events``: one row per (message, user, track, time)."""
    frame = pd.DataFrame(rows, columns=[fields.MESSAGE, fields.USER, fields.TRACK, fields.TIME])
    frame.insert(1, fields.TIMESTAMP, 1_800_000_000_000 + 1000 * np.arange(len(frame)))
    return frame


def check_liked_pairs(liked_pairs, events=None, hidden=False):
    """Task 3.1: ``liked_pairs(events)`` is the frame of (user, track) pairs heard for more than 0.8, once
    each, sorted; checked on a planted log, then against ``data.positives`` on ``events`` (the day's log)."""
    task = "Task 3.1"
    rows, liked = (HIDDEN_EVENTS, HIDDEN_LIKED) if hidden else (PLANTED_EVENTS, PLANTED_LIKED)
    events_in = planted_events(rows)
    got = attempt(task, liked_pairs, events_in.copy())
    _check_frame(task, got)
    pairs = list(zip(got[fields.USER].astype(int), got[fields.TRACK].astype(int)))
    _check_planted_pairs(task, pairs, liked, events_in)
    columns = [fields.USER, fields.TRACK]
    check(got[columns].equals(got[columns].sort_values(columns)),
          f"{task}: the pairs are right but not in order: sort by user, then track, so that a seeded model "
          "sees them in the same order every run")
    check(got.index.equals(pd.RangeIndex(len(got))),
          f"{task}: the pairs are right and sorted, but the index is {got.index.tolist()[:6]}...: give "
          f"the frame a fresh index 0..{len(got) - 1} (ignore_index=True in sort_values, or "
          "reset_index(drop=True))")
    if events is not None:
        _compare_on_log(task, liked_pairs, events)
    on_log = "" if events is None else f"; equal to data.positives on the {len(events):,} events of the day"
    passed(task, "pairs heard for more than 0.8 at a next or last event, each once, sorted" + on_log)


def _check_frame(task, got):
    check(isinstance(got, pd.DataFrame),
          f"{task}: liked_pairs should return a pandas DataFrame; yours returned a {type(got).__name__}")
    columns = list(got.columns)
    check(columns == [fields.USER, fields.TRACK], f"{task}: the frame should have exactly the columns "
                                                  f"['user', 'track']; yours has {columns}")


def _check_planted_pairs(task, pairs, liked, events):
    where = "the planted log"
    if EXACT in pairs and EXACT[0] in {user for user, _ in liked} and EXACT not in liked:
        raise CheckFailed(f"{task}: in {where} user {EXACT[0]} heard track {EXACT[1]} for exactly 0.8, which "
                          "is not MORE than 0.8 (data.POSITIVE_TIME): use >, not >=")
    extra = sorted(set(pairs) - liked)
    if extra:
        user, track = extra[0]
        times = events.loc[(events[fields.USER] == user) & (events[fields.TRACK] == track), fields.TIME]
        raise CheckFailed(f"{task}: in {where} user {user} heard track {track} for {times.tolist()}, never "
                          f"more than 0.8, yet your frame has the pair ({user}, {track})")
    missing = sorted(liked - set(pairs))
    if missing:
        user, track = missing[0]
        rows = events[(events[fields.USER] == user) & (events[fields.TRACK] == track)]
        said = ", ".join(f"{m} {t}" for m, t in zip(rows[fields.MESSAGE], rows[fields.TIME]))
        hint = ""
        if set(rows[fields.MESSAGE]) == {fields.LAST}:
            hint = (": a `last` event reports the session's last track and how long it was heard, so it "
                    "counts too")
        elif len(rows) > 1 and rows[fields.TIME].mean() <= data.POSITIVE_TIME < rows[fields.TIME].max():
            hint = ": one play above 0.8 is enough (averaging the plays first loses it)"
        raise CheckFailed(f"{task}: in {where} user {user} heard track {track} ({said}), so "
                          f"({user}, {track}) is a liked pair; your frame misses it{hint}")
    check(len(pairs) == len(set(pairs)),
          f"{task}: your frame has {len(pairs)} rows for {len(set(pairs))} distinct pairs: keep each (user, "
          "track) pair once (a track liked twice is still one pair)")


def _compare_on_log(task, liked_pairs, events):
    got = attempt(task, liked_pairs, events.copy())
    _check_frame(task, got)
    want = data.positives(events)
    got_set = set(zip(got[fields.USER], got[fields.TRACK]))
    want_set = set(zip(want[fields.USER], want[fields.TRACK]))
    if got_set != want_set or len(got) != len(want):
        differ = sorted(got_set ^ want_set)
        if differ:
            whose = "yours only" if differ[0] in got_set else "the package's only"
            example = f"e.g. ({differ[0][0]}, {differ[0][1]}) is in {whose}"
        else:
            example = "yours has duplicate rows"
        raise CheckFailed(f"{task}: on the day's log your frame has {len(got):,} rows, data.positives "
                          f"{len(want):,}: {example}")


# ---------------------------------------------------------------- Task 3.2: LightFM's Dataset by hand

# Six catalogue tracks (0..5), each with a genre and an artist; track 5 nobody liked, but it must still be a
# column. Listener 12 appears only in the test pairs, listener 9 only in train.
PLANTED_ITEMS = [0, 1, 2, 3, 4, 5]
PLANTED_FEATURES = {0: ["genre=rock", "artist=a"], 1: ["genre=rock", "artist=a"],
                    2: ["genre=jazz", "artist=b"], 3: ["genre=jazz", "artist=c"],
                    4: ["genre=pop", "artist=c"], 5: ["genre=pop", "artist=d"]}
PLANTED_TRAIN = [(5, 0), (5, 2), (7, 1), (7, 3), (9, 4)]
PLANTED_TEST = [(5, 1), (7, 4), (12, 0)]
HIDDEN_ITEMS = [10, 11, 12, 13, 14, 15, 16]
HIDDEN_FEATURES = {10: ["genre=folk"], 11: ["genre=folk"], 12: ["genre=soul"], 13: ["genre=soul"],
                   14: ["genre=funk"], 15: ["genre=funk"], 16: ["genre=folk"]}
HIDDEN_TRAIN = [(1, 10), (1, 11), (2, 12), (3, 13), (3, 10)]
HIDDEN_TEST = [(2, 14), (4, 15), (4, 11)]


def _pairs_frame(pairs):
    return pd.DataFrame(pairs, columns=[fields.USER, fields.TRACK])


def check_lightfm_dataset(lightfm_dataset, hidden=False):
    """Task 3.2: ``lightfm_dataset(train, test, items, features)`` returns ``(dataset, train_matrix,
    test_matrix, item_features)``, the same matrices as ``lightfm_model.interactions`` builds."""
    task = "Task 3.2"
    items, features, train, test = ((HIDDEN_ITEMS, HIDDEN_FEATURES, HIDDEN_TRAIN, HIDDEN_TEST) if hidden else
                                    (PLANTED_ITEMS, PLANTED_FEATURES, PLANTED_TRAIN, PLANTED_TEST))
    train_frame, test_frame = _pairs_frame(train), _pairs_frame(test)
    got = _call_dataset(task, lightfm_dataset, train_frame, test_frame, items, features)
    check(isinstance(got, tuple) and len(got) == 4,
          f"{task}: lightfm_dataset should return a tuple of 4: (dataset, train_matrix, test_matrix, "
          f"item_features); yours returned {_describe(got)}")
    dataset, train_matrix, test_matrix, item_matrix = got
    from lightfm.data import Dataset

    check(isinstance(dataset, Dataset), f"{task}: the first element should be the lightfm.data.Dataset you "
                                        f"fitted; yours is {_describe(dataset)}")
    users = sorted({user for user, _ in train + test})
    shape = dataset.interactions_shape()
    check(shape[0] == len(users), f"{task}: the dataset knows {shape[0]} listeners; the train and test pairs "
                                  f"have {len(users)} ({users}): fit the users of BOTH splits, so one matrix "
                                  "shape serves both")
    check(shape[1] == len(items),
          f"{task}: the dataset has {shape[1]} track columns; `items` has {len(items)} ({items}): fit "
          "items=items, every catalogue track, not only the liked ones, so every track can be recommended")
    user_map, _, item_map, feature_map = dataset.mapping()
    for name, matrix, pairs in (("train_matrix", train_matrix, train), ("test_matrix", test_matrix, test)):
        _check_interactions(task, name, matrix, pairs, user_map, item_map, shape, train, test)
    _check_item_features(task, item_matrix, items, features, item_map, feature_map, train_frame, test_frame)
    passed(task, "the Dataset knows every listener of both splits and every track; the interaction and "
                 "item-feature matrices equal lightfm_model.interactions'")


def _call_dataset(task, lightfm_dataset, train, test, items, features):
    """The student's function, with a hint when LightFM refuses an id the dataset was not fitted with."""
    try:
        return attempt(task, lightfm_dataset, train.copy(), test.copy(), list(items), dict(features))
    except CheckFailed as failed:
        said = str(failed)
        detail, lower = said.split(": ", 2)[-1], said.lower()
        if "ValueError" not in said:
            raise
        if "user id" in lower:
            hint = "a listener it was not fitted with", "fit the users of the train AND the test pairs"
        elif "item id" in lower:
            hint = "a track it was not fitted with", "fit items=items, every catalogue track"
        elif "feature" in lower:
            hint = "a feature it was not fitted with", "fit item_features=every feature name of the tracks"
        else:
            raise
        raise CheckFailed(f"{task}: LightFM met {hint[0]} ({detail}): {hint[1]}") from None


def _describe(value):
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} ({', '.join(type(v).__name__ for v in value)})"
    return f"a {type(value).__name__}"


def _check_interactions(task, name, matrix, pairs, user_map, item_map, shape, train, test):
    check(hasattr(matrix, "tocoo") and not isinstance(matrix, tuple),
          f"{task}: {name} should be a sparse matrix; yours is {_describe(matrix)} (build_interactions "
          "returns (interactions, weights): keep the first)")
    check(matrix.shape == shape, f"{task}: {name} has shape {matrix.shape}, the dataset's "
                                 f"interactions_shape() is {shape}: build it with the same dataset")
    users, items = {v: k for k, v in user_map.items()}, {v: k for k, v in item_map.items()}
    coo = matrix.tocoo()
    got = {(int(users[r]), int(items[c])) for r, c, v in zip(coo.row, coo.col, coo.data) if v}
    want = set(pairs)
    if got != want:
        other = set(test if name == "train_matrix" else train)
        hint = f": that is the {'test' if name == 'train_matrix' else 'train'} split" if got == other else ""
        differ = sorted(got ^ want)[0]
        side = "has" if differ in got else "misses"
        raise CheckFailed(f"{task}: {name} holds the pairs {sorted(got)}, it should hold "
                          f"{sorted(want)}{hint} (it {side} {differ})")


def _check_item_features(task, item_matrix, items, features, item_map, feature_map, train, test):
    check(hasattr(item_matrix, "tocsr") and not isinstance(item_matrix, tuple),
          f"{task}: item_features should be the sparse matrix build_item_features returns; yours is "
          f"{_describe(item_matrix)}")
    names = sorted({name for track in items for name in features[track]})
    check(item_matrix.shape == (len(items), len(items) + len(names)),
          f"{task}: item_features has shape {item_matrix.shape}; it should be {len(items)} tracks x "
          f"{len(items) + len(names)} features (one identity feature per track plus the {len(names)} names "
          f"{names}): fit item_features=those names and build it from (track, its names) for every track")
    want = lightfm_model.interactions(train, test, items=items, features=features)
    reference = want.item_features.tocsr()
    reference_columns = _feature_names(want, items, features)
    columns = {index: name for name, index in feature_map.items()}
    mine = item_matrix.tocsr()
    for row, track in enumerate(want.item_ids):
        expected = {reference_columns[c]: round(float(v), 6) for c, v in
                    zip(reference[row].indices, reference[row].data)}
        line = mine[item_map[track]]
        got = {columns[c]: round(float(v), 6) for c, v in zip(line.indices, line.data) if v}
        if got != expected:
            hint = ""
            if set(got) == set(expected):
                hint = (": the same features with other weights (keep build_item_features' default "
                        "normalize=True, each row sums to 1)")
            raise CheckFailed(f"{task}: track {track}'s row of item_features is {got}; "
                              f"lightfm_model.interactions gives {expected}{hint}")


def _feature_names(interactions, items, features):
    """Column index -> feature name of the package's item-feature matrix, rebuilt the way it fits them."""
    from lightfm.data import Dataset

    dataset = Dataset()
    dataset.fit([0], items, item_features=sorted({name for track in items for name in features[track]}))
    return {index: name for name, index in dataset.mapping()[3].items()}


# ---------------------------------------------------------------- Task 3.3: a Collaborative recommender

PLANTED_LISTS = {5: [100, 101, 102, 103, 104], 7: [110, 111, 112], 9: [120, 121, 122, 123]}  # per listener
NO_LIST = 11  # a listener without a list
CATALOG_SIZE = 200


def check_my_collaborative(plugin, experiment="MY_COLLABORATIVE", data="data", artifact=None, episodes=300,
                           seed=0, log_dir=None, hidden=False, serve=True):
    """Task 3.3: the plugin's recommender (T1 of ``experiment``) answers a random track of the listener's own
    list and falls back without one; checked on a planted store, then served over HTTP beside the built-in
    ``Collaborative`` (``artifact``, if given, is kept in ``data/artifacts`` first, as ``upload`` does).
    Returns the served day's ``Analysis`` (``serve=False``: only the planted store, returns None)."""
    from botify.service.loading.artifacts import keep_artifact_file
    from botify.service.recommenders.collaborative import Collaborative
    from botify.teaching.plugin_file import recommender_of
    from botify.teaching.serving import check_served

    task = "Task 3.3"
    recommender = recommender_of(task, plugin, experiment, Collaborative, "collaborative", "per-user")
    _check_on_planted_store(task, recommender, user=9 if hidden else 5, track=121 if hidden else 42)
    if not serve:
        passed(task, "on the planted store: a random track of the listener's own list, the fallback "
                     "without one")
        return None
    if artifact is not None:
        keep_artifact_file(artifact, pathlib.Path(data) / "artifacts", "collaborative", "per-user")
    return check_served(task, plugin, experiment, data=data, episodes=episodes, seed=seed, log_dir=log_dir)


def _check_on_planted_store(task, recommender, user, track):
    name = recommender.__name__
    store = ListStore("collaborative", PLANTED_LISTS, CATALOG_SIZE)
    mine = recommender(store, seed=0)

    def ask(*request):
        return mine.answer(*request)

    ask.__name__ = f"{name}.recommend_next"
    answers = [attempt(task, ask, user, track, time) for time in np.linspace(0, 1, 41)]
    check(store.asked, f"{task}: {name} never read a list: call self.store.tracks_for(self.ARTIFACT, user)")
    names = sorted({asked for asked, _ in store.asked} - {"collaborative"})
    check(not names, f"{task}: {name} read the artifact {names[0] if names else ''!r}; the LightFM lists are "
                     "uploaded as 'collaborative' (self.ARTIFACT)")
    keys = sorted({key for _, key in store.asked})
    hint = " (that is the track just played: the lists are per listener)" if track in keys else ""
    check(user in keys, f"{task}: asked by listener {user} after track {track}, {name} read the list of "
                        f"{keys}{hint}")
    tracks = [answer.track for answer in answers]
    outside = sorted({t for t in tracks if t not in PLANTED_LISTS[user]})
    check(not outside, f"{task}: listener {user}'s list is {PLANTED_LISTS[user]}, yet {name} answered "
                       f"{outside[:3]}: answer a track of the listener's own list")
    check(not any(answer.fallback for answer in answers),
          f"{task}: listener {user} has a list, yet {name} said it fell back to a random track")
    check(len(set(tracks)) > 1,
          f"{task}: to 41 requests of listener {user} {name} answered {tracks[0]} every time: pick a random "
          "track of the list (self.pick), or a session hears one track over and over")
    try:
        empty = mine.answer(NO_LIST, track, 0.5)
    except NotImplementedError:
        raise CheckFailed(f"{task}: {name} is not written yet (it still raises NotImplementedError)") \
            from None
    except Exception as error:
        raise CheckFailed(f"{task}: listener {NO_LIST} has no list (tracks_for gives None) and {name} raised "
                          f"{type(error).__name__}: {error}; fall back instead (self.pick(None) does it)") \
            from None
    check(empty.fallback, f"{task}: listener {NO_LIST} has no list, so {name} should fall back to a random "
                          f"track and say so (self.pick(None) does it); it answered {empty.track} as if from "
                          "a list")
