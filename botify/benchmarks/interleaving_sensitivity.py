"""Benchmark: how many sessions interleaving needs to find the better recommender, against an A/B test.

Run: ``.venv/bin/python -m botify.benchmarks.interleaving_sensitivity [--episodes 2000] [--seeds 2]``.

On a private copy of the world (``--data``, copied into ``--work``): day 1 serves
STICKY_ARTIST and the popularity list, LightFM and the contextual ranker are
trained on its log. Then, for each traffic seed, LEADERBOARD is served for a day
(its five arms hold the A/B arms of every pair: Random, TopPop, StickyArtist,
Collaborative, Contextual) and each interleaved pair of the ladder for a day, on
the same listeners and sessions.

Sessions needed for 80% power: at doubling sizes, ``--replicates`` experiments of
that many sessions are drawn from the listeners of every seed pooled (with
replacement, so a size may exceed what was served), and the power is the share of
them that reach p < 0.05 in the direction the full data shows: Welch's test on
mean_time_per_session for the A/B test (half the sessions per arm; above 4,096
listeners per arm the arms' means are drawn from their normal limits), the sign
test over listeners for interleaving (its counts drawn as one multinomial). The
size where the power crosses 80% is interpolated on a log scale. It prints, per
pair, both directions, both sizes, their ratio and whether the directions agree.
Figures are recorded in botify/analysis/README.md.
"""

import argparse
import dataclasses
import pathlib
import shutil

import numpy as np
from scipy import stats

from botify.analysis import analyse
from botify.analysis.interleaving import CREDIT_A, CREDIT_B, analyse_interleaving
from botify.fields import MEAN_TIME_PER_SESSION, PARTIAL_FILE, SESSIONS, TREATMENT
from botify.launcher import check_port_free
from botify.loop import LoopPlan, command, ensure_world, serve_day
from botify.processes import ProcessGroup

PAIRS = [  # (interleaved experiment, A, B): A is the baseline, B the challenger
    ("INTERLEAVED_STICKY_ARTIST", "Random", "StickyArtist"),
    ("INTERLEAVED_TOP_POP", "TopPop", "Collaborative"),
    ("INTERLEAVED_CONTEXTUAL", "StickyArtist", "Contextual"),
]
POWER, ALPHA = 0.8, 0.05
FIRST_SIZE, MAX_SIZE = 16, 1 << 22
EXACT_DRAWS = 4096  # listeners per arm drawn one by one; above, the normal limit of the means


@dataclasses.dataclass
class PairData:
    """What one pair's power is estimated from: the A/B arms' listener metrics and the interleaved listeners'
    credits, pooled over the seeds."""

    name: str
    a: str
    b: str
    control: np.ndarray  # mean_time_per_session of A's listeners in the A/B test
    treatment: np.ndarray
    credits: np.ndarray  # (listeners, 2): credit of A, credit of B
    sessions_per_listener_ab: float
    sessions_per_listener_interleaved: float


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=2000, help="sessions per served day")
    parser.add_argument("--seeds", type=int, default=2,
                        help="traffic seeds (each: one A/B day and one day per pair)")
    parser.add_argument("--replicates", type=int, default=500, help="experiments drawn per size")
    parser.add_argument("--port", type=int, default=5058)
    parser.add_argument("--data", type=pathlib.Path, default=pathlib.Path("data"), help="the world to copy")
    parser.add_argument("--work", type=pathlib.Path, default=pathlib.Path("reports/interleaving_sensitivity"))
    parser.add_argument("--trials", type=int, default=2, help="optuna trials for LightFM")
    parser.add_argument("--epochs", type=int, default=10, help="most epochs per fit")
    args = parser.parse_args()
    logs = serve_days(args)
    pairs = [pair_data(name, a, b, logs) for name, a, b in PAIRS]
    print_table([measure(pair, args.replicates, np.random.default_rng(0)) for pair in pairs], args)


def serve_days(args):
    """{seed: {"ab": LEADERBOARD log, pair name: its log}} after day 1 and the training."""
    check_port_free(args.port)
    data = args.work / "data"
    plan = LoopPlan(data=data, logs=args.work / "log", reports=args.work, port=args.port,
                    episodes=args.episodes, seed=31337)
    logs = {}
    with ProcessGroup() as processes:
        ensure_world(args.data, processes=processes)
        if not (data / "catalog").is_dir():
            for part in ("catalog", "world"):
                shutil.copytree(args.data / part, data / part)
        uploads = train(processes, plan, args)
        for seed in range(1, args.seeds + 1):
            seeded = dataclasses.replace(plan, seed=31337 + seed, logs=args.work / f"log-seed{seed}")
            logs[seed] = {"ab": _day(processes, seeded, "LEADERBOARD", uploads)}
            for name, _, _ in PAIRS:
                logs[seed][name] = _day(processes, seeded, name)
    return logs


