"""From a log dir to a verdict: the one call behind ``botify report`` and seminar cells.

``analyse`` runs the pipeline (load, sessionize, user metrics, optional CUPED
and A/A split, effects, trust checks) and keeps every intermediate table;
``report`` is the one-call notebook API that also writes ``report.md`` and the
PNGs; ``format_table`` is the plain-text table the CLI prints.
"""

import dataclasses
import pathlib

import pandas as pd

from botify.analysis import markdown, plots, report_json
from botify.analysis.log_description import active_experiment, arm_labels, partial_day
from botify.analysis.log_reader import load_events, treatments
from botify.analysis.sessions import sessionize
from botify.analysis.significance import effects as compute_effects
from botify.analysis.trust import aa_split, fallback_shares, srm
from botify.analysis.user_level import user_metrics
from botify.analysis.variance_reduction import cuped
from botify.fields import CONTROL, TREATMENT

EFFECTS_PNG, SESSIONS_PNG, REPORT_MD = "effects.png", "sessions.png", "report.md"
FALLBACK_ALARM = 0.5  # an arm answering this share at random is mostly not the recommender it claims to be


@dataclasses.dataclass
class Analysis:
    """Every table of one experiment's analysis, for the report and for notebooks to explore."""

    experiment: str
    logs: str
    sessions: pd.DataFrame
    metrics: pd.DataFrame
    effects: pd.DataFrame
    srm: dict
    truncated_lines: int = 0
    aa: bool = False
    cuped: dict = dataclasses.field(default_factory=dict)
    # treatment -> recommender, from the log's description
    arms: dict = dataclasses.field(default_factory=dict)
    fallback: dict = dataclasses.field(default_factory=dict)  # treatment -> share of random-fallback answers
    partial: str | None = None  # why the traffic day behind the log did not finish, if it did not
    active: str | None = None  # the experiment whose recommenders actually served the log


def analyse(logs, experiment, pre_logs=None, alpha=0.05, control=CONTROL, aa=False, split=None, seed=0):
    """Run the whole analysis of ``experiment`` over the event logs in ``logs``."""
    events = load_events(logs)
    treatments(events, experiment)  # a clear error before any work when the logs lack the experiment
    sessions = sessionize(events)
    sessions = sessions[sessions[experiment].notna()].reset_index(drop=True)
    metrics = user_metrics(sessions, experiment)
    trust = srm(metrics, split)
    if pre_logs is not None:
        metrics = cuped(metrics, user_metrics(sessionize(load_events(pre_logs))))
    if aa:
        metrics = aa_split(metrics, control, seed)
    table = compute_effects(metrics, control=CONTROL if aa else control, alpha=alpha)
    return Analysis(experiment, str(logs), sessions, metrics, table, trust,
                    truncated_lines=events.attrs.get("truncated_lines", 0), aa=aa,
                    cuped=metrics.attrs.get("cuped", {}), arms=arm_labels(logs, experiment),
                    fallback=fallback_shares(events, experiment), partial=partial_day(logs),
                    active=active_experiment(logs))


def report(logs, experiment, out=None, pre_logs=None, alpha=0.05, control=CONTROL, aa=False, split=None):
    """One call for a notebook cell: the effects table, plus report.md and PNGs in ``out`` if given."""
    analysis = analyse(logs, experiment, pre_logs=pre_logs, alpha=alpha, control=control, aa=aa, split=split)
    if out is not None:
        write_report(analysis, out)
    return analysis.effects


