"""Tune LikedTracks' like/skip threshold by ternary search, in process, about half a minute per point.

    .venv/bin/python homework/examples/liked_tracks/tune.py   # after a grading run of this folder

``--data`` is a graded data folder: the grader's private copy of the world
with the baseline's ``artifacts/contextual.jsonl`` (``botify grade`` leaves it
in ``reports/grade/examples-liked_tracks/data``). The loop plays the simulator's
listeners (``sim.listener``, the rules ``sim run`` plays by) directly against
the recommender classes, over an embedded Redis loaded as ``botify serve``
loads it, without HTTP:

- each session ``i`` of a day draws its listener, interest and first track
  from its own stream, as in ``sim run`` (``sim.simulation.session_stream``), so Contextual and
  LikedTracks meet exactly the same sessions (a paired comparison, far less
  noisy than the A/B test's two halves);
- only the listeners the HW1 split sends to T1 are played, in the day's
  order, so the per-track fans grow as densely as they will on the A/B day;
- only the loop reads the hidden world, to play the listeners; the
  recommenders see what they see in the service.

Tuning uses seeds other than the grader's (31337), so the graded day stays
a test set. The search, one line per threshold, goes to ``--out`` (CSV) and
the plot to ``--plot``.
"""

import argparse
import csv
import importlib.util
import logging
import pathlib
import signal
import sys

import numpy as np
import redis

from botify.service.loading.data_folder import load_data_folder
from botify.service.master.embedded_redis import EmbeddedRedis
from botify.service.recommenders.contextual import Contextual
from botify.service.store import Store
from sim.config import ListenerConfig
from sim.listener import ListenerModel
from sim.population import Population
from sim.simulation import session_stream
from sim.world import load_world

HERE = pathlib.Path(__file__).resolve().parent
DATA = pathlib.Path("reports/grade/examples-liked_tracks/data")  # where botify grade leaves its copy
DAY = 2  # the grader's A/B day


def load_submission(path):
    """The module of a submission's recommender.py, imported from its path (every submission names it so)."""
    spec = importlib.util.spec_from_file_location(f"submission_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SUBMISSION = load_submission(HERE / "recommender.py")


class OnlineLoop:
    """The simulated listeners and one Redis holding the catalog and artifacts of a graded data folder."""

    def __init__(self, data, sessions, seeds, experiment=SUBMISSION.EXPERIMENTS[0]):
        self.world = load_world(data)
        self.model = ListenerModel(self.world, ListenerConfig(), day=DAY)
        self.population = Population(self.world, self.model.config)
        self.sessions, self.seeds, self.experiment = sessions, seeds, experiment
        self.redis = EmbeddedRedis().start()
        self.client = redis.Redis.from_url(self.redis.url)
        load_data_folder(self.client, pathlib.Path(data), generation=1, logger=logging.getLogger("tune"))
        self.store = Store(self.client)

    def close(self):
        self.client.close()
        self.redis.stop()

    def mean_times(self, recommender_class):
        """Mean session time per (day, listener) of the T1 listeners, the grader's unit, in a fixed order."""
        times = {}
        for seed in self.seeds:
            for key in self.client.scan_iter(f"state:{recommender_class.__name__}:*", count=10_000):
                self.client.delete(key)  # each day starts with an empty memory, as on the A/B day
            recommender = recommender_class(self.store, seed=seed)
            for index in range(self.sessions):
                played = self._play(recommender, seed, index)
                if played is not None:
                    times.setdefault((seed, played[0]), []).append(played[1])
        return np.array([np.mean(times[unit]) for unit in sorted(times)])

    def _play(self, recommender, seed, index):
        """(listener, session time) of one session, played in sim's call order; None for a C listener."""
        rng = session_stream(seed, DAY, 0, index)
        user = self.population.pick(rng)
        if self.experiment.treatment(user) != "T1":
            return None
        session = self.model.start(user, rng)
        track, time = session.first_track, 1.0
        while not session.done:
            track = recommender.answer(user, track, time).track
            time = self.model.listen(session, track, rng)
        recommender.end_session(user, track, time)
        return user, session.time


def effect(control, treatment, resamples=2000, seed=0):
    """Relative effect in % of paired per-listener means, with a 95% bootstrap interval."""
    draws = np.random.default_rng(seed).integers(0, len(control), size=(resamples, len(control)))
    ratios = treatment[draws].mean(axis=1) / control[draws].mean(axis=1)
    low, high = np.percentile(ratios, [2.5, 97.5])
    return 100 * (treatment.mean() / control.mean() - 1), 100 * (low - 1), 100 * (high - 1)


def with_threshold(threshold):
    """LikedTracks with another THRESHOLD (the same name, so the same state namespace)."""
    base = SUBMISSION.LikedTracks
    return type(base.__name__, (base,), {"THRESHOLD": threshold})


def ternary_search(measure, low, high):
    """Ternary search for the best threshold on a grid of hundredths (listening times are rounded to 0.01).

    Each round measures two inner points and drops the third beyond the worse one;
    once fewer than four points are left, it measures them all. Returns every point measured.
    """
    tried = {}

    def value(percent):
        if percent not in tried:
            tried[percent] = measure(percent / 100)
            print(f"threshold {percent / 100:.2f}: {tried[percent][0]:+.1f}%", flush=True)
        return tried[percent][0]

    while high - low >= 3:
        left, right = low + (high - low) // 3, high - (high - low) // 3
        if value(left) < value(right):
            low = left + 1
        else:
            high = right - 1
    for percent in range(low, high + 1):
        value(percent)
    return {percent / 100: found for percent, found in tried.items()}


def write_search(tried, path):
    best = max(tried, key=lambda threshold: tried[threshold][0])
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["threshold", "effect_pct", "ci_low_pct", "ci_high_pct", "chosen"])
        for threshold in sorted(tried):
            writer.writerow([threshold, *(f"{value:.1f}" for value in tried[threshold]), threshold == best])
    return best


