"""Worked example for homework 3: the user-aware torch ranker, exported for two-stage serving.

The grader runs ``python train.py --logs LOGS --data DATA [--smoke]`` on the
logs of its training day. This learns F(start, track, user) =
<context(start) + user(user), item(track)> + bias(track) from every
(session's first track, later track, listening time) of the logs, and writes
DATA/artifacts/neural_two_stage.jsonl: each track's 100 candidates for the
average listener, and the context, item and user vectors that re-rank them
per listener at request time (recommender.py).

It is ``botify.training.pipeline.two_stage`` with the session's first track as
the context (``context="start"``) instead of the previous one.
"""

import pathlib
import time

from botify import fields
from botify.grading import train_arguments
from botify.training import pipeline

ARTIFACT = "neural_two_stage"
FULL = {"dim": 64, "epochs": 300, "patience": 10, "lr": 0.05, "batch_size": 2048}
SMOKE = {"dim": 8, "epochs": 2, "patience": 1, "lr": 0.05, "batch_size": 2048}


def main():
    args = train_arguments(__doc__.splitlines()[0])
    out = pathlib.Path(args.data) / "artifacts" / f"{ARTIFACT}.jsonl"
    settings = dict(SMOKE if args.smoke else FULL)
    dim, epochs, patience = settings.pop("dim"), settings.pop("epochs"), settings.pop("patience")
    started = time.monotonic()
    summary = pipeline.two_stage(args.logs, args.data, out, epochs, 0, dim, patience, options=settings,
                                 context=fields.START, progress=not args.smoke)
    minutes = (time.monotonic() - started) / 60
    print(f"trained and exported in {minutes:.1f} min: best epoch {summary['best_epoch']} "
          f"of {len(summary['curve'])} run; test MSE {summary['test_mse']:.4f} vs the mean's "
          f"{summary['baseline_mse']:.4f}; vectors of {summary['users']} listeners in {out}")


if __name__ == "__main__":
    main()
