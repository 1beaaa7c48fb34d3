"""The JSON-lines event log: one line per ``/next`` or ``/last`` call, nothing lost, nothing interleaved.

How it stays lossless with several gunicorn workers: every worker process
writes its own file ``events-<pid>.jsonl``, so no two processes ever share a
file. Each event is one ``os.write`` of one complete line on an ``O_APPEND``
descriptor (no user-space buffer to lose when a worker is killed), under a lock
for threaded workers. Rotation is by size and per file: when the next line
would overflow ``max_bytes``, the writer renames its own file to the next free
``events-<pid>.jsonl.N`` (N = 1, 2, ... in creation order, so nothing is ever
overwritten or deleted) and opens a fresh one. Readers take every
``events*.jsonl*`` file in the directory and order lines by timestamp.
"""

import json
import os
import pathlib
import threading

from flask import current_app

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
_creating = threading.Lock()


class EventLog:
    """Appends events of this process to ``<directory>/events-<pid>.jsonl`` with size-based rotation."""

    def __init__(self, directory, max_bytes=DEFAULT_MAX_BYTES):
        self.directory = pathlib.Path(directory)
        self.max_bytes = max_bytes
        self.pid = os.getpid()
        self.path = self.directory / f"events-{self.pid}.jsonl"
        self.lock = threading.Lock()
        self.fd = None
        self.size = 0

    def write(self, event):
        """Append one event as one line, rotating first if it would not fit."""
        line = (json.dumps(event, separators=(",", ":")) + "\n").encode()
        with self.lock:
            if self.fd is None:
                self._open()
            elif self.size and self.size + len(line) > self.max_bytes:
                self._rotate()
            written = os.write(self.fd, line)
            if written != len(line):  # a short write only happens on a full disk: fail loudly
                raise OSError(f"event log {self.path}: wrote {written} of {len(line)} bytes")
            self.size += written

    def _open(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.size = os.fstat(self.fd).st_size

    def _rotate(self):
        os.close(self.fd)
        os.rename(self.path, self._next_rotated())
        self._open()

    def _next_rotated(self):
        rotated = self.directory.glob(self.path.name + ".*")
        taken = [int(path.suffix[1:]) for path in rotated if path.suffix[1:].isdigit()]
        return self.path.with_name(f"{self.path.name}.{max(taken, default=0) + 1}")

    def close(self):
        with self.lock:
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None


def init_app(app):
    app.extensions["botify.events"] = None


def get_event_log():
    """The event log of the current app in this process (a new file after a fork).

    Created under a lock: two threads each opening their own writer on the same
    file would rotate it behind each other's back.
    """
    log = current_app.extensions.get("botify.events")
    if log is None or log.pid != os.getpid():
        with _creating:
            log = current_app.extensions.get("botify.events")
            if log is None or log.pid != os.getpid():
                log = EventLog(current_app.config["LOG_DIR"], current_app.config["EVENT_LOG_MAX_BYTES"])
                current_app.extensions["botify.events"] = log
    return log
