"""Vectorised batch listener steps per second with a random policy (100k sessions per run).

    .venv/bin/python -m sim.benchmarks.batch_steps [--world data] [--sessions 100000] [--runs 5]

"stepping" times ``BatchListeners.step`` alone; "end to end" times ``evaluate``
including opening sessions (first-track neighbour searches, cached per interest).
"""

import time

import numpy as np

from sim.array_policies import RandomPolicy
from sim.benchmarks.worlds import benchmark_world, parse, report
from sim.vectorised import BatchListeners, evaluate


def stepping_rate(world, sessions, seed):
    listeners, policy = BatchListeners(world), RandomPolicy(world.n_tracks, seed)
    rng = np.random.default_rng(seed)
    users, tracks = listeners.reset(sessions, rng)
    steps, elapsed = 0, 0.0
    while not listeners.done.all():
        actions = policy(users, tracks, None)
        active = int((~listeners.done).sum())
        start = time.perf_counter()
        listeners.step(actions, rng)
        elapsed += time.perf_counter() - start
        steps += active
    return steps / elapsed


def end_to_end_rate(world, sessions, seed):
    start = time.perf_counter()
    stats = evaluate(world, RandomPolicy(world.n_tracks, seed), sessions=sessions, seed=seed)
    return int((stats["tracks"] - 1).sum()) / (time.perf_counter() - start)


def main():
    args = parse(__doc__.splitlines()[0], sessions=100_000)
    world = benchmark_world(args.world)
    report("batch stepping", [stepping_rate(world, args.sessions, seed) for seed in range(args.runs)])
    report("batch end to end", [end_to_end_rate(world, args.sessions, seed) for seed in range(args.runs)])


if __name__ == "__main__":
    main()
