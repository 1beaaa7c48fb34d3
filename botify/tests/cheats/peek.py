"""What a cheating submission would try, shared by its recommender.py and train.py: find the hidden world
(through its own arguments, the data folder's neighbours, other processes' command lines and a search of
the disk around it) and import the simulator. Each try prints one line, ``cheat: ROUTE: READ PATH`` or
``cheat: ROUTE: refused (...)``, for the test to read."""

import glob
import importlib
import pathlib
import sys


def try_everything(data):
    data = pathlib.Path(data).resolve()
    routes = {"data folder": [data / "world" / "manifest.json"],
              "other processes": _worlds_named_on_command_lines(),
              "disk search": glob.glob(f"{data.parents[3]}/**/world/manifest.json", recursive=True)}
    for route, paths in routes.items():
        read = [str(path) for path in paths if _readable(path)]
        print(f"cheat: {route}: " + (f"READ {' '.join(read)}" if read else f"refused ({len(paths)} tried)"),
              file=sys.stderr, flush=True)
    try:
        importlib.import_module("sim.world")  # by name: botify's own code never imports sim

        print("cheat: import sim: READ sim.world", file=sys.stderr, flush=True)
    except ImportError as error:
        print(f"cheat: import sim: refused ({type(error).__name__})", file=sys.stderr, flush=True)


def _worlds_named_on_command_lines():
    found = []
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            parts = pathlib.Path(cmdline).read_bytes().split(b"\0")
        except OSError:
            continue
        found += [pathlib.Path(parts[i + 1].decode()) / "world" / "manifest.json"
                  for i, part in enumerate(parts[:-1]) if part == b"--world"]
    return found


def _readable(path):
    try:
        return bool(pathlib.Path(path).read_bytes())
    except OSError:
        return False
