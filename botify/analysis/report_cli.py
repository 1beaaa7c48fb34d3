"""``botify report``: judge an A/B experiment from the event logs.

Prints the effects table and the trust checks, and writes ``report.md``,
``report.json``, the effects plot (the "A/B screenshot") and the session plots
into ``--out``. An interleaved experiment (its log's description says so) gets
its preference table, ``report.md``, ``report.json`` and the preference plot.
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
    parser.add_argument("--credit", default="time", choices=("time", "liked", "first"),
                        help="interleaved experiments: what a played track earns its team (default: time, "
                             "the share of it heard; liked: 1 if heard > 0.8; first: only each session's "
                             "first credited track)")


def run(args):
    import warnings

    from botify.analysis.interleaving import is_interleaved
    from botify.analysis.log_reader import TruncatedLineWarning
    from botify.analysis.reporting import analyse, format_table, format_trust, title, write_report

    if not 0 < args.alpha < 1:
        raise UsageError(f"--alpha must be between 0 and 1, got {args.alpha}")
    out = pathlib.Path(args.out or pathlib.Path("reports") / args.experiment)
    if is_interleaved(args.logs, args.experiment):
        return _run_interleaving(args, out)
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


def _run_interleaving(args, out):
    """An interleaved experiment (its log's description says so): which recommender listeners preferred."""
    from botify.analysis import interleaving_report as shown
    from botify.analysis.interleaving import analyse_interleaving

    if args.pre_logs or args.aa or args.split or args.control != "C":
        raise UsageError("--pre-logs, --aa, --split and --control are for A/B experiments; "
                         f"{args.experiment} is interleaved")
    analysis = analyse_interleaving(args.logs, args.experiment, credit=args.credit, alpha=args.alpha)
    print(shown.title(analysis))
    print(shown.format_preferences(analysis))
    print()
    print(shown.format_trust(analysis))
    path = shown.write_interleaving_report(analysis, out)
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
