"""Benchmark: load + sessionize + user metrics + effects over ~1,000,000 events.

Run: ``.venv/bin/python botify/benchmarks/analysis_speed.py [--events 1000000] [--runs 5]``.
Writes a synthetic log (two worker files with rotated copies, the service's
exact line format) into a temp dir, then times each step over several runs
and prints the medians. The figure is recorded in botify/analysis/README.md.
"""

import argparse
import statistics
import tempfile
import time

from botify.analysis import effects, load_events, sessionize, user_metrics
from botify.analysis.synthetic import simulate_sessions, write_event_log

EXPERIMENT = "BENCHMARK"
MEAN_TRACKS_PER_SESSION = 10.0  # what simulate_sessions yields on average


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as log_dir:
        print("writing the synthetic log ...", flush=True)
        sessions = simulate_sessions(args.users, EXPERIMENT, effect=0.02, seed=1,
                                     sessions_per_user=args.events / args.users / MEAN_TRACKS_PER_SESSION)
        count = write_event_log(log_dir, sessions, EXPERIMENT, files=2, lines_per_file=200_000)
        print(f"{count:,} events, {len(sessions):,} sessions, {args.users:,} users; {args.runs} runs")
        timings = [_run_once(log_dir) for _ in range(args.runs)]
    for step in timings[0]:
        values = [timing[step] for timing in timings]
        print(f"{step:>9}: median {statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})")


def _run_once(log_dir):
    marks = [time.perf_counter()]
    events = load_events(log_dir)
    marks.append(time.perf_counter())
    sessions = sessionize(events)
    marks.append(time.perf_counter())
    metrics = user_metrics(sessions, EXPERIMENT)
    marks.append(time.perf_counter())
    effects(metrics)
    marks.append(time.perf_counter())
    steps = ("load", "sessionize", "metrics", "effects")
    timing = {step: marks[i + 1] - marks[i] for i, step in enumerate(steps)}
    timing["total"] = marks[-1] - marks[0]
    return timing


if __name__ == "__main__":
    main()
