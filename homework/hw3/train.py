"""Homework 3: train the user-aware ranker and export it for two-stage serving. Start here.

The grader runs ``python train.py --logs LOGS --data DATA [--smoke]`` on the
logs of its training day. This writes DATA/artifacts/hw3_two_stage.jsonl: the
candidates of each track and the vectors that rank them per listener (see
botify/README.md, "Two-stage serving"). Today: small defaults. Your task:
tune it (embedding size, learning rate, batch size, epochs with early
stopping) until it beats Contextual online.
"""

import pathlib

from botify.grading import train_arguments
from botify.training import pipeline


def main():
    args = train_arguments(__doc__.splitlines()[0])
    out = pathlib.Path(args.data) / "artifacts" / "hw3_two_stage.jsonl"
    pipeline.two_stage(args.logs, args.data, out, epochs=2 if args.smoke else 10, dim=16,
                       progress=not args.smoke)  # TODO: dim, options={"lr": ..., "batch_size": ...}, epochs


if __name__ == "__main__":
    main()
