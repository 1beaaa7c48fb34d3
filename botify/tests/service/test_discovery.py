"""<data>/run/serve.json: written atomically, read only while its process lives, removed by its owner."""

import json
import os
import subprocess
import sys

from botify.service.discovery import announce, find_running, serve_file, withdraw


def test_state_file_round_trip_and_removal(tmp_path):
    announce(tmp_path, "http://127.0.0.1:1", "unix:///x.sock", os.getpid(), launch="a1")
    assert find_running(tmp_path) == {"url": "http://127.0.0.1:1", "redis_url": "unix:///x.sock",
                                      "pid": os.getpid(), "launch": "a1"}
    withdraw(tmp_path, pid=os.getpid() + 1)  # not ours: kept
    assert serve_file(tmp_path).exists()
    withdraw(tmp_path, pid=os.getpid())
    assert find_running(tmp_path) is None and not serve_file(tmp_path).exists()


def test_a_state_file_of_a_dead_process_counts_as_none(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True)
    announce(tmp_path, "http://127.0.0.1:1", "unix:///x.sock", int(dead.stdout))
    assert json.loads(serve_file(tmp_path).read_text())["pid"] == int(dead.stdout)
    assert find_running(tmp_path) is None
