"""Draw the decks' figures into slides/figures/ from the course's own code: the simulator, the analysis, the
measured tables of the READMEs. No picture comes from anywhere else.

    .venv/bin/python slides/figures.py            # redraw every figure (slides/render.py draws missing ones)
    .venv/bin/python slides/figures.py ndcg       # redraw one
    .venv/bin/python slides/figures.py --smoke --out /tmp/figures   # every figure at a tenth of the size

The PNGs are committed (slides/figures/), so a deck reads correctly on a code-hosting page; redraw and commit
them after changing this file.

Simulated figures use a small world (20,000 tracks, 4,000 listeners, seed 31337) and the simulator's
numpy batch stepper, so all of them take a few seconds.
"""

import pathlib

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

HERE = pathlib.Path(__file__).resolve().parent
FIGURES = HERE / "figures"
BLUE, ORANGE, GREEN, RED, GREY, INK = "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8c8c8c", "#1d2b3a"
WORLD_SEED, WORLD_TRACKS, WORLD_USERS = 31337, 20_000, 4_000
POSITIVE_TIME = 0.8  # a track heard past 80% is a positive (botify.training.data)
SMOKE = {"scale": 1.0}  # draw(..., smoke=True): a tenth of every simulated size, for the test
DPI = 100  # 1,000 pixels across for a 10-inch figure: sharp on a projector, 30-110 KB per PNG


def _n(size, least=200):
    """A simulated size (sessions, listeners, rounds), a tenth of it at smoke size."""
    return max(least, int(size * SMOKE["scale"])) if SMOKE["scale"] < 1 else size


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

        _CACHE["world"] = generate_world(WORLD_SEED, _n(WORLD_TRACKS, 2000), _n(WORLD_USERS, 500))
    return _CACHE["world"]


def _play(policy, sessions=3000, seed=0):
    """Sessions of ``policy`` in the simulator; per session: time, tracks heard, distinct artists, history."""
    from sim.vectorised import BatchListeners

    world = _world()
    listeners = BatchListeners(world)
    rng = np.random.default_rng(seed)
    sessions = _n(sessions)
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

    sessions = simulate_sessions(users=_n(users), experiment="EXPERIMENT", effect=effect, seed=seed)
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
    for seed in range(_n(300, 20)):
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


# --- metrics, architectures, off-policy evaluation, exploration ------------------------------------------

def _log_split(day):
    """Positives of the first 80% of sessions (train) and of the last 20% (test), in the order played."""
    cut = int(0.8 * len(day["time"]))
    rows, cols = np.nonzero(day["heard"] > POSITIVE_TIME)
    users, tracks = day["users"][rows], day["history"][rows, cols]
    train = rows < cut
    test = {}
    for user, track in zip(users[~train].tolist(), tracks[~train].tolist()):
        test.setdefault(user, set()).add(track)
    return users[train], tracks[train], day["heard"][rows, cols][train], test


def _top_list(tracks, heard, n_tracks, k=100):
    """TopPop's rule: tracks by likes, ties broken by total time heard, most liked first."""
    likes = np.bincount(tracks, minlength=n_tracks)
    time = np.bincount(tracks, weights=heard, minlength=n_tracks)
    return np.lexsort((-time, -likes))[:k].tolist()


def _dcg(flags):
    return float(sum(flag / np.log2(rank + 1) for rank, flag in enumerate(flags, start=1)))


def ndcg_at_k(lists, relevant, k=10):
    """Mean NDCG@k with binary gains, over listeners with at least one relevant track."""
    values = []
    for user, liked in relevant.items():
        flags = [track in liked for track in list(lists.get(user, ()))[:k]]
        values.append(_dcg(flags) / _dcg([True] * min(len(liked), k)))
    return float(np.mean(values))


def ap_at_k(lists, relevant, k=10):
    """Mean average precision@k: precision at each hit's rank, summed, over min(relevant, k)."""
    values = []
    for user, liked in relevant.items():
        flags = [track in liked for track in list(lists.get(user, ()))[:k]]
        hits = np.cumsum(flags)
        values.append(sum(hits[i] / (i + 1) for i, flag in enumerate(flags) if flag) / min(len(liked), k))
    return float(np.mean(values))


