"""Listener settings: the documented cap and fatigue, and the optional world dynamics.

Every optional dynamic is off by default so the course's lessons stay stable;
an instructor turns one on with a flag or a JSON config file
(``sim run --config listener.json``), whose types are checked field by field.
"""

import dataclasses
import json
import pathlib

from sim.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class ListenerConfig:
    """How simulated listeners behave beyond their per-user parameters."""

    first_track_neighbours: int = 10  # the first track is one of this many nearest tracks to the interest
    fatigue: float = 0.03  # even a perfect track costs patience with this probability
    max_tracks: int = 100  # hard cap on recommended tracks per session
    churn: bool = False  # a user may leave for good after a bad session
    churn_below: float = 2.0  # a session shorter than this (in listened tracks) is bad
    churn_probability: float = 0.3  # chance to leave for good after a bad session
    hype: bool = False  # each day a few random tracks become much more appealing
    hype_tracks: int = 100
    hype_boost: float = 0.3
    drift: bool = False  # track appeal follows a seeded random walk across days
    drift_scale: float = 0.05  # standard deviation of the daily appeal step


def config_from_dict(values):
    """A ListenerConfig from plain values; a wrong name, type or range is a ConfigError."""
    if not isinstance(values, dict):
        raise ConfigError("listener config must be a JSON object")
    fields = {f.name: f for f in dataclasses.fields(ListenerConfig)}
    for name, value in values.items():
        if name not in fields:
            raise ConfigError(f"listener config: unknown setting {name!r} (known: {', '.join(fields)})")
        kind = type(fields[name].default)
        accepted = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        if not accepted and not (kind is float and isinstance(value, int) and not isinstance(value, bool)):
            raise ConfigError(f"listener config: {name} must be {kind.__name__}, got {value!r}")
    config = ListenerConfig(
        **{k: (float(v) if type(fields[k].default) is float else v) for k, v in values.items()}
    )
    _check_ranges(config)
    return config


def _check_ranges(config):
    if config.first_track_neighbours < 1 or config.max_tracks < 1 or config.hype_tracks < 0:
        raise ConfigError(
            "listener config: first_track_neighbours and max_tracks must be >= 1, hype_tracks >= 0"
        )
    if not 0.0 <= config.fatigue < 1.0 or not 0.0 <= config.churn_probability <= 1.0:
        raise ConfigError("listener config: fatigue must be in [0, 1) and churn_probability in [0, 1]")


def load_config(path=None, **overrides):
    """Read a JSON config file (optional) and apply overrides such as ``churn=True``."""
    values = {}
    if path is not None:
        try:
            values = json.loads(pathlib.Path(path).read_text())
        except FileNotFoundError:
            raise ConfigError(f"config file {path} does not exist") from None
        except OSError as error:
            raise ConfigError(f"config file {path} cannot be read ({error.strerror})") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"config file {path} is not valid JSON ({error})") from None
        if not isinstance(values, dict):
            raise ConfigError(f"config file {path} must hold a JSON object")
    values.update({k: v for k, v in overrides.items() if v})
    return config_from_dict(values)
