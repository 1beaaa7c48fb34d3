"""Start, watch and always stop the processes of a course run (the demo, tests).

Each child gets its own process group, so stopping it also stops what it
started (gunicorn workers, the embedded redis-server).
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from botify.errors import ServiceError


class ProcessGroup:
    """A context manager that stops every process it started, whatever happens inside."""

    def __init__(self, grace_seconds=15):
        self.grace_seconds = grace_seconds
        self.running = []

    def start(self, *argv):
        process = subprocess.Popen([str(arg) for arg in argv], start_new_session=True)
        self.running.append(process)
        return process

    def run(self, *argv):
        """Run a command to its end; if we are interrupted meanwhile, stop it and all it started."""
        process = self.start(*argv)
        try:
            return process.wait()
        finally:
            self.stop(process)

    def stop(self, process):
        """SIGTERM the process group, SIGKILL it if it has not left after the grace period."""
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(self.grace_seconds)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        _signal_group(process, signal.SIGKILL)  # leftovers of the group, if any
        if process in self.running:
            self.running.remove(process)

    def __enter__(self):
        self._previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(self, *exc_info):
        for process in reversed(list(self.running)):
            self.stop(process)
        signal.signal(signal.SIGTERM, self._previous)
        return False


def free_port_or_fail(port, host="127.0.0.1"):
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            raise ServiceError(
                f"port {port} on {host} is taken; stop what uses it or pick another (e.g. PORT={port + 1})")


def wait_until_serving(url, process, timeout=120):
    """Poll GET /health until the service answers ``/next`` (``serving``), even if an arm lacks its data
    (health "degraded"); fail fast if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceError(f"the service exited with code {process.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:  # 503: serving, but some arm has no data?
            if _serving(error):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise ServiceError(f"the service at {url} was not serving after {timeout} s")


def _serving(answer):
    try:
        return json.loads(answer.read()).get("serving") is True
    except (ValueError, OSError, AttributeError):
        return False


def _signal_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
