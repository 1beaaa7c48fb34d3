"""gunicorn, driven from Python: a production WSGI server with N worker processes (never Flask's dev server).

The CLI binds the listening socket itself and hands gunicorn its file
descriptor: a taken port is then one clear error instead of gunicorn's
retries, and ``--port 0`` gets a free port whose number we know.
"""

import errno
import socket

from gunicorn.app.base import BaseApplication


class PortError(OSError):
    """The address cannot be listened on (usually: the port is taken)."""


def listen(host, port, backlog=2048):
    """A bound, listening, inheritable TCP socket on (host, port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = "the port is already in use" if error.errno == errno.EADDRINUSE else error.strerror
        raise PortError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


class Server(BaseApplication):
    """Serves an already built WSGI app on an already bound socket."""

    def __init__(self, app, sock, workers, threads=4):
        self.application = app
        self.options = {
            "bind": [f"fd://{sock.fileno()}"],
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
