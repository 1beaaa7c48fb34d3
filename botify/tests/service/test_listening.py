"""/next and /last on the real app and a real Redis: answers, the events they log, and every bad input."""

import json
import pathlib

import pytest

from botify import fields
from botify.service import registry
from botify.service.recommenders.random_track import Random


def logged(app):
    folder = pathlib.Path(app.config["LOG_DIR"])
    return [json.loads(line) for path in sorted(folder.glob("events*.jsonl*"))
            for line in path.read_text().splitlines()]


def test_next_answers_a_catalog_track_and_logs_one_event(app, client):
    answer = client.post("/next/12", json={"track": 3, "time": 0.75})
    assert answer.status_code == 200
    assert answer.json["user"] == 12 and 0 <= answer.json["track"] < 30
    [event] = logged(app)
    assert event[fields.MESSAGE] == fields.NEXT
    assert (event[fields.USER], event[fields.TRACK], event[fields.TIME]) == (12, 3, 0.75)
    assert event[fields.RECOMMENDATION] == answer.json["track"]
    assert 0 < event[fields.LATENCY] < 5 and event[fields.TIMESTAMP] > 1.6e12
    assert set(event) == set(fields.EVENT_FIELDS)


def test_last_answers_the_user_and_logs_without_recommendation(app, client):
    answer = client.post("/last/5", json={"track": 0, "time": 1})
    assert answer.status_code == 200 and answer.json == {"user": 5}
    [event] = logged(app)
    assert event[fields.MESSAGE] == fields.LAST and event[fields.TIME] == 1.0
    assert event.get(fields.RECOMMENDATION) is None


def test_every_event_carries_the_treatment_of_every_registered_experiment(app, client):
    client.post("/next/77", json={"track": 1, "time": 0.0})
    client.post("/last/77", json={"track": 1, "time": 0.5})
    expected = {experiment.name: experiment.treatment(77) for experiment in registry.EXPERIMENTS}
    assert [event[fields.EXPERIMENTS] for event in logged(app)] == [expected, expected]


def test_the_active_experiment_picks_the_recommender(make_app, redis_url):
    app = make_app(EXPERIMENT="STICKY_ARTIST")
    client = app.test_client()
    sticky = [user for user in range(50) if registry.BY_NAME["STICKY_ARTIST"].treatment(user) == "T1"]
    for user in sticky[:10]:
        track = client.post(f"/next/{user}", json={"track": 4, "time": 0.5}).json["track"]
        assert track % 10 == 4 and track != 4  # another track by the same artist


BAD_INPUTS = [
    # (method, path, body as raw bytes or a JSON-able value, status, words in the error)
    ("POST", "/next/abc", {"track": 1, "time": 0.5}, 400, "user"),
    ("POST", "/next/-1", {"track": 1, "time": 0.5}, 400, "user"),
    ("POST", "/next/1.5", {"track": 1, "time": 0.5}, 400, "user"),
    ("POST", "/next/99999999999999999999", {"track": 1, "time": 0.5}, 400, "user"),
    ("POST", "/next/1", {"track": 30, "time": 0.5}, 404, "unknown track"),
    ("POST", "/next/1", {"track": -1, "time": 0.5}, 400, "track"),
    ("POST", "/next/1", {"track": "1", "time": 0.5}, 400, "track"),
    ("POST", "/next/1", {"track": 1.0, "time": 0.5}, 400, "track"),
    ("POST", "/next/1", {"track": True, "time": 0.5}, 400, "track"),
    ("POST", "/next/1", {"track": None, "time": 0.5}, 400, "track"),
    ("POST", "/next/1", {"time": 0.5}, 400, "missing"),
    ("POST", "/next/1", {"track": 1}, 400, "missing"),
    ("POST", "/next/1", {"track": 1, "time": 0.5, "extra": 1}, 400, "extra"),
    ("POST", "/next/1", {"track": 1, "time": "0.5"}, 400, "time"),
    ("POST", "/next/1", {"track": 1, "time": False}, 400, "time"),
    ("POST", "/next/1", {"track": 1, "time": 1.01}, 400, "time"),
    ("POST", "/next/1", {"track": 1, "time": -0.01}, 400, "time"),
    ("POST", "/next/1", b'{"track": 1, "time": NaN}', 400, "NaN"),
    ("POST", "/next/1", b'{"track": 1, "time": Infinity}', 400, "Infinity"),
    ("POST", "/next/1", b'{"track": 1, "time": 1e999}', 400, "time"),
    ("POST", "/next/1", b'{"track": 1, "time": 0.5', 400, "JSON"),
    ("POST", "/next/1", b"", 400, "JSON"),
    ("POST", "/next/1", b"\xff\xfe", 400, "JSON"),
    ("POST", "/next/1", [1, 0.5], 400, "object"),
    ("POST", "/next/1", b"[" * 100000, 413, ""),
    ("POST", "/next/1", {"track": 1, "time": 0.5, "pad": "x" * 5000}, 413, ""),
    ("GET", "/next/1", None, 405, "method"),
    ("PUT", "/last/1", {"track": 1, "time": 0.5}, 405, "method"),
    ("POST", "/last/x", {"track": 1, "time": 0.5}, 400, "user"),
    ("POST", "/last/1", {"track": 1, "time": 2}, 400, "time"),
    ("POST", "/last/1", {"track": 100, "time": 0.5}, 404, "unknown track"),
    ("POST", "/nowhere", {"track": 1, "time": 0.5}, 404, ""),
]


@pytest.mark.parametrize("method, path, body, status, words", BAD_INPUTS)
def test_bad_input_is_a_json_4xx_and_is_not_logged(app, client, method, path, body, status, words):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body)
    answer = client.open(path, method=method, data=data, content_type="application/json")
    assert answer.status_code == status
    assert answer.is_json and words in answer.json["error"]
    assert logged(app) == []
    assert client.post("/next/1", json={"track": 1, "time": 0.5}).status_code == 200  # still serving


def test_last_tells_the_users_recommender_that_the_session_ended(client, monkeypatch):
    ended = []
    monkeypatch.setattr(Random, "end_session",
                        lambda self, user, track, time: ended.append((user, track, time)))
    assert client.post("/last/4", json={"track": 3, "time": 0.25}).status_code == 200
    assert ended == [(4, 3, 0.25)]
