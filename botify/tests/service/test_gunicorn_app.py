"""The listening socket the CLI hands to gunicorn."""

import socket

import pytest

from botify.errors import ServiceError
from botify.service.master.gunicorn_app import listen


def test_listen_on_a_taken_port_is_a_clear_error():
    taken = listen("127.0.0.1", 0)
    port = taken.getsockname()[1]
    with pytest.raises(ServiceError, match=f"127.0.0.1:{port}: the port is already in use"):
        listen("127.0.0.1", port)
    taken.close()


def test_listen_on_port_zero_picks_a_free_port():
    sock = listen("127.0.0.1", 0)
    assert sock.getsockname()[1] > 0 and sock.type == socket.SOCK_STREAM
    sock.close()
