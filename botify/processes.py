"""Start, watch and always stop the processes of a course run (the loop's commands, the services).

Each child gets its own process group, so stopping it also stops what it
started (gunicorn workers, the embedded redis-server).
"""

import os
import signal
import subprocess


class ProcessGroup:
    """A context manager that stops every process it started, whatever happens inside."""

    def __init__(self, grace_seconds=15):
        self.grace_seconds = grace_seconds
        self.running = []

    def start(self, *argv):
        process = subprocess.Popen([str(arg) for arg in argv], start_new_session=True)
        self.running.append(process)
        return process

    def run(self, *argv):
        """Run a command to its end; if we are interrupted meanwhile, stop it and all it started."""
        process = self.start(*argv)
        try:
            return process.wait()
        finally:
            self.stop(process)

    def stop(self, process):
        """SIGTERM the process group, SIGKILL it if it has not left after the grace period."""
        stop_process(process, self.grace_seconds, group=True)
        if process in self.running:
            self.running.remove(process)

    def __enter__(self):
        self._previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(self, *exc_info):
        for process in reversed(list(self.running)):
            self.stop(process)
        signal.signal(signal.SIGTERM, self._previous)
        return False


def stop_process(process, grace_seconds, sig=signal.SIGTERM, group=False):
    """Send ``sig`` to a process started in a session of its own (to its whole group if ``group``), wait
    ``grace_seconds``, then SIGKILL whatever is left of its group; returns its exit code."""
    if process.poll() is None:
        if group:
            _signal_group(process, sig)
        else:
            process.send_signal(sig)
        try:
            process.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
    _signal_group(process, signal.SIGKILL)  # leftovers of the group, if any
    return process.returncode


def _signal_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
