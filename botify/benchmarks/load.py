"""Load benchmark of ``POST /next``: requests/s, p50, p99 and errors at several concurrencies.

Usage:
    python -m botify.benchmarks.load                      # starts its own service (2 workers, CONTEXTUAL)
    python -m botify.benchmarks.load --url http://127.0.0.1:5000 --tracks 50000

Without ``--url`` it writes a synthetic catalog (``--tracks`` tracks) and a
``contextual`` artifact (100 tracks per track) into a temporary folder, starts
``botify serve`` with the embedded Redis, and stops it at the end. The load
generator is one asyncio process speaking raw HTTP/1.1 (keeping connections
alive when the server allows it, reconnecting when it closes); it shares the
CPU with the service, so figures are a lower bound for the service itself.
"""

import argparse
import asyncio
import json
import os
import pathlib
import random
import statistics
import sys
import tempfile
import time
import urllib.parse

from botify.launcher import start_serve


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.url:
        return _report(args, args.url)
    with tempfile.TemporaryDirectory(prefix="botify-bench-") as folder:
        service = start_service(pathlib.Path(folder), args)
        try:
            return _report(args, service.url)
        finally:
            service.stop()


def _parser():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running service (default: start one)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per concurrency; medians are reported")
    parser.add_argument("--tracks", type=int, default=50000,
                        help="catalog size (synthetic catalog / request ids)")
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--experiment", default="CONTEXTUAL")
    parser.add_argument("--seed", type=int, default=0)
    return parser


def _report(args, url):
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"POST {url}/next  (median of {args.runs} runs of {args.duration:g} s each; load average {load})")
    print(f"{'concurrency':>11} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for concurrency in args.concurrency:
        runs = [asyncio.run(_drive(url, concurrency, args, seed=args.seed + run)) for run in range(args.runs)]
        figures = [statistics.median(run[key] for run in runs) for key in ("rps", "p50", "p99")]
        errors = sum(run["errors"] for run in runs)
        print(f"{concurrency:>11} {figures[0]:>8.0f} {figures[1]:>7.2f} {figures[2]:>7.2f} {errors:>6}")
    return 0


async def _drive(url, concurrency, args, seed):
    """``concurrency`` clients send requests back to back for ``duration`` seconds."""
    address = urllib.parse.urlsplit(url)
    requests = _requests(address.hostname, args, seed)
    latencies, errors = [], [0]
    deadline = time.perf_counter() + args.duration
    clients = [
        _client(address.hostname, address.port, requests[index::concurrency], deadline, latencies, errors)
        for index in range(concurrency)
    ]
    started = time.perf_counter()
    await asyncio.gather(*clients)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": 1000 * latencies[len(latencies) // 2] if latencies else float("nan"),
        "p99": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else float("nan"),
        "errors": errors[0],
    }


def _requests(host, args, seed, count=4096):
    """Pre-built request bytes, so the generator spends its CPU on sockets, not on formatting."""
    rng = random.Random(seed)
    built = []
    for _ in range(count):
        body = json.dumps({"track": rng.randrange(args.tracks), "time": round(rng.random(), 3)}).encode()
        head = (
            f"POST /next/{rng.randrange(args.users)} HTTP/1.1\r\nHost: {host}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        built.append(head.encode() + body)
    return built


async def _client(host, port, requests, deadline, latencies, errors):
    """One client: keeps its connection alive while the server allows it, else reconnects."""
    connection, index = None, 0
    while time.perf_counter() < deadline:
        request = requests[index % len(requests)]
        index += 1
        started = time.perf_counter()
        try:
            connection = connection or await asyncio.open_connection(host, port)
            status, keep = await _exchange(*connection, request)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status, keep = None, False
        if not keep and connection:
            connection[1].close()
            connection = None
        if status == b"200":
            latencies.append(time.perf_counter() - started)
        else:
            errors[0] += 1
    if connection:
        connection[1].close()


async def _exchange(reader, writer, request):
    """Send one request, read one response; return (status code, whether the connection stays open)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = head[9:12]
    length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
    await reader.readexactly(length)
    return status, b"connection: close" not in head.lower()


def start_service(folder, args):
    """``botify serve`` on a synthetic catalog in ``folder``, started by the course's launcher."""
    write_data(folder / "data", args.tracks, args.seed,
               users=args.users if args.experiment == "TWO_STAGE" else 0)
    service = start_serve(folder / "data", args.experiment, log_dir=folder / "log", workers=args.workers)
    print(f"started botify serve ({args.workers} workers, {args.experiment}, {args.tracks} tracks) "
          f"at {service.url}")
    return service


def write_data(data, tracks, seed, users=0, dim=64):
    """A synthetic catalog and a ``contextual`` artifact with 100 tracks per track; with ``users``, also
    a ``two_stage`` artifact (the same candidates, ``dim``-sized vectors for every track and user)."""
    rng = random.Random(seed)
    (data / "catalog").mkdir(parents=True)
    (data / "artifacts").mkdir()
    with open(data / "catalog" / "tracks.jsonl", "w") as catalog:
        for track in range(tracks):
            record = {"track": track, "artist": f"artist {track % 5000}", "title": f"title {track}",
                      "genre": "rock", "duration": 200, "year": 2000}  # fmt: skip
            catalog.write(json.dumps(record) + "\n")
    with open(data / "artifacts" / "contextual.jsonl", "w") as artifact:
        for track in range(tracks):
            artifact.write(json.dumps({"track": track, "tracks": rng.sample(range(tracks), 100)}) + "\n")
    if users:
        _write_two_stage(data / "artifacts", tracks, users, dim, seed)


def _write_two_stage(folder, tracks, users, dim, seed):
    import numpy as np

    from botify.training.export import write_two_stage

    rng = np.random.default_rng(seed)
    candidates = np.stack([rng.choice(tracks, 100, replace=False) for _ in range(tracks)])
    vectors = {"context": rng.normal(size=(tracks, dim)), "item": rng.normal(size=(tracks, dim)),
               "bias": rng.normal(size=tracks), "user": rng.normal(size=(users, dim))}
    write_two_stage(folder / "two_stage.jsonl", candidates, vectors, np.arange(users), digits=4)


if __name__ == "__main__":
    sys.exit(main())
