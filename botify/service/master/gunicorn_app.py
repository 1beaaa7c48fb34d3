"""gunicorn, driven from Python: a production WSGI server with N worker processes (never Flask's dev server).

Each worker listens on its own ``SO_REUSEPORT`` socket, so the kernel spreads
new connections over the workers. With one shared socket, the first worker to
wake up could take every keep-alive connection (in the benchmark it often took
all of them) while the others idled, halving throughput.
The CLI first binds the address itself without ``SO_REUSEPORT``: a taken port
is one clear error instead of gunicorn's retries, and ``--port 0`` resolves to
a free port whose number we know. It closes that socket just before gunicorn
starts, so a client that connected while the catalog was loading is reset and
must retry (health checks do).

Requests gunicorn itself rejects (a malformed request line, headers too large)
are answered with JSON ``{"error": ...}`` like every other error: each worker
swaps gunicorn's HTML error writer for ``write_json_error``.
"""

import errno
import json
import logging
import signal
import socket

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from botify.errors import ServiceError


def listen(host, port, backlog=2048):
    """A bound, listening TCP socket on (host, port); ServiceError if the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = "the port is already in use" if error.errno == errno.EADDRINUSE else error.strerror
        raise ServiceError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.listen(backlog)
    return sock


def tcp_bind(host, port):
    """gunicorn's name for a TCP address."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class GunicornApp(BaseApplication):
    """Serves an already built WSGI app on ``bind``: a TCP address (``tcp_bind``), which every worker binds
    with ``SO_REUSEPORT``, or ``unix:PATH``, a unix socket the master binds and the workers share.

    ``page`` (a SharedPage) learns which workers booted; ``when_ready`` runs
    in the master once gunicorn listens. ``stopped_by`` is the signal that
    stopped the server (None if it stopped for another reason).
    """

    def __init__(self, app, bind, workers, page=None, when_ready=None, threads=4):
        self.application = app
        self.page = page
        self.stopped_by = None
        self.options = {
            "bind": [bind],
            "reuse_port": not bind.startswith("unix:"),
            "workers": workers,
            "worker_class": "gthread",  # threads + keep-alive: ~2.5x the throughput of sync workers here
            "threads": threads,
            "proc_name": "botify",
            "preload_app": True,
            "control_socket_disable": True,  # else every instance fights over ~/.gunicorn/gunicorn.ctl
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            "timeout": 30,
            "graceful_timeout": 10,
            "post_fork": _answer_errors_in_json,
            "post_worker_init": self._worker_booted,
            "worker_exit": self._worker_exited,
            "when_ready": lambda arbiter: when_ready and when_ready(),
        }
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application

    def run(self):
        """Serve until a signal or a halt; remember which signal it was."""
        arbiter = _SignalRecordingArbiter(self)
        arbiter.log.error_log.addFilter(_NameTheAddress(self.options["bind"][0]))
        try:
            arbiter.run()
        finally:
            self.stopped_by = arbiter.stopped_by

    def _worker_booted(self, worker):
        if self.page is not None:
            self.page.worker_booted(worker.age, worker.pid)

    def _worker_exited(self, arbiter, worker):
        if self.page is not None:
            self.page.worker_exited(worker.age, worker.pid)


class _SignalRecordingArbiter(Arbiter):
    stopped_by = None

    def handle_term(self):
        self.stopped_by = self.stopped_by or signal.SIGTERM
        super().handle_term()

    def handle_int(self):
        self.stopped_by = self.stopped_by or signal.SIGINT
        super().handle_int()


class _NameTheAddress(logging.Filter):
    """gunicorn's master logs the sockets it listens on, and with one socket per worker it has none: its
    "Listening at:" line would be empty, so it names the address the workers bind instead."""

    def __init__(self, address):
        super().__init__()
        self.address = f"http://{address} (one socket per worker)"

    def filter(self, record):
        if str(record.msg).startswith("Listening at:") and record.args and not record.args[0]:
            record.args = (self.address, *record.args[1:])
        return True


def _answer_errors_in_json(arbiter, worker):
    util.write_error = write_json_error


def write_json_error(sock, status_int, reason, mesg):
    """gunicorn's rejection of a malformed request, as ``{"error": ...}`` JSON instead of an HTML page."""
    body = json.dumps({"error": f"{reason}: {mesg}"}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1")
    util.write_nonblock(sock, head + body)
