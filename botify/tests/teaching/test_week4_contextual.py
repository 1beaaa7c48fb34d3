"""Seminar 4's checks: the reference solutions pass, each typical mistake fails with its own message, and an
unwritten task says so."""

import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

from botify import fields
from botify.teaching import CheckFailed
from botify.teaching import week4_contextual as week4
from botify.teaching.week4_contextual import check_context_pairs, check_my_contextual, check_top_list
from botify.training import data, export


def stub(name):
    """What the student edition leaves of a task: a function that raises NotImplementedError."""
    def unwritten(*args):
        raise NotImplementedError()
    unwritten.__name__ = name
    return unwritten


# ---------------------------------------------------------------- Task 4.1

def sessions(events, by_user=True, cut_at_last=True):
    ended = (events[fields.MESSAGE] == fields.LAST).astype(int)
    if not cut_at_last:
        return [events[fields.USER]]
    if not by_user:
        return [ended.cumsum() - ended]
    return [events[fields.USER], ended.groupby(events[fields.USER]).cumsum() - ended]


def context_pairs(events, keys=None, context="first", keep_first=False, time="own"):
    keys = sessions(events) if keys is None else keys
    grouped = events.groupby(keys)
    start = grouped[fields.TRACK].transform("first") if context == "first" else grouped[fields.TRACK].shift(1)
    heard = grouped[fields.TIME].transform("first") if time == "start" else events[fields.TIME]
    pairs = events.assign(start=start, time=heard)
    if not keep_first:
        pairs = pairs[grouped.cumcount() > 0]
    return pairs[[fields.USER, fields.START, fields.TRACK, fields.TIME]].fillna(-1)


def with_first(events):
    return context_pairs(events, keep_first=True)


def previous(events):
    return context_pairs(events, context="previous")


def not_cut(events):
    return context_pairs(events, keys=sessions(events, cut_at_last=False))


def not_by_user(events):
    return context_pairs(events, keys=sessions(events, by_user=False))


def only_next(events):
    nexts = events[events[fields.MESSAGE] == fields.NEXT]
    return context_pairs(nexts, keys=[nexts[fields.USER], sessions(events)[1][nexts.index]])


def start_time(events):
    return context_pairs(events, time="start")


def no_start_column(events):
    return context_pairs(events).rename(columns={fields.START: "context"})


def test_the_reference_pairs_pass_on_the_planted_and_a_real_sized_log(capsys):
    events, _ = week4.planted_events()
    check_context_pairs(context_pairs, events)
    check_context_pairs(context_pairs, hidden=True)
    assert "✔ Task 4.1 passed" in capsys.readouterr().out


def test_the_planted_log_has_what_the_mistakes_need():
    events, where = week4.planted_events()
    pairs = data.contextual_pairs(events)
    assert len(pairs) == len(events) - len(week4.PLANTED[12]) - 1 - 2  # a pair per non-first event
    assert (events[fields.MESSAGE] == fields.LAST).sum() == 4  # user 5's session is still open
    assert events[fields.USER].iloc[:3].tolist() == [12, 5, 31]  # listeners interleave


@pytest.mark.parametrize("wrong, said", [
    (with_first, "you paired user 5's session 1, track 1 (200), the session's first track, with 200; the "
                 "first track is the context"),
    (previous, "user 5's session 1, track 3 (202) should pair with the session's start track 200; yours "
               "pairs it with 201, the track played just before it"),
    (not_cut, "you paired user 12's session 2, track 1 (110), the session's first track, with 100, the "
              "first track of user 12's earlier session: cut the sessions at each `last` event"),
    (not_by_user, "a track of another listener: group the events by user"),
    (only_next, "user 12's session 1, track 4 (103) is missing from yours: a `last` event is a track heard"),
    (start_time, "user 5's session 1, track 2 (201) was heard for 0.12; yours says 0.33"),
    (no_start_column, "the frame needs the columns user, start, track, time; yours lacks start"),
    (stub("context_pairs"), "Task 4.1: context_pairs is not written yet"),
])
def test_each_mistake_in_the_pairs_has_its_message(wrong, said):
    with pytest.raises(CheckFailed, match=re.escape(said)):
        check_context_pairs(wrong)