def _day(processes, plan, experiment, uploads=None):
    """A day of traffic, or the one a run of the same sizes already served completely (run again, the
    benchmark only re-analyses)."""
    log_dir = plan.day_logs(2, experiment)
    done = log_dir / "episodes"
    if (log_dir / "experiments.json").is_file() and not (log_dir / PARTIAL_FILE).exists() \
            and done.is_file() and done.read_text() == str(plan.episodes):
        return log_dir
    log_dir = serve_day(processes, plan, experiment, day=2, uploads=uploads)
    done.write_text(str(plan.episodes))
    return log_dir


def train(processes, plan, args):
    """Day 1 and the three artifacts the ladder needs; {artifact name: file} to upload."""
    artifacts = plan.reports / "artifacts"
    wanted = [artifacts / name for name in ("collaborative.jsonl", "contextual.jsonl", "top_tracks.json")]
    if not all(path.is_file() for path in wanted):
        day1 = serve_day(processes, plan, "STICKY_ARTIST", day=1)
        train_args = ("--logs", day1, "--data", plan.data, "--seed", plan.seed)
        command(processes, "botify", "train", "lightfm", *train_args, "--out", wanted[0],
                "--trials", args.trials, "--epochs", args.epochs)
        command(processes, "botify", "train", "contextual", *train_args, "--out", wanted[1])
        command(processes, "botify", "train", "top", "--logs", day1, "--data", plan.data, "--out", wanted[2])
    return {path.stem: path for path in wanted}


def pair_data(name, a, b, logs):
    control, treatment, credits, ab_ratio, il_ratio = [], [], [], [], []
    for seed_logs in logs.values():
        analysis = analyse(seed_logs["ab"], "LEADERBOARD")
        arm_of = {recommender: arm for arm, recommender in analysis.arms.items()}
        metrics = analysis.metrics
        for arm, into in ((arm_of[a], control), (arm_of[b], treatment)):
            rows = metrics[metrics[TREATMENT] == arm]
            into.append(rows[MEAN_TIME_PER_SESSION].to_numpy(dtype=float))
            ab_ratio.append(rows[SESSIONS].sum() / len(rows))
        interleaved = analyse_interleaving(seed_logs[name], name)
        credits.append(interleaved.listeners[[CREDIT_A, CREDIT_B]].to_numpy(dtype=float))
        il_ratio.append(interleaved.sessions / max(len(interleaved.listeners), 1))
    return PairData(name, a, b, np.concatenate(control), np.concatenate(treatment), np.concatenate(credits),
                    float(np.mean(ab_ratio)), float(np.mean(il_ratio)))


def ab_power(control, treatment, listeners_per_arm, replicates, rng, direction):
    """Share of drawn A/B tests (Welch, two-sided) significant in ``direction`` (+1: B longer sessions).

    Up to EXACT_DRAWS listeners per arm each test is drawn listener by listener; above, each arm's mean is
    drawn from its normal limit (the central limit theorem; the variances are then the pooled data's)."""
    m = listeners_per_arm
    if m <= EXACT_DRAWS:
        c = rng.choice(control, size=(replicates, m))
        t = rng.choice(treatment, size=(replicates, m))
        diff = t.mean(axis=1) - c.mean(axis=1)
        vc, vt = c.var(axis=1, ddof=1) / m, t.var(axis=1, ddof=1) / m
    else:
        vc, vt = np.full(replicates, control.var(ddof=1) / m), np.full(replicates, treatment.var(ddof=1) / m)
        diff = rng.normal(treatment.mean() - control.mean(), np.sqrt(vc + vt))
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (vc + vt) ** 2 / (vc**2 / (m - 1) + vt**2 / (m - 1))
        p = 2 * stats.t.sf(np.abs(diff / np.sqrt(vc + vt)), np.nan_to_num(df, nan=1.0))
    return float(np.mean((p < ALPHA) & (np.sign(diff) == direction)))


def interleaving_power(credits, listeners, replicates, rng, direction):
    """Share of drawn interleaving experiments whose sign test is significant in ``direction`` (+1: B).

    A listener drawn at random prefers B, prefers A or ties with the pooled data's shares, so the counts
    of a test of ``listeners`` draws are one multinomial draw (exact, at any size)."""
    outcome = np.sign(credits[:, 1] - credits[:, 0])
    shares = [np.mean(outcome > 0), np.mean(outcome < 0), np.mean(outcome == 0)]
    counts = rng.multinomial(listeners, shares, size=replicates)
    wins_b, wins_a = counts[:, 0], counts[:, 1]
    decided = wins_a + wins_b
    p = np.minimum(1.0, 2 * stats.binom.cdf(np.minimum(wins_a, wins_b), np.maximum(decided, 1), 0.5))
    p = np.where(decided > 0, p, 1.0)
    return float(np.mean((p < ALPHA) & (np.sign(wins_b - wins_a) == direction)))


