"""``<log-dir>/experiments.json``: what this service served, written beside its event log at start.

The analysis labels arms from this file instead of importing today's registry,
so a log keeps explaining itself after the registry changes. It holds the
active experiment, every experiment's treatments (recommender classes), split
and artifacts, the seed, and the artifacts that were loaded when serving began.
"""

import datetime
import json
import os
import pathlib

from botify import __version__
from botify.fields import DESCRIPTION_FILE
from botify.service import registry


def describe(active, seed, loaded_artifacts):
    """The description as a JSON-ready dict."""
    recommenders = {r for experiment in registry.BY_NAME.values() for r in experiment.recommenders}
    return {
        "botify": __version__,
        "written": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "active": active,
        "seed": seed,
        "experiments": {e.name: e.describe() for e in registry.BY_NAME.values()},  # interleaved ones too
        "recommenders": {r.__name__: {"module": r.__module__, "artifact": r.ARTIFACT, "kind": r.ARTIFACT_KIND}
                         for r in sorted(recommenders, key=lambda r: r.__name__)},
        "artifacts": loaded_artifacts,
    }


def write_description(log_dir, active, seed, loaded_artifacts):
    """Write the description atomically (a reader never sees half a file); return its path."""
    path = pathlib.Path(log_dir) / DESCRIPTION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{DESCRIPTION_FILE}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(describe(active, seed, loaded_artifacts), indent=2) + "\n")
    os.replace(temporary, path)
    return path