def test_pairs_cut_at_the_wrong_session_are_named_by_the_earlier_sessions_start():
    def second_session_from_the_first(events):
        pairs = context_pairs(events, keys=sessions(events, cut_at_last=False))
        return pairs[~pairs[fields.TRACK].isin([110])]  # only the start of 111 is wrong

    with pytest.raises(CheckFailed, match="session 2, track 2 .111. should pair with the session's start "
                                          "track 110; yours pairs it with 100, the first track of user 12's "
                                          "earlier session"):
        check_context_pairs(second_session_from_the_first)


def test_a_function_right_only_on_sorted_logs_fails_on_the_real_log():
    events, _ = week4.planted_events(week4.HIDDEN, week4.HIDDEN_OPEN)

    def planted_only(given):
        return context_pairs(given) if len(given) < 14 else context_pairs(given).iloc[1:]

    with pytest.raises(CheckFailed, match="right on the planted log, but on the day's log"):
        check_context_pairs(planted_only, events)


# ---------------------------------------------------------------- Task 4.2

def top_list(query, candidates, track, k):
    scores = candidates @ query
    scores[track] = -np.inf
    return np.argsort(-scores, kind="stable")[:k]


def with_itself(query, candidates, track, k):
    return np.argsort(-(candidates @ query), kind="stable")[:k]


def worst_first(query, candidates, track, k):
    return top_list(query, candidates, track, k)[::-1]


def lowest(query, candidates, track, k):
    scores = candidates @ query
    scores[track] = np.inf
    return np.argsort(scores)[:k]


def unsorted(query, candidates, track, k):
    scores = candidates @ query
    scores[track] = -np.inf
    return np.sort(np.argpartition(-scores, k - 1)[:k])  # the right set, in the order of positions


def scores_not_positions(query, candidates, track, k):
    scores = candidates @ query
    return np.sort(np.delete(scores, track))[::-1][:k]


def test_the_reference_top_list_passes_on_planted_and_model_sized_vectors(capsys):
    rng = np.random.default_rng(0)
    queries, candidates = rng.normal(size=(500, 9)), rng.normal(size=(500, 9))
    check_top_list(top_list, queries, candidates)
    check_top_list(top_list, hidden=True)
    assert "✔ Task 4.2 passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, said", [
    (with_itself, "track 0's list holds track 0 itself"),
    (worst_first, "the right tracks, worst first"),
    (lowest, "those are the lowest scores"),
    (unsorted, "the right tracks in the wrong order (sort them by score"),
    (scores_not_positions, "should return integer positions of candidates"),
    (stub("top_list"), "Task 4.2: top_list is not written yet"),
])
def test_each_mistake_in_the_top_list_has_its_message(wrong, said):
    with pytest.raises(CheckFailed, match=re.escape(said)):
        check_top_list(wrong)


def test_the_planted_vectors_tell_the_mistakes_apart():
    """The unsorted and the reversed answers really differ from the right one on the planted case."""
    for track in range(len(week4.PLANTED_QUERIES)):
        args = (week4.PLANTED_QUERIES[track], week4.PLANTED_CANDIDATES, track, 3)
        assert list(worst_first(*args)) != list(top_list(*args))
    assert any(list(unsorted(week4.PLANTED_QUERIES[t], week4.PLANTED_CANDIDATES, t, 3))
               != list(top_list(week4.PLANTED_QUERIES[t], week4.PLANTED_CANDIDATES, t, 3))
               for t in range(len(week4.PLANTED_QUERIES)))


# ---------------------------------------------------------------- Task 4.3

PLUGIN = '''
from botify.service.experiment import Experiment
from botify.service.recommenders.base import Recommender
from botify.service.recommenders.contextual import Contextual


class MyContextual({base}):
    ARTIFACT = {artifact!r}
    ARTIFACT_KIND = "per-track"

    def recommend_next(self, user, prev_track, prev_track_time):
        {body}


EXPERIMENTS = [Experiment("MY_CONTEXTUAL", {control}, MyContextual)]
'''

RIGHT = "return self.pick(self.store.tracks_for(self.ARTIFACT, prev_track))"


def plugin(tmp_path, body=RIGHT, base="Recommender", artifact="contextual", control="Contextual"):
    path = tmp_path / "my_contextual.py"
    path.write_text(PLUGIN.format(body=body, base=base, artifact=artifact, control=control))
    return path


