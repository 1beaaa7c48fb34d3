"""Experiments from outside the package: a homework submission's ``recommender.py``, served as is.

``botify serve --plugin homework/hw1/recommender.py --experiment HW1`` imports
that file in the master process (before gunicorn forks its workers) and adds
the experiments it lists in ``EXPERIMENTS`` (``Experiment`` or ``Interleaved``) to the registry, with the same
checks: a recommender class, a name not registered twice. A file that does
not import is one error naming the file and the line, not a traceback from
a worker's first request.
"""

import importlib.util
import pathlib
import sys
import traceback

from botify.errors import ExperimentError
from botify.service import registry
from botify.service.experiment import Experiment, Interleaved, index_by_name, is_interleaved


def load_plugin(path):
    """Import ``path`` and register its ``EXPERIMENTS``; return their names."""
    path = pathlib.Path(path).resolve()
    if not path.is_file():
        raise ExperimentError(f"plugin {path} does not exist")
    name = f"botify_plugin_{path.stem}_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except ExperimentError:
        raise
    except Exception as error:  # the student's file: say where it broke, in one line
        raise ExperimentError(f"{path} does not import: {_where(error, path)}") from error
    experiments = getattr(module, "EXPERIMENTS", None)
    kinds = (Experiment, Interleaved)
    listed = isinstance(experiments, list) and all(isinstance(e, kinds) for e in experiments)
    if not listed or not experiments:
        raise ExperimentError(f"{path} must define EXPERIMENTS = [Experiment(...), ...]")
    # checked before the registry changes
    by_name = index_by_name(registry.EXPERIMENTS + registry.INTERLEAVED + experiments)
    registry.EXPERIMENTS.extend(e for e in experiments if not is_interleaved(e))
    registry.INTERLEAVED.extend(e for e in experiments if is_interleaved(e))
    registry.BY_NAME.clear()
    registry.BY_NAME.update(by_name)
    return [experiment.name for experiment in experiments]


def _where(error, path):
    """'line 12: NameError: ...' for the deepest frame of the error inside ``path``."""
    if isinstance(error, SyntaxError):
        return f"line {error.lineno}: SyntaxError: {error.msg}"
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if pathlib.Path(frame.filename) == path]
    line = f"line {frames[-1].lineno}: " if frames else ""
    return f"{line}{type(error).__name__}: {error}"


def main(argv=None):
    """``python -m botify.service.plugins FILE``: import FILE as ``botify serve --plugin`` would and print its
    experiments as JSON, {name: [recommender class of each arm]}; exit 2 with one line if it does not import.
    The grader runs this in its sandbox, so a submission's code never runs outside one."""
    import json

    try:
        names = load_plugin((sys.argv[1:] if argv is None else argv)[0])
    except ExperimentError as error:
        print(error, file=sys.stderr)
        return 2
    arms = {name: [cls.__name__ for cls in registry.BY_NAME[name].recommenders] for name in names}
    print(json.dumps(arms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
