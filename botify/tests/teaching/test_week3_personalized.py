"""Seminar 3's checks: the reference solutions pass, each typical mistake fails with its own sentence, a stub
fails with "not written yet"."""

import json
import pathlib
import subprocess
import sys

import pandas as pd
import pytest
from lightfm.data import Dataset

from botify import fields
from botify.teaching import CheckFailed
from botify.teaching import week3_personalized as week3
from botify.training import data

SIM = str(pathlib.Path(sys.executable).with_name("sim"))


# ---------------------------------------------------------------- Task 3.1

def right_pairs(events):
    heard = events.loc[events[fields.TIME] > data.POSITIVE_TIME, [fields.USER, fields.TRACK]]
    return heard.drop_duplicates().sort_values([fields.USER, fields.TRACK], ignore_index=True)


def at_least(events):
    heard = events.loc[events[fields.TIME] >= 0.8, [fields.USER, fields.TRACK]]
    return heard.drop_duplicates().sort_values([fields.USER, fields.TRACK], ignore_index=True)


def next_only(events):
    return right_pairs(events[events[fields.MESSAGE] == fields.NEXT])


def with_duplicates(events):
    heard = events.loc[events[fields.TIME] > 0.8, [fields.USER, fields.TRACK]]
    return heard.sort_values([fields.USER, fields.TRACK], ignore_index=True)


def by_mean(events):
    mean = events.groupby([fields.USER, fields.TRACK], as_index=False)[fields.TIME].mean()
    return mean.loc[mean[fields.TIME] > 0.8, [fields.USER, fields.TRACK]].reset_index(drop=True)


def unsorted(events):
    return right_pairs(events).iloc[::-1].reset_index(drop=True)


def old_index(events):
    return right_pairs(events).set_axis(right_pairs(events).index + 3)


def extra_column(events):
    return events.loc[events[fields.TIME] > 0.8, [fields.USER, fields.TRACK, fields.TIME]].drop_duplicates()


def stub(*args):
    raise NotImplementedError()


@pytest.fixture(scope="module")
def day():
    columns = [fields.MESSAGE, fields.TIMESTAMP, fields.USER, fields.TRACK, "x", fields.TIME]
    return pd.DataFrame([(fields.NEXT, i, 1000 + i, i % 50, i % 7, (i % 11) / 10) for i in range(400)],
                        columns=columns)


def test_the_right_liked_pairs_pass_on_the_planted_log_the_hidden_one_and_a_day(day, capsys):
    week3.check_liked_pairs(right_pairs, day)
    week3.check_liked_pairs(right_pairs, hidden=True)
    assert "✔ Task 3.1 passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, said", [
    (at_least, "exactly 0.8, which is not MORE than 0.8"),
    (next_only, "a `last` event reports the session's last track"),
    (with_duplicates, "keep each (user, track) pair once"),
    (by_mean, "one play above 0.8 is enough"),
    (unsorted, "sort by user, then track"),
    (old_index, "a fresh index 0..4"),
    (extra_column, "exactly the columns ['user', 'track']"),
    (stub, "Task 3.1: stub is not written yet"),
])
def test_each_typical_liked_pairs_mistake_has_its_own_sentence(wrong, said):
    with pytest.raises(CheckFailed, match=said.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
                       .replace("]", r"\]")):
        week3.check_liked_pairs(wrong)


def test_the_planted_answer_is_what_the_package_gives():
    liked = data.positives(week3.planted_events())
    assert set(zip(liked[fields.USER], liked[fields.TRACK])) == week3.PLANTED_LIKED
    hidden = data.positives(week3.planted_events(week3.HIDDEN_EVENTS))
    assert set(zip(hidden[fields.USER], hidden[fields.TRACK])) == week3.HIDDEN_LIKED


# ---------------------------------------------------------------- Task 3.2

