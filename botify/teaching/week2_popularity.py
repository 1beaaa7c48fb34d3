"""Checks of seminar 2's tasks: the popularity list, precision@k by hand, a TopPop recommender.

Each check runs the student's code on a small planted case whose answer is
known, compares it with the package (``data.top_tracks``,
``ranking_metrics.precision_at_k``, the built-in ``TopPop``) and names the
first track, listener or request where the student's answer differs, with a
hint when the answer is exactly what a typical mistake gives.
"""

from fractions import Fraction

import numpy as np
import pandas as pd

from botify import fields
from botify.teaching import CheckFailed, attempt, check, passed
from botify.training import data, ranking_metrics

# ---------------------------------------------------------------- Task 2.1: the popularity list

# (user, track, time) in log order. Built so that each typical mistake moves a different track:
# track 3 is played most (4 listeners) but never liked; track 5 is liked by one listener three times;
# track 9 is heard to exactly 0.8 twice (not a like); tracks 4, 11 and 12 have one like each and are
# told apart by total listening time (4), then by the lower id (11 before 12).
PLANTED_PLAYS = [(1, 7, 0.90), (1, 3, 0.50), (2, 3, 0.50), (3, 5, 0.90), (2, 7, 0.95), (3, 3, 0.50),
                 (1, 9, 0.80), (4, 4, 0.90), (3, 5, 0.85), (4, 3, 0.50), (5, 11, 0.90), (2, 4, 0.60),
                 (4, 9, 0.80), (3, 5, 0.95), (6, 12, 0.90), (5, 4, 0.60)]
# Another log of the same kind for the instructor's grading: tracks 21/22 tie on likes and listening time.
HIDDEN_PLAYS = [(8, 30, 0.99), (9, 30, 0.85), (7, 30, 0.10), (8, 22, 0.90), (9, 21, 0.95), (7, 25, 0.70),
                (7, 25, 0.70), (7, 25, 0.70), (8, 26, 0.81), (8, 26, 0.90), (9, 27, 0.80), (7, 27, 0.80),
                (9, 22, 0.10), (8, 21, 0.05)]


def planted_events(plays=None):
    """The planted plays as a small event log in ``load_events``' shape (one `next` event per play)."""
    plays = PLANTED_PLAYS if plays is None else plays
    return pd.DataFrame([{fields.MESSAGE: fields.NEXT, fields.TIMESTAMP: 1_700_000_000_000 + 1000 * step,
                          fields.USER: user, fields.TRACK: track, fields.TIME: time}
                         for step, (user, track, time) in enumerate(plays)])


def _ranked(table, by, ascending):
    table = table.rename_axis(fields.TRACK).reset_index()
    return table.sort_values(by, ascending=ascending)[fields.TRACK].astype(int).tolist()


def _table(events, liked):
    counts = liked.groupby(events[fields.TRACK]).sum() if liked.dtype == bool else liked
    total = events.groupby(fields.TRACK)[fields.TIME].sum()
    return pd.DataFrame({"liked": counts, "total": total}).fillna(0)


def _typical_mistakes(events):
    """{what the student did: the list it gives}, for the mistakes the planted log tells apart."""
    above = events[fields.TIME] > data.POSITIVE_TIME
    distinct = data.positives(events)[fields.TRACK].value_counts()
    order = (["liked", "total", fields.TRACK], [False, False, True])
    at_least = data.positives(events, threshold=data.POSITIVE_TIME - 1e-9)[fields.TRACK].value_counts()
    return {
        "plays": _ranked(_table(events, events[fields.TRACK].value_counts()), *order),
        "repeats": _ranked(_table(events, above), *order),
        "threshold": _ranked(_table(events, at_least), *order),
        "no ties": _ranked(_table(events, distinct), ["liked", fields.TRACK], [False, True]),
        "only liked": [t for t in _ranked(_table(events, distinct), *order) if t in distinct.index],
    }


MISTAKES = {
    "plays": "you count plays; a like is a listener who heard the track for more than 80% (time > 0.8)",
    "repeats": "a listener who liked a track several times counts once (count distinct listeners)",
    "threshold": "a time of exactly 0.8 is not a like: liked means more than 80% (time > 0.8)",
    "no ties": "tracks with as many likes go by total listening time first, then the lower id",
    "only liked": "tracks nobody liked still belong to the list, after the liked ones, by listening time",
}


def check_top_tracks(top_tracks, events=None, hidden=False):
    """Task 2.1: ``top_tracks(events, size)`` gives track ids, most liked first; checked on a planted log,
    then on ``events`` (the day's log) against ``data.top_tracks``."""
    task = "Task 2.1"
    planted = planted_events(HIDDEN_PLAYS if hidden else None)
    for size in (10, 4):
        _compare_top(task, top_tracks, planted, size, planted=True)
    if events is not None:
        _compare_top(task, top_tracks, events, 100, planted=False)
    real = "" if events is None else f" and the top-100 of the day's {len(events):,} events"
    passed(task, "tracks by distinct listeners who liked them, ties by listening time, on the planted "
                 f"log{real}, equal to data.top_tracks")


