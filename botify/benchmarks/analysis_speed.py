"""Benchmark: load + sessionize + user metrics + effects over ~1,000,000 events.

Run: ``.venv/bin/python botify/benchmarks/analysis_speed.py [--events 1000000] [--runs 5]``.
Writes a synthetic log (two worker files with rotated copies, the service's
exact line format, five experiments per line) into a temp dir, then times each step over several runs
and prints the medians. The figure is recorded in botify/analysis/README.md.
"""

import argparse
import statistics
import tempfile
import time

from botify.analysis import effects, load_events, sessionize, user_metrics
from botify.analysis.synthetic_ab import simulate_sessions, write_event_log

EXPERIMENT = "COLLABORATIVE"
OTHERS = ("AA", "STICKY_ARTIST", "TOP_POP", "CONTEXTUAL")  # botify logs every registered experiment
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
        count = write_event_log(log_dir, sessions, EXPERIMENT, files=2, lines_per_file=200_000,
                                other_experiments=OTHERS)
        print(f"{count:,} events, {len(sessions):,} sessions, {args.users:,} users; {args.runs} runs")
        timings = [_run_once(log_dir) for _ in range(args.runs)]
    print("step        wall median (min-max)      cpu median   "
          "(wall > cpu means other processes took the cores)")
    for step in timings[0]:
        wall = [timing[step][0] for timing in timings]
        cpu = [timing[step][1] for timing in timings]
        print(f"{step:>10}  {statistics.median(wall):6.2f} s ({min(wall):.2f}-{max(wall):.2f})"
              f"   {statistics.median(cpu):6.2f} s")


def _run_once(log_dir):
    """{step: (wall seconds, CPU seconds of this process)} for one pass of the pipeline."""
    marks = [(time.perf_counter(), time.process_time())]
    events = load_events(log_dir)
    marks.append((time.perf_counter(), time.process_time()))
    sessions = sessionize(events)
    marks.append((time.perf_counter(), time.process_time()))
    metrics = user_metrics(sessions, EXPERIMENT)
    marks.append((time.perf_counter(), time.process_time()))
    effects(metrics)
    marks.append((time.perf_counter(), time.process_time()))
    steps = ("load", "sessionize", "metrics", "effects")
    timing = {step: _elapsed(marks[i], marks[i + 1]) for i, step in enumerate(steps)}
    timing["total"] = _elapsed(marks[0], marks[-1])
    return timing


def _elapsed(start, end):
    return end[0] - start[0], end[1] - start[1]


if __name__ == "__main__":
    main()
