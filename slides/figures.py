"""Draw the decks' figures into slides/figures/ from the course's own code: the simulator, the analysis, the
measured tables of the READMEs. No picture comes from anywhere else.

    .venv/bin/python slides/figures.py            # redraw every figure (slides/render.py draws missing ones)

Simulated figures use a small world (20,000 tracks, 4,000 listeners, seed 31337) and the simulator's
numpy batch stepper, so all of them take a few seconds.
"""

import pathlib
import sys

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

HERE = pathlib.Path(__file__).resolve().parent
FIGURES = HERE / "figures"
BLUE, ORANGE, GREEN, RED, GREY, INK = "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8c8c8c", "#1d2b3a"
WORLD_SEED, WORLD_TRACKS, WORLD_USERS = 31337, 20_000, 4_000
POSITIVE_TIME = 0.8  # a track heard past 80% is a positive (botify.training.data)


def _figure(width=10.0, height=4.6):
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _box(ax, x, y, text, color=BLUE, width=0.2, height=0.15, dashed=False):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.01,rounding_size=0.02", facecolor=color + "22",
                                edgecolor=color, linewidth=2, linestyle="--" if dashed else "-"))
    ax.text(x, y, text, ha="center", va="center", fontsize=12, color=INK)


def _arrow(ax, start, end, label="", color=INK, bend=0.0, label_at=(0, 0)):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=18, linewidth=1.8, color=color,
                                 connectionstyle=f"arc3,rad={bend}", shrinkA=4, shrinkB=4))
    if label:
        ax.text((start[0] + end[0]) / 2 + label_at[0], (start[1] + end[1]) / 2 + label_at[1], label,
                ha="center", va="center", fontsize=10.5, color=color, style="italic",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})


def _diagram_axes(fig):
    ax = fig.add_subplot()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.axis("off")
    return ax


# --- diagrams -------------------------------------------------------------------------------------------

def loop():
    """The course loop of the top-level README, as boxes and arrows."""
    fig = _figure(11, 5.2)
    ax = _diagram_axes(fig)
    _box(ax, 0.13, 0.8, "sim world\ncatalog + hidden tastes", GREY, width=0.22)
    _box(ax, 0.5, 0.8, "botify\nFlask + Redis", BLUE, width=0.2)
    _box(ax, 0.87, 0.8, "sim run\nlisteners", GREY, width=0.2)
    _box(ax, 0.78, 0.22, "analysis\nsessions, Welch CIs", GREEN, width=0.24)
    _box(ax, 0.22, 0.22, "training\nLightFM, torch ranker", ORANGE, width=0.24)
    _arrow(ax, (0.24, 0.8), (0.4, 0.8), "public catalog", label_at=(0, 0.06))
    _arrow(ax, (0.77, 0.82), (0.6, 0.82), "POST /next, /last", label_at=(0, 0.05))
    _arrow(ax, (0.6, 0.73), (0.72, 0.3), "event log (JSON lines)", label_at=(0.1, 0.02))
    _arrow(ax, (0.66, 0.22), (0.34, 0.22), "positives: time > 0.8", label_at=(0, 0.05))
    _arrow(ax, (0.28, 0.3), (0.42, 0.73), "top-100 lists: botify upload", label_at=(-0.12, 0.02))
    ax.text(0.5, 0.5, "botify never sees the hidden tastes:\nonly the catalog and its own logs",
            ha="center", va="center", fontsize=11, color=GREY)
    return fig


def two_stage():
    """Two-stage serving as botify's TwoStage recommender does it."""
    fig = _figure(12, 3.4)
    ax = _diagram_axes(fig)
    steps = [("catalog\n50,000 tracks", GREY), ("candidates\n100 per track\n(a list in Redis)", BLUE),
             ("ranking per request\n<context + user, item>\n+ bias, in numpy", ORANGE),
             ("answer\none of the\nbest 10", GREEN)]
    xs = [0.1, 0.37, 0.65, 0.9]
    widths = [0.17, 0.19, 0.23, 0.14]
    for x, width, (text, color) in zip(xs, widths, steps):
        _box(ax, x, 0.62, text, color, width=width, height=0.5)
    labels = ["stage 1: offline lists", "stage 2: at request time", "pick"]
    for (a, wa, b, wb), text in zip(zip(xs, widths, xs[1:], widths[1:]), labels):
        _arrow(ax, (a + wa / 2 + 0.01, 0.62), (b - wb / 2 - 0.01, 0.62))
        ax.text((a + b) / 2, 0.22, text, ha="center", fontsize=12, color=INK)
    ax.text(0.5, 0.03, "one Redis round trip fetches the candidates and both query vectors; "
                       "scoring 100 candidates is one matmul",
            ha="center", fontsize=11, color=GREY)
    return fig


