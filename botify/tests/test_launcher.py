"""The one launcher of ``botify serve``: readiness, a clear failure, the port probe, a clean stop."""

import socket
import time

import pytest
import requests

from botify.errors import ServiceError
from botify.launcher import check_port_free, running_services, start_serve
from botify.service.unix_http import connection_to, request_json
from botify.tests.test_processes import gone


def test_a_taken_port_is_one_clear_error():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(ServiceError, match=f"port {port} on 127.0.0.1 is taken"):
            check_port_free(port)


def test_a_port_whose_closed_connections_linger_in_time_wait_is_free():
    """The server side closes first, as botify does when it stops: its end of the connection stays in
    TIME_WAIT."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()  # the server closes first
        client.recv(1)  # sees the end
        client.close()
    with socket.socket() as plain:  # what the old probe did: refused while TIME_WAIT lasts
        with pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))
    check_port_free(port)


def test_a_service_that_cannot_start_fails_fast_with_its_own_words(tmp_path):
    started = time.monotonic()
    with pytest.raises(ServiceError, match=r"exited with code 2:\n.*catalog not found"):
        start_serve(tmp_path / "no-world", log_dir=tmp_path / "log")
    assert time.monotonic() - started < 30
    assert running_services() == []


@pytest.mark.slow
def test_a_started_service_serves_at_once_and_stops_with_everything_it_started(data_dir, tmp_path):
    with start_serve(data_dir, "STICKY_ARTIST", log_dir=tmp_path / "log", env={"REDIS_URL": None}) as service:
        answer = requests.post(f"{service.url}/next/7", json={"track": 3, "time": 0.5}, timeout=10)
        assert answer.status_code == 200
        assert service.health()["serving"] is True
        assert service in running_services()
        assert [event["user"] for event in service.events()] == [7]
    assert service.process.returncode == 143  # stopped by SIGTERM, as an interrupted command
    assert gone(service.process.pid)
    assert service not in running_services()
    assert "botify serves experiment STICKY_ARTIST" in service.server_log()


@pytest.mark.slow
def test_a_service_on_a_unix_socket_answers_there_and_removes_it_when_stopped(data_dir, tmp_path):
    """How the grader reaches a sandboxed arm that has no network: HTTP over ``botify serve --socket``."""
    path = tmp_path / "arm.sock"
    with start_serve(data_dir, "STICKY_ARTIST", log_dir=tmp_path / "log", socket_path=path,
                     env={"REDIS_URL": None}) as service:
        assert service.url == f"unix:{path}"
        connection = connection_to(service.url)
        status, answer = request_json(connection, "POST", "/next/7", {"track": 3, "time": 0.5})
        assert status == 200 and isinstance(answer["track"], int), answer
        status, answer = request_json(connection, "POST", "/next/7", {"track": 3, "time": 5})
        assert status == 400 and "time must be a number in [0, 1]" in answer["error"], answer
        connection.close()
        assert service.health()["serving"] is True
    assert not path.exists()


def test_a_socket_path_too_long_for_the_kernel_is_one_clear_error(data_dir, tmp_path):
    with pytest.raises(ServiceError, match="a unix socket path has at most 107 bytes"):
        start_serve(data_dir, log_dir=tmp_path / "log", socket_path=tmp_path / ("s" * 120))