def write_report(analysis, out):
    """Write report.md, report.json, effects.png and sessions.png into ``out``; return report.md's path."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    warning = None
    if analysis.srm["mismatch"]:
        warning = f"SAMPLE RATIO MISMATCH (p = {analysis.srm['p_value']:.2g}): do not trust these effects"
    plots.effects_plot(analysis.effects, title=title(analysis), path=out / EFFECTS_PNG, warning=warning)
    plots.session_plots(analysis.sessions, analysis.experiment, path=out / SESSIONS_PNG)
    report_json.write(report_json.ab_report(analysis, verdicts(analysis.effects)), out)
    path = out / REPORT_MD
    path.write_text(render_markdown(analysis))
    return path


def title(analysis):
    if analysis.aa:
        return f"{analysis.experiment} (A/A split of control)"
    arms = _arms(analysis)
    return f"{analysis.experiment} ({arms})" if arms else analysis.experiment


def _arms(analysis):
    """'C = Random, T1 = Collaborative' as the log described itself ('' when it did not)."""
    return "" if analysis.aa else ", ".join(f"{arm} = {name}" for arm, name in analysis.arms.items())


def verdicts(effects):
    """'better', 'worse' or 'no effect' per row (after Holm when there are several treatments)."""
    corrected = effects[TREATMENT].nunique() > 1
    flags = effects["significant_holm" if corrected else "significant"]
    colors = [plots.verdict_color(m, e, s) for m, e, s in zip(effects["metric"], effects["effect"], flags)]
    return [{plots.GREEN: "better", plots.RED: "worse"}.get(color, "no effect") for color in colors]


def format_table(effects):
    """The effects as an aligned plain-text table (what the CLI prints)."""
    alpha = effects.attrs.get("alpha", 0.05)
    rows = [["metric", "arm", "control", "treatment", "effect", f"{100 * (1 - alpha):.0f}% CI",
             "p", "p (Holm)", "verdict"]]
    for row, verdict in zip(effects.itertuples(index=False), verdicts(effects)):
        rows.append([row.metric, getattr(row, TREATMENT), f"{row.control_mean:.4g}",
                     f"{row.treatment_mean:.4g}", f"{row.effect:+.2f}%",
                     f"[{row.ci_low:+.2f}%, {row.ci_high:+.2f}%]",
                     f"{row.p_value:.3g}", f"{row.p_holm:.3g}", verdict])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) if i < 2 else cell.rjust(width) for i, (cell, width)
                       in enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def format_trust(analysis):
    """One line per trust check, for the terminal."""
    trust = analysis.srm
    arms = ", ".join(f"{row[TREATMENT]}: {row.users:,} users / {row.sessions:,} sessions"
                     for _, row in trust["arms"].iterrows())
    status = "MISMATCH, do not trust the effects" if trust["mismatch"] else "ok"
    lines = [f"arms: {arms}",
             f"sample ratio (chi-square vs the split): p = {trust['p_value']:.3g} -> {status}"]
    if analysis.partial:
        lines.insert(0, f"warning: PARTIAL DAY, the traffic was interrupted ({analysis.partial})")
    if not_served(analysis):
        lines.insert(0, not_served(analysis))
    if trust.get("crossovers"):
        lines.append(f"users seen in more than one arm: {trust['crossovers']:,} (the assignment changed)")
    if analysis.fallback:
        lines.append("random fallbacks (no data for the request): " + ", ".join(
            f"{arm}: {share:.0%}" for arm, share in analysis.fallback.items()))
        lines += [f"warning: {arm} fell back to random tracks for {share:.0%} of its answers: "
                  "is its artifact loaded?"
                  for arm, share in analysis.fallback.items() if share >= FALLBACK_ALARM]
    if analysis.truncated_lines:
        lines.append(f"truncated log lines skipped: {analysis.truncated_lines}")
    return "\n".join(lines)


def not_served(analysis):
    """A warning when the log was served by another experiment: every listener of ``analysis.experiment``
    then got the active experiment's recommenders, so its arms differ only by chance (an A/A test)."""
    if analysis.active and analysis.active != analysis.experiment:
        return (f"warning: {analysis.experiment} was not being served in this log (the active experiment was "
                f"{analysis.active}): its arms got the same recommenders, so this is an A/A test")
    return ""


def render_markdown(analysis):
    """report.md: verdict table, trust checks, method notes and the two pictures."""
    return markdown.render(analysis, verdicts(analysis.effects), (EFFECTS_PNG, SESSIONS_PNG), _arms(analysis))
