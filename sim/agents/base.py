"""The agent protocol: the same three calls botify answers over HTTP.

An agent is any object with ``next(user, track, time) -> int``; the runner
also calls ``start(user, track)`` when a session opens and
``last(user, track, time)`` when it ends, if the agent defines them.
Subclassing :class:`Agent` gives no-op defaults for both.
"""


class Agent:
    """Base class with no-op session hooks; subclasses implement ``next``."""

    def start(self, user, track):
        """A session of ``user`` opened with ``track`` (listened fully)."""

    def next(self, user, track, time):
        """The user listened to ``track`` for ``time``; return the next track id."""
        raise NotImplementedError

    def last(self, user, track, time):
        """The session ended after ``track`` was listened to for ``time``."""
