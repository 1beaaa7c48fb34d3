"""Shared fixtures: a small seeded world written once per test session, a stub botify, `sim run` processes."""

import contextlib
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sim.generator import generate_world
from sim.world import load_world, save_world

SMALL = {"seed": 7, "n_tracks": 3000, "n_users": 400}


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("world")
    save_world(generate_world(**SMALL), path)
    return path


@pytest.fixture(scope="session")
def world(world_dir):
    return load_world(world_dir)


class StubBotify(ThreadingHTTPServer):
    """A throwaway HTTP/1.1 keep-alive server that answers like botify and records calls."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _StubHandler)
        self.calls, self.connections, self.fail_next = [], 0, 0
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class _StubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle stalls
        self.server.connections += 1

    def log_message(self, *args):
        pass

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._answer(200, {"status": "alive"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.server.fail_next > 0:
            self.server.fail_next -= 1
            return self._answer(503, {"error": "redis unavailable"})
        message, user = self.path.strip("/").split("/")
        self.server.calls.append((message, int(user), body["track"], body["time"]))
        answer = {"user": int(user)}
        if message == "next":
            answer["track"] = (body["track"] * 7 + 1) % 3000
        self._answer(200, answer)


@pytest.fixture
def botify_stub():
    server = StubBotify()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


class SimRun:
    """A real `sim run` started as a terminal starts it; its output is read as it comes.

    It gets its own process group, and SIGINT at its default even when the
    tests run in the background (where a shell starts them with SIGINT ignored).
    """

    def __init__(self, *argv, env=None):
        command = [str(pathlib.Path(sys.executable).parent / "sim"), "run", *map(str, argv)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        start_new_session=True, env={**os.environ, **(env or {})},
                                        preexec_fn=_default_sigint)
        self.pid, self.output = self.process.pid, {"out": b"", "err": b""}
        self.readers = [threading.Thread(target=self._read, args=(name, stream), daemon=True)
                        for name, stream in [("out", self.process.stdout), ("err", self.process.stderr)]]
        for reader in self.readers:
            reader.start()

    def _read(self, name, stream):
        with stream:
            for chunk in iter(lambda: stream.read1(4096), b""):
                self.output[name] += chunk

    def wait_for_sessions(self, count, timeout=15.0):
        """Block until the progress bar shows ``count`` finished sessions: the day is under way."""
        if not _wait_until(lambda: count <= max(map(int, re.findall(rb"(\d+)/\d+ \[", self.output["err"])),
                                                default=-1), timeout):
            raise AssertionError(f"no {count} sessions within {timeout} s: {self.output['err'][-300:]!r}")

    def wait_for_workers(self, count, timeout=15.0):
        """Block until ``count`` worker processes exist (they may still be starting)."""
        if not _wait_until(lambda: len(self.workers()) >= count, timeout):
            raise AssertionError(f"no {count} workers within {timeout} s: {self.output['err'][-300:]!r}")

    def wait_for(self, condition, timeout=15.0):
        """True as soon as ``condition()`` holds, False if it still does not after ``timeout`` seconds."""
        return _wait_until(condition, timeout)

    def workers(self):
        """Pids of the spawned worker processes, children of `sim run`."""
        return [
            pid for pid, ppid, _ in _live_processes() if ppid == self.pid and b"spawn_main" in _cmdline(pid)
        ]

    def group(self):
        """Pids of the live processes in the run's process group: itself, its workers and helpers."""
        return [pid for pid, _, group in _live_processes() if group == self.pid]

    def leftovers(self, timeout=5.0):
        """The group's processes still alive after up to ``timeout`` seconds; a clean stop leaves none."""
        _wait_until(lambda: not self.group(), timeout)
        return self.group()

    def finish(self, timeout=15.0):
        """Exit code, stdout and stderr once `sim run` has ended."""
        code = self.process.wait(timeout)
        for reader in self.readers:
            reader.join(timeout)
        return code, self.output["out"].decode(), self.output["err"].decode(errors="replace")

    def kill_group(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait()


def _default_sigint():
    """Runs in the child between fork and exec; it takes no lock, so the tests' other threads are harmless."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _live_processes():
    """(pid, parent pid, process group) of every process that has not ended (zombies excluded)."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended while being read
            continue
        if fields[0] not in {"Z", "X"}:
            found.append((int(entry.name), int(fields[1]), int(fields[2])))
    return found


def _cmdline(pid):
    try:
        return pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _wait_until(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def sim_run():
    """Start `sim run` processes; whatever is left of their groups at the end of the test is killed."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc to see the worker processes")
    started = []

    def start(*argv, env=None):
        started.append(SimRun(*argv, env=env))
        return started[-1]

    yield start
    for run in started:
        run.kill_group()
