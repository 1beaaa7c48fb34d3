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
"""

import errno
import socket

from gunicorn.app.base import BaseApplication

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


class Server(BaseApplication):
    """Serves an already built WSGI app; every worker binds (host, port) with ``SO_REUSEPORT``."""

    def __init__(self, app, host, port, workers, threads=4):
        self.application = app
        self.options = {
            "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
            "reuse_port": True,
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
        }
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application
