"""Single-process gymnasium env steps per second with a random agent.

    .venv/bin/python -m sim.benchmarks.env_steps [--world data] [--steps 200000] [--runs 5]
"""

import time

import numpy as np

from sim.benchmarks.worlds import benchmark_world, parse, report
from sim.env import ListeningEnv


def steps_per_second(env, steps, seed):
    rng = np.random.default_rng(seed)
    actions = rng.integers(env.action_space.n, size=steps).tolist()
    env.reset(seed=seed)
    start = time.perf_counter()
    for action in actions:
        _, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def main():
    args = parse(__doc__.splitlines()[0], steps=200_000)
    env = ListeningEnv(benchmark_world(args.world))
    steps_per_second(env, 20_000, seed=99)  # warm the first-track cache a little, like a running service
    report("env random agent", [steps_per_second(env, args.steps, seed) for seed in range(args.runs)])


if __name__ == "__main__":
    main()