def plot_search(tried, best, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    thresholds = sorted(tried)
    effects = np.array([tried[threshold] for threshold in thresholds])
    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.errorbar(thresholds, effects[:, 0],
                  yerr=[effects[:, 0] - effects[:, 1], effects[:, 2] - effects[:, 0]], fmt="o-", capsize=3)
    axis.axvline(best, color="green", linestyle="--", label=f"chosen {best:.2f}")
    axis.set(xlabel="THRESHOLD (liked if listened at least this share)",
             ylabel="effect on mean time per session, %",
             title="LikedTracks vs Contextual, 3 in-process days per point")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def configure(parser):
    parser.add_argument("--data", type=pathlib.Path, default=DATA,
                        help=f"a graded data folder with artifacts/contextual.jsonl (default {DATA})")
    parser.add_argument("--sessions", type=int, default=2000,
                        help="sessions per day, both arms (default 2000)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3],
                        help="one day per seed (default 1 2 3)")
    parser.add_argument("--low", type=float, default=0.2, help="lowest threshold searched (default 0.2)")
    parser.add_argument("--high", type=float, default=0.95, help="highest threshold searched (default 0.95)")
    parser.add_argument("--out", type=pathlib.Path, default=HERE / "threshold_search.csv")
    parser.add_argument("--plot", type=pathlib.Path, default=HERE / "threshold_search.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    configure(parser)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the embedded Redis
    loop = OnlineLoop(args.data, args.sessions, args.seeds)
    try:
        control = loop.mean_times(Contextual)
        print(f"Contextual: {control.mean():.3f} mean time per session ({len(control)} listener-days)",
              flush=True)
        tried = ternary_search(lambda threshold: effect(control, loop.mean_times(with_threshold(threshold))),
                               round(100 * args.low), round(100 * args.high))
    finally:
        loop.close()
    best = write_search(tried, args.out)
    plot_search(tried, best, args.plot)
    print(f"chosen THRESHOLD = {best} ({tried[best][0]:+.1f}%); search in {args.out}, plot in {args.plot}")


if __name__ == "__main__":
    main()
