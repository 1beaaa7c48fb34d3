"""Benchmark: do the trained recommenders keep simulated listeners longer?

Run: ``.venv/bin/python botify/benchmarks/quality.py [--episodes 5000] [--port 5057]``.
Day 1 serves STICKY_ARTIST (Random vs StickyArtist); LightFM, the torch
contextual ranker and the popularity list are trained on its logs; day 2 serves
LEADERBOARD, a five-way split of Random, TopPop, StickyArtist, Collaborative
and Contextual. It prints each comparison the course claims (Collaborative vs
Random and vs TopPop, Contextual vs StickyArtist) on mean_time_per_session.
Figures are recorded in botify/training/README.md.
"""

import argparse
import pathlib

from botify.analysis import analyse, effects, format_table
from botify.analysis.log_description import arm_names
from botify.launcher import check_port_free
from botify.loop import LoopPlan, command, ensure_world, serve_day
from botify.processes import ProcessGroup
from botify.service.registry import BY_NAME

LEADERBOARD = BY_NAME["LEADERBOARD"]
ARMS = {arm: recommender.__name__
        for arm, recommender in zip(LEADERBOARD.treatments, LEADERBOARD.recommenders)}
CLAIMS = [("T3", "C"), ("T3", "T1"), ("T4", "T2")]  # (treatment, its baseline)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=5000, help="sessions per day")
    parser.add_argument("--port", type=int, default=5057)
    parser.add_argument("--data", type=pathlib.Path, default=pathlib.Path("data"))
    parser.add_argument("--work", type=pathlib.Path, default=pathlib.Path("reports/quality"))
    args = parser.parse_args()
    plan = LoopPlan(data=args.data, logs=args.work / "log", reports=args.work, port=args.port,
                    episodes=args.episodes, trials=8, epochs=30)
    day2 = run_days(plan)
    print_claims(day2)


def run_days(plan):
    check_port_free(plan.port)
    artifacts = plan.reports / "artifacts"
    with ProcessGroup() as processes:
        ensure_world(plan.data, plan.seed, processes=processes)
        day1 = serve_day(processes, plan, "STICKY_ARTIST", day=1)
        train = ("--logs", day1, "--data", plan.data, "--seed", plan.seed)
        command(processes, "botify", "train", "lightfm", *train, "--out", artifacts / "collaborative.jsonl",
                "--trials", plan.trials, "--epochs", plan.epochs)
        command(processes, "botify", "train", "contextual", *train, "--out", artifacts / "contextual.jsonl")
        command(processes, "botify", "train", "top", "--logs", day1, "--data", plan.data,
                "--out", artifacts / "top_tracks.json")
        uploads = {path.stem: path for path in sorted(artifacts.iterdir())}
        day2 = serve_day(processes, plan, "LEADERBOARD", day=2, uploads=uploads)
        command(processes, "botify", "report", "--logs", day2, "--experiment", "LEADERBOARD",
                "--out", plan.reports / "LEADERBOARD")
        return day2


def print_claims(day2):
    metrics = analyse(day2, "LEADERBOARD").metrics
    print(f"\nLEADERBOARD arms: {arm_names(day2, 'LEADERBOARD')}")
    for treatment, baseline in CLAIMS:
        pair = metrics[metrics["treatment"].isin([treatment, baseline])]
        table = effects(pair, control=baseline, metrics=["mean_time_per_session"])
        print(f"\n{ARMS[treatment]} ({treatment}) vs {ARMS[baseline]} ({baseline}):")
        print(format_table(table))


if __name__ == "__main__":
    main()
