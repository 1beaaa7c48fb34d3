"""``<data>/run/serve.json``: where a running ``botify serve`` can be found (its URL and its Redis).

``botify upload --data data`` reads it to reach the Redis of the running
service, which for the embedded Redis is a private unix socket nobody could guess.
"""

import json
import os
import pathlib


def serve_file(data):
    return pathlib.Path(data) / "run" / "serve.json"


def announce(data, url, redis_url, pid, launch=None):
    """Write atomically (temp file + rename) so a reader never sees half a file. ``launch`` is the name
    its launcher gave this run, if any (``botify.launcher``)."""
    path = serve_file(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{pid}.tmp")
    found = {"url": url, "redis_url": redis_url, "pid": pid, "launch": launch}
    temporary.write_text(json.dumps(found) + "\n")
    os.replace(temporary, path)


def find_running(data):
    """The state of the service running on ``data``, or None if none is (a stale file counts as none)."""
    try:
        state = json.loads(serve_file(data).read_text())
    except (OSError, ValueError):
        return None
    return state if pid_alive(state.get("pid")) else None


def withdraw(data, pid):
    """Remove the file if it is still ours (a later service may have replaced it)."""
    path = serve_file(data)
    try:
        if json.loads(path.read_text()).get("pid") == pid:
            path.unlink()
    except (OSError, ValueError):
        pass


def pid_alive(pid):
    """Whether a process with this pid exists (ours or not)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