def right_dataset(train, test, items, features):
    dataset = Dataset()
    names = sorted({name for track in items for name in features[track]})
    dataset.fit(pd.concat([train, test])[fields.USER].unique(), items, item_features=names)
    train_matrix, _ = dataset.build_interactions(zip(train[fields.USER], train[fields.TRACK]))
    test_matrix, _ = dataset.build_interactions(zip(test[fields.USER], test[fields.TRACK]))
    return dataset, train_matrix, test_matrix, dataset.build_item_features((t, features[t]) for t in items)


def train_users_only(train, test, items, features):
    dataset = Dataset()
    dataset.fit(train[fields.USER].unique(), items,
                item_features=sorted({n for t in items for n in features[t]}))
    return _build_rest(dataset, train, test, items, features)


def liked_items_only(train, test, items, features):
    return right_dataset(train, test, sorted(set(train[fields.TRACK]) | set(test[fields.TRACK])), features)


def no_feature_names(train, test, items, features):
    dataset = Dataset()
    dataset.fit(pd.concat([train, test])[fields.USER].unique(), items)
    return _build_rest(dataset, train, test, items, features)


def both_from_train(train, test, items, features):
    dataset, train_matrix, _, item_matrix = right_dataset(train, test, items, features)
    return dataset, train_matrix, train_matrix, item_matrix


def with_weights(train, test, items, features):
    dataset, _, test_matrix, item_matrix = right_dataset(train, test, items, features)
    return dataset, dataset.build_interactions(zip(train[fields.USER], train[fields.TRACK])), test_matrix, \
        item_matrix


def not_normalized(train, test, items, features):
    dataset, train_matrix, test_matrix, _ = right_dataset(train, test, items, features)
    return dataset, train_matrix, test_matrix, dataset.build_item_features(
        ((t, features[t]) for t in items), normalize=False)


def three_things(train, test, items, features):
    return right_dataset(train, test, items, features)[1:]


def _build_rest(dataset, train, test, items, features):
    train_matrix, _ = dataset.build_interactions(zip(train[fields.USER], train[fields.TRACK]))
    test_matrix, _ = dataset.build_interactions(zip(test[fields.USER], test[fields.TRACK]))
    return dataset, train_matrix, test_matrix, dataset.build_item_features((t, features[t]) for t in items)



def test_the_right_dataset_passes_on_both_planted_cases(capsys):
    week3.check_lightfm_dataset(right_dataset)
    week3.check_lightfm_dataset(right_dataset, hidden=True)
    assert "✔ Task 3.2 passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, said", [
    (train_users_only, "fit the users of the train AND the test pairs"),
    (liked_items_only, "fit items=items, every catalogue track"),
    (no_feature_names, "fit item_features=every feature name"),
    (both_from_train, "that is the train split"),
    (with_weights, "keep the first"),
    (not_normalized, "normalize=True"),
    (three_things, "should return a tuple of 4"),
    (stub, "Task 3.2: stub is not written yet"),
])
def test_each_typical_dataset_mistake_has_its_own_sentence(wrong, said):
    with pytest.raises(CheckFailed, match=said):
        week3.check_lightfm_dataset(wrong)


# ---------------------------------------------------------------- Task 3.3

PLUGIN = '''
from botify.service.experiment import Experiment
from botify.service.recommenders.base import Recommender
from botify.service.recommenders.collaborative import Collaborative
from botify.service.recommenders.random_track import Random


class MyCollaborative({base}):
    """A random track of the listener's own list."""

    {body}


EXPERIMENTS = [Experiment("MY_COLLABORATIVE", {control}, MyCollaborative)]
'''
RIGHT = '''ARTIFACT = "collaborative"
    ARTIFACT_KIND = "per-user"

    def recommend_next(self, user, prev_track, prev_track_time):
        return self.pick(self.store.tracks_for(self.ARTIFACT, user))'''


