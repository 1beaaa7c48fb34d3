"""A cheating train.py: it looks for the hidden world and the simulator before it trains nothing."""

import importlib.util
import pathlib

from botify.grading import train_arguments

_spec = importlib.util.spec_from_file_location("peek", pathlib.Path(__file__).with_name("peek.py"))
peek = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(peek)

args = train_arguments(__doc__)
peek.try_everything(args.data)
