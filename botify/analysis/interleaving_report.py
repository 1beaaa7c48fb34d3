"""What ``botify report`` says about an interleaved experiment: the terminal lines, report.md, the preference
plot and report.json."""

import pathlib

from botify.analysis import plots, report_json
from botify.analysis.interleaving import CREDITS, LIKED
from botify.analysis.markdown import shown_path

PREFERENCE_PNG, REPORT_MD = "preference.png", "report.md"
CREDIT_WORDS = {"time": "listening time of each played track",
                "liked": f"played tracks heard more than {LIKED:g} (liked)",
                "first": "listening time of each session's first team-credited track"}


def title(analysis):
    arms = analysis.arms
    return f"{analysis.experiment} (interleaved: A = {arms.get('A', '?')}, B = {arms.get('B', '?')})"


def format_preferences(analysis):
    """One line per credit function, the chosen one first: B's share, its interval, the sign test, winner."""
    order = [analysis.credit] + [credit for credit in CREDITS if credit != analysis.credit]
    level = f"{100 * (1 - analysis.alpha):.0f}%"
    lines = [f"{'credit':<7} {'B share':>8}  {level + ' CI':<17} {'B wins':>7} {'A wins':>7} {'ties':>6} "
             f"{'p (sign)':>9}  winner"]
    for credit in order:
        found = analysis.preferences[credit]
        lines.append(f"{credit:<7} {_number(found['share']):>8}  {_interval(found['ci']):<17} "
                     f"{found['wins_b']:>7,} {found['wins_a']:>7,} {found['ties']:>6,} {found['p']:>9.3g}  "
                     f"{found['winner'] or 'none'}")
    return "\n".join(lines)


def format_trust(analysis):
    teams = analysis.teams
    lines = [f"listeners: {analysis.preference['listeners']:,}; sessions: {analysis.sessions:,}; "
             f"interleaved steps: {teams['steps']:,} (A played {teams['plays']['A']:,}, "
             f"B {teams['plays']['B']:,}, both proposed the same track {teams['same_track']:.1%})",
             "random fallbacks among each team's proposals: "
             + ", ".join(f"{team}: {_percent(share)}" for team, share in teams["fallback"].items())]
    if analysis.partial:
        lines.insert(0, f"warning: PARTIAL DAY, the traffic was interrupted ({analysis.partial})")
    if analysis.active and analysis.active != analysis.experiment:
        lines.insert(0, f"warning: the active experiment of this log was {analysis.active}, not "
                        f"{analysis.experiment}")
    if analysis.truncated_lines:
        lines.append(f"truncated log lines skipped: {analysis.truncated_lines}")
    return "\n".join(lines)


def write_interleaving_report(analysis, out):
    """report.md, preference.png and report.json into ``out``; return report.md's path."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    plots.preference_plot(analysis.listeners, analysis.preference, analysis.arms, title=title(analysis),
                          path=out / PREFERENCE_PNG)
    report_json.write(report_json.interleaving_report(analysis), out)
    path = out / REPORT_MD
    path.write_text(render_markdown(analysis))
    return path


def render_markdown(analysis):
    found, arms = analysis.preference, analysis.arms
    verdict = (f"**{found['winner']} is preferred**" if found["winner"]
               else "**no significant preference**")
    parts = [
        f"# {analysis.experiment}: interleaving",
        f"Logs: `{shown_path(analysis.logs)}`. A = {arms.get('A', '?')}, B = {arms.get('B', '?')}. "
        f"Listeners: {found['listeners']:,}; sessions: {analysis.sessions:,}. Credit: "
        f"{CREDIT_WORDS[analysis.credit]}. Verdict: {verdict} (sign test p = {found['p']:.3g}).",
        f"![preference]({PREFERENCE_PNG})",
        "## Preference per credit function",
        "```\n" + format_preferences(analysis) + "\n```",
        "## Trust checks",
        "\n".join(f"- {line}" for line in format_trust(analysis).splitlines()),
        "## Method",
        "Every listener heard both recommenders: on each request both answered and a team draft (seeded per "
        "session; the team with fewer picks plays, a coin on a tie) chose whose track was played; a track "
        "both proposed was played and credited to neither. A played track's credit goes to its team. Per "
        "listener, B's share is B's credit over both teams'; the share column is its mean over the "
        "listeners with any credit, with a t-interval. The sign test counts the listeners whose credit "
        "went more to B than to A and the reverse (ties left out); its p decides the winner.",
    ]
    return "\n\n".join(parts) + "\n"


def _number(value):
    return "n/a" if value is None else f"{value:.3f}"


def _interval(ci):
    return "n/a" if ci[0] is None else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _percent(value):
    return "n/a" if value is None else f"{value:.1%}"
