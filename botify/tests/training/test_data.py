"""Extraction from event logs: positives, split, sessions, contextual pairs, features, popularity."""

import json

import pandas as pd
import pytest

from botify import fields
from botify.analysis import load_events
from botify.errors import CatalogError
from botify.training import data, planted_logs


def write_events(log_dir, rows, name="events-0.jsonl"):
    log_dir.mkdir(exist_ok=True)
    (log_dir / name).write_text("".join(json.dumps(row) + "\n" for row in rows))


def event(timestamp, user, track, time, message=fields.NEXT):
    row = {"message": message, "timestamp": timestamp, "user": user, "track": track, "time": time,
           "latency": 0.001, "experiments": {"AA": "C"}}
    if message == fields.NEXT:
        row["recommendation"] = track + 1
    return row


@pytest.fixture
def events(tmp_path):
    """Two sessions of user 1 and one of user 2, spread over a rotated copy and the live file."""
    write_events(tmp_path / "log", [
        event(1, 1, 10, 1.0), event(2, 1, 11, 0.9), event(3, 1, 12, 0.1, fields.LAST),
    ], "events-0.jsonl.1")
    write_events(tmp_path / "log", [
        event(4, 2, 20, 1.0), event(5, 1, 10, 1.0), event(6, 2, 21, 0.85, fields.LAST),
        event(7, 1, 11, 0.95), event(8, 1, 13, 0.5, fields.LAST),
    ])
    return load_events(tmp_path / "log")


def test_positives_are_deduplicated_pairs_above_the_threshold(events):
    liked = data.positives(events)
    assert sorted(map(tuple, liked.to_numpy().tolist())) == [(1, 10), (1, 11), (2, 20), (2, 21)]
    assert len(data.positives(events, threshold=0.9)) == 3


def test_every_session_gives_at_least_one_positive(tmp_path):
    planted_logs.write_logs(tmp_path, n_sessions=40, seed=3)
    events = load_events(tmp_path)
    sessions = data.session_ids(events)
    liked = events[events[fields.TIME] > data.POSITIVE_TIME]
    assert sessions.nunique() == 40
    assert sessions[liked.index].nunique() == 40


def test_skipped_pairs_are_never_liked(events):
    assert sorted(map(tuple, data.skipped(events).to_numpy().tolist())) == [(1, 12), (1, 13)]


def test_split_by_sessions_puts_the_last_sessions_of_the_log_in_test_whole(tmp_path):
    planted_logs.write_logs(tmp_path, n_sessions=100)
    events = load_events(tmp_path)
    train, test = data.split_by_sessions(events, test_share=0.25)
    assert len(train) + len(test) == len(events)
    assert data.session_ids(test).nunique() == 25 and data.session_ids(train).nunique() == 75
    assert train[fields.TIMESTAMP].max() < test[fields.TIMESTAMP].min()  # the past trains, the future tests
    assert test[fields.MESSAGE].iloc[-1] == fields.LAST and train[fields.MESSAGE].iloc[-1] == fields.LAST


def test_split_positives_are_the_liked_pairs_of_each_part_and_a_pair_liked_again_stays_in_train(tmp_path):
    planted_logs.write_logs(tmp_path, n_sessions=100)
    events = load_events(tmp_path)
    train, test = data.split_positives(events, test_share=0.25)
    train_events, test_events = data.split_by_sessions(events, test_share=0.25)
    pd.testing.assert_frame_equal(train, data.positives(train_events))
    in_both = data.positives(test_events).merge(train)
    assert len(in_both) > 0 and test.merge(train).empty
    assert len(test) == len(data.positives(test_events)) - len(in_both)
    assert pd.concat([train, test]).drop_duplicates().merge(data.positives(events)).shape[0] == \
        len(data.positives(events))


def test_min_counts_drop_rare_users_and_tracks():
    pairs = pd.DataFrame({fields.USER: [1, 1, 1, 2, 3, 3], fields.TRACK: [5, 6, 7, 5, 5, 6]})
    kept = data.min_counts(pairs, min_user=2, min_track=2)
    assert sorted(map(tuple, kept.to_numpy().tolist())) == [(1, 5), (1, 6), (3, 5), (3, 6)]


def test_sessions_end_at_last_per_user(events):
    assert data.session_ids(events).tolist() == [0, 0, 0, 1, 2, 1, 2, 2]


def test_contextual_pairs_start_from_the_first_track_of_each_session(events):
    pairs = data.contextual_pairs(events)
    assert pairs.to_numpy().tolist() == [  # sorted, whatever the log's interleaving
        [1, 10, 11, 0.9], [1, 10, 11, 0.95], [1, 10, 12, 0.1], [1, 10, 13, 0.5], [2, 20, 21, 0.85],
    ]
    previous = data.contextual_pairs(events, context="previous")
    assert previous[fields.START].tolist() == [10, 10, 11, 11, 20]


def test_extraction_does_not_depend_on_how_workers_interleaved_the_log(events):
    # same sessions, other interleaving
    later = events[fields.TIMESTAMP] + 10_000 * (events[fields.USER] == 1)
    interleaved = events.assign(**{fields.TIMESTAMP: later}).sort_values(fields.TIMESTAMP, ignore_index=True)
    assert not interleaved[fields.USER].equals(events[fields.USER])
    assert data.positives(interleaved).equals(data.positives(events))
    assert data.contextual_pairs(interleaved).equals(data.contextual_pairs(events))


def test_contextual_pairs_reject_an_unknown_context(events):
    with pytest.raises(ValueError, match="context"):
        data.contextual_pairs(events, context="genre")


def test_item_features_name_genre_artist_and_buckets(tmp_path, events):
    planted_logs.write_catalog(tmp_path, planted_logs.planted_catalog(n_tracks=30))
    features = data.item_features(data.read_catalog(tmp_path), events, buckets=3)
    assert len(features) == 30
    assert features[10][:2] == ["genre=genre 2", "artist=artist 10"]
    assert features[0][2] == "popularity=0"  # never played
    assert features[10][2] == "popularity=3"  # the most played track
    assert {names[3] for names in features.values()} == {"duration=0", "duration=1", "duration=2"}


def test_read_catalog_without_a_catalog_names_the_fix(tmp_path):
    with pytest.raises(CatalogError, match="sim world"):
        data.read_catalog(tmp_path)


def test_top_tracks_rank_by_listeners_who_liked_them(events):
    assert data.top_tracks(events, size=3) == [10, 11, 20]
    assert len(data.top_tracks(events)) == 6


def test_as_sets_groups_tracks_per_user(events):
    assert data.as_sets(data.positives(events)) == {1: {10, 11}, 2: {20, 21}}