def _compare_top(task, top_tracks, events, size, planted):
    got = attempt(task, top_tracks, events.copy(), size)
    check(not isinstance(got, (pd.Series, pd.DataFrame)),
          f"{task}: top_tracks should return a list of track ids; yours returned a {type(got).__name__} "
          "(the ids are its index: .index.tolist())")
    try:
        got = [int(track) for track in got]
    except (TypeError, ValueError):
        raise CheckFailed(f"{task}: top_tracks should return a list of track ids (ints); yours returned "
                          f"{type(got).__name__} {str(got)[:60]}") from None
    right = data.top_tracks(events, size=size)
    if got == right:
        return
    check(len(got) <= size, f"{task}: asked for size={size}, yours returned {len(got)} tracks")
    if planted:
        for mistake, wrong in _typical_mistakes(events).items():
            if got == wrong[:size] and wrong[:size] != right:
                raise CheckFailed(f"{task}: on the planted log the list should start {right[:5]}; yours "
                                  f"starts {got[:5]}: {MISTAKES[mistake]}")
        check(got != right[::-1], f"{task}: your list is upside down: the most liked track comes first")
    raise CheckFailed(_first_difference(task, got, right, events, planted))


def _first_difference(task, got, right, events, planted):
    where = "the planted log" if planted else "the day's log"
    if len(got) < len(right) and got == right[: len(got)]:
        return f"{task}: on {where} the list should hold {len(right)} tracks; yours stops after {len(got)}"
    position = next(i for i, (a, b) in enumerate(zip([*got, None], right)) if a != b)
    likes = data.positives(events)[fields.TRACK].value_counts()
    total = events.groupby(fields.TRACK)[fields.TIME].sum()

    def describe(track):
        if track is None:
            return "nothing"
        return (f"track {track} ({int(likes.get(track, 0))} likes, listening time "
                f"{total.get(track, 0.0):.2f})")

    theirs = got[position] if position < len(got) else None
    return (f"{task}: on {where} position {position + 1} should be {describe(right[position])}; "
            f"yours has {describe(theirs)}")


# ---------------------------------------------------------------- Task 2.2: precision@k by hand

# Listener 1: hits at positions 2 and 5, three liked tracks (so recall differs from precision).
# Listener 2: a list of only 3 tracks, its hit at position 3. Listener 3: no hit. Listener 4 liked tracks
# but has no list (a miss, not a listener to drop). Listener 5 liked nothing in the test part (not
# averaged). Listeners 6 and 7 have a list and no likes (not averaged either).
PLANTED_LISTS = {1: [10, 11, 12, 13, 14, 15], 2: [20, 21, 22], 3: [30, 31, 32, 33, 34, 35], 5: [50, 51],
                 6: [60, 61], 7: [70]}
PLANTED_LIKED = {1: {11, 14, 19}, 2: {22}, 3: {39}, 4: {41, 42}, 5: set()}
HIDDEN_LISTS = {7: [70, 71, 72, 73], 8: [80, 81, 82, 83, 84, 85, 86], 9: [90]}
HIDDEN_LIKED = {7: {70, 71, 72, 73, 79}, 8: {86, 80}, 9: {90}, 10: {100}}
KS = (1, 2, 3, 5)


def check_precision(precision_at_k, lists=None, relevant=None, hidden=False):
    """Task 2.2: ``precision_at_k(lists, relevant, k)`` is the mean over listeners with a like of the share
    of their list's first ``k`` tracks they liked; checked listener by listener on a planted case, then on
    the notebook's ``lists``/``relevant`` against ``ranking_metrics.precision_at_k``."""
    task = "Task 2.2"
    lists_, liked = (HIDDEN_LISTS, HIDDEN_LIKED) if hidden else (PLANTED_LISTS, PLANTED_LIKED)
    for k in KS:
        for user in liked:
            if liked[user]:
                _compare_one(task, precision_at_k, lists_, liked, user, k)
    for k in KS:
        _compare_mean(task, precision_at_k, lists_, liked, k)
    if lists is not None:
        for k in (10, 100):
            right = ranking_metrics.precision_at_k(lists, relevant, k)
            got = attempt(task, precision_at_k, lists, relevant, k)
            check(np.isclose(float(got), right, rtol=1e-9, atol=1e-12),
                  f"{task}: right on the planted case, but on the notebook's lists precision@{k} should be "
                  f"{right:.6f}; yours gives {float(got):.6f}")
    real = "" if lists is None else " and the notebook's lists (k = 10 and 100)"
    passed(task, "hits in the first k over k, averaged over listeners with a like, on the planted "
                 f"case{real}, equal to ranking_metrics.precision_at_k")


