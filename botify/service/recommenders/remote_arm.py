"""RemoteArm: an arm answered by another botify service over HTTP, and logged here.

How the grader keeps a submission's code out of the service that serves and
logs the baseline: the submission's recommender runs in a service of its own
(in a sandbox, with its own Redis), and this service asks it, for each
listener of the arm, what to play next (``POST /next``) and tells it when the
session ends (``POST /last``). Its address is the environment variable
``BOTIFY_REMOTE_ARM_URL``: ``unix:PATH`` for a service on a unix socket (the
grader's sandbox has no network), or ``http://host:port``. An answer the remote could not give (unreachable,
an error, a track outside the catalog) is a fallback here and logged as one,
so a failing remote counts against its arm.
"""

import os
import threading

from botify.service.recommenders.base import Recommender
from botify.service.unix_http import connection_to, request_json

URL_VARIABLE = "BOTIFY_REMOTE_ARM_URL"
TIMEOUT = 5.0  # seconds; the simulator's own requests wait longer


class RemoteArm(Recommender):
    """The track the service at ``$BOTIFY_REMOTE_ARM_URL`` answers; the fallback when it cannot."""

    def __init__(self, store, seed=None):
        super().__init__(store, seed)
        self.url = os.environ.get(URL_VARIABLE, "").rstrip("/")
        self._connections = threading.local()  # one keep-alive connection per thread

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        answer = self._post("next", user, prev_track, prev_track_time)
        track = answer.get("track") if answer else None
        if answer is None or answer.get("fallback") or not isinstance(track, int):
            return self.fallback_track()
        return track if 0 <= track < self.store.catalog_size() else self.fallback_track()

    def end_session(self, user: int, last_track: int, last_track_time: float) -> None:
        self._post("last", user, last_track, last_track_time)

    def _post(self, endpoint, user, track, time):
        """The remote's JSON answer, or None when there is no remote or it failed."""
        if not self.url:
            return None
        connection = getattr(self._connections, "connection", None) or connection_to(self.url, TIMEOUT)
        self._connections.connection = connection
        try:
            status, answer = request_json(connection, "POST", f"/{endpoint}/{user}",
                                          {"track": track, "time": time})
        except (OSError, ValueError):
            return None
        return answer if status == 200 and isinstance(answer, dict) else None
