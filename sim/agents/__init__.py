"""Agents that recommend the next track: built-in names or any ``module:Class``.

``make_agent`` fills a class's constructor from what it names: ``catalog``
(public rows), ``world`` (hidden, for instructors), ``listeners`` (the
listener model, for the oracle), ``seed`` and ``url``.
"""

import importlib
import inspect

from sim.errors import AgentError

BUILT_IN = {
    "random": "sim.agents.baselines:RandomAgent",
    "sticky_artist": "sim.agents.baselines:StickyArtistAgent",
    "top_pop": "sim.agents.baselines:TopPopAgent",
    "oracle": "sim.agents.oracle:OracleAgent",
    "console": "sim.agents.console:ConsoleAgent",
    "remote": "sim.agents.remote:RemoteAgent",
}


def agent_class(spec):
    """The class named by a built-in name or ``module:Class``; AgentError if there is none."""
    path = BUILT_IN.get(spec, spec)
    module_name, _, class_name = path.partition(":")
    if not module_name or not class_name:
        raise AgentError(f"unknown agent {spec!r}: use one of {', '.join(BUILT_IN)} or module:Class")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise AgentError(f"agent {spec!r}: cannot import {module_name} ({error})") from None
    cls = getattr(module, class_name, None)
    if cls is None or not callable(cls):
        raise AgentError(f"agent {spec!r}: {module_name} has no class {class_name}")
    return cls


def make_agent(spec, *, world, listeners=None, seed=0, url=None):
    """Build the agent ``spec``, passing only the constructor arguments it asks for."""
    cls = agent_class(spec)
    offered = {"catalog": world.catalog, "world": world, "listeners": listeners, "seed": seed}
    if url is not None:
        offered["url"] = url
    try:
        parameters = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        parameters = {}
    kwargs = {name: offered[name] for name in parameters if name in offered}
    try:
        agent = cls(**kwargs)
    except TypeError as error:
        raise AgentError(f"agent {spec!r} cannot be built from {sorted(offered)}: {error}") from None
    if not callable(getattr(agent, "next", None)):
        raise AgentError(f"agent {spec!r} has no next(user, track, time) method")
    return agent