def factorisation():
    """R ≈ P Qᵀ beside the real sparsity of a day's positives."""
    world, days = _world(), _sticky_day()
    users, tracks = days["positive_users"], days["positive_tracks"]
    fig = _figure(11, 4.4)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    order_u = np.unique(users, return_inverse=True)[1]
    order_t = np.unique(tracks, return_inverse=True)[1]
    left.scatter(order_t, order_u, s=0.6, color=BLUE, marker="s", linewidths=0)
    density = len(users) / (order_u.max() + 1) / world.n_tracks
    left.set(xlabel="tracks with a positive", ylabel="listeners with a positive",
             title=f"a day of positives: {len(users):,} cells,\n{100 * density:.3f}% of listeners × catalog")
    left.invert_yaxis()
    ax = right
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((0.02, 0.25), 0.3, 0.5, boxstyle="square,pad=0", facecolor=BLUE + "33",
                                edgecolor=BLUE))
    ax.text(0.17, 0.5, "R\nlisteners ×\ntracks", ha="center", va="center", fontsize=12)
    ax.text(0.37, 0.5, "≈", fontsize=26, ha="center", va="center")
    ax.add_patch(FancyBboxPatch((0.44, 0.25), 0.08, 0.5, boxstyle="square,pad=0", facecolor=ORANGE + "33",
                                edgecolor=ORANGE))
    ax.text(0.48, 0.2, "P\nlisteners × d", ha="center", va="top", fontsize=12)
    ax.add_patch(FancyBboxPatch((0.58, 0.62), 0.38, 0.08, boxstyle="square,pad=0", facecolor=GREEN + "33",
                                edgecolor=GREEN))
    ax.text(0.77, 0.8, "Qᵀ (d × tracks)", ha="center", fontsize=12)
    ax.text(0.77, 0.38, "score(u, i) = p_u · q_i + b_i\nd = 16–64 numbers per\nlistener and per track",
            ha="center", va="center", fontsize=11.5)
    return fig


# --- the simulator --------------------------------------------------------------------------------------

_CACHE = {}


def _world():
    if "world" not in _CACHE:
        from sim.generator import generate_world

        _CACHE["world"] = generate_world(WORLD_SEED, WORLD_TRACKS, WORLD_USERS)
    return _CACHE["world"]


def _play(policy, sessions=3000, seed=0):
    """Sessions of ``policy`` in the simulator; per session: time, tracks heard, distinct artists, history."""
    from sim.vectorised import BatchListeners

    world = _world()
    listeners = BatchListeners(world)
    rng = np.random.default_rng(seed)
    users, tracks = listeners.reset(sessions, rng)
    times = np.ones(sessions)
    steps = [(tracks.copy(), times.copy())]
    while not listeners.done.all():
        tracks = np.asarray(policy(users, tracks, times))
        active = ~listeners.done
        times, _ = listeners.step(tracks, rng)
        steps.append((np.where(active, tracks, -1), np.where(active, times, 0.0)))
    history = np.stack([t for t, _ in steps], axis=1)
    heard = np.stack([s for _, s in steps], axis=1)
    artists = np.where(heard > 0, world.artist_of[np.maximum(history, 0)], -1)
    distinct = np.array([len(set(row[row >= 0])) for row in artists])
    return {"users": users, "time": listeners.time.copy(), "tracks": listeners.recommended + 1,
            "artists": distinct, "history": history, "heard": heard}


def _sticky_day():
    """A day of StickyArtist sessions and its positives (time > 0.8), as the training code would read them."""
    if "day" not in _CACHE:
        from sim.array_policies import StickyArtistPolicy

        day = _play(StickyArtistPolicy(_world(), seed=1), sessions=4000, seed=1)
        rows, cols = np.nonzero(day["heard"] > POSITIVE_TIME)
        pairs = np.unique(np.column_stack([day["users"][rows], day["history"][rows, cols]]), axis=0)
        _CACHE["day"] = {**day, "positive_users": pairs[:, 0], "positive_tracks": pairs[:, 1]}
    return _CACHE["day"]


