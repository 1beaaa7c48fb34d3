"""``botify report``: judge an A/B experiment from the event logs.

Prints the effects table and the trust checks, and writes ``report.md``, the
effects plot (the "A/B screenshot") and the session plots into ``--out``.
"""

import pathlib

from botify.errors import UsageError


def configure(parser):
    parser.add_argument("--logs", default="log", help="the log dir with events*.jsonl* files (default: log)")
    parser.add_argument("--experiment", required=True, help="experiment name, e.g. COLLABORATIVE")
    parser.add_argument("--out", help="where report.md and the PNGs go (default: reports/EXPERIMENT)")
    parser.add_argument("--pre-logs", help="a log dir from before the experiment: enables CUPED")
    parser.add_argument("--alpha", type=float, default=0.05, help="significance level (default: 0.05)")
    parser.add_argument("--control", default="C", help="the control treatment (default: C)")
    parser.add_argument("--split", help="intended split for the SRM check, e.g. C=50,T1=50 (default: equal)")
    parser.add_argument("--aa", action="store_true",
                        help="A/A mode: compare two random halves of the control users")


def run(args):
    import warnings

    from botify.analysis.log_reader import TruncatedLineWarning
    from botify.analysis.reporting import analyse, format_table, format_trust, title, write_report

    if not 0 < args.alpha < 1:
        raise UsageError(f"--alpha must be between 0 and 1, got {args.alpha}")
    out = pathlib.Path(args.out or pathlib.Path("reports") / args.experiment)
    with warnings.catch_warnings():  # the trust lines below report truncated lines in plain words
        warnings.simplefilter("ignore", TruncatedLineWarning)
        analysis = analyse(args.logs, args.experiment, pre_logs=args.pre_logs, alpha=args.alpha,
                           control=args.control, aa=args.aa, split=_split(args.split))
    print(title(analysis))
    print(format_table(analysis.effects))
    print()
    print(format_trust(analysis))
    path = write_report(analysis, out)
    print(f"report: {path}")
    return 0


def _split(text):
    """'C=50,T1=50' -> {'C': 50.0, 'T1': 50.0}."""
    if not text:
        return None
    try:
        pairs = [item.split("=") for item in text.split(",")]
        return {name.strip(): float(weight) for name, weight in pairs}
    except ValueError:
        raise UsageError(f"--split must look like C=50,T1=50, got {text!r}") from None
