"""User errors are one family, defined apart from the command line that reports them."""

import inspect

import sim.cli
import sim.errors


def test_every_user_error_is_a_sim_error():
    classes = [c for _, c in inspect.getmembers(sim.errors, inspect.isclass) if c.__module__ == "sim.errors"]
    assert len(classes) > 1 and all(issubclass(c, sim.errors.SimError) for c in classes)


def test_the_command_line_defines_no_errors_of_its_own():
    defined = [c for _, c in inspect.getmembers(sim.cli, inspect.isclass) if c.__module__ == "sim.cli"]
    assert not [c for c in defined if issubclass(c, BaseException)]
