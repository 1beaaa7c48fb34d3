"""Benchmark: top-100 export at course size (10,000 users x 50,000 tracks; 50,000 start tracks).

Run: ``.venv/bin/python botify/benchmarks/training_export.py [--repeats 3]``. Prints
the median wall time of scoring + top-k + writing the JSON-lines artifact.
The targets (issue 6) are under 15 s each on the course machine.
"""

import argparse
import os
import statistics
import tempfile
import time

import numpy as np
import scipy.sparse as sp

from botify import fields
from botify.training import export


def per_user(rng, users, tracks, dim, folder):
    queries, items = rng.standard_normal((users, dim)), rng.standard_normal((tracks, dim))
    started = time.perf_counter()
    top = export.top_k(queries, items, export.TOP_SIZE)
    export.write_lists(f"{folder}/collaborative.jsonl", fields.USER, np.arange(users), top, np.arange(tracks))
    return time.perf_counter() - started


def per_track(rng, tracks, dim, folder):
    queries, items = rng.standard_normal((tracks, dim)), rng.standard_normal((tracks, dim))
    started = time.perf_counter()
    itself = sp.identity(tracks, dtype=np.int8, format="csr")
    top = export.top_k(queries, items, export.TOP_SIZE, exclude=itself)
    export.write_lists(f"{folder}/contextual.jsonl", fields.TRACK, np.arange(tracks), top, np.arange(tracks))
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--tracks", type=int, default=50_000)
    parser.add_argument("--dim", type=int, default=33, help="32 components + the bias column")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        jobs = {
            f"per-user top-100, {args.users} users x {args.tracks} tracks": lambda: per_user(
                rng, args.users, args.tracks, args.dim, folder),
            f"per-track top-100, {args.tracks} x {args.tracks} tracks": lambda: per_track(
                rng, args.tracks, args.dim, folder),
        }
        for name, job in jobs.items():
            times = [job() for _ in range(args.repeats)]
            print(f"{name}: median {statistics.median(times):.2f} s "
                  f"(runs: {', '.join(f'{t:.2f}' for t in times)}; load {os.getloadavg()[0]:.1f})",
                  flush=True)


if __name__ == "__main__":
    main()
