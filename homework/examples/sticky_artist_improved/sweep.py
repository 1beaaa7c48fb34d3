"""How much each setting of StickyArtistImproved matters, measured in process against Contextual.

    .venv/bin/python homework/examples/sticky_artist_improved/sweep.py   # after a grading run of this folder

It reuses the in-process loop of the other worked example
(``../liked_tracks/tune.py``: the simulator's listeners against the
recommender over an embedded Redis, paired sessions, HW1's T1 listeners
only, days of seeds 1-3 rather than the grader's 31337) and prints one line
per variant: FAILURES (dislikes in a row before answering as Contextual) and
DISLIKED (the bar of a dislike), plus plain StickyArtist for reference. The
table goes to ``--out`` (CSV).
"""

import argparse
import csv
import importlib.util
import pathlib

from botify.service.recommenders.contextual import Contextual
from botify.service.recommenders.sticky_artist import StickyArtist

HERE = pathlib.Path(__file__).resolve().parent
DATA = pathlib.Path("reports/grade/examples-sticky_artist_improved/data")  # botify grade's copy
NEVER = 10**9  # FAILURES that are never reached: Contextual is never used as such


def _liked_tracks_tune():
    """The other worked example's tune.py, imported from its path: its OnlineLoop and effect()."""
    path = HERE.parent / "liked_tracks" / "tune.py"
    spec = importlib.util.spec_from_file_location("liked_tracks_tune", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def variants(base):
    """(label, class) pairs: the FAILURES sweep, the DISLIKED sweep, and StickyArtist itself."""
    def variant(**settings):
        return type(base.__name__, (base,), settings)  # the same name keeps the same state namespace

    found = [("StickyArtist (no rules)", StickyArtist)]
    found += [(f"FAILURES={'never' if k == NEVER else k}", variant(FAILURES=k)) for k in (1, 2, 3, 5, NEVER)]
    found += [(f"DISLIKED={bar}", variant(DISLIKED=bar)) for bar in (0.1, 0.35, 0.5)]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=pathlib.Path, default=DATA,
                        help=f"a graded data folder with artifacts/contextual.jsonl (default {DATA})")
    parser.add_argument("--sessions", type=int, default=2000, help="sessions per day (default 2000)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3],
                        help="one day per seed (default 1 2 3)")
    parser.add_argument("--out", type=pathlib.Path, default=HERE / "sweep.csv")
    args = parser.parse_args()
    tune = _liked_tracks_tune()
    mine = tune.load_submission(HERE / "recommender.py")
    loop = tune.OnlineLoop(args.data, args.sessions, args.seeds, mine.EXPERIMENTS[0])
    rows = []
    try:
        control = loop.mean_times(Contextual)
        print(f"Contextual: {control.mean():.3f} mean time per session ({len(control)} listener-days)")
        default = mine.StickyArtistImproved
        print(f"defaults: FAILURES={default.FAILURES}, DISLIKED={default.DISLIKED}, LIKED={default.LIKED}")
        for label, recommender in variants(default):
            found = tune.effect(control, loop.mean_times(recommender))
            rows.append([label, *(f"{value:.1f}" for value in found)])
            print(f"{label:24s} {found[0]:+6.1f}% [{found[1]:+.1f}%, {found[2]:+.1f}%]", flush=True)
    finally:
        loop.close()
    with open(args.out, "w", newline="") as file:
        csv.writer(file).writerows([["variant", "effect_pct", "ci_low_pct", "ci_high_pct"], *rows])


if __name__ == "__main__":
    main()
