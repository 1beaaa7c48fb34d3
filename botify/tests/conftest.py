"""Shared fixtures: a real Redis, a tiny catalog, the Flask app and client, a real ``botify serve``.

Reusable by every botify test module:
    redis_server    session: a real embedded ``redis-server`` (EmbeddedRedis: .url, .kill(), .start())
    redis_url       its URL, emptied (FLUSHALL) before the test
    redis_client    a redis-py client on it (closed after the test)
    write_catalog   function (folder, tracks=30, artists=10) -> path of a tiny tracks.jsonl
    data_dir        a tmp ``data/`` folder with a 30-track catalog (10 artists) and an empty artifacts/
    make_app        function (**config) -> app on redis_url with the tiny catalog loaded, log in tmp
    app, client     make_app() (experiment AA) and its test client
    start_botify    function (...) -> ServeProcess (botify.launcher): a real ``botify serve`` on a free port,
                    stopped after the test (start_botify_shared: the same, stopped after the module)
    botify_server   module: start_botify_shared() with defaults: .url, .log_dir, .redis_url, .data,
                    .events(), .server_log(), .stop(signal)
"""

import json
import pathlib
import sys

import pytest

from botify.launcher import start_serve
from botify.service import create_app
from botify.service.loading.catalog import load_catalog
from botify.service.master.embedded_redis import EmbeddedRedis
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
                      "genre": ["rock", "jazz"][track % 2], "duration": 180 + track,
                      "year": 1990 + track % 30}  # fmt: skip
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


class Launcher:
    """Starts ``botify serve`` (through the course's launcher) on free ports with a tiny catalog; stops
    them all."""

    def __init__(self, tmp_path_factory):
        self.tmp_path_factory = tmp_path_factory
        self.started = []

    def start(self, experiment="AA", workers=2, data=None, redis_url=None, log_dir=None, env=None,
              plugins=()):
        folder = self.tmp_path_factory.mktemp("botify-serve")
        if data is None:
            data = folder / "data"
            _write_catalog(data)
        service = start_serve(data, experiment, log_dir=log_dir or folder / "log", workers=workers,
                              redis_url=redis_url, plugins=plugins, env={"REDIS_URL": None, **(env or {})})
        self.started.append(service)
        return service

    def stop_all(self):
        for service in self.started:
            service.stop()


@pytest.fixture
def start_botify(tmp_path_factory):
    """Factory: start_botify(experiment="AA", workers=2, data=None, redis_url=None, log_dir=None, env=None,
    plugins=())."""
    launcher = Launcher(tmp_path_factory)
    yield launcher.start
    launcher.stop_all()


@pytest.fixture(scope="module")
def start_botify_shared(tmp_path_factory):
    """The same factory, its services shared by the tests of one module (start-up costs seconds)."""
    launcher = Launcher(tmp_path_factory)
    yield launcher.start
    launcher.stop_all()


@pytest.fixture(scope="module")
def botify_server(start_botify_shared):
    """One default service (AA, 2 workers, tiny catalog) shared by a module's tests: compare event counts."""
    return start_botify_shared()
