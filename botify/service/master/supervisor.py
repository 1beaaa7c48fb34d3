"""The master process of ``botify serve``: Redis, the data, gunicorn, the watch over Redis, the cleanup.

It loads the data folder into Redis, forks the gunicorn workers, and watches
Redis for as long as it serves (``redis_watch.py``): the embedded Redis is
restarted if it dies, and the data folder reloaded whenever Redis lost it.
Cleanup runs only in this process: gunicorn workers are forks of it and leave
through the same ``finally`` blocks. Stopped by a signal, it exits 128 + the
signal's number (130 for Ctrl-C, 143 for SIGTERM), as interrupted commands do.
"""

import logging
import os
import signal
import sys
import threading
import time

from botify.errors import ServiceError
from botify.fields import EXIT_WITH_PARENT, LAUNCH_ID
from botify.service import registry
from botify.service.app import create_app
from botify.service.arm_artifacts import arm_artifacts
from botify.service.discovery import announce, find_running, withdraw
from botify.service.loading.data_folder import eviction_problem, load_data_folder
from botify.service.master.description import write_description
from botify.service.master.embedded_redis import EmbeddedRedis
from botify.service.master.gunicorn_app import GunicornApp, listen, tcp_bind
from botify.service.master.redis_watch import RedisWatch
from botify.service.shared_page import READY, SharedPage
from botify.service.store import UNAVAILABLE, connect

LOG_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s"
FIRST_GENERATION = 1


class Supervisor:
    def __init__(self, data, host, port, workers, redis_url, experiment, log_dir, socket=None):
        self.data, self.host, self.port, self.workers, self.socket = data, host, port, workers, socket
        self.redis_url, self.experiment, self.log_dir = redis_url, experiment, log_dir
        self.logger = _logger()
        self.pid = os.getpid()
        self.embedded = self.sock = self.watch = None
        self.page = SharedPage()

    def run(self):
        """Start, serve until a signal (or until Redis is lost for good), clean up; return the exit code."""
        running = find_running(self.data)
        if running:
            raise ServiceError(
                f"a service (pid {running['pid']}) already runs on {self.data} at {running['url']}")
        signal.signal(signal.SIGTERM, _exit_on_signal)  # gunicorn installs its own handlers later
        if os.environ.get(EXIT_WITH_PARENT):
            threading.Thread(target=self._exit_with_parent, name="parent-watch", daemon=True).start()
        try:
            return self._serve()
        finally:
            if os.getpid() == self.pid:
                self._cleanup()

    def _serve(self):
        if self.socket is None:
            self.sock = listen(self.host, self.port)  # holds the port while loading
        self._start_redis()
        size, loaded = self._load()
        app = create_app({"REDIS_URL": self.redis_url, "LOG_DIR": str(self.log_dir),
                          "EXPERIMENT": self.experiment,
                          "SHARED_PAGE": self.page, "WORKERS": self.workers})
        self._describe(loaded, app.config["SEED"])
        self.page.publish(READY, generation=FIRST_GENERATION, catalog_size=size)
        if self.socket is None:
            port = self.sock.getsockname()[1]
            bind, url = tcp_bind(self.host, port), f"http://{self.host}:{port}"
            self.sock.close()  # the workers bind their own SO_REUSEPORT sockets now
            self.sock = None
        else:
            bind = url = f"unix:{self.socket}"
        server = GunicornApp(app, bind, self.workers, page=self.page,
                             when_ready=lambda: self._when_gunicorn_listens(url))
        try:
            server.run()
        except SystemExit:
            pass  # gunicorn halted; why is told below
        if self.watch is not None and self.watch.failure:
            raise ServiceError(f"stopped: {self.watch.failure}")
        return 128 + server.stopped_by if server.stopped_by else 0

    def _start_redis(self):
        if self.redis_url:
            client = connect(self.redis_url)
            try:
                client.ping()
                problem = eviction_problem(client, self.redis_url)
            except UNAVAILABLE as error:
                raise ServiceError(f"cannot reach Redis at {self.redis_url}: {error}") from None
            finally:
                client.close()
            if problem:
                raise ServiceError(problem)
            return
        self.logger.info("starting the embedded Redis")
        self.embedded = EmbeddedRedis().start()
        self.redis_url = self.embedded.url

    def _load(self):
        client = connect(self.redis_url, timeout=60)
        try:
            return load_data_folder(client, self.data, FIRST_GENERATION, self.logger)
        finally:
            client.close()

    def _describe(self, loaded, seed):
        """Write the log's description and say, one line each, which arm has no data to serve from."""
        path = write_description(self.log_dir, self.experiment, seed, loaded)
        self.logger.info("what is served is described in %s", path)
        for treatment, data in arm_artifacts(registry.find_experiment(self.experiment), loaded).items():
            if data["problem"]:
                self.logger.warning("experiment %s, %s: %s", self.experiment, treatment, data["problem"])

    def _when_gunicorn_listens(self, url):
        """In the master, once gunicorn runs: start the watch; announce the URL when every worker serves."""
        self.watch = RedisWatch(self.page, self.redis_url, self.data, self.logger, FIRST_GENERATION,
                                embedded=self.embedded, give_up=lambda: os.kill(self.pid, signal.SIGTERM))
        self.watch.start()
        threading.Thread(target=self._announce, args=(url,), name="announce", daemon=True).start()

    def _announce(self, url, timeout=120):
        """Write <data>/run/serve.json once all workers listen: whoever finds it can send traffic at once."""
        deadline = time.monotonic() + timeout
        while self.page.workers_ready() < self.workers and time.monotonic() < deadline:
            time.sleep(0.02)
        announce(self.data, url, self.redis_url, self.pid, launch=os.environ.get(LAUNCH_ID))
        self.logger.info("botify serves experiment %s at %s (Redis %s)", self.experiment, url, self.redis_url)

    def _exit_with_parent(self, every=0.5):
        """Stop (SIGTERM to ourselves, so the normal cleanup runs) once the process that started us is gone:
        a notebook kernel that was killed leaves no service behind, on any OS."""
        parent = os.getppid()
        while os.getppid() == parent:
            time.sleep(every)
        self.logger.warning("the process that started botify serve (pid %d) is gone; stopping", parent)
        os.kill(self.pid, signal.SIGTERM)

    def _cleanup(self):
        withdraw(self.data, self.pid)
        if self.watch is not None:
            self.watch.stop()
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
