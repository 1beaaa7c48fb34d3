"""GET endpoints: liveness, Redis health, track metadata, experiments; Redis down means 503 JSON."""

import pytest

from botify.service import create_app, registry


def test_root_says_alive_without_touching_redis():
    app = create_app({"REDIS_URL": "unix:///nonexistent/redis.sock"})
    answer = app.test_client().get("/")
    assert answer.status_code == 200 and answer.json["status"] == "alive"


def test_health_reports_redis_and_the_catalog(client):
    answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.json["redis"] == "ok" and answer.json["tracks"] == 30


def test_redis_unreachable_is_a_json_503(tmp_path):
    app = create_app({"REDIS_URL": f"unix://{tmp_path}/nothing.sock", "LOG_DIR": str(tmp_path)})
    answer = app.test_client().get("/track/1")
    assert answer.status_code == 503 and "Redis is unavailable" in answer.json["error"]
    health = app.test_client().get("/health")
    assert health.status_code == 503
    assert health.json["status"] == "unavailable" and not health.json["serving"]
    assert "Redis is unreachable" in health.json["reasons"][0]


def test_next_without_a_loaded_catalog_is_a_json_503(redis_url, tmp_path):
    app = create_app({"REDIS_URL": redis_url, "LOG_DIR": str(tmp_path)})
    answer = app.test_client().post("/next/1", json={"track": 1, "time": 1})
    assert answer.status_code == 503 and "catalog" in answer.json["error"]


def test_track_returns_the_catalog_record(client):
    answer = client.get("/track/13")
    assert answer.status_code == 200
    assert answer.json["track"] == 13 and answer.json["artist"] == "artist 3"


@pytest.mark.parametrize("path, status", [("/track/30", 404), ("/track/x", 400), ("/track/-2", 400)])
def test_track_rejects_unknown_and_malformed_ids(client, path, status):
    answer = client.get(path)
    assert answer.status_code == status and "track" in answer.json["error"]


def test_experiments_lists_every_registered_one_and_the_active_one(make_app):
    answer = make_app(EXPERIMENT="CONTEXTUAL").test_client().get("/experiments")
    assert answer.json["active"] == "CONTEXTUAL"
    listed = {item["name"]: item["treatments"] for item in answer.json["experiments"]}
    assert list(listed) == [experiment.name for experiment in registry.EXPERIMENTS]
    assert listed["CONTEXTUAL"] == {"C": "StickyArtist", "T1": "Contextual"}


def test_wrong_method_on_a_get_endpoint_is_a_json_405(client):
    answer = client.post("/health")
    assert answer.status_code == 405 and answer.is_json
