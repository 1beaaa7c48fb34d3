"""Checks of seminar 4's tasks: (start, track, time) pairs, a track's top-k list, a Contextual recommender.

Each check runs the student's code on a small planted case whose answer is
known, compares it with the package (``data.contextual_pairs``,
``export.top_k``, the built-in ``Contextual``) and names the first session,
row or request where the student's answer differs, with a hint when the
answer is exactly what a typical mistake gives.
"""

import pathlib

import numpy as np
import pandas as pd

from botify import fields
from botify.teaching import CheckFailed, attempt, check, passed
from botify.teaching.plugin_file import ListStore
from botify.training import data, export

# ---------------------------------------------------------------- Task 4.1: (start, track, time) pairs

COLUMNS = [fields.USER, fields.START, fields.TRACK, fields.TIME]

# Per listener, their sessions in order: each a list of (track, time). Every track appears once in the
# whole log, so a row of the student's answer is found again by its (user, track). The listeners' events
# interleave in the log (round robin), as they do in botify's. A session ends with a `last` event, except
# a listener's final session when marked open (the day ended while they listened).
PLANTED = {12: [[(100, 0.20), (101, 0.95), (102, 0.40), (103, 0.81)], [(110, 0.05), (111, 0.66)]],
           5: [[(200, 0.33), (201, 0.12), (202, 0.71)]],
           31: [[(300, 0.50)], [(310, 0.90), (311, 0.25), (312, 1.00)]]}
PLANTED_OPEN = {5}
HIDDEN = {7: [[(400, 0.10), (401, 0.30)], [(410, 0.70), (411, 0.60), (412, 0.15)],
              [(420, 0.99), (421, 0.45)]],
          8: [[(500, 0.60), (501, 0.80), (502, 0.05), (503, 0.50), (504, 0.95)]],
          9: [[(600, 0.40)], [(610, 0.20), (611, 0.85)]]}
HIDDEN_OPEN = {7, 9}


def planted_events(sessions=None, still_open=None):
    """A tiny event log in ``load_events``' shape, and ``{(user, track): (session number, position)}``.

    Session numbers and positions count from 1, as a student would say them.
    """
    sessions = PLANTED if sessions is None else sessions
    still_open = PLANTED_OPEN if still_open is None else still_open
    streams = {}
    where = {}
    for user, listened in sessions.items():
        stream = []
        for number, session in enumerate(listened, start=1):
            for position, (track, time) in enumerate(session, start=1):
                ends = position == len(session) and not (number == len(listened) and user in still_open)
                stream.append((fields.LAST if ends else fields.NEXT, user, track, time))
                where[user, track] = (number, position)
        streams[user] = stream
    rows, step = [], 0
    while any(streams.values()):
        for user in list(streams):
            if streams[user]:
                message, user, track, time = streams[user].pop(0)
                rows.append({fields.MESSAGE: message, fields.TIMESTAMP: 1_700_000_000_000 + 1000 * step,
                             fields.USER: user, fields.TRACK: track, fields.TIME: time})
                step += 1
    events = pd.DataFrame(rows)
    is_next = events[fields.MESSAGE] == fields.NEXT
    events[fields.RECOMMENDATION] = np.where(is_next, events[fields.TRACK] + 1, -1)
    return events, where


def check_context_pairs(context_pairs, events=None, hidden=False):
    """Task 4.1: ``context_pairs(events)`` gives one (user, start, track, time) row per non-first track of
    each session; checked on a planted log, then on ``events`` (the day's log) against the package."""
    task = "Task 4.1"
    planted, where = planted_events(HIDDEN, HIDDEN_OPEN) if hidden else planted_events()
    got = _pairs_of(task, context_pairs, planted)
    _compare_pairs(task, got, data.contextual_pairs(planted), planted, where)
    if events is not None:
        real = _pairs_of(task, context_pairs, events)
        expected = data.contextual_pairs(events)
        differ = len(real) != len(expected) or not np.array_equal(
            real.sort_values(COLUMNS)[COLUMNS].to_numpy(), expected[COLUMNS].to_numpy())
        check(not differ, f"{task}: right on the planted log, but on the day's log yours gives "
                          f"{len(real):,} pairs where data.contextual_pairs gives {len(expected):,} (or "
                          "other rows): do you rely on the events being sorted by user?")
    size = "" if events is None else f" and the day's {len(events):,} events"
    passed(task, f"one (start, track, time) row per track after the first of each session, on the planted "
                 f"log{size}, equal to data.contextual_pairs")


