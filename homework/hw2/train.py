"""Homework 2: train the per-listener lists your recommender serves. Start here.

The grader runs ``python train.py --logs LOGS --data DATA [--smoke]`` on the
logs of its training day; whatever this writes into DATA/artifacts/ is loaded
by the service. Today: plain LightFM, no item features, no search. Your task:
item features (genre, artist, popularity level, duration) and an optuna search.
"""

import pathlib

from botify import training
from botify.grading import train_arguments


def main():
    args = train_arguments(__doc__.splitlines()[0])
    out = pathlib.Path(args.data) / "artifacts" / "hw2_lists.jsonl"
    training.train_lightfm(args.logs, args.data, out=out, trials=0, epochs=2 if args.smoke else 10,
                           item_features=False)  # TODO: item features, an optuna search (trials)


if __name__ == "__main__":
    main()