class _Mix:
    """StickyArtist with probability 1 - share, a uniformly random track otherwise."""

    def __init__(self, share, seed=0):
        from sim.array_policies import RandomPolicy, StickyArtistPolicy

        self.share, self.rng = share, np.random.default_rng(seed)
        self.sticky, self.random = StickyArtistPolicy(_world(), seed), RandomPolicy(_world().n_tracks, seed)

    def __call__(self, users, tracks, times):
        explore = self.rng.random(len(users)) < self.share
        return np.where(explore, self.random(users, tracks, times), self.sticky(users, tracks, times))


class _TopPop:
    """A random track of the 100 with most positives on the StickyArtist day (TopPop's rule)."""

    def __init__(self, seed=0):
        counts = np.bincount(_sticky_day()["positive_tracks"], minlength=_world().n_tracks)
        self.top, self.rng = np.argsort(-counts, kind="stable")[:100], np.random.default_rng(seed)

    def __call__(self, users, tracks, times):
        return self.rng.choice(self.top, size=len(users))


def policies():
    """Mean session time of simple policies in the simulator, with 95% CIs."""
    from sim.array_policies import RandomPolicy, StickyArtistPolicy

    world = _world()
    runs = {"Random": RandomPolicy(world.n_tracks, 2), "TopPop": _TopPop(2),
            "StickyArtist": StickyArtistPolicy(world, 2)}
    fig = _figure(9, 3.6)
    ax = fig.add_subplot()
    for y, (name, policy) in enumerate(runs.items()):
        time = _play(policy, sessions=3000, seed=2)["time"]
        half = 1.96 * time.std(ddof=1) / np.sqrt(len(time))
        ax.barh(y, time.mean(), xerr=half, color=[GREY, ORANGE, BLUE][y], capsize=6, height=0.6)
        ax.text(time.mean() + half + 0.05, y, f"{time.mean():.2f}", va="center", fontsize=12)
    ax.set_yticks(range(len(runs)), list(runs), fontsize=12)
    ax.set(xlabel="mean session time (tracks' worth of listening), 3,000 sessions each, 95% CI",
           title="The simulator before any model: policies that use no listener data")
    ax.invert_yaxis()
    ax.set_xlim(0, None)
    return fig


def long_tail():
    """Positives per track after a simulated day: the head and the long tail."""
    day, world = _sticky_day(), _world()
    counts = np.sort(np.bincount(day["positive_tracks"], minlength=world.n_tracks))[::-1]
    fig = _figure(10, 4.2)
    left, right = fig.subplots(1, 2)
    liked = counts[counts > 0]
    left.loglog(np.arange(1, len(liked) + 1), liked, color=BLUE, lw=2)
    left.set(xlabel="track rank (log)", ylabel="listeners who liked it (log)",
             title=f"{len(liked):,} of {world.n_tracks:,} tracks liked at least once")
    share = np.cumsum(counts) / counts.sum()
    right.plot(np.arange(1, len(counts) + 1) / len(counts) * 100, share * 100, color=ORANGE, lw=2)
    top = int(0.01 * len(counts))
    right.axvline(1, color=GREY, ls="--")
    right.text(2, share[top] * 100 - 8, f"top 1% of tracks:\n{share[top] * 100:.0f}% of all likes",
               fontsize=11)
    right.text(55, 80, f"{100 * np.mean(counts == 0):.0f}% of the catalog:\nno like at all", fontsize=11,
               ha="center")
    right.set(xlabel="% of the catalog, most liked first", ylabel="% of likes", xlim=(0, 100), ylim=(0, 101),
              title="cumulative share of likes")
    fig.suptitle(f"A simulated day of StickyArtist traffic ({len(day['time']):,} sessions), "
                 "likes = time > 0.8", fontsize=12)
    return fig


def tradeoff():
    """Session time against artist variety as a policy mixes StickyArtist with random exploration."""
    shares = [0.0, 0.1, 0.25, 0.5, 0.75, 1.0]
    rows = []
    for share in shares:
        run = _play(_Mix(share, seed=3), sessions=3000, seed=3)
        rows.append((run["time"].mean(), (run["artists"] / np.maximum(run["tracks"], 1)).mean()))
    time, variety = np.array(rows).T
    fig = _figure(9, 4.4)
    ax = fig.add_subplot()
    ax.plot(variety, time, "o-", color=BLUE, lw=2, ms=8)
    for share, x, y in zip(shares, variety, time):
        ax.annotate(f"{int(share * 100)}% random", (x, y), textcoords="offset points", xytext=(8, 6),
                    fontsize=11)
    ax.margins(0.08)
    ax.set(xlabel="distinct artists heard / tracks in the session (variety)",
           ylabel="mean session time",
           title="StickyArtist mixed with random tracks: 3,000 simulated sessions per point")
    return fig


