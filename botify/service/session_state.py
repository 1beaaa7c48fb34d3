"""Memory for online recommenders: small per-listener and per-track lists, sets and counters in Redis.

A recommender reads and writes ``self.state`` without managing connections
or key names::

    self.state.push("liked", user, track)        # the listener's liked tracks, newest first (capped)
    self.state.recent("liked", user, 20)
    self.state.add("fans", track, user)          # the listeners who liked a track
    self.state.members("fans", track)
    self.state.increment("misses", user)         # e.g. skips in a row; reset with forget()
    self.state.forget("liked", user)

Keys are ``state:<Recommender class>:<name>:<id>``, so two recommenders never
share state by accident. Every write refreshes a TTL (a day by default), so
nothing grows forever, and is one round trip in a MULTI transaction, so
gunicorn's workers and threads never see half an update. Values are ids
(integers); Redis holds them as text, never pickle.
"""

DAY = 24 * 3600


class SessionState:
    """One recommender's namespace of state in Redis."""

    def __init__(self, client, namespace, ttl=DAY, cap=100):
        self.redis, self.namespace, self.ttl, self.cap = client, namespace, ttl, cap

    def key(self, name: str, owner: int) -> str:
        return f"state:{self.namespace}:{name}:{owner}"

    def push(self, name: str, owner: int, value: int) -> None:
        """Put ``value`` first in a list that keeps the ``cap`` newest."""
        key = self.key(name, owner)
        self.redis.pipeline().lpush(key, value).ltrim(key, 0, self.cap - 1).expire(key, self.ttl).execute()

    def recent(self, name: str, owner: int, count: int | None = None) -> list[int]:
        """The newest ``count`` values of a list (all of them by default), newest first."""
        return [int(value) for value in self.redis.lrange(self.key(name, owner), 0, (count or self.cap) - 1)]

    def add(self, name: str, owner: int, *members: int) -> None:
        key = self.key(name, owner)
        self.redis.pipeline().sadd(key, *members).expire(key, self.ttl).execute()

    def members(self, name: str, owner: int) -> set[int]:
        return {int(member) for member in self.redis.smembers(self.key(name, owner))}

    def increment(self, name: str, owner: int, by: int = 1) -> int:
        """Add ``by`` to a counter and return its new value."""
        key = self.key(name, owner)
        value, _ = self.redis.pipeline().incrby(key, by).expire(key, self.ttl).execute()
        return int(value)

    def count(self, name: str, owner: int) -> int:
        return int(self.redis.get(self.key(name, owner)) or 0)

    def forget(self, name: str, owner: int) -> None:
        self.redis.delete(self.key(name, owner))