def _pairs_of(task, context_pairs, events):
    got = attempt(task, context_pairs, events.copy())
    check(isinstance(got, pd.DataFrame), f"{task}: context_pairs should return a DataFrame; yours returned "
                                         f"{type(got).__name__}")
    missing = [column for column in COLUMNS if column not in got.columns]
    check(not missing, f"{task}: the frame needs the columns {', '.join(COLUMNS)}; yours lacks "
                       f"{', '.join(missing)} (it has {', '.join(map(str, got.columns))})")
    return got[COLUMNS].reset_index(drop=True)


def _compare_pairs(task, got, expected, events, where):
    track_of = _session_tracks(where)
    wanted = {(row.user, row.track): row for row in expected.itertuples()}
    place = [(int(user), *where.get((int(user), int(track)), (0, 0)))
             for user, track in zip(got[fields.USER], got[fields.TRACK])]
    order = sorted(range(len(got)), key=place.__getitem__)  # by listener, session, position: the first fault
    seen = set()
    for row in got.iloc[order].itertuples():
        key = (int(row.user), int(row.track))
        number, position = where.get(key, (None, None))
        check(number is not None, f"{task}: your row (user {key[0]}, track {key[1]}) is not an event of the "
                                  "planted log: keep each event's own user and track")
        name = f"user {key[0]}'s session {number}, track {position} ({key[1]})"
        check(key not in seen, f"{task}: {name} appears twice in yours; one row per event")
        seen.add(key)
        right = wanted.get(key)
        if right is None or int(row.start) != right.start:
            raise CheckFailed(_start_message(task, name, right, int(row.start), key, number, position,
                                             track_of))
        check(np.isclose(row.time, right.time), f"{task}: {name} was heard for {right.time:.2f}; yours says "
                                                f"{row.time:.2f}: take the time of the pair's own track")
    for key in wanted:
        if key not in seen:
            number, position = where[key]
            is_last = events.loc[(events[fields.USER] == key[0]) & (events[fields.TRACK] == key[1]),
                                 fields.MESSAGE].iloc[0] == fields.LAST
            hint = (": a `last` event is a track heard too (its time is how long), only the session ends "
                    "after it" if is_last else "")
            raise CheckFailed(f"{task}: user {key[0]}'s session {number}, track {position} ({key[1]}) is "
                              f"missing from yours{hint}")


def _session_tracks(where):
    """``{(user, session number, position): track}`` of the planted log."""
    return {(user, number, position): track for (user, track), (number, position) in where.items()}


def _start_message(task, name, right, got, key, number, position, track_of):
    """Why the row ``key`` pairs with ``got``; ``right`` is the package's row (None: no pair at all)."""
    user = key[0]
    first = right is None
    said = (f"{task}: you paired {name}, the session's first track, with {got}" if first else
            f"{task}: {name} should pair with the session's start track {right.start}; yours pairs it "
            f"with {got}")
    earlier = [track_of[user, n, 1] for n in range(1, number)]
    if got in earlier:
        return (f"{said}, the first track of user {user}'s earlier session: cut the sessions at each "
                "`last` event")
    if any(got == track for (other, _, _), track in track_of.items() if other != user):
        return f"{said}, a track of another listener: group the events by user (their events interleave)"
    if first:
        return f"{said}; the first track is the context, not a pair: leave each session's first event out"
    if got == track_of.get((user, number, position - 1)):
        return f"{said}, the track played just before it (the start is the session's first track)"
    return said


