"""``botify serve`` as a real subprocess over real HTTP: endpoints, state file, shutdown, start-up errors."""

import json
import os
import pathlib
import signal
import socket
import subprocess
import sys

import pytest
import requests

from botify import fields
from botify.service.master.gunicorn_app import listen

BOTIFY = str(pathlib.Path(sys.executable).with_name("botify"))  # the console script, as users run it

pytestmark = pytest.mark.slow


def serve(*args, env=None):
    """Run ``botify serve`` expecting it to fail fast; return the finished process."""
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    command = [BOTIFY, "serve", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60,
                          env={**environment, **(env or {})})


def test_serves_every_endpoint_over_http_and_logs_events(botify_server):
    url, before = botify_server.url, botify_server.events()
    assert requests.get(url + "/").json()["status"] == "alive"
    assert requests.get(url + "/health").json()["tracks"] == 30
    assert requests.get(url + "/track/2").json()["artist"] == "artist 2"
    assert requests.get(url + "/experiments").json()["active"] == "AA"
    answer = requests.post(url + "/next/4", json={"track": 2, "time": 1.0})
    assert answer.status_code == 200 and 0 <= answer.json()["track"] < 30
    assert requests.post(url + "/last/4",
                         json={"track": answer.json()["track"], "time": 0.2}).json() == {"user": 4}
    bad = requests.post(url + "/next/4", data=b"{oops", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and "error" in bad.json()
    added = [event for event in botify_server.events() if event not in before]
    assert sorted(event[fields.MESSAGE] for event in added) == ["last", "next"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_workers_and_the_embedded_redis_and_removes_the_state(start_botify, sig):
    service = start_botify(workers=1)
    socket_path = pathlib.Path(service.redis_url.removeprefix("unix://"))
    assert socket_path.exists() and (service.data / "run" / "serve.json").exists()
    assert service.stop(sig) == 128 + sig  # 143 for SIGTERM, 130 for Ctrl-C
    assert not socket_path.exists() and not socket_path.parent.exists()
    assert not (service.data / "run" / "serve.json").exists()
    assert "embedded Redis stopped" in service.server_log()


def test_the_state_file_tells_where_the_service_and_its_redis_are(botify_server):
    state = json.loads((botify_server.data / "run" / "serve.json").read_text())
    assert state["url"] == botify_server.url and state["redis_url"].startswith("unix://")
    assert state["pid"] == botify_server.process.pid


def test_catalog_and_artifacts_are_loaded_with_progress_in_the_log(start_botify, tmp_path, write_catalog):
    data = tmp_path / "data"
    write_catalog(data)
    (data / "artifacts").mkdir()
    (data / "artifacts" / "top_tracks.json").write_text("[3, 2, 1]")
    service = start_botify(data=data, experiment="TOP_POP")
    assert (requests.get(service.url + "/health").json()["artifacts"]
            == {"top_tracks": {"kind": "popularity", "size": 3}})
    log = service.server_log()
    assert ("catalog: 30 tracks by 10 artists loaded" in log
            and "artifact top_tracks (popularity, 3 entries)" in log)
    assert "Booting worker" in log and f"botify serves experiment TOP_POP at {service.url}" in log
    assert f"Listening at: {service.url} (one socket per worker)" in log  # not gunicorn's empty list


def test_a_taken_port_is_one_line_and_exit_2(data_dir):
    taken = listen("127.0.0.1", 0)
    port = taken.getsockname()[1]
    result = serve("--data", data_dir, "--port", port)
    taken.close()
    assert result.returncode == 2
    assert result.stderr.strip() == (f"botify serve: error: cannot listen on 127.0.0.1:{port}: "
                                     "the port is already in use")


def test_a_missing_catalog_is_one_line_and_exit_2(tmp_path):
    result = serve("--data", tmp_path / "nothing", "--port", 0)
    assert result.returncode == 2
    assert (result.stderr.startswith("botify serve: error: catalog not found:")
            and "Traceback" not in result.stderr)


def test_a_malformed_catalog_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "tracks.jsonl").write_text("{oops\n")
    result = serve("--data", tmp_path, "--port", 0)
    assert result.returncode == 2 and "tracks.jsonl:1: not JSON" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "run" / "serve.json").exists()


def test_an_unknown_experiment_is_one_line_and_exit_2(data_dir):
    result = serve("--data", data_dir, "--experiment", "NOPE")
    assert result.returncode == 2 and "unknown experiment 'NOPE'" in result.stderr


def test_an_unreachable_external_redis_is_one_line_and_exit_2(data_dir, tmp_path):
    result = serve("--data", data_dir, "--port", 0, "--redis-url", f"unix://{tmp_path}/none.sock")
    assert result.returncode == 2 and "cannot reach Redis" in result.stderr


