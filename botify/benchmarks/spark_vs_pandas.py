"""Benchmark: week 1's A/B analysis (load, sessionize, user metrics, Welch) in pandas and in local Spark,
across log sizes, with each run's wall time and peak memory.

Run: ``.venv/bin/python -m botify.benchmarks.spark_vs_pandas [--sizes 1e5 1e6 1e7] [--runs 3]``.
Every run is a fresh process (Spark's includes starting its JVM, reported
apart), its memory the peak resident size of it and its children, sampled
every 50 ms. Writes ``OUT.csv`` (every run) and ``OUT.png``, and prints the
medians; the figures are recorded in seminars/06_scale/README.md.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import pandas as pd
from matplotlib.figure import Figure

from botify.analysis.synthetic_ab import write_large_log

EXPERIMENT = "STICKY_ARTIST"
OTHERS = ("AA", "TOP_POP", "COLLABORATIVE", "CONTEXTUAL", "LEADERBOARD")  # as botify logs them
ENGINES = ("pandas", "spark")
SPARK_HEAP_GB = 4  # start_spark's default memory
DEFAULT_OUT = pathlib.Path(__file__).resolve().parents[2] / "seminars" / "06_scale" / "spark_vs_pandas"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e5, 1e6, 3e6, 1e7, 3e7])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT,
                        help="OUT.csv and OUT.png are written")
    parser.add_argument("--logs", type=pathlib.Path,
                        help="keep the generated logs here (default: a temp dir)")
    parser.add_argument("--replot", action="store_true", help="only redraw OUT.png from OUT.csv")
    parser.add_argument("--once", nargs=2, metavar=("ENGINE", "LOG_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(json.dumps(run_once(*args.once)))
        return
    if args.replot:
        results = pd.read_csv(args.out.with_suffix(".csv"))
    else:
        with tempfile.TemporaryDirectory() as scratch:
            logs = args.logs or pathlib.Path(scratch)
            results = pd.DataFrame([row for size in args.sizes
                                    for row in measure(int(size), args.runs, logs)])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        results.to_csv(args.out.with_suffix(".csv"), index=False)
    summary = summarise(results)
    print(summary.to_string(index=False, float_format="{:.2f}".format))
    plot(summary).savefig(args.out.with_suffix(".png"), dpi=110, bbox_inches="tight")
    print(f"wrote {args.out.with_suffix('.png')}"
          + ("" if args.replot else f" and {args.out.with_suffix('.csv')}"))


def measure(size, runs, logs):
    """Rows of (engine, events, run, seconds, start_seconds, peak_gb, load, machine_gb) for one log size."""
    log_dir = logs / f"events-{size}"
    if not log_dir.exists():
        print(f"writing a log of {size:,} events ...", flush=True)
        write_large_log(log_dir, size, EXPERIMENT, effect=0.05, seed=0, other_experiments=OTHERS,
                        progress=False)
    events = sum(1 for path in log_dir.glob("events-*.jsonl") for _ in path.open("rb"))
    for run in range(runs):
        for engine in ENGINES:
            timing, peak = _in_child(engine, log_dir)
            row = {"engine": engine, "events": events, "run": run, **timing, "peak_gb": peak / 2**30,
                   "load": os.getloadavg()[0], "machine_gb": memory_gb()}
            print(f"{engine:>6} {events:>11,} events: {row['seconds']:6.1f} s "
                  f"(+{row['start_seconds']:.1f} s start), "
                  f"peak {row['peak_gb']:.2f} GB, load {row['load']:.1f}", flush=True)
            yield row


def run_once(engine, log_dir):
    """One pass of the pipeline in this process: {seconds, start_seconds}."""
    started = time.perf_counter()
    if engine == "pandas":
        from botify.analysis import effects, load_events, sessionize, user_metrics

        ready = time.perf_counter()
        effects(user_metrics(sessionize(load_events(log_dir)), EXPERIMENT))
    else:
        from botify.analysis import spark_ab

        spark = spark_ab.start_spark()
        spark.range(1).count()  # the JVM is up and has run a job
        ready = time.perf_counter()
        sessions = spark_ab.sessionize(spark_ab.read_events(spark, log_dir), EXPERIMENT)
        spark_ab.effects(spark_ab.user_metrics(sessions))
        spark.stop()
    return {"seconds": time.perf_counter() - ready, "start_seconds": ready - started}


def _in_child(engine, log_dir):
    """Run one pass in a fresh interpreter; (its timing, the peak bytes resident in its process tree)."""
    command = [sys.executable, "-m", "botify.benchmarks.spark_vs_pandas", "--once", engine, str(log_dir)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    while child.poll() is None:
        peak = max(peak, tree_rss(child.pid))
        time.sleep(0.05)
    output = child.stdout.read()
    if child.returncode:
        raise SystemExit(f"error: the {engine} run on {log_dir} failed (exit {child.returncode})")
    return json.loads(output.strip().splitlines()[-1]), peak


def tree_rss(pid):
    """Bytes resident in ``pid`` and all its descendants (Linux /proc; 0 once it has gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = pathlib.Path(f"/proc/{current}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0]) * 1024 if "VmRSS:" in status else 0
            for task in pathlib.Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def summarise(results):
    """The median of the runs per engine and log size."""
    return results.groupby(["engine", "events"]).median(numeric_only=True).reset_index()


def memory_gb():
    """This machine's memory in GB (Linux), recorded with each run for the plot's extrapolation."""
    with open("/proc/meminfo") as info:
        return int(info.readline().split()[1]) / 2**20


def plot(summary):
    """Time and peak memory against log size, one line per engine, on log-log axes."""
    figure = Figure(figsize=(11, 4), layout="constrained")
    left, right = figure.subplots(1, 2)
    for engine, group in summary.groupby("engine"):
        left.plot(group["events"], group["seconds"], "o-", label=f"{engine}: the analysis")
        right.plot(group["events"], group["peak_gb"], "o-", label=engine)
        if engine == "spark":
            left.plot(group["events"], group["seconds"] + group["start_seconds"], "o:", color="grey",
                      label="spark: + starting the JVM")
    left.set(xscale="log", yscale="log", xlabel="events in the log", ylabel="seconds (median)",
             title="Week 1's analysis: wall time")
    right.axhline(SPARK_HEAP_GB, color="C1", ls=":",
                  label=f"Spark's heap limit ({SPARK_HEAP_GB} GB): it spills past it")
    pandas_rows = summary[summary["engine"] == "pandas"].sort_values("events")
    if len(pandas_rows) >= 2:
        (small, large) = pandas_rows.iloc[-2], pandas_rows.iloc[-1]
        per_million = (large["peak_gb"] - small["peak_gb"]) / (large["events"] - small["events"]) * 1e6
        machine = large["machine_gb"]
        right.annotate(f"pandas: +{per_million:.2f} GB per million events\n"
                       f"→ {machine:.0f} GB (the machine's memory) at ~{machine / per_million:.0f}M events",
                       xy=(large["events"], large["peak_gb"]), xytext=(0.03, 0.55),
                       textcoords="axes fraction")
    right.set(xscale="log", xlabel="events in the log", ylabel="peak resident memory, GB",
              title="Peak memory (process and children)")
    for axis in (left, right):
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure.suptitle(f"pandas vs local Spark on {os.cpu_count()} cores")
    return figure


if __name__ == "__main__":
    main()