# ---------------------------------------------------------------- Task 4.2: one track's top-k list

# 6 tracks with 2-d query and candidate vectors: scores[s, t] = queries[s] @ candidates[t].
PLANTED_QUERIES = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5], [0.2, -1.0], [0.5, 0.5]])
PLANTED_CANDIDATES = np.array([[0.9, 0.1], [0.6, 0.8], [0.5, 0.45], [-0.3, 0.2], [0.0, -0.6], [0.7, 0.7]])
HIDDEN_QUERIES = np.array([[0.3, -0.2, 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, -0.5]])
HIDDEN_CANDIDATES = np.array([[0.1, 0.2, 0.9], [0.8, -0.1, 0.05], [0.3, 0.3, 0.3], [-0.5, 0.1, 0.7]])


def check_top_list(top_list, queries=None, candidates=None, hidden=False, sample=50, seed=0):
    """Task 4.2: ``top_list(query, candidates, track, k)`` gives the positions of the ``k`` best-scoring
    candidates for one track, best first, never ``track`` itself; checked on planted vectors, then on a
    sample of the model's (``queries``, ``candidates``) against ``export.top_k``."""
    task = "Task 4.2"
    planted = (HIDDEN_QUERIES, HIDDEN_CANDIDATES) if hidden else (PLANTED_QUERIES, PLANTED_CANDIDATES)
    for k in (3, len(planted[0]) - 1):
        _compare_top(task, top_list, *planted, range(len(planted[0])), k)
    if queries is not None:
        rows = np.random.default_rng(seed).choice(len(queries), min(sample, len(queries)), replace=False)
        _compare_top(task, top_list, queries, candidates, rows, export.TOP_SIZE)
    real = "" if queries is None else f" and {min(sample, len(queries))} of the model's tracks (k = 100)"
    passed(task, f"the k best candidates, best first, never the track itself, on planted vectors{real}, "
                 "equal to export.top_k")


def _compare_top(task, top_list, queries, candidates, rows, k):
    for track in rows:
        track = int(track)
        scores = np.asarray(candidates, np.float64) @ np.asarray(queries[track], np.float64)
        itself = np.zeros((1, len(candidates)))
        itself[0, track] = 1
        right = export.top_k(queries[track : track + 1], candidates, k, itself)[0]
        got = attempt(task, top_list, queries[track], candidates, track, k)
        got = np.asarray(got)
        check(got.shape == (k,), f"{task}: for track {track} and k = {k} top_list should return {k} "
                                 f"positions; yours returned shape {got.shape}")
        check(np.issubdtype(got.dtype, np.integer), f"{task}: top_list should return integer positions of "
                                                    f"candidates, not {got.dtype} values (scores?)")
        check(track not in got, f"{task}: track {track}'s list holds track {track} itself; a track never "
                                "recommends itself: leave it out before taking the best k")
        if np.allclose(scores[got], scores[right], rtol=0, atol=1e-5):
            continue
        raise CheckFailed(_top_message(task, track, k, got, right, scores))


def _top_message(task, track, k, got, right, scores):
    said = f"{task}: track {track}'s top {k} should be {list(map(int, right[:6]))}"
    said += f"{'...' if k > 6 else ''}; yours is {list(map(int, got[:6]))}{'...' if k > 6 else ''}"
    if set(map(int, got)) == set(map(int, right)):
        if np.allclose(scores[got], scores[right][::-1], rtol=0, atol=1e-5):
            return f"{said}: the right tracks, worst first (np.argsort sorts ascending: reverse it)"
        return f"{said}: the right tracks in the wrong order (sort them by score, best first)"
    lowest = np.sort(scores)[:k]
    if np.allclose(np.sort(scores[got]), lowest, rtol=0, atol=1e-5):
        return f"{said}: those are the lowest scores; the list wants the highest"
    return said


# ---------------------------------------------------------------- Task 4.3: a Contextual recommender

