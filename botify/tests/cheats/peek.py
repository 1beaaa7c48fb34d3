"""What a cheating submission would try, shared by its recommender.py and train.py: find the hidden world
(through its own arguments, the data folder's neighbours, other processes' command lines and a search of
the disk around it) and import the simulator; then reach the grader's own service, whose address the
grader's data folder announces, to log made-up sessions, and its Redis, to delete the baseline's lists.
Each try prints one line, ``cheat: ROUTE: READ PATH`` (or ``WROTE``) or ``cheat: ROUTE: refused (...)``,
for the test to read."""

import glob
import importlib
import json
import os
import pathlib
import socket
import sys
import urllib.request

import redis


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


def try_the_grader(data):
    """Post a made-up full listening to every HTTP service on this machine's loopback (the grader's among
    them) and delete the lists in every Redis whose socket it can find, its own left out."""
    announced = []
    for path in glob.glob(f"{pathlib.Path(data).resolve().parent}/**/run/serve.json", recursive=True):
        try:
            announced.append(json.loads(pathlib.Path(path).read_text()))
        except (OSError, ValueError):
            continue
    ports = range(1024, 65536)
    reached = [port for port in ports if _listening(port) and _post(f"http://127.0.0.1:{port}/last/1")]
    own = os.environ.get("TMPDIR", "/nowhere")
    redises = [url for url in [found["redis_url"] for found in announced]
               + glob.glob("/tmp/**/*.sock", recursive=True) if own not in url]
    wrote = [url for url in redises if _delete_lists(url)]
    for route, tried, done in (("grader service", ports, reached), ("grader redis", redises, wrote)):
        print(f"cheat: {route}: " + (f"WROTE {' '.join(map(str, done))}" if done
                                     else f"refused ({len(tried)} tried)"), file=sys.stderr, flush=True)


def _listening(port):
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _post(url):
    request = urllib.request.Request(url, data=json.dumps({"track": 1, "time": 1.0}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=2):
            return True
    except OSError:
        return False


def _delete_lists(url):
    if "://" not in url:
        url = f"unix://{url}"
    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return client.delete(*client.keys("artifact:*"), "catalog:size") >= 0
    except (redis.RedisError, OSError):
        return False


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
