"""The embedded Redis, the running-service state file and the listening socket."""

import json
import os
import socket
import subprocess
import sys

import pytest

from botify.service.redis_server import EmbeddedRedis
from botify.service.runstate import read_state, remove_state, state_path, write_state
from botify.service.server import PortError, listen
from botify.service.store import UNAVAILABLE, connect


def test_embedded_redis_starts_survives_a_crash_after_save_and_cleans_up():
    server = EmbeddedRedis().start()
    client = connect(server.url, timeout=1)
    client.set("kept", "yes")
    client.save()
    server.kill()
    with pytest.raises(UNAVAILABLE):
        client.get("kept")
    server.start()
    assert client.get("kept") == b"yes"  # the pooled client reconnects by itself
    client.close()
    server.stop()
    assert not server.directory.exists()


def test_state_file_round_trip_and_removal(tmp_path):
    write_state(tmp_path, "http://127.0.0.1:1", "unix:///x.sock", os.getpid())
    assert read_state(tmp_path) == {"url": "http://127.0.0.1:1", "redis_url": "unix:///x.sock", "pid": os.getpid()}
    remove_state(tmp_path, pid=os.getpid() + 1)  # not ours: kept
    assert state_path(tmp_path).exists()
    remove_state(tmp_path, pid=os.getpid())
    assert read_state(tmp_path) is None and not state_path(tmp_path).exists()


def test_a_state_file_of_a_dead_process_counts_as_none(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    write_state(tmp_path, "http://127.0.0.1:1", "unix:///x.sock", int(dead.stdout))
    assert json.loads(state_path(tmp_path).read_text())["pid"] == int(dead.stdout)
    assert read_state(tmp_path) is None


def test_listen_on_a_taken_port_is_a_clear_error():
    taken = listen("127.0.0.1", 0)
    port = taken.getsockname()[1]
    with pytest.raises(PortError, match=f"127.0.0.1:{port}: the port is already in use"):
        listen("127.0.0.1", port)
    taken.close()


def test_listen_on_port_zero_picks_a_free_port():
    sock = listen("127.0.0.1", 0)
    assert sock.getsockname()[1] > 0 and sock.type == socket.SOCK_STREAM
    sock.close()
