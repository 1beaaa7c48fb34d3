"""sessionize on hand-written logs: interleaved users, several sessions, a trailing session with no last."""

import json

import pandas as pd
import pytest

from botify.analysis.log_reader import load_events
from botify.analysis.sessions import sessionize

# (timestamp, user, message, time, latency); users 1 and 2 interleave, user 1 has two sessions
# and user 2 is still listening (no `last`) when the log is read
LOG = [
    (100, 1, "next", 1.0, 0.01),
    (105, 2, "next", 1.0, 0.02),
    (110, 1, "next", 0.5, 0.01),
    (120, 2, "next", 0.2, 0.02),
    (130, 1, "last", 0.25, 0.01),
    (140, 2, "last", 0.1, 0.02),
    (150, 1, "next", 1.0, 0.03),
    (160, 2, "next", 1.0, 0.04),
    (170, 1, "last", 0.75, 0.03),
    (180, 2, "next", 0.5, 0.04),
]


@pytest.fixture
def events(tmp_path):
    lines = [
        json.dumps({"message": message, "timestamp": stamp, "user": user, "track": 0, "time": share,
                    "latency": latency, "experiments": {"EXP": "C" if user == 1 else "T1"}})
        for stamp, user, message, share, latency in LOG
    ]
    (tmp_path / "events-9.jsonl").write_text("\n".join(lines[::2]) + "\n")  # two worker files,
    (tmp_path / "events-8.jsonl").write_text("\n".join(lines[1::2]) + "\n")  # each out of order by user
    return load_events(tmp_path)


def test_sessions_end_at_last_and_are_summed(events):
    sessions = sessionize(events)
    assert sessions[["user", "start", "end", "tracks"]].values.tolist() == [
        [1, 100, 130, 3], [2, 105, 140, 3], [1, 150, 170, 2],
    ]
    assert sessions["time"].tolist() == pytest.approx([1.75, 1.3, 1.75])
    assert sessions["latency"].tolist() == pytest.approx([0.03, 0.06, 0.06])
    assert sessions["session"].tolist() == [0, 1, 2]
    assert sessions["EXP"].tolist() == ["C", "T1", "C"]


def test_a_trailing_session_without_last_is_dropped_and_counted(events):
    sessions = sessionize(events)
    assert sessions.attrs["incomplete_sessions"] == 1
    assert sessions["complete"].all()


def test_a_trailing_session_can_be_kept_and_flagged(events):
    sessions = sessionize(events, keep_incomplete=True)
    assert len(sessions) == 4
    trailing = sessions[~sessions["complete"]]
    assert trailing[["user", "start", "tracks"]].values.tolist() == [[2, 160, 2]]
    assert trailing["time"].tolist() == pytest.approx([1.5])


def test_sessionize_does_not_depend_on_row_order(events):
    shuffled = events.sample(frac=1, random_state=0)
    shuffled.attrs = events.attrs
    pd.testing.assert_frame_equal(sessionize(shuffled), sessionize(events))


def test_no_events_gives_no_sessions(events):
    empty = events.iloc[:0]
    empty.attrs = events.attrs
    sessions = sessionize(empty)
    assert len(sessions) == 0 and "EXP" in sessions