PLANTED_LISTS = {3: [10, 11, 12, 13, 14], 7: [20, 21, 22], 5: [30, 31, 32, 33]}  # per track: its top list
NO_LIST = 40  # a track without a list
CATALOG_SIZE = 50


def check_my_contextual(plugin, experiment="MY_CONTEXTUAL", data="data", artifact=None, episodes=300, seed=0,
                        log_dir=None, hidden=False):
    """Task 4.3: the plugin's recommender (the experiment's T1 arm) answers a random track of the list of the
    track just played, and falls back without one; checked on a planted store, then served over HTTP beside
    the built-in ``Contextual`` (``artifact``, if given, is kept in ``data/artifacts`` first, as ``upload``
    does). Returns the served day's ``Analysis``; ``hidden`` checks another planted request and serves
    nothing."""
    from botify.service.loading.artifacts import keep_artifact_file
    from botify.service.recommenders.contextual import Contextual
    from botify.teaching.plugin_file import recommender_of
    from botify.teaching.serving import check_served

    task = "Task 4.3"
    recommender = recommender_of(task, plugin, experiment, Contextual, "contextual", "per-track")
    _check_on_planted_store(task, recommender, user=5 if hidden else 7, track=7 if hidden else 3)
    if hidden:  # another planted request only: the visible check has served it already
        passed(task, f"{recommender.__name__} answers from the list of the track just played (hidden case)")
        return None
    if artifact is not None:
        keep_artifact_file(artifact, pathlib.Path(data) / "artifacts", "contextual", "per-track")
    return check_served(task, plugin, experiment, data=data, episodes=episodes, seed=seed, log_dir=log_dir)


def _check_on_planted_store(task, recommender, user, track):
    name = recommender.__name__
    store = ListStore("contextual", PLANTED_LISTS, CATALOG_SIZE)
    mine = recommender(store, seed=0)
    answers = [attempt(task, mine.answer, user, track, time) for time in np.linspace(0, 1, 41)]
    check(store.asked, f"{task}: {name} never read a list: call "
                       "self.store.tracks_for(self.ARTIFACT, prev_track)")
    names = sorted({asked for asked, _ in store.asked} - {"contextual"})
    check(not names, f"{task}: {name} read the artifact {names[0] if names else ''!r}; the ranker's lists "
                     "are uploaded as 'contextual' (self.ARTIFACT)")
    keys = sorted({key for _, key in store.asked})
    hint = " (the user id: the lists are per track, not per listener)" if user in keys else ""
    check(track in keys, f"{task}: asked what to play after track {track} by user {user}, {name} read the "
                         f"list of {keys}{hint}")
    tracks = [answer.track for answer in answers]
    outside = sorted({t for t in tracks if t not in PLANTED_LISTS[track]})
    check(not outside, f"{task}: after track {track} (its list {PLANTED_LISTS[track]}) {name} answered "
                       f"{outside[:3]}, not in the list: answer a track of the list of the track just played")
    check(not any(answer.fallback for answer in answers),
          f"{task}: track {track} has a list, yet {name} said it fell back to a random track")
    check(len(set(tracks)) > 1, f"{task}: after track {track} {name} answered {tracks[0]} to all 41 "
                                "requests: pick a random track of the list (self.pick), so sessions do not "
                                "circle between the same few tracks")
    try:
        empty = mine.answer(user, NO_LIST, 0.5)
    except NotImplementedError:
        raise CheckFailed(f"{task}: {name} is not written yet (it still raises NotImplementedError)"
                          ) from None
    except Exception as error:
        raise CheckFailed(f"{task}: track {NO_LIST} has no list (tracks_for gives None) and {name} raised "
                          f"{type(error).__name__}: {error}; fall back instead (self.pick(None) does it)"
                          ) from None
    check(empty.fallback, f"{task}: track {NO_LIST} has no list, so {name} should fall back to a random "
                          f"track and say so (self.pick(None) does it); it answered {empty.track} as if from "
                          "a list")
