"""The course's listener: how a simulated user starts a session, listens and leaves.

Rules (one function each, tested one by one):

- A session picks one of the user's interests uniformly. Its *taste* is the
  content vector of the interest's anchor track. The first track is drawn
  uniformly among the ``first_track_neighbours`` tracks of the anchor's genre
  with the highest score (searched among the nearest artists, see
  :mod:`sim.neighbours`), and counts as fully listened (time 1.0).
- score(track) = max(0, content(track) . taste + appeal(track)), where appeal
  is the embedding's last column (popularity), shifted per day by the optional
  hype and drift dynamics.
- Listening time of a recommended track =
  sigmoid((score * gamma ** plays - consume_bias) * consume_sharpness),
  rounded to 0.01, where plays = tracks of the same artist already listened
  (time > 0) in the session. A track already recommended or played in the
  session gets 0.
- After each recommended track the user loses one unit of patience with
  probability 1 - time * (1 - fatigue); the session ends when the budget
  (``session_budget``) reaches 0. ``fatigue`` keeps sessions finite under a
  perfect recommender (expected length <= budget / fatigue) and ``max_tracks``
  caps them for sure.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from sim.config import ListenerConfig
from sim.neighbours import ArtistIndex


@dataclass
class Session:
    """The hidden state of one listening session."""

    user: int
    interest: int  # anchor track of the chosen interest
    taste: np.ndarray
    first_track: int
    bias: float
    sharpness: float
    gamma: float
    budget: int
    played: set = field(default_factory=set)
    artist_plays: dict = field(default_factory=dict)
    recommended: int = 0
    time: float = 1.0  # the first track counts as fully listened
    done: bool = False


class ListenerModel:
    """Scores tracks for sessions of one world on one day."""

    def __init__(self, world, config=None, day=0):
        self.world = world
        self.config = config or ListenerConfig()
        column = world.manifest["appeal_column"]
        self.content = np.ascontiguousarray(world.embeddings[:, :column])
        self.artist_of = world.artist_of.tolist()
        self.artists = ArtistIndex(self.content, world.artist_of, world.genre_of)
        users = world.users
        self._habits = list(zip(
            [[t for t in row if t >= 0] for row in users["interests"].tolist()],
            users["consume_bias"].tolist(), users["consume_sharpness"].tolist(),
            users["artist_discount_gamma"].tolist(), users["session_budget"].tolist(),
        ))
        self.set_day(day)

    def set_day(self, day):
        """Move the world to ``day``: the appeal shifts if hype or drift is on."""
        self.day = day
        self.appeal = self.world.appeal + appeal_shift(self.world, self.config, day)
        self._appeal = self.appeal.tolist()
        self._first_cache = {}

    def scores(self, tracks, taste):
        """Base scores (before the artist discount) of many tracks for one taste."""
        return np.maximum(self.content[tracks] @ taste + self.appeal[tracks], 0.0)

    def first_candidates(self, anchor):
        """The anchor's nearest tracks by score in its genre (see sim.neighbours), cached per day."""
        found = self._first_cache.get(anchor)
        if found is None:
            found = self.artists.nearest(
                self.content[anchor],
                self.world.genre_of[anchor],
                self.appeal,
                self.config.first_track_neighbours,
            )
            self._first_cache[anchor] = found
        return found

    def start(self, user, rng):
        """Open a session for ``user``: pick an interest and the first track."""
        interests, bias, sharpness, gamma, budget = self._habits[user]
        anchor = interests[int(rng.random() * len(interests))]
        candidates = self.first_candidates(anchor)
        first = int(candidates[int(rng.random() * len(candidates))])
        session = Session(
            user=user, interest=anchor, taste=self.content[anchor], first_track=first,
            bias=bias, sharpness=sharpness, gamma=gamma, budget=budget,
        )
        session.played.add(first)
        session.artist_plays[self.artist_of[first]] = 1
        return session

    def listening_time(self, session, track):
        """Share of ``track`` the session's user listens to, per the rules above."""
        if track in session.played:
            return 0.0
        score = float(self.content[track] @ session.taste) + self._appeal[track]
        discounted = max(score, 0.0) * session.gamma ** session.artist_plays.get(self.artist_of[track], 0)
        return round(1.0 / (1.0 + math.exp(-(discounted - session.bias) * session.sharpness)), 2)

    def listen(self, session, track, rng):
        """The user listens to a recommended ``track``; returns the time; updates patience."""
        time = self.listening_time(session, track)
        session.played.add(track)
        if time > 0:
            artist = self.artist_of[track]
            session.artist_plays[artist] = session.artist_plays.get(artist, 0) + 1
        session.recommended += 1
        session.time += time
        if rng.random() < 1.0 - time * (1.0 - self.config.fatigue):
            session.budget -= 1
        session.done = session.budget <= 0 or session.recommended >= self.config.max_tracks
        return time


def appeal_shift(world, config, day):
    """Per-track appeal change on ``day`` (zeros unless hype or drift is on), seeded by the world."""
    shift = np.zeros(world.n_tracks, dtype=np.float32)
    seed = world.manifest["seed"]
    if config.drift and day > 0:
        steps = np.random.default_rng([seed, 1]).normal(0.0, config.drift_scale, size=(day, world.n_tracks))
        shift += steps.sum(axis=0).astype(np.float32)
    if config.hype and config.hype_tracks:
        rng = np.random.default_rng([seed, 2, day])
        hyped = rng.choice(world.n_tracks, config.hype_tracks, replace=False)
        shift[hyped] += config.hype_boost
    return shift
