"""The pictures of an A/B test: the effects plot (the "A/B screenshot") and session curves.

Figures are built on ``matplotlib.figure.Figure`` directly, not pyplot: no
global state, no GUI backend needed to save a PNG, and a notebook still shows
the returned figure inline.
"""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from botify.fields import CONTROL, MEAN_REQUEST_LATENCY, START, TIME, TRACKS, TREATMENT

GREEN, RED, GREY = "#1a9850", "#d73027", "#8c8c8c"
LOWER_IS_BETTER = {MEAN_REQUEST_LATENCY}
ARM_COLORS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860")
_MAX_POINTS = 2000


def verdict_color(metric, effect, significant):
    """Green for a significant improvement, red for a significant harm, grey otherwise."""
    if not significant or np.isnan(effect):
        return GREY
    better = effect < 0 if metric in LOWER_IS_BETTER else effect > 0
    return GREEN if better else RED


def effects_plot(effects, title="", path=None, warning=None):
    """Point estimate and CI (in % of control) per metric and treatment, coloured by verdict.

    One panel per metric, each on its own scale (a +400% latency must not
    squash a +3% session time), zero marked in every panel, the numbers
    printed on the right. ``warning`` (e.g. a sample ratio mismatch) is
    printed in red above the title.
    """
    treatments = list(dict.fromkeys(effects[TREATMENT]))
    metrics = list(dict.fromkeys(effects["metric"]))
    corrected = len(treatments) > 1
    fig = Figure(figsize=(10.5, 1.7 + 0.5 * len(metrics) * (len(treatments) + 0.5)), dpi=120,
                 layout="constrained")
    axes = fig.subplots(len(metrics), 1, squeeze=False,
                        gridspec_kw={"height_ratios": [len(treatments)] * len(metrics)})
    for ax, metric in zip(axes[:, 0], metrics):
        _draw_metric(ax, effects[effects["metric"] == metric], corrected)
    axes[-1, 0].set_xlabel("effect vs control (each metric on its own scale)")
    control = effects.attrs.get("control", CONTROL)
    alpha = effects.attrs.get("alpha", 0.05)
    heading = (f"{title}: {', '.join(treatments)} vs {control}" if title
               else f"{', '.join(treatments)} vs {control}")
    axes[0, 0].set_title(f"{heading}\nrelative effect, {100 * (1 - alpha):.0f}% Welch CI; "
                         f"{_arm_sizes(effects, control)}"
                         + ("\ncolour and p after Holm correction (bars: uncorrected CIs)"
                            if corrected else ""),
                         fontsize=11, loc="left")
    if warning:
        fig.suptitle(warning, color=RED, fontsize=12, fontweight="bold", x=0.01, ha="left")
    _legend(fig, axes[0, 0])
    return _save(fig, path)


def _draw_metric(ax, rows, corrected):
    """One metric's panel: a row per treatment, zero line, its own x range."""
    labels = []
    for y, row in enumerate(rows.itertuples(index=False)):
        significant = row.significant_holm if corrected else row.significant
        color = verdict_color(row.metric, row.effect, significant)
        ax.plot([row.ci_low, row.ci_high], [y, y], color=color, lw=3, solid_capstyle="round")
        ax.plot(row.effect, y, "o", color=color, ms=9, mec="white", mew=1.5)
        labels.append(row.metric + (f"  ({getattr(row, TREATMENT)})" if corrected else ""))
        ax.annotate(_estimate_text(row, corrected), (1.01, y), xycoords=("axes fraction", "data"),
                    va="center", fontsize=10, color=color, family="monospace")
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(range(len(labels)), labels, fontsize=11)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=None))
    ax.tick_params(axis="x", labelsize=9)
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    low, high = np.nanmin([*rows["ci_low"], 0.0]), np.nanmax([*rows["ci_high"], 0.0])
    if np.isfinite(low) and np.isfinite(high):
        pad = max(high - low, 0.5) * 0.08
        ax.set_xlim(low - pad, high + pad)


def _arm_sizes(effects, control):
    first = effects.drop_duplicates(TREATMENT)
    sizes = [f"{control}: {first['users_control'].iloc[0]:,}"]
    sizes += [f"{arm}: {users:,}" for arm, users in zip(first[TREATMENT], first["users_treatment"])]
    return "users " + ", ".join(sizes)


def _legend(fig, ax):
    handles = [ax.plot([], [], "o", color=color, ms=8, label=label)[0] for color, label in
               ((GREEN, "significantly better"), (RED, "significantly worse"),
                (GREY, "no significant effect"))]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False, fontsize=10)


