"""Worked example for homework 2: LightFM with item features, tuned by a 30-trial optuna study.

The grader runs ``python train.py --logs LOGS --data DATA [--smoke]`` on the
logs of its training day; this writes DATA/artifacts/lightfm_item_features.jsonl
(a top-100 per listener, the most-liked tracks for listeners without a positive)
and prints what the search found, with how long it took.
"""

import pathlib
import time

from botify import training
from botify.grading import train_arguments

ARTIFACT = "lightfm_item_features"
FULL = {"trials": 30, "epochs": 30, "patience": 3}  # the study; every trial stops early on precision@10
SMOKE = {"trials": 2, "epochs": 2, "patience": 1}  # the same code path in seconds, for the tests


def main():
    args = train_arguments(__doc__.splitlines()[0])
    out = pathlib.Path(args.data) / "artifacts" / f"{ARTIFACT}.jsonl"
    started = time.monotonic()
    summary = training.train_lightfm(args.logs, args.data, out=out, item_features=True, seed=0,
                                     progress=not args.smoke, **(SMOKE if args.smoke else FULL))
    describe(summary, time.monotonic() - started)


def describe(summary, seconds):
    """The figures the README quotes: the search, the best trial, offline precision against popularity."""
    study = summary["study"]
    print(f"optuna: {len(study.trials) if study else 0} trials in {seconds / 60:.1f} min "
          "(training and export)")
    print(f"best params: {summary['params']}")
    print(f"best epoch {summary['best_epoch']}: precision@10 {summary['precision@10']:.4f} "
          f"vs most-liked tracks {summary['popularity_precision@10']:.4f}")


if __name__ == "__main__":
    main()
