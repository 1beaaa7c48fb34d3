"""``botify train lightfm|contextual|two-stage|top``: logs in, one recommendation artifact out.

Examples:

    botify train lightfm --logs log --data data --trials 20 --epochs 30
    botify train contextual --logs log --data data --user-aware
    botify train two-stage --logs log --data data --dim 64
    botify train top --logs log
"""

import argparse

from botify import fields


def configure(parser):
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = __doc__.split("\n", 2)[2]
    models = parser.add_subparsers(dest="model", metavar="MODEL", required=True)
    lightfm = models.add_parser("lightfm", help="LightFM top-100 per listener (collaborative.jsonl)")
    _common(lightfm, "collaborative.jsonl")
    lightfm.add_argument("--trials", type=int, default=10,
                         help="optuna trials; 0 = default params (default 10)")
    lightfm.add_argument("--item-features", action=argparse.BooleanOptionalAction, default=True,
                         help="genre, artist, popularity and duration features (default on)")
    lightfm.add_argument("--k", type=int, default=10, help="precision@k to tune and report (default 10)")
    lightfm.add_argument("--exclude", choices=("none", "seen", "skipped"), default="none",
                         help="leave the listener's own tracks out of the lists (default none)")
    lightfm.add_argument("--no-cold-start", dest="cold_start", action="store_false",
                         help="no lists for user ids missing from the logs (default: the most-liked tracks)")
    lightfm.add_argument("--projector", metavar="DIR",
                         help="also write track embeddings for TensorBoard here")
    context = models.add_parser("contextual", help="torch ranker top-100 per start track (contextual.jsonl)")
    _common(context, "contextual.jsonl")
    context.add_argument("--dim", type=int, default=32, help="embedding size (default 32)")
    context.add_argument("--user-aware", action="store_true", help="add a listener embedding to the context")
    context.add_argument("--context", choices=(fields.START, "previous"), default=fields.START,
                         help="the session's first track or the track just played (default start)")
    staged = models.add_parser("two-stage", help="user-aware ranker, candidates + vectors (two_stage.jsonl)")
    _common(staged, "two_stage.jsonl")
    staged.add_argument("--dim", type=int, default=32, help="embedding size (default 32)")
    staged.add_argument("--lr", type=float, default=0.003, help="AdamW learning rate (default 0.003)")
    staged.add_argument("--batch-size", type=int, default=1024, help="pairs per step (default 1024)")
    staged.add_argument("--weight-decay", type=float, default=10.0,
                        help="AdamW weight decay (default 10; keep lr x weight decay well below 1)")
    staged.add_argument("--context", choices=(fields.START, "previous"), default="previous",
                        help="the track just played (default) or the session's first track")
    top = models.add_parser("top", help="the most-liked tracks (top_tracks.json)")
    top.add_argument("--logs", default="log", help="event log dir (default log)")
    top.add_argument("--data", default="data",
                     help="data dir; the artifact goes to DATA/artifacts (default data)")
    top.add_argument("--out", help="artifact path (default DATA/artifacts/top_tracks.json)")
    top.add_argument("--size", type=int, default=100, help="tracks in the list (default 100)")


def _common(parser, artifact):
    parser.add_argument("--logs", default="log", help="event log dir (default log)")
    parser.add_argument("--data", default="data", help="dir with catalog/tracks.jsonl (default data)")
    parser.add_argument("--out", help=f"artifact path (default DATA/artifacts/{artifact})")
    parser.add_argument("--epochs", type=int, default=30, help="most epochs per fit (default 30)")
    parser.add_argument("--patience", type=int, default=3, help="epochs without progress before stopping")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of splits, models and the study (default 0)")


def run(args):
    from botify.training import pipeline

    if args.model == "lightfm":
        summary = pipeline.collaborative(
            args.logs, args.data, args.out, args.trials, args.epochs, args.seed, args.item_features, args.k,
            patience=args.patience, exclude=args.exclude, cold_start=args.cold_start, progress=True,
        )
        _projector(args.projector, summary, args.data)
        _print_table({f"LightFM precision@{args.k}": summary[f"precision@{args.k}"],
                      f"popularity precision@{args.k}": summary[f"popularity_precision@{args.k}"]})
    elif args.model == "contextual":
        summary = pipeline.contextual_lists(
            args.logs, args.data, args.out, args.epochs, args.seed, args.dim, args.user_aware, args.context,
            args.patience, progress=True,
        )
        _print_table({"ranker test MSE": summary["test_mse"], "mean baseline MSE": summary["baseline_mse"]})
    elif args.model == "two-stage":
        summary = pipeline.two_stage(
            args.logs, args.data, args.out, args.epochs, args.seed, args.dim, args.patience,
            options={"lr": args.lr, "batch_size": args.batch_size, "weight_decay": args.weight_decay},
            context=args.context, progress=True,
        )
        _print_table({"ranker test MSE": summary["test_mse"], "mean baseline MSE": summary["baseline_mse"]})
    else:
        out = args.out or f"{args.data}/artifacts/top_tracks.json"
        pipeline.top_tracks(args.logs, out, args.size)
    return 0


def _projector(logdir, summary, data_dir):
    if logdir:
        from botify.training import data, projector

        item_ids = summary["interactions"].item_ids
        catalog = data.read_catalog(data_dir)
        path = projector.write(logdir, summary["item_vectors"][:, :-1], catalog.loc[item_ids])
        print(f"projector files in {path.parent}: tensorboard --logdir {logdir}")


def _print_table(rows):
    width = max(map(len, rows))
    for name, value in rows.items():
        print(f"{name:<{width}}  {value:.4f}")
