"""The remote agent against a real (stub) HTTP server: contract calls, keep-alive, retries, errors."""

import socket

import numpy as np
import pytest

from sim.agents.remote import RemoteAgent, RemoteError
from sim.episodes import play_session
from sim.errors import ServiceUnreachable
from sim.listener import ListenerModel


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(RemoteAgent, "backoff", 0.001)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_session_is_next_calls_then_one_last(world, botify_stub):
    model = ListenerModel(world)
    session = play_session(model, RemoteAgent(botify_stub.url), 5, np.random.default_rng(0))
    calls = botify_stub.calls
    assert calls[0] == ("next", 5, session.first_track, 1.0)
    assert [c[0] for c in calls] == ["next"] * session.recommended + ["last"]
    for previous, call in zip(calls, calls[1:]):
        assert call[2] == (previous[2] * 7 + 1) % 3000  # each call reports the track botify answered
    assert len(calls) == session.recommended + 1


def test_requests_share_one_keep_alive_connection(botify_stub):
    agent = RemoteAgent(botify_stub.url)
    for track in range(30):
        agent.next(1, track, 0.5)
    agent.last(1, 3, 0.1)
    assert botify_stub.connections == 1


def test_unavailable_answers_are_retried_and_counted(botify_stub):
    agent = RemoteAgent(botify_stub.url)
    botify_stub.fail_next = 2
    assert agent.next(2, 10, 1.0) == 71
    assert agent.retried == 2


def test_a_request_that_keeps_failing_raises_after_the_retries(botify_stub):
    agent = RemoteAgent(botify_stub.url)
    botify_stub.fail_next = 100
    with pytest.raises(RemoteError, match="HTTP 503"):
        agent.next(2, 10, 1.0)
    assert agent.retried == RemoteAgent.retries


def test_a_refused_connection_raises_remote_error():
    agent = RemoteAgent(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(RemoteError, match="ConnectionError"):
        agent.last(1, 1, 1.0)


def test_check_passes_when_alive_and_is_one_line_when_unreachable(botify_stub):
    RemoteAgent(botify_stub.url).check()
    with pytest.raises(
        ServiceUnreachable, match=r"botify is not reachable at http://127.0.0.1:\d+ .*botify serve"
    ):
        RemoteAgent(f"http://127.0.0.1:{free_port()}").check()
