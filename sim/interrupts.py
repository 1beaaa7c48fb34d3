"""Ctrl-C and SIGTERM stop a run the same way: the day in progress ends and keeps its finished sessions.

Python turns SIGINT (Ctrl-C) into KeyboardInterrupt. The ``sim`` command also
makes SIGTERM raise :class:`Interrupted`, a KeyboardInterrupt too, so one
``except KeyboardInterrupt`` handles both, and the exit code still says which
signal it was (128 + its number: 130 for SIGINT, 143 for SIGTERM).
"""

import contextlib
import signal


class Interrupted(KeyboardInterrupt):
    """A signal other than Ctrl-C's SIGINT asked the run to stop."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def signal_name(interrupt):
    """The signal behind an interrupt: its own for Interrupted, SIGINT for a plain KeyboardInterrupt."""
    return signal.Signals(getattr(interrupt, "signum", signal.SIGINT)).name


def exit_code(name):
    """The shell's code for a process stopped by the signal ``name``: 128 + its number."""
    return 128 + signal.Signals[name]


@contextlib.contextmanager
def sigterm_interrupts():
    """Within the block, SIGTERM raises Interrupted instead of killing the process on the spot."""

    def interrupt(signum, frame):
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