def plugin(tmp_path, body=RIGHT, base="Recommender", control="Collaborative"):
    path = tmp_path / "my_collaborative.py"
    path.write_text(PLUGIN.format(body=body, base=base, control=control))
    return path


def test_the_right_recommender_passes_on_the_planted_store(tmp_path, capsys):
    for hidden in (False, True):
        assert week3.check_my_collaborative(plugin(tmp_path), hidden=hidden, serve=False) is None
    assert "✔ Task 3.3 passed: on the planted store" in capsys.readouterr().out


PICK = "return self.pick(self.store.tracks_for(self.ARTIFACT, user))"


@pytest.mark.parametrize("body, said", [
    ("# YOUR CODE HERE\n    raise NotImplementedError()", "is not written yet"),
    (RIGHT.replace("tracks_for(self.ARTIFACT, user)", "tracks_for(self.ARTIFACT, prev_track)"),
     "that is the track just played: the lists are per listener"),
    (RIGHT.replace('"per-user"', '"per-track"'), "ARTIFACT_KIND = 'per-user'"),
    (RIGHT.replace('ARTIFACT = "collaborative"', 'ARTIFACT = "mine"'), "ARTIFACT = 'collaborative'"),
    (RIGHT.replace(PICK, "return self.store.tracks_for(self.ARTIFACT, user)[0]"), "answered 100 every time"),
    (RIGHT.replace(PICK, "return self.random.choice(self.store.tracks_for(self.ARTIFACT, user))"),
     "raised TypeError"),
    (RIGHT.replace(PICK, "return self.pick(self.store.tracks_for(self.ARTIFACT, user) or [0])"),
     "should fall back"),
    (RIGHT.replace(PICK, "return self.random_track()"), "never read a list"),
    (RIGHT.replace("def recommend_next", "def recommend"), "MyCollaborative.recommend_next is not written"),
])
def test_each_typical_recommender_mistake_has_its_own_sentence(tmp_path, body, said):
    with pytest.raises(CheckFailed, match=said):
        week3.check_my_collaborative(plugin(tmp_path, body), serve=False)


@pytest.mark.parametrize("options, said", [
    ({"control": "Random"}, "the built-in Collaborative is the control"),
    ({"base": "Collaborative", "body": "pass"}, "not by inheriting the built-in Collaborative"),
])
def test_the_experiment_must_set_the_student_against_the_built_in(tmp_path, options, said):
    with pytest.raises(CheckFailed, match=said):
        week3.check_my_collaborative(plugin(tmp_path, **options), serve=False)


def test_a_missing_plugin_file_says_to_run_the_cell(tmp_path):
    with pytest.raises(CheckFailed, match="run the %%writefile cell above first"):
        week3.check_my_collaborative(tmp_path / "my_collaborative.py", serve=False)


@pytest.mark.slow
def test_a_right_recommender_serves_beside_the_built_in(tmp_path, capsys):
    world = tmp_path / "data"
    subprocess.run([SIM, "world", "--out", str(world), "--tracks", "1500", "--users", "300", "--seed", "3"],
                   check=True, capture_output=True, timeout=300)
    artifact = tmp_path / "collaborative.jsonl"
    # per-user lists of catalogue tracks, 100 each: what section 6 writes, in small
    lists = {user: list(range(user % 7, 1500, 15)) for user in range(300)}
    lines = (json.dumps({fields.USER: user, fields.TRACKS: tracks}) for user, tracks in lists.items())
    artifact.write_text("".join(line + "\n" for line in lines))
    analysis = week3.check_my_collaborative(plugin(tmp_path), data=world, artifact=artifact, episodes=120,
                                               log_dir=tmp_path / "log")
    assert analysis.arms == {"C": "Collaborative", "T1": "MyCollaborative"}
    assert analysis.fallback.get("T1", 0.0) == 0.0
    assert "✔ Task 3.3 passed: served over HTTP against Collaborative" in capsys.readouterr().out
