"""The interface every recommender implements, and the fallback they share.

A recommender answers one question: which track to play next for this user,
who just listened to ``prev_track`` for ``prev_track_time`` (share in [0, 1]).
It reads what it needs from the store (Redis) and must always answer a track
of the catalog. When its data has nothing for this request it falls back to
a random track, and the event log says so (``fallback: true``), so an arm
whose artifact was never uploaded cannot pass for a working recommender.
"""

from __future__ import annotations

import random
import threading
from typing import TYPE_CHECKING, NamedTuple

from botify.service.session_state import SessionState

if TYPE_CHECKING:
    from botify.service.store import Store

_request = threading.local()  # the random stream and fallback flag of the request this thread answers


class Answer(NamedTuple):
    """What the service logs about one recommendation."""

    track: int
    fallback: bool  # True when the recommender had no data for this request


class Recommender:
    """Base class: subclass it in one module under ``botify/service/recommenders/``.

    Class attributes a subclass that reads data sets:
        ARTIFACT       the artifact name it reads (``data/artifacts/ARTIFACT.jsonl``)
        ARTIFACT_KIND  "per-user", "per-track" or "popularity" (see ``botify.service.loading.artifacts``)
        MAKE_ARTIFACT  the command that makes the artifact, shown when it is missing
    """

    ARTIFACT: str | None = None
    ARTIFACT_KIND: str | None = None
    MAKE_ARTIFACT: str | None = None

    def __init__(self, store: Store, seed: str | int | None = None):
        self.store = store
        self.seed = seed
        self._own_random = random.Random(seed)
        self._state = None

    @property
    def state(self) -> SessionState:
        """This recommender's memory in Redis: lists, sets, counters per listener or track (session_state)."""
        if self._state is None:
            self._state = SessionState(self.store.redis, type(self).__name__)
        return self._state

    @property
    def random(self) -> random.Random:
        """The random stream to draw from: the request's inside ``answer``, else the instance's."""
        return getattr(_request, "random", None) or self._own_random

    def answer(self, user: int, prev_track: int, prev_track_time: float) -> Answer:
        """What the service calls: ``recommend_next`` with a random stream seeded by the request.

        The same seed and request give the same track in any worker, thread or
        restart, so the same simulated traffic produces the same logs and report.
        """
        _request.random = random.Random(f"{self.seed}:{user}:{prev_track}:{prev_track_time!r}")
        _request.fallback = False
        try:
            return Answer(self.recommend_next(user, prev_track, prev_track_time), _request.fallback)
        finally:
            _request.random = None

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        """Return the id of the next track for ``user``."""
        raise NotImplementedError

    def end_session(self, user: int, last_track: int, last_track_time: float) -> None:
        """Called when ``user``'s session ends (``/last``): an online recommender may learn, clean up here."""

    def random_track(self) -> int:
        """A track drawn uniformly from the catalog, as a policy (the Random recommender)."""
        return self.random.randrange(self.store.catalog_size())

    def fallback_track(self) -> int:
        """A uniformly random track because the data had nothing: logged as a fallback."""
        _request.fallback = True
        return self.random_track()

    def pick(self, tracks: list[int] | None) -> int:
        """A random known track of ``tracks``, or the fallback when there is none."""
        if not tracks:
            return self.fallback_track()
        size = self.store.catalog_size()
        track = self.random.choice(tracks)  # uploads drop unknown ids, so this is nearly always it
        if 0 <= track < size:
            return track
        known = [track for track in tracks if 0 <= track < size]
        return self.random.choice(known) if known else self.fallback_track()
