"""report.md: the experiment's verdict as a Markdown page students can paste from.

Kept apart from the analysis so the page's wording can change without touching
any statistics.
"""

import os

from botify.analysis.significance import __doc__ as METHOD
from botify.fields import TREATMENT


def render(analysis, verdicts, images, arms=""):
    """The whole page; ``images`` are the effects and sessions PNG file names (same folder),
    ``arms`` says which recommender each arm ran."""
    effects = analysis.effects
    alpha = effects.attrs.get("alpha", 0.05)
    kind = "A/A check: the control users split in two random halves" if analysis.aa else "A/B test"
    parts = [
        f"# {analysis.experiment}: {kind}",
        f"Logs: `{shown_path(analysis.logs)}`. Users: {len(analysis.metrics):,}; "
        f"sessions: {len(analysis.sessions):,}."
        + (f" Arms: {arms}." if arms else ""),
        f"![effects]({images[0]})",
        "## Effects",
        _effects_table(effects, verdicts, alpha) + _holm_note(effects),
        "## Trust checks",
        _trust(analysis),
        "## Sessions over the experiment",
        f"![sessions]({images[1]})",
        "## Method",
        "Each user counts once: the metrics are per-user totals and means over their sessions, because "
        "users are what the experiment randomises. " + " ".join(METHOD.split("\n\n", 1)[1].split()),
    ]
    return "\n\n".join(parts) + "\n"


def shown_path(path):
    """``path`` relative to the working directory when it lies inside it: a report names no one's home
    folder."""
    relative = os.path.relpath(os.path.abspath(path))
    return str(path) if relative.startswith("..") else relative


def _effects_table(effects, verdicts, alpha):
    header = (f"| metric | arm | control | treatment | effect | {100 * (1 - alpha):.0f}% CI "
              "| p | p (Holm) | verdict |\n"
              "|---|---|--:|--:|--:|--:|--:|--:|---|")
    rows = [
        f"| {row.metric} | {getattr(row, TREATMENT)} | {row.control_mean:.4g} | {row.treatment_mean:.4g} "
        f"| {row.effect:+.2f}% | [{row.ci_low:+.2f}%, {row.ci_high:+.2f}%] | {row.p_value:.3g} "
        f"| {row.p_holm:.3g} | **{verdict}** |"
        for row, verdict in zip(effects.itertuples(index=False), verdicts)
    ]
    return "\n".join([header, *rows])


def _holm_note(effects):
    """Why the two p columns agree when there is one treatment (a reader otherwise suspects a bug)."""
    if effects[TREATMENT].nunique() > 1:
        return ""
    return ("\n\nWith one treatment each metric asks a single question, so Holm's correction has nothing to "
            "correct: p (Holm) equals p. It differs once several treatments are compared with control.")


def _trust(analysis):
    trust = analysis.srm
    lines = ["| arm | recommender | users | sessions | expected users | random fallbacks |",
             "|---|---|--:|--:|--:|--:|"]
    lines += [f"| {row[TREATMENT]} | {analysis.arms.get(row[TREATMENT], '?')} | {row.users:,} "
              f"| {row.sessions:,} | {row.expected_users:,.0f} "
              f"| {_share(analysis.fallback.get(row[TREATMENT]))} |"
              for _, row in trust["arms"].iterrows()]
    status = ("**MISMATCH: users were lost or moved unevenly; do not trust the effects**" if trust["mismatch"]
              else "ok")
    lines.append("")
    lines.append(f"- Sample ratio mismatch (chi-square of users per arm vs the split): "
                 f"chi2 = {trust['chi2']:.2f}, p = {trust['p_value']:.3g} → {status}")
    lines.append(f"- Users seen in more than one arm: {trust.get('crossovers', 0):,}")
    if analysis.active and analysis.active != analysis.experiment:
        lines.append(f"- **{analysis.experiment} was not the active experiment of this log** (it was "
                     f"{analysis.active}): its arms got the same recommenders; read this as an A/A test")
    if analysis.partial:
        lines.append(f"- **PARTIAL DAY: the traffic was interrupted** ({analysis.partial}); "
                     "these are not a full day's figures")
    incomplete = analysis.sessions.attrs.get("incomplete_sessions", 0)
    lines.append(f"- Sessions without a `last` yet (dropped): {incomplete:,}")
    lines.append(f"- Truncated log lines skipped: {analysis.truncated_lines}")
    for metric, note in analysis.cuped.items():
        lines.append(f"- CUPED on {metric}: theta = {note['theta']:.3g}, users with pre-period data "
                     f"{100 * note['covered']:.0f}%, "
                     f"variance reduced by {100 * note['variance_reduction']:.0f}%")
    return "\n".join(lines)



def _share(value):
    return "n/a" if value is None else f"{value:.1%}"
