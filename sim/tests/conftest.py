"""Shared fixtures: one small seeded world written once per test session."""

import json
import socket
import threading
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