def drift():
    """The item bias b_i(t) that `sim run --drift` moves day by day (the TimeSVD exercise)."""
    from sim.config import ListenerConfig
    from sim.listener import appeal_shift

    world, config = _world(), ListenerConfig(drift=True)
    days = np.arange(0, 31)
    shifts = np.stack([appeal_shift(world, config, int(day)) for day in days])
    base = world.appeal
    fig = _figure(10, 4.0)
    ax = fig.add_subplot()
    others = np.random.default_rng(0).choice(world.n_tracks, 5, replace=False).tolist()
    picks = [int(np.argmax(base)), *others]
    for i, track in enumerate(picks):
        ax.plot(days, base[track] + shifts[:, track], lw=2, color=BLUE if i == 0 else None,
                label="the most appealing track" if i == 0 else None)
    ax.set(xlabel="day (sim run --drift --first-day N)", ylabel="appeal = b_i(t) of the listener model",
           title="Track appeal under --drift: a seeded random walk, step sd 0.05 per day")
    ax.legend(frameon=False, loc="upper left")
    return fig


# --- the analysis ---------------------------------------------------------------------------------------

def _synthetic(effect, users=3000, seed=0):
    from botify.analysis import user_metrics
    from botify.analysis.synthetic_ab import simulate_sessions

    sessions = simulate_sessions(users=users, experiment="EXPERIMENT", effect=effect, seed=seed)
    return sessions, user_metrics(sessions, "EXPERIMENT")


def effects_screenshot():
    """botify's effects plot of a synthetic A/B test with a planted +5% effect."""
    from botify.analysis import effects, effects_plot

    _, users = _synthetic(0.05, users=20000, seed=4)
    return effects_plot(effects(users), title="EXPERIMENT (synthetic_ab, planted +5%)")


def sessions_screenshot():
    """botify's session plots of the same synthetic test."""
    from botify.analysis import session_plots

    sessions, _ = _synthetic(0.05, users=20000, seed=4)
    return session_plots(sessions, "EXPERIMENT")


def aa_pvalues():
    """p-values of 300 A/A re-splits: flat when the pipeline is right, and sessions as the unit are not."""
    from botify.analysis import aa_split, effects, welch

    sessions, users = _synthetic(0.0, users=3000, seed=5)
    users = users.assign(treatment="C")
    listener_level, session_level = [], []
    for seed in range(300):
        split = aa_split(users, seed=seed)
        listener_level.append(effects(split, metrics=("mean_time_per_session",))["p_value"].iloc[0])
        half = sessions["user"].map(split.set_index("user")["treatment"])
        test = welch(sessions.loc[half == "C", "time"], sessions.loc[half == "T1", "time"])
        session_level.append(test["p_value"])
    fig = _figure(10, 3.8)
    for ax, values, name in zip(fig.subplots(1, 2, sharey=True), (listener_level, session_level),
                                ("listener level (the unit that was randomised)",
                                 "session level (each session counted alone)")):
        ax.hist(values, bins=20, range=(0, 1), color=BLUE, edgecolor="white")
        ax.axhline(len(values) / 20, color=INK, ls="--", lw=1)
        ax.axvspan(0, 0.05, color=RED, alpha=0.15)
        significant = 100 * np.mean(np.array(values) < 0.05)
        ax.set(xlabel="p-value", title=f"{name}\np < 0.05 in {significant:.0f}% of splits")
    fig.axes[0].set_ylabel("A/A splits")
    fig.suptitle("300 A/A splits of one synthetic day (botify.analysis.synthetic_ab), mean time per session",
                 fontsize=12)
    return fig


# --- measured tables from the READMEs -------------------------------------------------------------------

# botify/training/README.md, quality benchmark: LEADERBOARD, 5,000 sessions, ~490 listeners per arm
LEADERBOARD = [("Random", 1.467, None), ("StickyArtist", 2.714, (85.0, 76.3, 93.6)),
               ("TopPop", 3.440, (134.4, 123.7, 145.2)), ("Collaborative", 3.909, (166.4, 150.2, 182.6)),
               ("Contextual", 3.965, (170.2, 156.9, 183.5))]
