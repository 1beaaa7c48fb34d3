"""Starting ``botify serve`` from Python: the one launcher of the notebooks, the demo, the grader,
the benchmarks and the tests.

    with start_serve("data", "STICKY_ARTIST", log_dir="log/day1") as service:
        ...  # send traffic to service.url

A service counts as started when it serves: ``<data>/run/serve.json`` names
this launch (written once every worker listens) and ``/health`` says
``serving`` (perhaps "degraded": an arm without its data still answers). It
runs in a session of its own, so stopping it stops its workers and Redis with
it, and it watches the process that started it: when that one is gone (a
killed notebook kernel), the service stops by itself. Its output goes to
``<log_dir>/serve.log``. With ``hidden`` folders it runs in a sandbox
(``botify.sandbox``): how the grader serves a submission's code.
"""

import atexit
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

from botify import sandbox
from botify.errors import ServiceError
from botify.fields import EXIT_WITH_PARENT, LAUNCH_ID
from botify.processes import stop_process
from botify.service.discovery import serve_file
from botify.service.unix_http import connection_to, request_json

BOTIFY = str(pathlib.Path(sys.executable).with_name("botify"))
_running = []  # started by this process and not stopped yet; stopped at exit


class ServeProcess:
    """A running ``botify serve``: ``url``, ``redis_url``, ``experiment``, ``data``, ``log_dir``, ``process``,
    the ``command`` line that started it and whether it runs in a sandbox (``sandboxed``)."""

    def __init__(self, process, command, experiment, data, log_dir, launch, scratch=None):
        self.process, self.command, self.experiment = process, command, experiment
        self.data, self.log_dir, self.launch, self.scratch = data, log_dir, launch, scratch
        self.sandboxed = scratch is not None and sandbox.available()
        self.url = self.redis_url = None

    @property
    def running(self):
        return self.process.poll() is None

    def health(self):
        """The ``/health`` answer as a dict, whatever its status code."""
        connection = connection_to(self.url)
        try:
            return request_json(connection, "GET", "/health")[1]
        finally:
            connection.close()

    def server_log(self):
        """What ``botify serve`` printed: start-up, warnings, reloads, errors."""
        path = self.log_dir / "serve.log"
        return path.read_text() if path.exists() else ""

    def events(self):
        """Every event logged so far, parsed, in time order (each worker writes its own file)."""
        files = self.log_dir.glob("events*.jsonl*")
        lines = [line for path in files for line in path.read_text().splitlines()]
        return sorted(map(json.loads, lines), key=lambda event: event["timestamp"])

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Send ``sig`` to the master (it stops its workers and Redis), wait; returns its exit code."""
        code = stop_process(self.process, timeout, sig)
        if _announced(self).get("launch") == self.launch:  # a sandbox's end kills it before it tidies up
            serve_file(self.data).unlink(missing_ok=True)
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        if self in _running:
            _running.remove(self)
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def __repr__(self):
        state = "running" if self.running else "stopped"
        return f"<botify serve {self.experiment} at {self.url}, {state}, log {self.log_dir}>"


def start_serve(data="data", experiment="AA", *, log_dir, port=0, host="127.0.0.1", socket_path=None,
                workers=2, redis_url=None, plugins=(), env=None, hidden=(), readable=(), timeout=120):
    """Start ``botify serve`` and return it once it serves; a ServiceError with the end of its output if not.

    ``port=0`` takes any free port; ``socket_path`` serves on that unix socket
    instead (its ``url`` is then ``unix:PATH``). ``env`` adds variables to its
    environment (a value of None removes one, e.g. ``{"REDIS_URL": None}``).
    With ``hidden`` folders, it runs in a sandbox without network where they
    are empty, only its log, its ``<data>/run``, the socket's folder and a
    temporary folder can be written, and of /tmp only those and the
    ``readable`` folders can be seen (``botify.sandbox``).
    """
    data, log_dir = pathlib.Path(data), pathlib.Path(log_dir)
    if port and not socket_path:
        check_port_free(port, host)
    log_dir.mkdir(parents=True, exist_ok=True)
    address = ["--socket", socket_path] if socket_path else ["--host", host, "--port", port]
    command = [BOTIFY, "serve", "--data", data, *address, "--workers", workers,
               "--experiment", experiment, "--log-dir", log_dir]
    for plugin in plugins:
        command += ["--plugin", plugin]
    if redis_url:
        command += ["--redis-url", redis_url]
    launch = uuid.uuid4().hex
    environment = {**os.environ, EXIT_WITH_PARENT: "1", LAUNCH_ID: launch, **(env or {})}
    environment = {key: value for key, value in environment.items() if value is not None}
    command, scratch = [str(part) for part in command], None
    walled = command
    if hidden:
        run, scratch = data / "run", tempfile.mkdtemp(prefix="botify-sandbox-")
        run.mkdir(parents=True, exist_ok=True)
        sockets = [pathlib.Path(socket_path).parent] if socket_path else []
        plugin_folders = [pathlib.Path(plugin).parent for plugin in plugins]
        walled = sandbox.wrap(command, hidden=hidden, writable=[log_dir, run, *sockets],
                              readable=[data, *plugin_folders, *readable], tmp=scratch)
    with open(log_dir / "serve.log", "a") as output:
        process = subprocess.Popen(walled, stdout=output, stderr=output, env=environment,
                                   start_new_session=True)
    service = ServeProcess(process, command, experiment, data, log_dir, launch, scratch)
    _running.append(service)
    try:
        _wait_until_serving(service, timeout)
    except BaseException:
        service.stop()
        raise
    for line in service.server_log().splitlines():
        if "[WARNING]" in line or "[ERROR]" in line:
            print(line.split("] ", 3)[-1])
    return service


def running_services():
    """The services this process started and has not stopped."""
    return list(_running)


def stop_all():
    """Stop every service this process started (also run at interpreter exit)."""
    for service in list(_running):
        service.stop()


atexit.register(stop_all)


def check_port_free(port, host="127.0.0.1"):
    """A ServiceError if something listens on ``host:port``.

    The probe sets SO_REUSEADDR as botify's own socket does: after a service
    stops, its closed connections linger in TIME_WAIT for a minute, and they do
    not keep botify from binding the port, so they must not fail the probe either.
    """
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise ServiceError(
                f"port {port} on {host} is taken; stop what uses it or pick another (e.g. PORT={port + 1})"
            ) from None


def _wait_until_serving(service, timeout):
    """The one readiness rule: serve.json names this launch, then /health says it answers /next."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.running:
            code = service.process.returncode
            raise ServiceError(f"botify serve exited with code {code}:\n{_tail(service)}")
        if service.url is None:
            found = _announced(service)
            if found.get("launch") == service.launch:
                service.url, service.redis_url = found["url"], found["redis_url"]
        if service.url is not None and _serving(service):
            return
        time.sleep(0.05)
    raise ServiceError(f"botify serve was not serving after {timeout} s:\n{_tail(service)}")


def _announced(service):
    try:
        return json.loads(serve_file(service.data).read_text())
    except (OSError, ValueError):  # not written yet, or being written
        return {}


def _serving(service):
    try:
        return service.health().get("serving") is True
    except (OSError, ValueError):
        return False


def _tail(service, lines=15):
    return "\n".join(service.server_log().splitlines()[-lines:]) or "(no output)"
