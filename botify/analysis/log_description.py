"""Reading what a log says about itself: ``experiments.json``, written by ``botify serve`` beside the events,
and ``PARTIAL``, left by a run whose traffic day was interrupted.

The analysis never imports the service's registry: a log from last week is
labelled with last week's recommenders. Logs without the file still work;
their arms are just called C, T1, ...
"""

import json
import pathlib

from botify.errors import EventLogError
from botify.fields import DESCRIPTION_FILE, PARTIAL_FILE


def read_description(log_dir):
    """The description dict, or None when the log dir has none."""
    path = pathlib.Path(log_dir) / DESCRIPTION_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError as error:
        raise EventLogError(f"{path} is not valid JSON ({error}); "
                            "delete it to analyse without arm names") from None


def partial_day(log_dir):
    """Why the traffic day behind this log did not finish (the demo and the grader mark it), or None."""
    path = pathlib.Path(log_dir) / PARTIAL_FILE
    return path.read_text().strip() if path.is_file() else None


def arm_labels(log_dir, experiment):
    """{treatment: recommender class name} of ``experiment`` ({} when the log does not say)."""
    description = read_description(log_dir) or {}
    described = description.get("experiments", {}).get(experiment, {})
    return dict(described.get("treatments", {}))


def active_experiment(log_dir):
    """The experiment whose recommenders served this log (None when the log does not say)."""
    return (read_description(log_dir) or {}).get("active")


def arm_names(log_dir, experiment):
    """'C = Random, T1 = Collaborative', so the A/B screenshot says what was compared ('' if unknown)."""
    return ", ".join(f"{arm} = {name}" for arm, name in arm_labels(log_dir, experiment).items())