def _show(value):
    return str(Fraction(float(value)).limit_denominator(100))


def _compare_one(task, precision_at_k, lists, liked, user, k):
    one_list = {user: lists[user]} if user in lists else {}
    try:
        got = precision_at_k(one_list, {user: liked[user]}, k)
    except NotImplementedError:
        raise CheckFailed(f"{task}: precision_at_k is not written yet (it still raises NotImplementedError)"
                          ) from None
    except (KeyError, TypeError) as error:
        if user not in lists:
            raise CheckFailed(f"{task}: listener {user} liked tracks but has no list, and yours raised "
                              f"{type(error).__name__}: a listener without a list is a miss, precision 0 "
                              "(lists.get(user, []))") from None
        raise CheckFailed(f"{task}: precision_at_k raised {type(error).__name__}: {error}") from error
    except Exception as error:
        raise CheckFailed(f"{task}: precision_at_k raised {type(error).__name__}: {error}") from error
    tracks = list(lists.get(user, []))
    hits = [(position, track) for position, track in enumerate(tracks[:k], start=1) if track in liked[user]]
    right = len(hits) / k
    if np.isclose(float(got), right):
        return
    said = (f"{task}: at k = {k}, listener {user}'s precision should be {_show(right)} "
            f"({len(hits)} hit{'s' * (len(hits) != 1)} in the first {k}"
            f"{': ' + ', '.join(f'track {t} at position {p}' for p, t in hits) if hits else ''}); "
            f"yours gives {float(got):.4g}")
    all_hits = sum(track in liked[user] for track in tracks)
    shown = min(k, len(tracks))
    if hits and np.isclose(float(got), len(hits) / len(liked[user])):
        raise CheckFailed(f"{said}: you divide by the listener's {len(liked[user])} liked tracks (that is "
                          f"recall@k); precision divides by k")
    if shown < k and shown and np.isclose(float(got), len(hits) / shown):
        raise CheckFailed(f"{said}: the list holds only {shown} tracks, but precision@{k} still divides by "
                          f"{k} (a shorter list just cannot hit more)")
    if all_hits != len(hits) and np.isclose(float(got) * k, all_hits):
        raise CheckFailed(f"{said}: you count hits in the whole list; only its first {k} tracks count")
    for other in (k - 1, k + 1):
        if other > 0 and np.isclose(float(got) * k, sum(t in liked[user] for t in tracks[:other])):
            raise CheckFailed(f"{said}: you count hits in the first {other} tracks (an off-by-one slice: "
                              f"tracks[:k] holds positions 1..{k})")
    raise CheckFailed(said)


def _compare_mean(task, precision_at_k, lists, liked, k):
    right = ranking_metrics.precision_at_k(lists, liked, k)
    got = float(attempt(task, precision_at_k, lists, liked, k))
    if np.isclose(got, right):
        return
    per_user = {user: sum(t in liked.get(user, ()) for t in list(lists.get(user, []))[:k]) / k
                for user in set(lists) | set(liked)}
    with_likes = [user for user in liked if liked[user]]
    said = (f"{task}: at k = {k} the mean over the {len(with_likes)} listeners with a like "
            f"({', '.join(map(str, sorted(with_likes)))}) should be {right:.4f}; yours gives {got:.4f}")
    listed = [user for user in lists if liked.get(user)]
    if listed and np.isclose(got, np.mean([per_user[u] for u in listed])):
        raise CheckFailed(f"{said}: you leave out the listeners without a list ("
                          f"{', '.join(str(u) for u in with_likes if u not in lists)}); they count as 0")
    if np.isclose(got, np.mean([per_user[u] for u in liked])):
        raise CheckFailed(f"{said}: you average over listeners who liked nothing in the test part too ("
                          f"{', '.join(str(u) for u in liked if not liked[u])}); leave them out")
    if np.isclose(got, np.mean([per_user[u] for u in lists])):
        raise CheckFailed(f"{said}: you average over the listeners of `lists`; average over those of "
                          "`relevant` who liked something")
    if np.isclose(got, sum(per_user[u] for u in with_likes)):
        raise CheckFailed(f"{said}: that is the sum over listeners; precision@k is their mean")
    raise CheckFailed(said)


# ---------------------------------------------------------------- Task 2.3: a TopPop recommender

PLANTED_TOP = list(range(1000, 1150))  # the popularity artifact: 150 tracks, most liked first
SHORT_TOP = [7, 3, 5]  # an artifact shorter than TOP_K
CATALOG_SIZE = 2000


