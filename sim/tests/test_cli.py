"""The `sim` command reports user errors and interrupts in one line; other exceptions keep their traceback."""

import signal

import pytest

from sim.cli import main
from sim.errors import ArgumentError
from sim.interrupts import Interrupted


def failing_world_command(monkeypatch, error):
    def run(args):
        raise error

    monkeypatch.setattr("sim.world_cli.run", run)


@pytest.mark.parametrize(
    "error, code, line",
    [
        (ArgumentError("too few tracks"), 2, "sim world: error: too few tracks\n"),
        (KeyboardInterrupt(), 130, "sim world: interrupted by SIGINT\n"),
        (Interrupted(signal.SIGTERM), 143, "sim world: interrupted by SIGTERM\n"),
    ],
)
def test_user_errors_and_interrupts_are_one_line(monkeypatch, capsys, error, code, line):
    failing_world_command(monkeypatch, error)
    assert main(["world"]) == code
    assert capsys.readouterr().err == line


@pytest.mark.parametrize("error", [ValueError("bug"), OSError(5, "bug"), RuntimeError("bug")])
def test_any_other_exception_keeps_its_traceback(monkeypatch, error):
    failing_world_command(monkeypatch, error)
    with pytest.raises(type(error)):
        main(["world"])
