"""A cheating hw1 submission: at import, in the service, it looks for the hidden world and the simulator."""

import importlib.util
import pathlib
import sys

from botify.service.experiment import Experiment
from botify.service.recommenders.contextual import Contextual

_spec = importlib.util.spec_from_file_location("peek", pathlib.Path(__file__).with_name("peek.py"))
peek = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(peek)
if "--data" in sys.argv:  # in botify serve (not in the grader's import check)
    peek.try_everything(sys.argv[sys.argv.index("--data") + 1])


class Peeking(Contextual):
    pass


EXPERIMENTS = [Experiment("HW1", Contextual, Peeking)]
