"""Seminar 2's checks: the reference solutions pass, each typical mistake fails with its own message, and an
unwritten task says so."""

import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from botify import fields
from botify.teaching import CheckFailed
from botify.teaching import week2_popularity as week2
from botify.teaching.week2_popularity import check_my_toppop, check_precision, check_top_tracks
from botify.training import data, ranking_metrics

SIM = str(pathlib.Path(sys.executable).with_name("sim"))


def stub(name):
    """What the student edition leaves of a task: a function that raises NotImplementedError."""
    def unwritten(*args):
        raise NotImplementedError()
    unwritten.__name__ = name
    return unwritten


def day_of_events(seed=0, rows=4000, users=300, tracks=800):
    """A log of a real day's shape: many listeners, a popularity skew, times in [0, 1]."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({fields.MESSAGE: fields.NEXT, fields.TIMESTAMP: np.arange(rows),
                         fields.USER: rng.integers(0, users, rows),
                         fields.TRACK: np.minimum(rng.zipf(1.3, rows), tracks) - 1,
                         fields.TIME: rng.choice([0.0, 0.3, 0.8, 0.9, 1.0], rows)})


# ---------------------------------------------------------------- Task 2.1

def liked_once(events):
    return events[events[fields.TIME] > 0.8].drop_duplicates([fields.USER, fields.TRACK])


def top_tracks(events, size, liked=liked_once,
               by=("likes", "total", fields.TRACK), ascending=(False, False, True), keep_unliked=True):
    likes = liked(events).groupby(fields.TRACK).size()
    total = events.groupby(fields.TRACK)[fields.TIME].sum()
    table = pd.DataFrame({"likes": likes, "total": total}).fillna(0).rename_axis(fields.TRACK).reset_index()
    if not keep_unliked:
        table = table[table["likes"] > 0]
    return table.sort_values(list(by), ascending=list(ascending))[fields.TRACK].head(size).tolist()


def by_plays(events, size):
    return events[fields.TRACK].value_counts().index[:size].tolist()


def repeats(events, size):
    return top_tracks(events, size, liked=lambda e: e[e[fields.TIME] > 0.8])


def at_least(events, size):
    return top_tracks(events, size, liked=lambda e: e[e[fields.TIME] >= 0.8].drop_duplicates(
        [fields.USER, fields.TRACK]))


def no_tie_break(events, size):
    return top_tracks(events, size, by=("likes", fields.TRACK), ascending=(False, True))


def only_liked(events, size):
    return top_tracks(events, size, keep_unliked=False)


def upside_down(events, size):
    return top_tracks(events, size)[::-1]


def a_series(events, size):
    return data.positives(events)[fields.TRACK].value_counts().head(size)


def test_the_reference_top_list_passes_on_the_planted_and_a_day_sized_log(capsys):
    check_top_tracks(top_tracks, events=day_of_events())
    check_top_tracks(top_tracks, hidden=True)
    assert "Task 2.1 passed" in capsys.readouterr().out


def test_the_planted_log_tells_every_mistake_apart():
    right = data.top_tracks(week2.planted_events(), size=10)
    lists = [tuple(wrong[:10]) for wrong in week2._typical_mistakes(week2.planted_events()).values()]
    assert len(set(lists)) == len(lists) and tuple(right) not in lists


@pytest.mark.parametrize("wrong, said", [
    (by_plays, "you count plays"),
    (repeats, "counts once"),
    (at_least, "exactly 0.8 is not a like"),
    (no_tie_break, "total listening time first, then the lower id"),
    (only_liked, "tracks nobody liked still belong"),
    (upside_down, "upside down"),
    (a_series, "returned a Series"),
    (stub("top_tracks"), "top_tracks is not written yet"),
])
def test_each_mistake_in_the_top_list_has_its_message(wrong, said):
    with pytest.raises(CheckFailed, match=said) as failed:
        check_top_tracks(wrong)
    assert str(failed.value).startswith("Task 2.1: ")


def test_a_list_right_only_on_the_planted_log_fails_on_the_days_log_naming_the_position():
    def planted_only(events, size):
        got = top_tracks(events, size)
        return got if len(events) < 100 else [got[1], got[0], *got[2:]]

    with pytest.raises(CheckFailed, match="the day's log position 1 should be track"):
        check_top_tracks(planted_only, events=day_of_events())


# ---------------------------------------------------------------- Task 2.2

def precision_at_k(lists, relevant, k, denominator=lambda k, shown, liked: k, cut=lambda k: k,
                   users=lambda lists, relevant: [u for u in relevant if relevant[u]], missing=()):
    values = []
    for user in users(lists, relevant):
        tracks = list(lists[user]) if missing == "raise" else list(lists.get(user, []))
        liked = relevant.get(user, set())
        hits = sum(track in liked for track in tracks[: cut(k)])
        values.append(hits / denominator(k, min(k, len(tracks)), len(liked)) if liked or tracks else 0)
    return float(np.mean(values)) if values else 0.0


def recall(lists, relevant, k):
    return precision_at_k(lists, relevant, k, denominator=lambda k, shown, liked: liked)


def by_list_length(lists, relevant, k):
    return precision_at_k(lists, relevant, k, denominator=lambda k, shown, liked: max(shown, 1))


def whole_list(lists, relevant, k):
    return precision_at_k(lists, relevant, k, cut=lambda k: None)


def off_by_one(lists, relevant, k):
    return precision_at_k(lists, relevant, k, cut=lambda k: k + 1)


def keyerror(lists, relevant, k):
    return precision_at_k(lists, relevant, k, missing="raise")


def over_lists(lists, relevant, k):
    return precision_at_k(lists, relevant, k, users=lambda lists, relevant: list(lists))


def over_listed(lists, relevant, k):
    return precision_at_k(lists, relevant, k, users=lambda lists, relevant: [u for u in lists
                                                                              if relevant.get(u)])


def with_empty(lists, relevant, k):
    return precision_at_k(lists, relevant, k, users=lambda lists, relevant: list(relevant))


def summed(lists, relevant, k):
    return precision_at_k(lists, relevant, k) * sum(1 for u in relevant if relevant[u])


def test_the_reference_precision_passes_on_the_planted_case_and_real_lists(capsys):
    rng = np.random.default_rng(1)
    relevant = {user: set(rng.choice(50, 3).tolist()) for user in range(40)}
    lists = {user: rng.permutation(50)[:20].tolist() for user in range(35)}
    check_precision(precision_at_k, lists, relevant)
    check_precision(precision_at_k, hidden=True)
    assert "Task 2.2 passed" in capsys.readouterr().out


def test_the_package_agrees_with_the_planted_answers():
    planted = ranking_metrics.precision_at_k(week2.PLANTED_LISTS, week2.PLANTED_LIKED, 3)
    assert planted == pytest.approx(1 / 6)


@pytest.mark.parametrize("wrong, said", [
    (recall, "listener 1's precision should be 1/2 .*that is recall@k"),
    (by_list_length, "listener 2's precision should be 1/5 .*holds only 3 tracks"),
    (whole_list, "listener 1's precision should be 0 .*whole list"),
    (off_by_one, "k = 1, listener 1's .*first 2 tracks"),
    (keyerror, "listener 4 liked tracks but has no list"),
    (over_listed, "leave out the listeners without a list \\(4\\)"),
    (with_empty, "liked nothing in the test part too \\(5\\)"),
    (over_lists, "average over the listeners of `lists`"),
    (summed, "the sum over listeners"),
    (stub("precision_at_k"), "precision_at_k is not written yet"),
])
def test_each_mistake_in_precision_has_its_message(wrong, said):
    with pytest.raises(CheckFailed, match=said) as failed:
        check_precision(wrong)
    assert str(failed.value).startswith("Task 2.2: ")


# ---------------------------------------------------------------- Task 2.3

PLUGIN = '''
from botify.service.experiment import Experiment
from botify.service.recommenders.base import Recommender
from botify.service.recommenders.top_pop import TopPop


class MyTopPop({base}):
    def recommend_next(self, user, prev_track, prev_track_time):
        {body}


EXPERIMENTS = [Experiment("MY_TOP_POP", {control}, MyTopPop)]
'''

RIGHT = ("tracks = self.store.popularity('top_tracks')\n"
         "        return self.pick(tracks[:100] if tracks else None)")


def plugin(tmp_path, body=RIGHT, base="Recommender", control="TopPop"):
    path = tmp_path / "my_toppop.py"
    path.write_text(PLUGIN.format(body=body, base=base, control=control))
    return path


@pytest.fixture
def not_served(monkeypatch):
    served = []
    monkeypatch.setattr("botify.teaching.serving.check_served", lambda *args, **kwargs: served.append(args))
    return served


def test_the_reference_recommender_passes_the_planted_store_and_goes_on_to_be_served(tmp_path, not_served):
    check_my_toppop(plugin(tmp_path), data=str(tmp_path))
    assert len(not_served) == 1
    assert check_my_toppop(plugin(tmp_path), hidden=True) is None and len(not_served) == 1


@pytest.mark.parametrize("options, said", [
    ({"body": "return self.store.popularity('top_tracks')[0]"}, "answered track 1000 to all"),
    ({"body": "return self.pick(self.store.popularity('top_tracks'))"}, "beyond the first 100"),
    ({"body": "return self.pick(self.store.popularity('top_tracks')[:3])"}, "pick among all 100"),
    ({"body": "return self.pick(self.store.popularity('popular'))"}, "read the artifact 'popular'"),
    ({"body": "return self.pick(self.store.popularity('top_tracks')[:100])"}, "raised TypeError"),
    ({"body": "return self.random_track()"}, "never read the popularity list"),
    ({"body": "self.store.popularity('top_tracks')\n        return self.fallback_track()"}, "fell back"),
    ({"body": "self.store.popularity('top_tracks')\n        return 5000 + self.random.randrange(100)"},
     "not in top_tracks"),
    ({"body": "tracks = self.store.popularity('top_tracks')\n"
              "        return tracks[self.random.randrange(100)] if tracks else self.pick(None)"},
     "only 3 tracks"),
    ({"body": "tracks = self.store.popularity('top_tracks') or [1]\n"
              "        return self.pick(tracks[:100])"}, "should fall back to a random track and say so"),
    ({"body": "raise NotImplementedError()"}, "MyTopPop.recommend_next is not written yet"),
    ({"base": "TopPop"}, "not by inheriting the built-in TopPop"),
    ({"control": "MyTopPop"}, "the built-in TopPop is the control"),
])
def test_each_mistake_in_the_recommender_has_its_message(tmp_path, not_served, options, said):
    with pytest.raises(CheckFailed, match=said) as failed:
        check_my_toppop(plugin(tmp_path, **options))
    assert str(failed.value).startswith("Task 2.3: ") and not not_served


def test_a_plugin_that_does_not_import_or_is_missing_says_so(tmp_path, not_served):
    with pytest.raises(CheckFailed, match="there is no my_toppop.py: run the %%writefile cell"):
        check_my_toppop(tmp_path / "my_toppop.py")
    with pytest.raises(CheckFailed, match="does not import: NameError"):
        check_my_toppop(plugin(tmp_path, body="pass\nfoo = bar"))


@pytest.mark.slow
def test_the_reference_recommender_is_served_beside_the_built_in(tmp_path, capsys):
    world = tmp_path / "data"
    subprocess.run([SIM, "world", "--out", str(world), "--tracks", "1500", "--users", "300", "--seed", "3"],
                   check=True, capture_output=True, timeout=300)
    popular = list(range(0, 1500, 15))
    (world / "artifacts").mkdir()
    (world / "artifacts" / "top_tracks.json").write_text(str(popular))
    analysis = check_my_toppop(plugin(tmp_path), data=str(world), episodes=150, log_dir=tmp_path / "log")
    assert "Task 2.3 passed" in capsys.readouterr().out
    assert analysis.fallback.get("T1", 1.0) == 0.0