def test_an_external_redis_that_evicts_any_key_is_refused_in_one_line(data_dir, redis_client, redis_url):
    redis_client.config_set("maxmemory", 100 * 2**20)
    redis_client.config_set("maxmemory-policy", "allkeys-lru")
    try:
        result = serve("--data", data_dir, "--port", 0, "--redis-url", redis_url)
    finally:
        redis_client.config_set("maxmemory", 0)
        redis_client.config_set("maxmemory-policy", "noeviction")
    assert result.returncode == 2 and "maxmemory-policy allkeys-lru" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_second_service_on_the_same_data_is_refused(botify_server):
    result = serve("--data", botify_server.data, "--port", 0)
    assert result.returncode == 2 and "already runs on" in result.stderr


BAD_OVER_HTTP = [
    ("POST", "/next/x", b'{"track": 1, "time": 0.5}', 400),
    ("POST", "/next/1", b'{"track": 1, "time": NaN}', 400),
    ("POST", "/next/1", b'{"track": 1}', 400),
    ("POST", "/next/1", b'{"track": 99, "time": 0.5}', 404),
    ("POST", "/next/1", b'{"track": 1, "time": 0.5, "pad": "' + b"x" * 100_000 + b'"}', 413),
    ("GET", "/last/1", None, 405),
]


def test_bad_input_over_http_is_json_4xx_and_never_logged(botify_server):
    """The in-process table (test_service_listening.py) again, through gunicorn: one service for all cases."""
    before = botify_server.events()
    for method, path, data, status in BAD_OVER_HTTP:
        headers = {"Content-Type": "application/json"}
        answer = requests.request(method, botify_server.url + path, data=data, headers=headers)
        assert answer.status_code == status and "error" in answer.json(), (path, data[:40] if data else None)
    assert requests.post(botify_server.url + "/next/1", json={"track": 1, "time": 0.5}).status_code == 200
    assert [event["user"] for event in botify_server.events() if event not in before] == [1]


def test_web_workers_never_load_pandas_torch_or_lightfm(botify_server):
    """The design's promise (start time, memory), checked on the live worker processes' memory maps."""
    children = pathlib.Path(f"/proc/{botify_server.process.pid}/task/{botify_server.process.pid}/children")
    workers = [pid for pid in children.read_text().split()
               if "redis" not in pathlib.Path(f"/proc/{pid}/comm").read_text()]
    assert workers
    for pid in [str(botify_server.process.pid), *workers]:
        maps = pathlib.Path(f"/proc/{pid}/maps").read_text()
        assert not [library for library in ("/pandas/", "/torch/", "/lightfm/") if library in maps], pid


def test_the_log_describes_what_is_served(botify_server):
    """experiments.json beside the events: the analysis labels arms from it, never from today's registry."""
    description = json.loads((botify_server.log_dir / fields.DESCRIPTION_FILE).read_text())
    assert description["active"] == "AA" and description["seed"] == 0 and description["artifacts"] == {}
    assert description["experiments"]["COLLABORATIVE"]["treatments"] == {"C": "Random", "T1": "Collaborative"}
    assert description["experiments"]["COLLABORATIVE"]["split"] == {"C": 0.5, "T1": 0.5}
    assert description["recommenders"]["Contextual"] == {
        "module": "botify.service.recommenders.contextual", "artifact": "contextual", "kind": "per-track"}


def test_an_arm_without_its_artifact_is_named_at_start_in_health_and_in_the_log(start_botify):
    service = start_botify(experiment="CONTEXTUAL")
    log = service.server_log()
    assert "experiment CONTEXTUAL, T1: Contextual has no data: artifact 'contextual' is not loaded" in log
    assert "`botify train contextual --logs log --data data`" in log and "botify upload" in log
    health = requests.get(service.url + "/health")
    assert health.status_code == 503 and health.json()["status"] == "degraded" and health.json()["serving"]
    assert health.json()["treatments"]["C"]["loaded"] and not health.json()["treatments"]["T1"]["loaded"]
    by_arm = {}
    for user in range(40):
        requests.post(f"{service.url}/next/{user}", json={"track": 3, "time": 0.5}).raise_for_status()
    for event in service.events():
        by_arm.setdefault(event["experiments"]["CONTEXTUAL"], set()).add(event[fields.FALLBACK])
    assert by_arm == {"C": {False}, "T1": {True}}  # StickyArtist has the catalog; Contextual has nothing


@pytest.mark.parametrize("request_bytes, status", [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /health HTTP/9.9\r\nHost: x\r\n\r\n", 400),
    (b"GET /" + b"x" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
], ids=["no-request-line", "bad-version", "line-too-long"])
def test_requests_gunicorn_itself_rejects_get_json_errors_too(botify_server, request_bytes, status):
    host, port = botify_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request_bytes)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == str(status).encode()
    assert b"Content-Type: application/json" in head and "error" in json.loads(body)
