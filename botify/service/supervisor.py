"""One running service: Redis (embedded or external), the loaded data, gunicorn, and the cleanup.

Cleanup runs only in the process that started everything: gunicorn workers are
forks of it and leave through the same ``finally`` blocks.
"""

import logging
import os
import signal
import sys

from botify.errors import ServiceError
from botify.service.active_experiment import find_experiment
from botify.service.app import create_app
from botify.service.artifacts import artifact_files, load_artifact
from botify.service.catalog import load_catalog
from botify.service.description import write_description
from botify.service.embedded_redis import EmbeddedRedis
from botify.service.gunicorn_server import Server, listen
from botify.service.readiness import treatment_data
from botify.service.runstate import read_state, remove_state, write_state
from botify.service.store import UNAVAILABLE, Store, connect

LOG_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s"


class Service:
    def __init__(self, data, host, port, workers, redis_url, experiment, log_dir):
        self.data, self.host, self.port, self.workers = data, host, port, workers
        self.redis_url, self.experiment, self.log_dir = redis_url, experiment, log_dir
        self.logger = _logger()
        self.pid = os.getpid()
        self.embedded = None
        self.sock = None

    def run(self):
        """Start, serve until SIGTERM/SIGINT, clean up; return the exit code."""
        running = read_state(self.data)
        if running:
            raise ServiceError(f"a service (pid {running['pid']}) already runs on {self.data} at {running['url']}")
        signal.signal(signal.SIGTERM, _exit_on_signal)  # gunicorn installs its own handlers later
        try:
            self.sock = listen(self.host, self.port)  # holds the port while loading
            self._start_redis()
            loaded = self._load()
            app = self._app()
            self._describe(loaded, app.config["SEED"])
            port = self.sock.getsockname()[1]
            url = f"http://{self.host}:{port}"
            write_state(self.data, url, self.redis_url, self.pid)
            self.logger.info("botify serves experiment %s at %s (Redis %s)", self.experiment, url, self.redis_url)
            server = Server(app, self.host, port, self.workers)
            self.sock.close()  # the workers bind their own SO_REUSEPORT sockets now
            self.sock = None
            server.run()
        finally:
            if os.getpid() == self.pid:
                self._cleanup()
        return 0

    def _start_redis(self):
        if self.redis_url:
            try:
                connect(self.redis_url).ping()
            except UNAVAILABLE as error:
                raise ServiceError(f"cannot reach Redis at {self.redis_url}: {error}") from None
            return
        self.logger.info("starting the embedded Redis")
        self.embedded = EmbeddedRedis().start()
        self.redis_url = self.embedded.url

    def _load(self):
        client = connect(self.redis_url, timeout=60)
        try:
            size = load_catalog(client, self.data / "catalog" / "tracks.jsonl", self.logger)
            for path in artifact_files(self.data / "artifacts"):
                load_artifact(client, path, size, logger=self.logger)
            return Store(client).artifacts()
        finally:
            client.close()

    def _describe(self, loaded, seed):
        """Write the log's description and say, one line each, which arm has no data to serve from."""
        path = write_description(self.log_dir, self.experiment, seed, loaded)
        self.logger.info("what is served is described in %s", path)
        for treatment, data in treatment_data(find_experiment(self.experiment), loaded).items():
            if data["problem"]:
                self.logger.warning("experiment %s, %s: %s", self.experiment, treatment, data["problem"])

    def _app(self):
        return create_app({"REDIS_URL": self.redis_url, "LOG_DIR": str(self.log_dir), "EXPERIMENT": self.experiment})

    def _cleanup(self):
        remove_state(self.data, self.pid)
        if self.embedded is not None:
            self.embedded.stop()
            self.logger.info("embedded Redis stopped")
        if self.sock is not None:
            self.sock.close()


def _logger():
    logger = logging.getLogger("botify")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT, "%Y-%m-%d %H:%M:%S %z"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return logger


def _exit_on_signal(signum, frame):
    sys.exit(128 + signum)
