"""A/B analysis: botify's event logs in, trustworthy verdicts and the "A/B screenshot" out.

The notebooks' API, one call per step (seminar 1)::

    from botify.analysis import load_events, sessionize, user_metrics, effects, report
    events = load_events("log")
    sessions = sessionize(events)
    metrics = user_metrics(sessions, "COLLABORATIVE")
    effects(metrics)                                      # Welch CIs, Holm-corrected p
    report("log", "COLLABORATIVE", out="reports/x")       # all of it + report.md + PNGs

Modules, one job each: ``log_reader`` (events), ``log_description`` (what the
service said it served), ``sessions``, ``user_level`` (metrics per user),
``significance`` (Welch, Holm), ``variance_reduction`` (CUPED), ``trust`` (SRM,
A/A, fallbacks), ``plots``, ``markdown``, ``reporting`` (all of it in one call),
``report_json`` (report.json), ``interleaving`` and ``interleaving_report`` (interleaved experiments).
No name exported here is also the name of a module, so ``import
botify.analysis.significance`` always gives the module.
"""

from botify.analysis.log_description import arm_labels, read_description
from botify.analysis.log_reader import experiment_names, load_events, treatments
from botify.analysis.plots import effects_plot, session_plots
from botify.analysis.reporting import Analysis, analyse, format_table, report, write_report
from botify.analysis.sessions import sessionize
from botify.analysis.significance import effects, holm, welch
from botify.analysis.trust import aa_split, arm_sizes, fallback_shares, srm
from botify.analysis.user_level import METRICS, user_metrics
from botify.analysis.variance_reduction import cuped

__all__ = [
    "Analysis", "METRICS", "aa_split", "analyse", "arm_labels", "arm_sizes", "cuped", "effects",
    "effects_plot", "experiment_names", "fallback_shares", "format_table", "holm", "load_events",
    "read_description", "report", "session_plots", "sessionize", "srm", "treatments", "user_metrics", "welch",
    "write_report",
]
