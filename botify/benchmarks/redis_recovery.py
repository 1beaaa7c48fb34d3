"""Benchmark: how long botify serves 503s after its embedded Redis is killed (kill -9) under it.

Usage:
    python -m botify.benchmarks.redis_recovery [--kills 5] [--tracks 50000] [--workers 2]

It writes the load benchmark's synthetic data (``--tracks`` tracks and a
``contextual`` artifact of 100 tracks per track), serves CONTEXTUAL, then kills
the embedded ``redis-server`` ``--kills`` times. For each kill it prints the
seconds until ``/health`` is "ok" again (Redis restarted, catalog and artifact
reloaded) and until a ``/next`` answer comes from the artifact again, then the
medians. Figures are recorded in botify/README.md ("Failure modes").
"""

import argparse
import json
import os
import pathlib
import signal
import statistics
import tempfile
import time
import urllib.error
import urllib.request

from botify.benchmarks.load import start_service


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--tracks", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    settings = argparse.Namespace(tracks=args.tracks, workers=args.workers, experiment="CONTEXTUAL", seed=0)
    with tempfile.TemporaryDirectory(prefix="botify-recovery-") as folder:
        service = start_service(pathlib.Path(folder), settings)
        try:
            times = [measure_one_kill(service) for _ in range(args.kills)]
        finally:
            service.stop()
    print(f"median over {args.kills} kills: health ok after {statistics.median(t[0] for t in times):.2f} s, "
          f"served from the artifact after {statistics.median(t[1] for t in times):.2f} s "
          f"({args.tracks:,} tracks + a {args.tracks:,}-list artifact, {args.workers} workers, "
          f"load average {os.getloadavg()[0]:.1f})")


def measure_one_kill(service):
    os.kill(redis_pid(service.process.pid), signal.SIGKILL)
    killed = time.monotonic()
    health = served = None
    while health is None or served is None:
        if health is None and _health_ok(service.url):
            health = time.monotonic() - killed
        if served is None and _served_from_data(service.url):
            served = time.monotonic() - killed
        if time.monotonic() - killed > 120:
            raise SystemExit("botify did not recover within 120 s")
        time.sleep(0.01)
    print(f"kill -9 of redis-server: health ok after {health:.2f} s, "
          f"served from the artifact after {served:.2f} s")
    time.sleep(1)
    return health, served


def redis_pid(master):
    """The master's redis-server child (a restarted one is the child of the master's watch thread)."""
    children = [pid for task in pathlib.Path(f"/proc/{master}/task").iterdir()
                for pid in (task / "children").read_text().split()]
    return next(int(pid) for pid in children if "redis" in pathlib.Path(f"/proc/{pid}/comm").read_text())


def _health_ok(url):
    try:
        with urllib.request.urlopen(url + "/health", timeout=5) as answer:
            return json.loads(answer.read())["status"] == "ok"
    except (urllib.error.URLError, ConnectionError):
        return False


def _served_from_data(url):
    """A /next answer for a Contextual user (user 1 is in T1) that is not a fallback."""
    request = urllib.request.Request(url + "/next/1", data=b'{"track": 5, "time": 0.5}',
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status == 200
    except (urllib.error.URLError, ConnectionError):
        return False


if __name__ == "__main__":
    main()
