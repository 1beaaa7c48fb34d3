"""The remote agent: botify over HTTP, per the course's contract.

One ``requests.Session`` keeps pooled keep-alive connections (no new TCP
connection per request when the server allows keep-alive). Every request has
a timeout; connection errors and 502/503/504 answers are retried with
exponential backoff and counted, so a run can report them. A request that
still fails raises :class:`RemoteError` and the runner drops that session.
"""

import time as clock

import requests
from requests.adapters import HTTPAdapter

from sim.agents.base import Agent
from sim.errors import ServiceUnreachable

RETRY_STATUS = {502, 503, 504}


class RemoteError(Exception):
    """botify did not answer a request, even after retries.

    Internal to a run, not a user error (those are in :mod:`sim.errors`): the
    runner drops the session, counts it, and stops the day after too many in a row.
    """


class RemoteAgent(Agent):
    """Asks botify for every recommendation: ``/next`` while listening, ``/last`` at the end."""

    retries = 3  # extra attempts after a connection error or a 502/503/504
    backoff = 0.2  # seconds before the first retry, doubled each time

    def __init__(self, url="http://127.0.0.1:5000", timeout=(3.0, 10.0)):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retried = 0  # requests sent again after a connection error or 5xx
        self.http = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)

    def check(self):
        """Fail fast with one clear line if botify is not alive at the URL."""
        try:
            reply = self.http.get(self.url + "/", timeout=(2.0, 5.0))
            alive = reply.ok and reply.json().get("status") == "alive"
        except (requests.RequestException, ValueError) as error:
            raise ServiceUnreachable(f"botify is not reachable at {self.url} ({type(error).__name__}); "
                             "start it first: botify serve") from None
        if not alive:
            raise ServiceUnreachable(f"{self.url}/ did not answer status alive (HTTP {reply.status_code})")

    def next(self, user, track, time):
        answer = self._post(f"/next/{user}", track, time)
        try:
            return int(answer["track"])
        except (KeyError, TypeError, ValueError):
            raise RemoteError(f"/next/{user} answered without a track: {answer!r}") from None

    def last(self, user, track, time):
        self._post(f"/last/{user}", track, time)

    def _post(self, path, track, time):
        body = {"track": int(track), "time": float(time)}
        for attempt in range(self.retries + 1):
            if attempt:
                self.retried += 1
                clock.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                reply = self.http.post(self.url + path, json=body, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                failure = f"{type(error).__name__}"
                if isinstance(error, requests.ReadTimeout):
                    break  # the server may have logged it; sending again would duplicate the event
                continue
            if reply.status_code in RETRY_STATUS:
                failure = f"HTTP {reply.status_code}"
                continue
            return self._json(reply, path)
        raise RemoteError(f"POST {path} failed: {failure}")

    @staticmethod
    def _json(reply, path):
        if not reply.ok:
            raise RemoteError(f"POST {path} answered HTTP {reply.status_code}: {reply.text[:200]}")
        try:
            return reply.json()
        except ValueError:
            raise RemoteError(f"POST {path} answered non-JSON: {reply.text[:200]!r}") from None
