"""Calibration table: mean session time ± 95% CI per in-process agent, and returning users.

    .venv/bin/python -m sim.benchmarks.calibration [--world data] [--sessions 2000] [--seed 0]

Every agent is measured on day 1 with the same seed. TopPop first serves a
warm-up day 0 so it has traffic to learn popularity from, as botify's TopPop
learns from a day of logs. The course's lessons need: Random clearly worst,
StickyArtist and TopPop above it, the oracle far above everything.
"""

import argparse

import numpy as np

from sim.benchmarks.worlds import benchmark_world
from sim.report import mean_sem
from sim.simulation import Simulation

AGENTS = ["random", "sticky_artist", "top_pop", "oracle"]


def measure(world, agent, sessions, seed):
    simulation = Simulation(world, agent, seed)
    if agent == "top_pop":
        simulation.run_day(0, 0, sessions)
    rows = simulation.run_day(1, 0, sessions).rows
    return [row["time"] for row in rows], [row["tracks"] for row in rows]


def returning_share(world, sessions, seed):
    """Share of day-1 sessions (and users) whose user also listened on day 0."""
    simulation = Simulation(world, "random", seed)
    day0 = {row["user"] for row in simulation.run_day(0, 0, sessions).rows}
    day1 = [row["user"] for row in simulation.run_day(1, 0, sessions).rows]
    return np.isin(day1, list(day0)).mean(), np.isin(sorted(set(day1)), list(day0)).mean(), len(set(day1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", help="data folder (default: build the seed-31337 default world)")
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    world = benchmark_world(args.world)
    print("| agent | session time (mean ± 95% CI) | tracks per session | vs random |\n|---|---|---|---|")
    baseline = None
    for agent in AGENTS:
        times, tracks = measure(world, agent, args.sessions, args.seed)
        mean, sem = mean_sem(times)
        baseline = baseline or mean
        print(f"| {agent} | {mean:.3f} ± {1.96 * sem:.3f} | {np.mean(tracks):.2f} | x{mean / baseline:.2f} |")
    sessions_share, users_share, users = returning_share(world, 3000, args.seed)
    print(f"\nday of 3000 sessions: {users} users; {sessions_share:.0%} of the sessions and "
          f"{users_share:.0%} of the users also listened the day before")


if __name__ == "__main__":
    main()
