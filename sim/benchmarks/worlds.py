"""The world a benchmark runs on: a given data folder, or the default world built in a temp folder."""

import argparse
import statistics
import tempfile

from sim.generator import generate_world
from sim.world import load_world, save_world


def parse(description, **defaults):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--world", help="data folder (default: build the seed-31337 default world)")
    parser.add_argument("--runs", type=int, default=5)
    for name, value in defaults.items():
        parser.add_argument(f"--{name}", type=type(value), default=value)
    return parser.parse_args()


def benchmark_world(path=None):
    if path:
        return load_world(path)
    with tempfile.TemporaryDirectory() as folder:
        save_world(generate_world(31337), folder)
        return load_world(folder)


def report(name, rates, unit="steps/s"):
    rates = sorted(rates)
    print(f"{name}: median {statistics.median(rates):,.0f} {unit} "
          f"(runs: {', '.join(f'{r:,.0f}' for r in rates)})")
