"""Many listening sessions stepped at once with numpy, for evaluating a policy at scale.

The rules are the listener model's (:mod:`sim.listener`), applied to arrays:
one ``step`` gives every unfinished session its recommended track. A policy
is any callable ``policy(users, tracks, times) -> tracks`` over arrays (some
are in :mod:`sim.array_policies`); the rows of finished sessions are ignored.
``evaluate`` runs 100k sessions in seconds (see ``sim/benchmarks/batch_steps.py``).
"""

import numpy as np

from sim.config import ListenerConfig
from sim.listener import ListenerModel
from sim.population import Population


class BatchListeners:
    """The state of ``n`` parallel sessions of one world and day."""

    def __init__(self, world, config=None, day=0):
        self.world = world
        self.model = ListenerModel(world, config or ListenerConfig(), day)
        self.population = Population(world, self.model.config)
        self.artist_of = world.artist_of

    def reset(self, n, rng, users=None):
        """Open ``n`` sessions (users by activity unless given); returns (users, first tracks)."""
        users = self.population.pick(rng, n) if users is None else np.asarray(users)
        table = self.world.users
        n_interests = (table["interests"] >= 0).sum(axis=1)[users]
        anchors = table["interests"][users, (rng.random(len(users)) * n_interests).astype(int)]
        first = self._first_tracks(anchors, rng)
        width = self.model.config.max_tracks + 1
        self.users, self.anchors, self.taste = users, anchors, self.model.content[anchors]
        self.bias, self.sharpness = table["consume_bias"][users], table["consume_sharpness"][users]
        self.gamma = table["artist_discount_gamma"][users]
        self.budget = table["session_budget"][users].astype(np.int64)
        self.history = np.full((len(users), width), -1, dtype=np.int64)
        self.listened_artists = np.full((len(users), width), -1, dtype=np.int64)
        self.history[:, 0], self.listened_artists[:, 0] = first, self.artist_of[first]
        self.recommended = np.zeros(len(users), dtype=np.int64)
        self.time = np.ones(len(users))
        self.done = np.zeros(len(users), dtype=bool)
        return users, first

    def _first_tracks(self, anchors, rng):
        unique, inverse = np.unique(anchors, return_inverse=True)
        candidates = [self.model.first_candidates(int(a)) for a in unique]
        counts = np.array([len(c) for c in candidates])
        padded = np.zeros((len(unique), counts.max()), dtype=np.int64)
        for row, found in enumerate(candidates):
            padded[row, : len(found)] = found
        pick = (rng.random(len(anchors)) * counts[inverse]).astype(int)
        return padded[inverse, pick]

    def step(self, actions, rng):
        """Every unfinished session listens to its action; returns (times, done) for all rows."""
        active = np.flatnonzero(~self.done)
        tracks = np.asarray(actions)[active]
        width = int(self.recommended[active].max()) + 1 if len(active) else 1
        repeat = (self.history[active, :width] == tracks[:, None]).any(axis=1)
        artists = self.artist_of[tracks]
        plays = (self.listened_artists[active, :width] == artists[:, None]).sum(axis=1)
        score = (np.einsum("ij,ij->i", self.model.content[tracks], self.taste[active])
                 + self.model.appeal[tracks])
        score = np.maximum(score, 0.0) * self.gamma[active] ** plays
        time = np.round(1.0 / (1.0 + np.exp(-(score - self.bias[active]) * self.sharpness[active])), 2)
        time[repeat] = 0.0
        column = self.recommended[active] + 1
        self.history[active, column] = tracks
        self.listened_artists[active, column] = np.where(time > 0, artists, -1)
        self.recommended[active] = column
        self.time[active] += time
        lost = rng.random(len(active)) < 1.0 - time * (1.0 - self.model.config.fatigue)
        self.budget[active] -= lost
        self.done[active] = (self.budget[active] <= 0) | (column >= self.model.config.max_tracks)
        times = np.zeros(len(self.done))
        times[active] = time
        return times, self.done.copy()


def evaluate(world, policy, sessions=100_000, batch_size=20_000, seed=0, config=None, day=0):
    """Play ``sessions`` sessions with ``policy``; returns arrays user, time, tracks per session."""
    listeners = BatchListeners(world, config, day)
    rng = np.random.default_rng(seed)
    out = {"user": [], "time": [], "tracks": []}
    for start in range(0, sessions, batch_size):
        users, tracks = listeners.reset(min(batch_size, sessions - start), rng)
        times = np.ones(len(users))
        while not listeners.done.all():
            tracks = np.asarray(policy(users, tracks, times))
            times, _ = listeners.step(tracks, rng)
        out["user"].append(users)
        out["time"].append(np.round(listeners.time, 2))
        out["tracks"].append(listeners.recommended + 1)
    return {key: np.concatenate(parts) for key, parts in out.items()}