class PlantedStore:
    """What a recommender sees of Redis, for the planted case: one popularity list (or none)."""

    def __init__(self, lists=None):
        self.lists = {"top_tracks": PLANTED_TOP} if lists is None else lists
        self.asked = []

    def popularity(self, name):
        self.asked.append(name)
        return list(self.lists[name]) if name in self.lists else None

    def tracks_for(self, name, key):
        self.asked.append(name)
        return None

    def catalog_size(self):
        return CATALOG_SIZE

    def artist_tracks_of(self, track):
        return [track]


def check_my_toppop(plugin, experiment="MY_TOP_POP", data="data", episodes=300, seed=0, log_dir=None,
                    hidden=False):
    """Task 2.3: the plugin's recommender (the experiment's T1 arm) answers a random track of the first 100
    of the popularity list ``top_tracks`` and falls back without one; checked on a planted store, then
    served over HTTP beside the built-in ``TopPop`` (the artifact must be in ``data/artifacts``). Returns the
    served day's ``Analysis``; ``hidden`` checks other planted requests and serves nothing."""
    from botify.service.recommenders.top_pop import TopPop
    from botify.teaching.plugin_file import recommender_of
    from botify.teaching.serving import check_served

    task = "Task 2.3"
    recommender = recommender_of(task, plugin, experiment, TopPop)
    _check_on_planted_store(task, recommender, users=(3, 8, 13) if hidden else (1, 2, 5))
    if hidden:
        passed(task, f"{recommender.__name__} answers from the first 100 of top_tracks (hidden case)")
        return None
    return check_served(task, plugin, experiment, data=data, episodes=episodes, seed=seed, log_dir=log_dir)


def _answers(task, recommender, store, users, when="", times=np.linspace(0, 1, 21)):
    mine = recommender(store, seed=0)
    try:
        return [mine.answer(user, 17, float(time)) for user in users for time in times]
    except NotImplementedError:
        raise CheckFailed(f"{task}: {recommender.__name__}.recommend_next is not written yet (it still "
                          "raises NotImplementedError)") from None
    except Exception as error:
        raise CheckFailed(f"{task}: {when}{recommender.__name__} raised {type(error).__name__}: {error}"
                          ) from error


def _check_on_planted_store(task, recommender, users):
    name = recommender.__name__
    store = PlantedStore()
    answers = _answers(task, recommender, store, users)
    check(store.asked, f"{task}: {name} never read the popularity list: call "
                       "self.store.popularity('top_tracks')")
    names = sorted(set(store.asked) - {"top_tracks"})
    check(not names, f"{task}: {name} read the artifact {names[0] if names else ''!r}; the popularity list "
                     "is uploaded as 'top_tracks'")
    tracks = [answer.track for answer in answers]
    check(not any(answer.fallback for answer in answers),
          f"{task}: top_tracks holds 150 tracks, yet {name} said it fell back to a random track: pick from "
          "the list (self.pick(tracks))")
    outside = sorted({t for t in tracks if t not in PLANTED_TOP})
    check(not outside, f"{task}: {name} answered {outside[:3]}, tracks not in top_tracks: answer a track of "
                       "the popularity list")
    beyond = sorted({t for t in tracks if t in PLANTED_TOP[100:]})
    check(not beyond, f"{task}: top_tracks holds 150 tracks and {name} answered {beyond[:3]}, beyond the "
                      "first 100: slice the list to its first TOP_K = 100 before picking")
    check(len(set(tracks)) > 1, f"{task}: {name} answered track {tracks[0]} to all {len(tracks)} requests: "
                                "pick a random track of the top-100 (self.pick), not always the first")
    check(len(set(tracks)) >= 20, f"{task}: {len(tracks)} requests got only {len(set(tracks))} different "
                                  f"tracks ({sorted(set(tracks))[:6]}...): pick among all 100, not a few")
    short = _answers(task, recommender, PlantedStore({"top_tracks": SHORT_TOP}), users[:1],
                     when=f"with a top_tracks of only {len(SHORT_TOP)} tracks {SHORT_TOP}, ")
    check(all(answer.track in SHORT_TOP and not answer.fallback for answer in short),
          f"{task}: with a top_tracks of only {len(SHORT_TOP)} tracks {SHORT_TOP}, {name} should answer one "
          f"of them; it answered {sorted({a.track for a in short})[:5]}")
    try:
        empty = recommender(PlantedStore({}), seed=0).answer(users[0], 17, 0.5)
    except Exception as error:
        raise CheckFailed(f"{task}: with no top_tracks uploaded (popularity gives None) {name} raised "
                          f"{type(error).__name__}: {error}; fall back instead (self.pick(None) does it)"
                          ) from None
    check(empty.fallback, f"{task}: with no top_tracks uploaded {name} should fall back to a random track "
                          f"and say so (self.pick(None) does it); it answered {empty.track} as if from one")
