"""A session follows the HTTP contract's call order, and its stats count the first track."""

import numpy as np

from sim.agents.base import Agent
from sim.episodes import play_session, session_stats
from sim.listener import ListenerModel


class Recorder(Agent):
    def __init__(self):
        self.calls = []

    def start(self, user, track):
        self.calls.append(("start", user, track, None))

    def next(self, user, track, time):
        self.calls.append(("next", user, track, time))
        return track + 1

    def last(self, user, track, time):
        self.calls.append(("last", user, track, time))


def test_call_order_and_stats(world):
    agent = Recorder()
    session = play_session(ListenerModel(world), agent, 8, np.random.default_rng(0))
    first = session.first_track
    assert agent.calls[0] == ("start", 8, first, None) and agent.calls[1] == ("next", 8, first, 1.0)
    assert [c[0] for c in agent.calls[2:-1]] == ["next"] * (session.recommended - 1)
    assert agent.calls[-1][:3] == ("last", 8, first + session.recommended)
    stats = session_stats(session, day=1, episode=4)
    times = [c[3] for c in agent.calls[1:]]
    assert stats["tracks"] == session.recommended + 1 == len(times)
    assert abs(stats["time"] - sum(times)) < 1e-6


def test_an_agent_with_only_next_is_enough(world):
    class Minimal:
        def next(self, user, track, time):
            return 0

    assert play_session(ListenerModel(world), Minimal(), 1, np.random.default_rng(0)).done