def ndcg():
    """NDCG by hand on TopPop's top-10 for one test listener, and four metrics over every test listener."""
    from botify.training.ranking_metrics import precision_at_k, recall_at_k, shuffled_top

    world, day = _world(), _sticky_day()
    _, tracks, heard, test = _log_split(day)
    top = _top_list(tracks, heard, world.n_tracks)
    lists = {"ordered top-100": {u: top for u in test}, "shuffled top-100 (TopPop)": shuffled_top(top, test),
             "100 random tracks": {u: np.random.default_rng(u).choice(world.n_tracks, 100, replace=False)
                                   .tolist() for u in test}}
    user = max(sorted(test), key=lambda u: sum(t in test[u] for t in top[:10]))
    liked = test[user]
    fig = _figure(12, 5.0)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    rows, total = [], 0.0
    for rank, track in enumerate(top[:10], start=1):
        hit = track in liked
        gain = hit / np.log2(rank + 1)
        total += gain
        rows.append([rank, track, world.catalog[track]["genre"], "yes" if hit else "",
                     f"{1 / np.log2(rank + 1):.3f}", f"{gain:.3f}" if hit else ""])
    ideal = _dcg([True] * min(len(liked), 10))
    left.axis("off")
    table = left.table(cellText=rows, colLabels=["rank i", "track", "genre", "liked", "1/log₂(i+1)", "gain"],
                       loc="upper center", cellLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(10.5)
    table.scale(1, 1.25)
    hits = sum(t in liked for t in top[:10])
    ranks = [i for i, t in enumerate(top[:10], start=1) if t in liked]
    terms = " + ".join(f"{n}/{i}" for n, i in enumerate(ranks, start=1))
    average = sum(n / i for n, i in enumerate(ranks, start=1)) / min(len(liked), 10)
    left.text(0.5, 0.12, f"precision@10 = {hits}/10 · recall@10 = {hits}/{len(liked)}\n"
              f"AP@10 = ({terms}) / {min(len(liked), 10)} = {average:.3f}", ha="center", fontsize=11.5,
              transform=left.transAxes)
    left.set_title(f"listener {user}: {len(liked)} likes in the test sessions, {hits} in TopPop's top-10\n"
                   f"DCG@10 = {total:.3f}, ideal DCG@10 = {ideal:.3f}, NDCG@10 = {total / ideal:.3f}",
                   fontsize=11.5)
    metrics = {"precision@10": precision_at_k, "recall@10": recall_at_k, "MAP@10": ap_at_k,
               "NDCG@10": ndcg_at_k}
    width = 0.27
    for j, (name, scored) in enumerate(lists.items()):
        values = [metric(scored, test, 10) for metric in metrics.values()]
        bars = right.bar(np.arange(len(metrics)) + (j - 1) * width, values, width, label=name,
                         color=[BLUE, ORANGE, GREY][j])
        right.bar_label(bars, fmt="%.3f", fontsize=8.5, padding=2)
    right.set_xticks(range(len(metrics)), list(metrics))
    right.set(ylabel="mean over test listeners",
              title=f"{len(test):,} test listeners (last 20% of sessions)")
    right.legend(frameon=False, fontsize=10)
    right.margins(y=0.15)
    fig.suptitle(f"TopPop learnt from the first 80% of a simulated StickyArtist day ({len(day['time']):,} "
                 "sessions), scored on the last 20%", fontsize=12)
    return fig


def _constant(path, name):
    """A module-level constant of the course's code, read from its source without importing it."""
    import ast

    tree = ast.parse((HERE.parent / path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"{name} not found in {path}")


def funnel():
    """botify's two-stage sizes, read from its code, beside the orders of magnitude YouTube published."""
    import inspect

    from sim.generator import generate_world

    catalog = inspect.signature(generate_world).parameters["n_tracks"].default
    candidates = _constant("botify/training/export.py", "TOP_SIZE")
    shortlist = _constant("botify/service/recommenders/two_stage.py", "TOP_K")
    stages = ["catalog", "candidates (stage 1)", "ranked shortlist (stage 2)", "shown / played"]
    ours = [catalog, candidates, shortlist, 1]
    youtube = [3e6, 3e2, 3e1, None]
    words = ["millions", "hundreds", "dozens", ""]
    fig = _figure(11, 4.2)
    ax = fig.add_subplot()
    y = np.arange(len(stages))
    ax.barh(y - 0.18, ours, height=0.34, color=BLUE, label="botify TwoStage (sizes read from the code)")
    for yy, value in zip(y, ours):
        ax.text(value * 1.15, yy - 0.18, f"{value:,}", va="center", fontsize=11, color=BLUE)
    for yy, value, word in zip(y, youtube, words):
        if value:
            ax.barh(yy + 0.18, value, height=0.34, color=ORANGE + "88", hatch="//", edgecolor=ORANGE)
            ax.text(value * 1.15, yy + 0.18, word, va="center", fontsize=11, color=ORANGE)
    ax.set_yticks(y, stages, fontsize=11.5)
    ax.invert_yaxis()
    ax.set(xscale="log", xlim=(0.8, 3e8),
           xlabel=f"items at each stage (log scale) · botify: sim world's default {catalog:,} tracks, "
                  f"export.TOP_SIZE = {candidates}, TwoStage.TOP_K = {shortlist}",
           title="The funnel: each stage sees fewer items and may spend more per item")
    from matplotlib.patches import Patch

    handles = [Patch(color=BLUE, label="botify TwoStage (sizes read from the code)"),
               Patch(facecolor=ORANGE + "88", hatch="//", edgecolor=ORANGE,
                     label="YouTube as published, order of magnitude only")]
    ax.legend(handles=handles, frameon=False, loc="lower right", fontsize=10.5)
    return fig


def _first_step(policy, sessions, seed):
    """The first recommendation of ``sessions`` fresh sessions: (first tracks, actions, time heard)."""
    from sim.vectorised import BatchListeners

    listeners, rng = BatchListeners(_world()), np.random.default_rng(seed)
    users, first = listeners.reset(sessions, rng)
    actions = np.asarray(policy(first, rng))
    times, _ = listeners.step(actions, rng)
    return first, actions, times


class _StickyOrRandom:
    """StickyArtist with probability 1 - share, a uniformly random track otherwise; knows its propensities."""

    def __init__(self, share):
        from sim.array_policies import StickyArtistPolicy

        world = _world()
        self.share, self.n, self.artist_of = share, world.n_tracks, world.artist_of
        self.sticky = StickyArtistPolicy(world)
        self.count = np.bincount(world.artist_of)

    def __call__(self, first, rng):
        self.sticky.rng = rng
        explore = rng.random(len(first)) < self.share
        return np.where(explore, rng.integers(self.n, size=len(first)), self.sticky(None, first, None))

    def propensity(self, first, actions):
        same = self.artist_of[actions] == self.artist_of[first]
        return (1 - self.share) * same / self.count[self.artist_of[first]] + self.share / self.n


def _mean_ci(values):
    values = np.asarray(values, dtype=float)
    return values.mean(), 1.96 * values.std(ddof=1) / np.sqrt(len(values))


def off_policy():
    """IPS and doubly robust estimates from a logged day, against each target policy run in the simulator."""
    sessions = _n(20_000)
    logging = _StickyOrRandom(0.5)
    first, actions, reward = _first_step(logging, sessions, seed=11)
    mu = logging.propensity(first, actions)
    same = _world().artist_of[actions] == _world().artist_of[first]
    fitted = {True: reward[same].mean(), False: reward[~same].mean()}  # the reward model of DR
    r_hat = np.where(same, fitted[True], fitted[False])
    targets = [0.0, 0.1, 0.25, 0.75]
    fig = _figure(11, 4.4)
    ax = fig.add_subplot()
    kinds = [("naive: mean of the log", GREY, "s"), ("IPS", BLUE, "o"), ("doubly robust", GREEN, "D"),
             ("truth: the policy run in the simulator", RED, "*")]
    for x, share in enumerate(targets):
        target = _StickyOrRandom(share)
        w = target.propensity(first, actions) / mu
        mass_same = (1 - share) + share * target.count[target.artist_of[first]] / target.n
        direct = mass_same * fitted[True] + (1 - mass_same) * fitted[False]
        truth = _first_step(target, sessions, seed=12)[2]
        estimates = [_mean_ci(reward), _mean_ci(w * reward), _mean_ci(direct + w * (reward - r_hat)),
                     _mean_ci(truth)]
        for k, ((name, color, marker), (mean, half)) in enumerate(zip(kinds, estimates)):
            ax.errorbar(x + (k - 1.5) * 0.15, mean, yerr=half, fmt=marker, color=color, capsize=4, ms=8,
                        label=name if x == 0 else None)
    ax.set_xticks(range(len(targets)), [f"StickyArtist\n+ {int(100 * s)}% random" for s in targets])
    ax.set(ylabel="time heard of the first recommendation",
           title=f"Logged: StickyArtist + 50% random, {sessions:,} sessions · estimated: four other policies "
                 "(95% CIs)")
    ax.legend(frameon=False, fontsize=10, loc="upper right")
    return fig


def bandits():
    """Greedy, ε-greedy, Thompson sampling and LinUCB choosing a session's first recommendation."""
    world, day = _world(), _sticky_day()
    arms = _top_list(day["positive_tracks"], np.ones(len(day["positive_tracks"])), world.n_tracks, k=50)
    arms = np.asarray(arms)
    genres, genre_of = np.unique([row["genre"] for row in world.catalog], return_inverse=True)
    rounds, batch = _n(200, 10), 100
    policies = {"greedy": _Greedy(len(arms), 0.0), "ε-greedy, ε = 0.1": _Greedy(len(arms), 0.1),
                "Thompson sampling": _Thompson(len(arms)), "LinUCB (genre of the first track)":
                _LinUCB(len(arms), len(genres))}
    from sim.vectorised import BatchListeners

    listeners = BatchListeners(world)
    curves = {name: [] for name in policies}
    for r in range(rounds):
        for name, policy in policies.items():
            rng = np.random.default_rng(1000 + r)  # every policy meets the same listeners and first tracks
            _, first = listeners.reset(batch, rng)
            context = np.eye(len(genres))[genre_of[first]]
            choice = policy.choose(context, rng)
            times, _ = listeners.step(arms[choice], rng)
            liked = (times > POSITIVE_TIME).astype(float)
            policy.update(context, choice, liked)
            curves[name].append(liked.mean())
    fig = _figure(10.5, 4.2)
    ax = fig.add_subplot()
    steps = np.arange(1, rounds + 1) * batch
    for (name, values), color in zip(curves.items(), [GREY, ORANGE, BLUE, GREEN]):
        ax.plot(steps, np.cumsum(values) / np.arange(1, rounds + 1), color=color, lw=2,
                label=f"{name}: {100 * np.mean(values):.1f}% liked")
    ax.set(xlabel="first recommendations served (the bandits learn after every 100)",
           ylabel="share liked so far (time > 0.8)",
           title=f"Bandits over TopPop's {len(arms)} tracks in the simulator: which to play first?")
    ax.legend(frameon=False, fontsize=10.5)
    return fig


class _Greedy:
    def __init__(self, arms, epsilon):
        self.sums, self.counts, self.epsilon = np.zeros(arms), np.zeros(arms), epsilon

    def choose(self, context, rng):
        means = np.where(self.counts > 0, self.sums / np.maximum(self.counts, 1), np.inf)
        best = np.flatnonzero(means == means.max())
        choice = rng.choice(best, size=len(context))
        explore = rng.random(len(context)) < self.epsilon
        return np.where(explore, rng.integers(len(self.sums), size=len(context)), choice)

    def update(self, context, choice, reward):
        np.add.at(self.sums, choice, reward)
        np.add.at(self.counts, choice, 1)


class _Thompson(_Greedy):
    """Beta(1 + likes, 1 + misses) per track; play the best of one draw from each."""

    def __init__(self, arms):
        super().__init__(arms, 0.0)

    def choose(self, context, rng):
        draws = rng.beta(1 + self.sums, 1 + self.counts - self.sums, size=(len(context), len(self.sums)))
        return draws.argmax(axis=1)


class _LinUCB:
    """One ridge regression per track on the context; play the best upper confidence bound."""

    def __init__(self, arms, dim, alpha=1.0):
        self.a = np.tile(np.eye(dim), (arms, 1, 1))
        self.b, self.alpha = np.zeros((arms, dim)), alpha

    def choose(self, context, rng):
        inverse = np.linalg.inv(self.a)
        theta = np.einsum("kij,kj->ki", inverse, self.b)
        mean = context @ theta.T
        width = np.sqrt(np.einsum("ni,kij,nj->nk", context, inverse, context))
        score = mean + self.alpha * width + 1e-9 * rng.random(mean.shape)
        return score.argmax(axis=1)

    def update(self, context, choice, reward):
        np.add.at(self.a, choice, np.einsum("ni,nj->nij", context, context))
        np.add.at(self.b, choice, context * reward[:, None])


class _Interleaved:
    """Team draft of two batch policies, as botify's InterleavedArms does it: both propose, a track both
    propose is nobody's, the team with fewer picks plays, a seeded coin opens every round (team_draft.py)."""

    def __init__(self, a, b, sessions):
        self.a, self.b = a, b
        self.picks = np.zeros((sessions, 2), dtype=int)
        self.teams = []  # per step: "A", "B" or "AB" for every session

    def __call__(self, users, tracks, times):
        from botify.service.team_draft import team_to_play

        proposed_a, proposed_b = self.a(users, tracks, times), self.b(users, tracks, times)
        teams = np.full(len(users), "AB", dtype=object)
        for i in np.flatnonzero(proposed_a != proposed_b):
            teams[i] = team_to_play(f"slides:{i}", *self.picks[i])
            self.picks[i, 0 if teams[i] == "A" else 1] += 1
        self.teams.append(teams)
        return np.where(teams == "B", proposed_b, proposed_a)


def interleaving():
    """Random against StickyArtist in the simulator: each listener's preference (botify's analysis and plot),
    and what each method compares (per-track listening or the whole session)."""
    import pandas as pd

    from botify.analysis.interleaving import listener_credits, preference
    from sim.array_policies import RandomPolicy, StickyArtistPolicy

    world, sessions = _world(), _n(3000)
    runs = {name: _play(policy, sessions=3000, seed=5) for name, policy in
            (("Random", RandomPolicy(world.n_tracks, 5)), ("StickyArtist", StickyArtistPolicy(world, 5)))}
    mixed = _Interleaved(RandomPolicy(world.n_tracks, 6), StickyArtistPolicy(world, 6), sessions)
    played = _play(mixed, sessions=3000, seed=5)
    teams = np.stack(mixed.teams, axis=1)  # step k's team played the track heard at history column k + 1
    heard = played["heard"][:, 1:teams.shape[1] + 1]
    active = played["history"][:, 1:teams.shape[1] + 1] >= 0
    rows, cols = np.nonzero(active)
    steps = pd.DataFrame({"user": played["users"][rows], "session": rows, "team": teams[rows, cols],
                          "listened": heard[rows, cols], "first": False, "fallback_a": False,
                          "fallback_b": False})
    listeners = listener_credits(steps)
    found = preference(listeners, arms={"A": "Random", "B": "StickyArtist"})
    fig = _figure(11, 4.2)
    left, right = fig.subplots(1, 2, width_ratios=[1.2, 1])
    left.hist(listeners["share_b"].dropna(), bins=np.linspace(0, 1, 21), color=BLUE, alpha=0.85,
              edgecolor="white")
    left.axvline(0.5, color=GREY, ls="--", lw=1.5, label="no preference")
    left.axvline(found["share"], color=GREEN, lw=2.5,
                 label=f"mean {found['share']:.3f} [{found['ci'][0]:.3f}, {found['ci'][1]:.3f}]")
    left.legend(frameon=False, loc="upper left", fontsize=10)
    left.set(xlim=(0, 1), xlabel="StickyArtist's share of the listener's listening (B's share)",
             ylabel="listeners", title=f"Interleaved: {found['wins_b']:,} listeners prefer StickyArtist, "
                                       f"{found['wins_a']:,} Random, {found['ties']:,} ties")
    per_track = {name: (run["time"].sum() - len(run["time"])) / (run["tracks"].sum() - len(run["time"]))
                 for name, run in runs.items()}
    ratios = {"per recommended\ntrack (A/B)": per_track["StickyArtist"] / per_track["Random"],
              "per session\n(A/B)": runs["StickyArtist"]["time"].mean() / runs["Random"]["time"].mean(),
              "per played track\n(interleaved)": listeners["credit_b"].sum() / listeners["credit_a"].sum()}
    bars = right.bar(list(ratios), list(ratios.values()), color=[BLUE, ORANGE, GREEN])
    right.bar_label(bars, [f"{value:.2f}×" for value in ratios.values()], padding=3, fontsize=12)
    right.axhline(1, color=GREY, lw=1)
    right.set(ylabel="StickyArtist / Random", ylim=(0, max(ratios.values()) * 1.25),
              title="What each method compares")
    fig.suptitle(f"Random vs StickyArtist in the simulator ({sessions:,} sessions per run)", fontsize=12)
    return fig


DRAWINGS = {
    "loop": loop, "policies": policies, "effects": effects_screenshot, "sessions": sessions_screenshot,
    "aa_pvalues": aa_pvalues, "long_tail": long_tail, "factorisation": factorisation,
    "leaderboard": leaderboard, "drift": drift, "two_stage": two_stage, "tradeoff": tradeoff, "load": load,
    "spark_vs_pandas": spark_vs_pandas, "ndcg": ndcg, "funnel": funnel, "off_policy": off_policy,
    "bandits": bandits, "interleaving": interleaving,
}


def draw(names=None, folder=FIGURES, smoke=False):
    """Draw the named figures (all by default) as PNGs into ``folder``; returns their paths.

    ``smoke`` draws every figure from a tenth of the simulated sizes (a smaller world, fewer sessions): the
    same code in a fraction of the time, for the test that keeps the committed figures honest."""
    folder.mkdir(parents=True, exist_ok=True)
    SMOKE["scale"], saved = (0.1 if smoke else 1.0), dict(_CACHE)
    _CACHE.clear()
    paths = []
    try:
        for name in names or DRAWINGS:
            path = folder / f"{name}.png"
            DRAWINGS[name]().savefig(path, dpi=DPI)
            paths.append(path)
    finally:
        SMOKE["scale"] = 1.0
        _CACHE.clear()
        _CACHE.update(saved if smoke else {})
    return paths


def ensure(folder=FIGURES):
    """Draw the figures that are missing (they are committed; redraw one with ``figures.py NAME``)."""
    missing = [name for name in DRAWINGS if not (folder / f"{name}.png").exists()]
    return draw(missing, folder) if missing else []


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"figures to draw (default: all): {', '.join(DRAWINGS)}")
    parser.add_argument("--out", type=pathlib.Path, default=FIGURES, help="folder (default slides/figures)")
    parser.add_argument("--smoke", action="store_true", help="a tenth of the simulated sizes (the test's)")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(DRAWINGS)
    if unknown:
        parser.error(f"no such figure: {', '.join(sorted(unknown))}")
    for written in draw(args.names or None, args.out, smoke=args.smoke):
        print(f"{written}  {written.stat().st_size / 1000:.0f} KB")


if __name__ == "__main__":
    main()
