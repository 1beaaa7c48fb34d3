"""load_events: every file of a log dir in time order, truncated tails counted, foreign files refused."""

import json

import pytest

from botify.analysis.log_reader import (
    EventLogError,
    TruncatedLineWarning,
    event_files,
    experiment_names,
    load_events,
    treatments,
)
from botify.analysis.synthetic_ab import simulate_sessions, write_event_log


def event(message, timestamp, user, **extra):
    line = {"message": message, "timestamp": timestamp, "user": user, "track": 1, "time": 0.5,
            "latency": 0.001, "experiments": {"EXP": "C" if user % 2 else "T1"}}
    if message == "next":
        line["recommendation"] = 2
    return json.dumps({**line, **extra}, separators=(",", ":")) + "\n"


def test_rotated_files_of_several_workers_are_merged_in_time_order(tmp_path):
    (tmp_path / "events-1.jsonl.1").write_text(event("next", 1, 1) + event("next", 4, 1))
    (tmp_path / "events-1.jsonl").write_text(event("last", 6, 1))
    (tmp_path / "events-2.jsonl").write_text(event("next", 2, 2) + event("last", 5, 2))
    (tmp_path / "notes.txt").write_text("not a log")
    events = load_events(tmp_path)
    assert events["timestamp"].tolist() == [1, 2, 4, 5, 6]
    assert events["user"].tolist() == [1, 2, 1, 2, 1]
    assert len(events.attrs["files"]) == 3
    assert events["message"].dtype == "category" and events["EXP"].dtype == "category"
    assert experiment_names(events) == ["EXP"]
    assert treatments(events, "EXP").tolist() == ["C", "T1", "C", "T1", "C"]


def test_rotations_order_oldest_first(tmp_path):
    names = ["events-1.jsonl", "events-1.jsonl.10", "events-1.jsonl.2", "events-1.jsonl.1"]
    for name in names:
        (tmp_path / name).write_text(event("next", 1, 1))
    assert [path.name for path in event_files(tmp_path)] == [names[3], names[2], names[1], names[0]]


def test_a_truncated_last_line_is_skipped_counted_and_warned(tmp_path):
    (tmp_path / "events-1.jsonl").write_text(event("next", 1, 1) + event("last", 2, 1)[:25])
    (tmp_path / "events-2.jsonl").write_text(event("next", 3, 2) + event("last", 4, 2).rstrip())
    with pytest.warns(TruncatedLineWarning, match="1 truncated"):
        events = load_events(tmp_path)
    assert events["timestamp"].tolist() == [1, 3, 4]
    assert events.attrs["truncated_lines"] == 1


@pytest.mark.parametrize("content, reason", [
    ('{"user": 1, "track": 2}\n', "lacks message, timestamp"),
    ("user,track\n1,2\n", "not JSON"),
    ("[1, 2]\n", "lacks message"),
])
def test_a_file_that_is_not_an_event_log_is_refused_clearly(tmp_path, content, reason):
    (tmp_path / "events-1.jsonl").write_text(content)
    with pytest.raises(EventLogError, match=reason):
        load_events(tmp_path)


def test_a_broken_line_inside_a_file_is_named(tmp_path):
    (tmp_path / "events-1.jsonl").write_text(event("next", 1, 1) + "{oops\n" + event("last", 2, 1))
    with pytest.raises(EventLogError, match="line 2"):
        load_events(tmp_path)


def test_an_unknown_message_is_refused(tmp_path):
    (tmp_path / "events-1.jsonl").write_text(event("next", 1, 1) + event("skip", 2, 1))
    with pytest.raises(EventLogError, match="unknown message 'skip'"):
        load_events(tmp_path)


def test_missing_dir_empty_dir_and_unknown_experiment_are_clear_errors(tmp_path):
    with pytest.raises(EventLogError, match="not a directory"):
        load_events(tmp_path / "nowhere")
    with pytest.raises(EventLogError, match="no event files"):
        load_events(tmp_path)
    (tmp_path / "events-1.jsonl").write_text(event("next", 1, 1))
    (tmp_path / "events-2.jsonl").write_text("")
    with pytest.raises(EventLogError, match=r"'NOPE' is not in the logs \(found: EXP\)"):
        treatments(load_events(tmp_path), "NOPE")


def no_slow_path(monkeypatch):
    """Make the json fallback fail, so a test proves the fast columnar reader took every line."""
    def refuse(path, data):
        raise AssertionError(f"{path} was read by the slow json path")
    monkeypatch.setattr("botify.analysis.log_reader._read_with_json", refuse)


def test_a_synthetic_log_round_trips_on_the_fast_path(tmp_path, monkeypatch):
    no_slow_path(monkeypatch)
    sessions = simulate_sessions(users=50, experiment="EXP", seed=3)
    count = write_event_log(tmp_path, sessions, "EXP", files=3, lines_per_file=40)
    events = load_events(tmp_path)
    assert len(events) == count == sessions["tracks"].sum()
    assert events["timestamp"].is_monotonic_increasing
    assert (events["message"] == "last").sum() == len(sessions)


def test_the_service_log_reads_the_same_through_the_fast_path(app, client, monkeypatch):
    no_slow_path(monkeypatch)
    for user, track in [(1, 0), (2, 1), (1, 2)]:
        client.post(f"/next/{user}", json={"track": track, "time": 0.5})
    client.post("/last/1", json={"track": 3, "time": 0.25})
    events = load_events(app.config["LOG_DIR"])
    assert events["message"].tolist() == ["next", "next", "next", "last"]
    assert events["recommendation"].isna().tolist() == [False, False, False, True]
    assert "AA" in experiment_names(events) and events["AA"].notna().all()


def test_lines_the_fast_reader_cannot_take_are_read_by_json(tmp_path):
    shifted = json.dumps({"recommendation": 2, **json.loads(event("next", 1, 1))}) + "\n"
    (tmp_path / "events-1.jsonl").write_text(shifted + event("last", 2, 1) + event("next", 3, 2))
    events = load_events(tmp_path)
    assert events["message"].tolist() == ["next", "last", "next"]
    assert events["recommendation"].isna().tolist() == [False, True, False]


def test_the_service_rotation_is_read_whole_and_in_order(tmp_path):
    from botify.service.event_log import EventLog

    log = EventLog(tmp_path, max_bytes=600)
    for stamp in range(20):
        log.write({"message": "next" if stamp % 4 else "last", "timestamp": stamp, "user": stamp % 3,
                   "track": stamp, "time": 0.5, "latency": 0.001, "experiments": {"EXP": "C"}})
    log.close()
    assert len(list(tmp_path.iterdir())) > 3  # rotated several times
    events = load_events(tmp_path)
    assert events["timestamp"].tolist() == list(range(20)) and events["track"].tolist() == list(range(20))
