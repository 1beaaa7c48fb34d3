"""Shared fixtures: a real Redis, a tiny catalog, the Flask app and client, a real ``botify serve``.

Reusable by every botify test module:
    redis_server    session: a real embedded ``redis-server`` (EmbeddedRedis: .url, .kill(), .start())
    redis_url       its URL, emptied (FLUSHALL) before the test
    redis_client    a redis-py client on it (closed after the test)
    write_catalog   function (folder, tracks=30, artists=10) -> path of a tiny tracks.jsonl
    data_dir        a tmp ``data/`` folder with a 30-track catalog (10 artists) and an empty artifacts/
    make_app        function (**config) -> app on redis_url with the tiny catalog loaded, log in tmp
    app, client     make_app() (experiment AA) and its test client
    start_botify    function (...) -> RunningBotify: a real ``botify serve`` subprocess on a free port,
                    stopped after the test (start_botify_shared: the same, stopped after the module)
    botify_server   module: start_botify_shared() with defaults: .url, .log_dir, .redis_url, .data,
                    .events(), .stderr(), .stop(signal)
"""

import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest
import requests

from botify.service import create_app
from botify.service.catalog import load_catalog
from botify.service.embedded_redis import EmbeddedRedis
from botify.service.store import connect

BOTIFY = str(pathlib.Path(sys.executable).with_name("botify"))  # the console script, as users run it

ARTISTS = 10
TRACKS = 30


@pytest.fixture(scope="session")
def redis_server():
    server = EmbeddedRedis().start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    if redis_server.process is None:  # a test killed it and did not restart it
        redis_server.start()
    client = connect(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


@pytest.fixture
def redis_client(redis_url):
    client = connect(redis_url)
    yield client
    client.close()


@pytest.fixture
def write_catalog():
    return _write_catalog


def _write_catalog(folder, tracks=TRACKS, artists=ARTISTS):
    """Tracks 0..tracks-1; track t is by "artist {t % artists}"."""
    path = pathlib.Path(folder) / "catalog" / "tracks.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as file:
        for track in range(tracks):
            record = {"track": track, "artist": f"artist {track % artists}", "title": f"song {track}",
                      "genre": ["rock", "jazz"][track % 2], "duration": 180 + track, "year": 1990 + track % 30}  # fmt: skip
            file.write(json.dumps(record) + "\n")
    return path


@pytest.fixture
def data_dir(tmp_path):
    data = tmp_path / "data"
    _write_catalog(data)
    (data / "artifacts").mkdir()
    return data


@pytest.fixture
def make_app(redis_url, data_dir, tmp_path):
    apps = []

    def make(**config):
        client = connect(redis_url)
        load_catalog(client, data_dir / "catalog" / "tracks.jsonl")
        client.close()
        settings = {"REDIS_URL": redis_url, "LOG_DIR": str(tmp_path / "log"), "SEED": 7}
        apps.append(create_app({**settings, **config}))
        return apps[-1]

    yield make
    for app in apps:
        close_resources(app)


def close_resources(app):
    """Close the Redis client and the event log an app opened in this process."""
    store, log = app.extensions.get("botify.store"), app.extensions.get("botify.events")
    if store is not None:
        store.redis.close()
    if log is not None:
        log.close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


class RunningBotify:
    """A ``botify serve`` subprocess; ``stop()`` sends SIGTERM (or another signal) and waits."""

    def __init__(self, process, data, log_dir, stderr_path):
        self.process, self.data, self.log_dir, self.stderr_path = process, data, log_dir, stderr_path
        state = json.loads((data / "run" / "serve.json").read_text())
        self.url, self.redis_url = state["url"], state["redis_url"]

    def events(self):
        """Every event written so far, parsed, ordered by timestamp (each worker writes its own file)."""
        lines = [line for path in self.log_dir.glob("events*.jsonl*") for line in path.read_text().splitlines()]
        return sorted(map(json.loads, lines), key=lambda event: event["timestamp"])

    def stderr(self):
        return self.stderr_path.read_text()

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout)
        return self.process.returncode


class Launcher:
    """Starts ``botify serve`` subprocesses on free ports with a tiny catalog; stops them all at the end."""

    def __init__(self, tmp_path_factory):
        self.tmp_path_factory = tmp_path_factory
        self.started = []

    def start(self, experiment="AA", workers=2, data=None, redis_url=None, log_dir=None, env=None, args=()):
        folder = self.tmp_path_factory.mktemp("botify-serve")
        if data is None:
            data = folder / "data"
            _write_catalog(data)
        log_dir = log_dir or folder / "log"
        command = [BOTIFY, "serve", "--data", str(data), "--port", "0",
                   "--workers", str(workers), "--experiment", experiment, "--log-dir", str(log_dir), *args]  # fmt: skip
        if redis_url:
            command += ["--redis-url", redis_url]
        environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        stderr_path = folder / "serve.stderr"
        with open(stderr_path, "w") as stderr:
            process = subprocess.Popen(command, env={**environment, **(env or {})}, stderr=stderr)
        self.started.append(process)
        _wait_for_state(process, data, stderr_path)
        service = RunningBotify(process, pathlib.Path(data), pathlib.Path(log_dir), stderr_path)
        _wait_serving(service)
        return service

    def stop_all(self):
        for process in self.started:
            if process.poll() is None:
                process.terminate()
        for process in self.started:
            process.wait(30)


@pytest.fixture
def start_botify(tmp_path_factory):
    """Factory: start_botify(experiment="AA", workers=2, data=None, redis_url=None, log_dir=None, env=None, args=())."""
    launcher = Launcher(tmp_path_factory)
    yield launcher.start
    launcher.stop_all()


@pytest.fixture(scope="module")
def start_botify_shared(tmp_path_factory):
    """The same factory, its services shared by the tests of one module (start-up costs seconds)."""
    launcher = Launcher(tmp_path_factory)
    yield launcher.start
    launcher.stop_all()


def _wait_for_state(process, data, stderr_path, timeout=60):
    deadline = time.monotonic() + timeout
    while not (pathlib.Path(data) / "run" / "serve.json").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"botify serve did not start:\n{stderr_path.read_text()[-3000:]}")
        time.sleep(0.05)


def _wait_serving(service, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = requests.get(service.url + "/health", timeout=5)
            if answer.status_code == 200 or answer.json().get("serving"):  # "degraded": an arm lacks its data
                return
        except (requests.ConnectionError, ValueError):  # not up yet, or not JSON yet
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"botify serve is not serving:\n{service.stderr()[-3000:]}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def botify_server(start_botify_shared):
    """One default service (AA, 2 workers, tiny catalog) shared by a module's tests: compare event counts."""
    return start_botify_shared()
