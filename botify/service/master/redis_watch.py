"""The master's watch over Redis: notice that it died or lost its data, bring it back, tell the workers.

Ten times a second, in a thread of the master process:
- the embedded ``redis-server`` exited: restart it (with backoff, a bounded
  number of tries, and a limit on restarts per minute), then reload;
- Redis does not answer (an external one is down): workers answer 503 until it does;
- Redis answers but lacks this service's generation number (it restarted
  with an empty dataset, or was flushed): reload the data folder.
Workers learn each state from the shared page at no cost, and answer 503
with the reason while the data is not there. After the bounded tries the
watch gives up: it records why and calls ``give_up`` (the master then stops).
"""

import collections
import threading
import time

from botify.errors import BotifyError
from botify.service.loading.data_folder import load_data_folder
from botify.service.shared_page import READY, REDIS_DOWN, RELOADING
from botify.service.store import UNAVAILABLE, Store, connect


class RedisWatch(threading.Thread):
    INTERVAL = 0.1  # seconds between two checks (one PING-sized round trip each)
    RESTART_DELAYS = (0.05, 0.25, 1.0, 2.0, 4.0)  # backoff before each try to restart the embedded Redis
    MAX_RESTARTS_PER_MINUTE = 5  # more means Redis crashes in a loop: give up
    RETRY_BROKEN_DATA = 5.0  # seconds before reloading a data folder that failed to load

    def __init__(self, page, redis_url, data, logger, generation, embedded=None, give_up=None):
        super().__init__(name="redis-watch", daemon=True)
        self.page, self.data, self.logger = page, data, logger
        self.generation, self.embedded, self.give_up = generation, embedded, give_up
        self.probe = Store(connect(redis_url, timeout=1.0))
        self.loader = connect(redis_url, timeout=60)
        self.stopping = threading.Event()
        self.restarts = collections.deque(maxlen=self.MAX_RESTARTS_PER_MINUTE)
        self.failure = None  # why the watch gave up
        self.broken_until = 0.0

    def run(self):
        while not self.stopping.wait(self.INTERVAL) and self.failure is None:
            try:
                self.check()
            except Exception:  # a bug here must not silently end the watch
                self.logger.exception("the Redis watch failed; it goes on")

    def stop(self):
        self.stopping.set()
        self.join(timeout=5)
        self.probe.redis.close()
        self.loader.close()

    def check(self):
        """One look at Redis, and whatever it takes to get back to READY."""
        if self.embedded is not None and self.embedded.exited():
            self._restart_embedded()
            return
        try:
            generation = self.probe.generation()
        except UNAVAILABLE as error:
            self._publish(REDIS_DOWN, f"Redis is unreachable ({error})")
            return
        if generation != self.generation:
            self._reload("Redis lost the catalog and artifacts (it restarted empty or was flushed)")
        elif self.page.state != READY:
            self._publish(READY, "", "Redis is back with its data")

    def _restart_embedded(self):
        # no exit code to report: gunicorn's arbiter reaps every child of the master, Redis included
        self._publish(REDIS_DOWN, "the embedded Redis exited; restarting it")
        now = time.monotonic()
        if len(self.restarts) == self.restarts.maxlen and now - self.restarts[0] < 60:
            deaths = self.restarts.maxlen + 1
            return self._give_up(f"the embedded Redis exited {deaths} times within a minute")
        self.restarts.append(now)
        error = None
        for attempt, delay in enumerate(self.RESTART_DELAYS, start=1):
            if self.stopping.wait(delay):
                return
            try:
                self.embedded.start()
            except (RuntimeError, OSError) as failed:
                error = failed
                self.logger.warning("restarting the embedded Redis failed (try %d of %d): %s",
                                    attempt, len(self.RESTART_DELAYS), failed)
                continue
            self.logger.warning("the embedded Redis was restarted (try %d)", attempt)
            self._reload("the embedded Redis restarted empty")
            return
        self._give_up(f"the embedded Redis exited and could not be restarted in "
                      f"{len(self.RESTART_DELAYS)} tries: {error}")

    def _reload(self, reason):
        if time.monotonic() < self.broken_until:
            return
        self._publish(RELOADING, f"{reason}; reloading {self.data}")
        started = time.monotonic()
        try:
            size, artifacts = load_data_folder(self.loader, self.data, self.generation + 1, self.logger)
        except UNAVAILABLE as error:
            self._publish(REDIS_DOWN, f"Redis is unreachable ({error})")
            return
        except BotifyError as error:  # the data folder itself is broken: say so, try again later
            self.broken_until = time.monotonic() + self.RETRY_BROKEN_DATA
            self._publish(RELOADING, f"cannot reload: {error}")
            return
        self.generation += 1
        self.page.publish(READY, generation=self.generation, catalog_size=size)
        self.logger.warning("reloaded %d tracks and %d artifacts in %.2f s; serving again",
                            size, len(artifacts), time.monotonic() - started)

    def _publish(self, state, reason, message=None):
        """Publish a state change, logging it once (not at every check)."""
        if (state, reason) != (self.page.state, self.page.reason):
            self.page.publish(state, reason)
            self.logger.warning("%s", message or reason)

    def _give_up(self, why):
        self.failure = why
        self.logger.error("giving up: %s", why)
        if self.give_up is not None:
            self.give_up()
