"""Errors a user can fix: library code raises them, the ``sim`` command prints them in one line.

A notebook calling ``sim.simulate(...)`` sees the same classes the command
catches (exit code 2); every other exception is a bug and keeps its traceback.
A request to botify that fails during a run is not here: it is a
:class:`sim.agents.remote.RemoteError`, which the runner counts and never
lets out of a day.
"""


class SimError(Exception):
    """A problem the user can fix; its message says what to change."""


class ArgumentError(SimError):
    """An argument is out of range or does not fit the others."""


class ConfigError(SimError):
    """The listener config (a JSON file or values) has a wrong name, type or range."""


class WorldError(SimError):
    """The world folder is missing, incomplete or damaged."""


class AgentError(SimError):
    """The agent named cannot be imported or built, or cannot recommend."""


class ServiceUnreachable(SimError):
    """botify does not answer as alive at the URL, so no traffic is sent."""


class OutputError(SimError):
    """A result (world folder, episodes CSV) cannot be written where it was asked."""