def share_power(credits, listeners, replicates, rng, direction):
    """The same, by a t-test of the mean per-listener share of B against 1/2 (the report's interval)."""
    total = credits.sum(axis=1)
    shares = credits[total > 0, 1] / total[total > 0]
    drawn = np.empty(replicates)
    spread = np.empty(replicates)
    if listeners <= EXACT_DRAWS:
        sample = rng.choice(shares, size=(replicates, listeners))
        drawn, spread = sample.mean(axis=1), sample.std(axis=1, ddof=1)
    else:
        drawn = rng.normal(shares.mean(), shares.std(ddof=1) / np.sqrt(listeners), replicates)
        spread[:] = shares.std(ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.t.sf(np.abs(drawn - 0.5) / (spread / np.sqrt(listeners)), listeners - 1)
    return float(np.mean((p < ALPHA) & (np.sign(drawn - 0.5) == direction)))


def sessions_for_power(power_at, sessions_per_unit):
    """Sessions where ``power_at(units)`` crosses POWER, doubling the units and interpolating on a log scale;
    None when it does not by MAX_SIZE."""
    previous, units = (0.0, 0), FIRST_SIZE
    while units <= MAX_SIZE:
        power = power_at(units)
        if power >= POWER:
            if previous[1] == 0:
                return units * sessions_per_unit
            low, high = np.log(previous[1]), np.log(units)
            share = (POWER - previous[0]) / max(power - previous[0], 1e-9)
            return float(np.exp(low + share * (high - low))) * sessions_per_unit
        previous, units = (power, units), units * 2
    return None


def measure(pair, replicates, rng):
    effect = pair.treatment.mean() - pair.control.mean()
    wins = np.sign(pair.credits[:, 1] - pair.credits[:, 0])
    preference = int(np.sign(wins.sum())) or 1
    direction_ab = int(np.sign(effect)) or 1
    ab = sessions_for_power(
        lambda units: ab_power(pair.control, pair.treatment, units, replicates, rng, direction_ab),
        2 * pair.sessions_per_listener_ab)
    interleaved = sessions_for_power(
        lambda units: interleaving_power(pair.credits, units, replicates, rng, preference),
        pair.sessions_per_listener_interleaved)
    by_share = sessions_for_power(
        lambda units: share_power(pair.credits, units, replicates, rng, preference),
        pair.sessions_per_listener_interleaved)
    total = pair.credits.sum(axis=1)
    share = pair.credits[total > 0, 1] / total[total > 0]
    return {"pair": pair, "effect": 100 * effect / pair.control.mean(), "direction_ab": direction_ab,
            "share": float(share.mean()), "direction_interleaving": preference,
            "ab_sessions": ab, "interleaving_sessions": interleaved, "share_sessions": by_share}


def print_table(rows, args):
    print(f"\nsessions for {POWER:.0%} power at alpha {ALPHA}; {args.seeds} seed(s) x {args.episodes:,} "
          f"sessions per day pooled, {args.replicates} draws per size")
    print(f"{'pair (A -> B)':<28} {'A/B effect':>10} {'B share':>8} {'A/B':>8} {'sign test':>10} "
          f"{'ratio':>6} {'t on share':>11} {'ratio':>6}  same direction")
    for row in rows:
        pair = row["pair"]
        ab, interleaved, by_share = row["ab_sessions"], row["interleaving_sessions"], row["share_sessions"]
        agree = "yes" if row["direction_ab"] == row["direction_interleaving"] else "NO"
        print(f"{pair.a + ' -> ' + pair.b:<28} {row['effect']:>+9.1f}% {row['share']:>8.3f} {_size(ab):>8} "
              f"{_size(interleaved):>10} {_ratio(ab, interleaved):>6} {_size(by_share):>11} "
              f"{_ratio(ab, by_share):>6}  {agree}")


def _ratio(ab, interleaved):
    """How many times fewer sessions interleaving needs than the A/B test."""
    return f"{ab / interleaved:.2f}x" if ab and interleaved else "n/a"


def _size(value):
    return f"> {MAX_SIZE:,}" if value is None else f"{value:,.0f}"


if __name__ == "__main__":
    main()