@pytest.fixture
def not_served(monkeypatch):
    """check_served replaced by a recorder: the fast tests judge only what the planted store shows."""
    served = []
    monkeypatch.setattr("botify.teaching.serving.check_served", lambda *args, **kwargs: served.append(args))
    return served


def test_the_reference_recommender_passes_the_planted_store_and_goes_on_to_be_served(tmp_path, not_served):
    check_my_contextual(plugin(tmp_path), data=tmp_path)
    assert check_my_contextual(plugin(tmp_path), data=tmp_path, hidden=True) is None
    assert [args[:3] for args in not_served] == [("Task 4.3", plugin(tmp_path), "MY_CONTEXTUAL")]


@pytest.mark.parametrize("options, said", [
    ({"body": "return self.pick(self.store.tracks_for(self.ARTIFACT, user))"},
     "read the list of [7] (the user id: the lists are per track, not per listener)"),
    ({"body": "return self.store.tracks_for(self.ARTIFACT, prev_track)[0]"},
     "answered 10 to all 41 requests: pick a random track of the list"),
    ({"body": "return self.random.choice(self.store.tracks_for(self.ARTIFACT, prev_track))"},
     "track 40 has no list (tracks_for gives None) and MyContextual raised TypeError"),
    ({"body": "return self.pick(self.store.tracks_for(self.ARTIFACT, prev_track)) or 1\n"
              "    def answer(self, user, prev_track, prev_track_time):\n"
              "        from botify.service.recommenders.base import Answer\n"
              "        tracks = self.store.tracks_for(self.ARTIFACT, prev_track) or [self.random_track()]\n"
              "        return Answer(self.random.choice(tracks), False)"},
     "track 40 has no list, so MyContextual should fall back to a random track and say so"),
    ({"body": "return self.pick(self.store.tracks_for('contextual_lists', prev_track))"},
     "read the artifact 'contextual_lists'; the ranker's lists are uploaded as 'contextual'"),
    ({"body": "return self.random_track()"}, "never read a list"),
    ({"artifact": "lists"}, "should declare ARTIFACT = 'contextual'"),
    ({"base": "Contextual"}, "write MyContextual from Recommender"),
    ({"control": "Recommender"}, "the built-in Contextual is the control"),
    ({"body": "raise NotImplementedError()"}, "Task 4.3: answer is not written yet"),
    ({"body": "return undefined_name"}, "Task 4.3: answer raised NameError"),
])
def test_each_mistake_in_the_recommender_has_its_message(tmp_path, not_served, options, said):
    with pytest.raises(CheckFailed, match=re.escape(said)):
        check_my_contextual(plugin(tmp_path, **options), data=tmp_path)
    assert not_served == []


def test_a_plugin_that_does_not_import_or_is_missing_says_so(tmp_path, not_served):
    with pytest.raises(CheckFailed, match="does not import: NameError"):
        check_my_contextual(plugin(tmp_path, control="Undefined"), data=tmp_path)
    with pytest.raises(CheckFailed, match="there is no nowhere.py: run the %%writefile cell"):
        check_my_contextual(tmp_path / "nowhere.py", data=tmp_path)
    with pytest.raises(CheckFailed, match=re.escape("should list Experiment('OTHER'")):
        check_my_contextual(plugin(tmp_path), "OTHER", data=tmp_path)


@pytest.mark.slow
def test_the_reference_recommender_is_served_beside_the_built_in(tmp_path, capsys):
    world = tmp_path / "data"
    subprocess.run([str(pathlib.Path(sys.executable).with_name("sim")), "world", "--out", str(world),
                    "--tracks", "1200", "--users", "300", "--seed", "4"], check=True, capture_output=True,
                   timeout=300)
    lists = tmp_path / "lists.jsonl"
    rng = np.random.default_rng(0)
    tracks = np.arange(1200)
    export.write_lists(lists, fields.TRACK, tracks, rng.integers(0, 1200, (1200, 20)), tracks)
    analysis = check_my_contextual(plugin(tmp_path), data=world, artifact=lists, episodes=150,
                                   log_dir=tmp_path / "log")
    assert analysis.arms == {"C": "Contextual", "T1": "MyContextual"}
    assert (world / "artifacts" / "contextual.jsonl").is_file()
    assert "✔ Task 4.3 passed: served over HTTP against Contextual" in capsys.readouterr().out
