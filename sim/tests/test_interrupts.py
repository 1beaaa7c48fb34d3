"""Ctrl-C and SIGTERM as one exception family, with the shell's exit codes."""

import signal

import pytest

from sim.interrupts import Interrupted, exit_code, signal_name, sigterm_interrupts


def test_an_interrupt_names_its_signal_and_its_exit_code():
    assert signal_name(KeyboardInterrupt()) == "SIGINT" and exit_code("SIGINT") == 130
    assert signal_name(Interrupted(signal.SIGTERM)) == "SIGTERM" and exit_code("SIGTERM") == 143
    assert isinstance(Interrupted(signal.SIGTERM), KeyboardInterrupt)  # one `except` handles both


def test_sigterm_raises_only_within_the_block():
    before = signal.getsignal(signal.SIGTERM)
    with sigterm_interrupts(), pytest.raises(Interrupted) as raised:
        signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)
    assert raised.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is before
