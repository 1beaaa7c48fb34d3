"""Homework 3: train the user-aware ranker and export it for two-stage serving. Start here.

The grader runs ``python train.py --logs LOGS --data DATA [--smoke]`` on the
logs of its training day. This writes DATA/artifacts/hw3_two_stage.jsonl: the
candidates of each track and the vectors that rank them per listener (see
botify/README.md, "Two-stage serving"). Today: small defaults. Your task:
tune it (embedding size, learning rate, batch size, epochs with early
stopping) until it beats Contextual online.
"""

import argparse
import pathlib

from botify.training import pipeline


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--smoke", action="store_true", help="tiny training, for the tests")
    args = parser.parse_args()
    out = pathlib.Path(args.data) / "artifacts" / "hw3_two_stage.jsonl"
    pipeline.two_stage(args.logs, args.data, out, epochs=2 if args.smoke else 10, dim=16,
                       progress=not args.smoke)  # TODO: dim, options={"lr": ..., "batch_size": ...}, epochs


if __name__ == "__main__":
    main()
