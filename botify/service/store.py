"""The Redis store: one client per process and the key layout every part of the service shares.

Values are JSON, never pickle, so any language (and ``redis-cli``) can read them.
The client is created lazily in the process that uses it: gunicorn forks workers
after the master loaded the catalog, and a Redis connection must not cross a fork.

Keys:
    catalog:size            number of tracks N (ids are 0..N-1)
    catalog:tracks          hash  track id -> JSON track metadata
    catalog:artists         hash  artist   -> JSON list of the artist's track ids
    catalog:artist_of       hash  track id -> artist name
    artifacts               hash  name     -> JSON {"kind": ..., "size": ...}
    botify:generation       the number of the last complete load (see data_folder.py)
    artifact:<name>         hash  user/track id -> JSON list (per-user, per-track)
                            or a string JSON list (popularity)
    artifact:<name>:<table> two-stage: hash track -> JSON list (candidates), or
                            track/user id -> float32 bytes (context, user, item)
    draft:<EXPERIMENT>:<user> hash  an interleaved experiment's draft (team_draft.py), a day's TTL
"""

from __future__ import annotations

import json
import os
import threading
from typing import TYPE_CHECKING

import numpy as np
import redis
from flask import current_app
from redis.backoff import NoBackoff
from redis.retry import Retry

if TYPE_CHECKING:
    from botify.service.shared_page import SharedPage

CATALOG_SIZE = "catalog:size"
CATALOG_TRACKS = "catalog:tracks"
CATALOG_ARTISTS = "catalog:artists"
CATALOG_ARTIST_OF = "catalog:artist_of"
ARTIFACTS = "artifacts"
GENERATION = "botify:generation"
TWO_STAGE_TABLES = ("candidates", "context", "user", "item")
VECTOR = np.dtype("<f4")  # vectors are stored as little-endian float32 bytes

# the tracks of the artist of a track, in one round trip instead of two
ARTIST_TRACKS_OF = """
local artist = redis.call('HGET', KEYS[1], ARGV[1])
if not artist then return false end
return redis.call('HGET', KEYS[2], artist)
"""

_creating = threading.Lock()

# the exceptions that mean "Redis is unavailable" (answered with 503)
UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError)


def artifact_key(name):
    return f"artifact:{name}"


def table_key(name, table):
    """The hash of one table of a two-stage artifact."""
    return f"{artifact_key(name)}:{table}"


def connect(url, timeout=2.0):
    """A client that fails fast when Redis is gone and reconnects by itself once it is back."""
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 1),  # one immediate retry replaces a connection broken by a Redis restart
    )


class Store:
    """Read access to the catalog and the recommendation artifacts, as the recommenders need it.

    Under ``botify serve`` the master's shared page knows the catalog size
    (and whether Redis holds the data at all), so reading it costs nothing.
    """

    def __init__(self, client: redis.Redis, page: SharedPage | None = None):
        self.redis = client
        self.page = page
        self.pid = os.getpid()
        self._catalog_size = 0
        self._artist_tracks_of = client.register_script(ARTIST_TRACKS_OF)

    def ping(self) -> bool:
        return self.redis.ping()

    def catalog_size(self) -> int:
        """Number of tracks N (ids are 0..N-1)."""
        if self.page is not None:
            return self.page.catalog_size
        if not self._catalog_size:  # cached: the catalog does not change while serving
            self._catalog_size = int(self.redis.get(CATALOG_SIZE) or 0)
        return self._catalog_size

    def stored_catalog_size(self) -> int:
        """The size Redis itself holds now (0 if it lost the catalog); one round trip."""
        return int(self.redis.get(CATALOG_SIZE) or 0)

    def generation(self) -> int | None:
        """The load generation Redis holds now (None if it lost its data); one round trip."""
        value = self.redis.get(GENERATION)
        return None if value is None else int(value)

    def track(self, track: int) -> dict | None:
        """Metadata of one track, or None if it is not in the catalog."""
        return _loads(self.redis.hget(CATALOG_TRACKS, track))

    def artist_tracks(self, artist: str) -> list[int]:
        return _loads(self.redis.hget(CATALOG_ARTISTS, artist)) or []

    def artist_tracks_of(self, track: int) -> list[int] | None:
        """Every track by the artist of ``track`` (None if the track is unknown)."""
        return _loads(self._artist_tracks_of(keys=[CATALOG_ARTIST_OF, CATALOG_ARTISTS], args=[track]))

    def popularity(self, name: str) -> list[int] | None:
        """A popularity artifact: track ids, most popular first (None if not loaded)."""
        return _loads(self.redis.get(artifact_key(name)))

    def tracks_for(self, name: str, key: int) -> list[int] | None:
        """The list a per-user or per-track artifact holds for one user or track (None if absent)."""
        return _loads(self.redis.hget(artifact_key(name), key))

    def two_stage_query(self, name: str, track: int, user: int):
        """(candidates, context vector, user vector) of a two-stage artifact, in one round trip.

        Each is None when absent (an unknown track, a user the model never saw).
        """
        pipe = self.redis.pipeline(transaction=False)
        for table, key in (("candidates", track), ("context", track), ("user", user)):
            pipe.hget(table_key(name, table), key)
        candidates, context, user_vector = pipe.execute()
        return _loads(candidates), _vector(context), _vector(user_vector)

    def item_vectors(self, name: str, tracks: list[int]) -> np.ndarray | None:
        """A (len(tracks), dim + 1) matrix of candidate vectors, bias last; None if any is missing."""
        blobs = self.redis.hmget(table_key(name, "item"), tracks)
        if not blobs or any(blob is None for blob in blobs):
            return None
        return np.frombuffer(b"".join(blobs), dtype=VECTOR).reshape(len(blobs), -1)

    def artifacts(self) -> dict[str, dict]:
        """Every loaded artifact: name -> {"kind": ..., "size": ...}."""
        return {name.decode(): json.loads(value) for name, value in self.redis.hgetall(ARTIFACTS).items()}


def _loads(value):
    return None if value is None else json.loads(value)


def _vector(blob):
    return None if blob is None else np.frombuffer(blob, dtype=VECTOR)


def init_app(app):
    """Give the app a per-process store slot; nothing connects until the first request needs Redis."""
    app.extensions["botify.store"] = None


def get_store():
    """The store of the current app in this process (a new one after a fork)."""
    store = current_app.extensions.get("botify.store")
    if store is None or store.pid != os.getpid():
        with _creating:  # the worker's threads share one client (and its connection pool)
            store = current_app.extensions.get("botify.store")
            if store is None or store.pid != os.getpid():
                store = Store(connect(current_app.config["REDIS_URL"]), current_app.config.get("SHARED_PAGE"))
                current_app.extensions["botify.store"] = store
    return store