# botify/README.md, load benchmark on a quiet machine: concurrency, req/s, p50 ms, p99 ms
LOAD = [(1, 776, 1.2, 2.9), (8, 1460, 4.9, 14.7), (32, 1515, 19.6, 47.2)]
# botify/README.md, CPU per request under load (ms)
CPU_PER_REQUEST = [("gunicorn", 0.5), ("Flask + botify + Redis client", 0.7), ("Redis", 0.07),
                   ("load generator", 0.15)]


def leaderboard():
    """The five-way LEADERBOARD A/B day of botify/benchmarks/quality.py."""
    fig = _figure(10, 3.9)
    ax = fig.add_subplot()
    colors = [GREY, BLUE, ORANGE, GREEN, RED]
    for y, ((name, mean, effect), color) in enumerate(zip(LEADERBOARD, colors)):
        ax.barh(y, mean, color=color, height=0.6)
        label = f"{mean:.2f}" + (f"   {effect[0]:+.0f}% [{effect[1]:+.0f}%, {effect[2]:+.0f}%] vs Random"
                                 if effect else "   control")
        ax.text(mean + 0.05, y, label, va="center", fontsize=11.5)
    ax.set_yticks(range(len(LEADERBOARD)), [name for name, _, _ in LEADERBOARD], fontsize=12)
    ax.set(xlim=(0, 7.2), xlabel="mean time per session (per-listener mean), 95% Welch CI of the effect",
           title="LEADERBOARD: one five-way A/B day after a day of STICKY_ARTIST traffic "
                 "(botify/training/README.md)")
    ax.invert_yaxis()
    return fig


def load():
    """Throughput and tail latency against concurrency, and where a request's CPU goes."""
    fig = _figure(10.5, 4.0)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
    concurrency = [c for c, *_ in LOAD]
    left.plot(concurrency, [r for _, r, _, _ in LOAD], "o-", color=BLUE, lw=2, label="requests/s")
    left.set(xscale="log", xlim=(0.7, 48), xticks=concurrency, xticklabels=[str(c) for c in concurrency],
             xlabel="concurrent clients", ylabel="requests/s", ylim=(0, 1800),
             title="POST /next on 2 cores (quiet machine)")
    twin = left.twinx()
    twin.plot(concurrency, [p for *_, p in LOAD], "s--", color=RED, lw=2, label="p99 ms")
    twin.set_ylabel("p99 latency, ms", color=RED)
    twin.set_ylim(0, 60)
    for c, r, _, p in LOAD:
        left.annotate(f"{r:,}/s", (c, r), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=10)
        twin.annotate(f"p99 {p} ms", (c, p), textcoords="offset points", xytext=(8, -14), ha="left",
                      fontsize=10, color=RED)
    names, costs = zip(*CPU_PER_REQUEST)
    right.barh(range(len(names)), costs, color=[GREY, BLUE, GREEN, ORANGE], height=0.6)
    right.set_yticks(range(len(names)), names)
    right.invert_yaxis()
    right.set(xlabel="CPU ms per request", title="where a request's CPU goes")
    for y, cost in enumerate(costs):
        right.text(cost + 0.01, y, f"{cost} ms", va="center", fontsize=10)
    right.set_xlim(0, 0.95)
    return fig


def spark_vs_pandas():
    """Seminar 6's benchmark, from its committed CSV: time and peak memory against the log's size."""
    import pandas as pd

    from botify.benchmarks.spark_vs_pandas import DEFAULT_OUT, plot, summarise

    return plot(summarise(pd.read_csv(DEFAULT_OUT.with_suffix(".csv"))))


DRAWINGS = {
    "loop": loop, "policies": policies, "effects": effects_screenshot, "sessions": sessions_screenshot,
    "aa_pvalues": aa_pvalues, "long_tail": long_tail, "factorisation": factorisation,
    "leaderboard": leaderboard, "drift": drift, "two_stage": two_stage, "tradeoff": tradeoff, "load": load,
    "spark_vs_pandas": spark_vs_pandas,
}


def draw(names=None, folder=FIGURES):
    """Draw the named figures (all by default) as PNGs into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names or DRAWINGS:
        path = folder / f"{name}.png"
        DRAWINGS[name]().savefig(path, dpi=100)
        paths.append(path)
    return paths


def ensure(folder=FIGURES):
    """Draw the figures that are missing or older than this file."""
    stamp = pathlib.Path(__file__).stat().st_mtime
    stale = [name for name in DRAWINGS
             if not (folder / f"{name}.png").exists() or (folder / f"{name}.png").stat().st_mtime < stamp]
    return draw(stale, folder) if stale else []


if __name__ == "__main__":
    for written in draw(sys.argv[1:] or None):
        print(written)