def _estimate_text(row, corrected):
    p_value = row.p_holm if corrected else row.p_value
    return f"{row.effect:+6.1f}% [{row.ci_low:+.1f}, {row.ci_high:+.1f}]  p={p_value:.3g}"


def session_plots(sessions, experiment, path=None):
    """Cumulative mean session time and tracks per treatment over the experiment's hours."""
    fig = Figure(figsize=(11, 4.2), dpi=120, layout="constrained")
    axes = fig.subplots(1, 2)
    elapsed, unit = _time_axis(sessions[START].to_numpy())
    arms = sorted(sessions[experiment].dropna().unique())
    for ax, metric, label in ((axes[0], TIME, "session time (tracks listened)"),
                              (axes[1], TRACKS, "tracks per session")):
        for color, arm in zip(ARM_COLORS, arms):
            chosen = (sessions[experiment] == arm).to_numpy()
            x, mean, half = _cumulative(elapsed[chosen], sessions[metric].to_numpy(dtype=float)[chosen])
            ax.plot(x, mean, color=color, lw=2, label=f"{arm} ({chosen.sum():,} sessions)")
            ax.fill_between(x, mean - half, mean + half, color=color, alpha=0.15, lw=0)
        ax.set_title(f"cumulative mean {label}", fontsize=11, loc="left")
        ax.set_xlabel(f"{unit} since the first session starts")
        ax.grid(color="#dddddd")
        ax.legend(frameon=False, fontsize=9)
    fig.suptitle(f"{experiment}: sessions over the experiment (band: ±1.96 SE of the mean)", fontsize=12)
    return _save(fig, path)


def preference_plot(listeners, preference, arms, title="", path=None):
    """Interleaving: the histogram of B's share of each listener's credit, with 1/2 (no preference) marked
    and the mean share with its interval."""
    fig = Figure(figsize=(8.5, 4.2), dpi=120, layout="constrained")
    ax = fig.subplots()
    shares = listeners["share_b"].dropna().to_numpy(dtype=float)
    ax.hist(shares, bins=np.linspace(0, 1, 21), color=ARM_COLORS[0], alpha=0.8, edgecolor="white")
    ax.axvline(0.5, color=GREY, ls="--", lw=1.5, label="no preference")
    low, high = preference["ci"]
    if preference["share"] is not None and low is not None:
        winner = preference["winner"]
        color = GREY if winner is None else GREEN if winner == arms.get("B") else RED
        ax.axvspan(low, high, color=color, alpha=0.25, lw=0)
        ax.axvline(preference["share"], color=color, lw=2,
                   label=f"mean {preference['share']:.3f} [{low:.3f}, {high:.3f}]")
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of the listener's credit won by B ({arms.get('B', 'B')}); "
                  f"0 = all to A ({arms.get('A', 'A')})")
    ax.set_ylabel("listeners")
    ax.legend(frameon=False, fontsize=9, loc="upper left")
    verdict = f"winner: {preference['winner']}" if preference["winner"] else "no significant winner"
    ax.set_title(f"{title}\nper-listener preference: {preference['wins_b']:,} listeners prefer B, "
                 f"{preference['wins_a']:,} A, {preference['ties']:,} ties; "
                 f"sign test p = {preference['p']:.3g}, {verdict}", fontsize=10, loc="left")
    return _save(fig, path)


def _time_axis(starts):
    """Session start times in the unit that suits the experiment's length (seconds ... days)."""
    elapsed = (starts - starts.min()) if len(starts) else starts
    span = elapsed.max() if len(starts) else 0
    for unit, ms in (("days", 86_400_000), ("hours", 3_600_000), ("minutes", 60_000)):
        if span >= 3 * ms:
            return elapsed / ms, unit
    return elapsed / 1000, "seconds"


def _cumulative(x, values):
    """Running mean and 95% half-width after each session, thinned to at most _MAX_POINTS."""
    count = np.arange(1, len(values) + 1)
    mean = np.cumsum(values) / count
    second = np.cumsum(values**2) / count
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.maximum(second - mean**2, 0) * count / np.maximum(count - 1, 1))
        half = 1.96 * sd / np.sqrt(count)
    keep = np.unique(np.linspace(0, len(values) - 1, min(len(values), _MAX_POINTS)).astype(int))
    start = min(len(values) - 1, max(9, len(values) // 100)) if len(values) else 0
    keep = keep[keep >= start]
    return x[keep], mean[keep], half[keep]


def _save(fig, path):
    if path is not None:
        fig.savefig(path)
    return fig
