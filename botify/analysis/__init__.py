"""A/B analysis: botify's event logs in, trustworthy verdicts and the "A/B screenshot" out.

The notebooks' API, one call per step (seminar 1)::

    from botify.analysis import load_events, sessionize, user_metrics, effects, report
    events = load_events("log")
    sessions = sessionize(events)
    metrics = user_metrics(sessions, "COLLABORATIVE")
    effects(metrics)                                      # Welch CIs, Holm-corrected p
    report("log", "COLLABORATIVE", out="reports/x")       # all of it + report.md + PNGs
"""

from botify.analysis.cuped import cuped
from botify.analysis.effects import effects, holm, welch
from botify.analysis.events import EventLogError, experiment_names, load_events, treatments
from botify.analysis.metrics import METRICS, user_metrics
from botify.analysis.plots import effects_plot, session_plots
from botify.analysis.report import Analysis, analyse, format_table, report, write_report
from botify.analysis.sessions import sessionize
from botify.analysis.trust import aa_split, arm_sizes, srm

__all__ = [
    "Analysis", "EventLogError", "METRICS", "aa_split", "analyse", "arm_sizes", "cuped", "effects",
    "effects_plot", "experiment_names", "format_table", "holm", "load_events", "report", "session_plots",
    "sessionize", "srm", "treatments", "user_metrics", "welch",
]
