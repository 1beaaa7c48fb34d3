"""Synthetic A/B data with a known truth, for calibration tests, benchmarks and seminar exercises.

Real traffic comes from the simulator over HTTP; these numpy stand-ins are for
checking the statistics themselves: with ``effect=0`` every "significant"
result is a false positive, with ``effect=0.05`` the treatment truly adds 5% to
the mean tracks (and time) per session. Users differ in engagement (a
log-normal factor), so the data are skewed and heteroscedastic, as real
listening is.
"""

import json
import pathlib

import numpy as np
import pandas as pd

from botify.fields import (
    COMPLETE,
    CONTROL,
    END,
    LATENCY,
    SESSION,
    START,
    TIME,
    TRACKS,
    USER,
)
from botify.progress_bars import progress_bar

DAY_MS = 86_400_000
EVENTS_PER_USER = 40  # about what simulate_sessions gives: 4 sessions of 10 tracks
TRACK_MS = 30_000
MAX_TRACKS = 200


def simulate_sessions(users=2000, experiment="EXPERIMENT", effect=0.0, split=None, seed=0,
                      sessions_per_user=4.0):
    """Sessions shaped like ``sessionize``'s output, with a planted relative effect.

    ``split`` maps treatment -> weight (default C and T1, equal); ``effect`` is
    the relative lift of mean tracks per session in every non-control arm
    (a float) or per arm (a dict).
    """
    rng = np.random.default_rng(seed)
    split = split or {CONTROL: 1.0, "T1": 1.0}
    sessions = _sessions(users, experiment, effect, split, rng, sessions_per_user)
    sessions.attrs = {"experiments": [experiment], "incomplete_sessions": 0}
    return sessions


def _sessions(users, experiment, effect, split, rng, sessions_per_user):
    """Users assigned by weight; each user's engagement sets their sessions' mean length."""
    arms = list(split)
    weights = np.array([split[arm] for arm in arms], dtype=float)
    assignment = rng.choice(len(arms), size=users, p=weights / weights.sum())
    lifts = np.array([1.0 if arm == CONTROL else 1.0 + _lift(effect, arm) for arm in arms])
    counts = 1 + rng.poisson(sessions_per_user - 1, users)
    owner = np.repeat(np.arange(users), counts)
    engagement = rng.lognormal(0.0, 0.5, users)
    mean_tracks = (1 + 8 * engagement[owner]) * lifts[assignment[owner]]
    tracks = np.minimum(rng.geometric(np.minimum(1 / mean_tracks, 1.0)), MAX_TRACKS)
    start = _session_starts(owner, counts, rng)
    return pd.DataFrame({
        SESSION: np.arange(len(owner)), USER: owner, START: start, END: start + (tracks - 1) * TRACK_MS,
        TRACKS: tracks, TIME: tracks * rng.beta(4, 3, len(owner)),
        LATENCY: tracks * rng.gamma(2.0, 0.002, len(owner)),
        COMPLETE: True, experiment: pd.Categorical(np.array(arms)[assignment[owner]]),
    }).sort_values(START, ignore_index=True).assign(**{SESSION: lambda frame: np.arange(len(frame))})


def _lift(effect, arm):
    return effect.get(arm, 0.0) if isinstance(effect, dict) else effect


def _session_starts(owner, counts, rng):
    """Each user's sessions one after another (never overlapping) within a few days."""
    first = rng.integers(0, DAY_MS, len(counts))
    index_in_user = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    return first[owner] + index_in_user * (MAX_TRACKS + 10) * TRACK_MS


def write_event_log(log_dir, sessions, experiment="EXPERIMENT", files=2, lines_per_file=None, seed=0,
                    other_experiments=()):
    """Write ``sessions`` as botify's event log (the service's exact line format) and return the events count.

    Every session becomes ``tracks - 1`` ``next`` events and one ``last``;
    events are dealt to ``files`` files as gunicorn workers would, and each file
    is rotated every ``lines_per_file`` lines (``.1``, ``.2``, ... oldest first).
    ``other_experiments`` are logged too, with a C/T1 split by user id, as
    botify logs every registered experiment's assignment.
    """
    folder = pathlib.Path(log_dir)
    folder.mkdir(parents=True, exist_ok=True)
    lines = _render(sessions, experiment, other_experiments, seed)
    for worker in range(files):
        _write_rotated(folder / f"events-{1000 + worker}.jsonl", lines[worker::files], lines_per_file)
    return len(lines)


def write_large_log(log_dir, events, experiment="EXPERIMENT", effect=0.0, seed=0, other_experiments=(),
                    events_per_file=500_000, progress=True):
    """An event log of at least ``events`` events, written a file at a time so memory stays flat.

    Each file is a fresh block of ``events_per_file / EVENTS_PER_USER`` users
    (their own seed and user ids), as if each came from its own server over the
    same day: about 200,000 events a second on one core. Returns the events count.
    """
    folder = pathlib.Path(log_dir)
    folder.mkdir(parents=True, exist_ok=True)
    users = max(min(events_per_file, events) // EVENTS_PER_USER, 1)
    written = 0
    with progress_bar(total=events, unit=" events", unit_scale=True, disable=not progress,
                      desc="writing the log") as bar:
        for block in range(1 << 20):
            if written >= events:
                break
            sessions = simulate_sessions(users, experiment, effect, seed=[seed, block])
            sessions[USER] += block * users
            lines = _render(sessions, experiment, other_experiments, seed=[seed, block])
            _write_rotated(folder / f"events-{1000 + block}.jsonl", lines, None)
            written += len(lines)
            if written >= events:  # the last block overshoots: the bar's total becomes the true count,
                bar.total = written  # so a saved notebook shows "100% 10.3M/10.3M", not "10.3M/?"
            bar.update(len(lines))
    return written


def _render(sessions, experiment, other_experiments, seed):
    """The sessions' events as log lines, in time order."""
    events = _expand(sessions, experiment, np.random.default_rng(seed))
    return _lines(events, _experiments_json(events, experiment, other_experiments))


def _expand(sessions, experiment, rng):
    """One row per event, ordered by timestamp; shares listened are random but sum to about TIME."""
    tracks = sessions[TRACKS].to_numpy()
    session = np.repeat(np.arange(len(sessions)), tracks)
    position = np.arange(len(session)) - np.repeat(np.cumsum(tracks) - tracks, tracks)
    events = pd.DataFrame({
        "last": position == tracks[session] - 1,
        "timestamp": sessions[START].to_numpy()[session] + position * TRACK_MS,
        USER: sessions[USER].to_numpy()[session],
        "track": rng.integers(0, 50_000, len(session)),
        TIME: np.clip(rng.normal((sessions[TIME] / sessions[TRACKS]).to_numpy()[session], 0.1),
                      0, 1).round(4),
        LATENCY: rng.gamma(2.0, 0.002, len(session)).round(6),
        "treatment": np.asarray(sessions[experiment], dtype=str)[session],
    })
    return events.sort_values("timestamp", kind="stable", ignore_index=True)


def _experiments_json(events, experiment, others):
    """The ``experiments`` object of every event, built per distinct combination (a handful)."""
    users = events[USER].to_numpy()
    arms = [events["treatment"].to_numpy(dtype=str)]
    arms += [np.where((users * 2654435761 + k) >> 7 & 1, "T1", CONTROL) for k, _ in enumerate(others)]
    combos = pd.MultiIndex.from_arrays(arms)
    codes, uniques = pd.factorize(combos)
    names = [experiment, *others]
    rendered = np.array([json.dumps(dict(zip(names, combo)), separators=(",", ":")) for combo in uniques])
    return rendered[codes]


def _lines(events, experiments):
    template_next = ('{"message":"next","timestamp":%d,"user":%d,"track":%d,"time":%r,"latency":%r,'
                     '"experiments":%s,"recommendation":%d,"fallback":%s}\n')
    template_last = ('{"message":"last","timestamp":%d,"user":%d,"track":%d,"time":%r,"latency":%r,'
                     '"experiments":%s}\n')
    columns = [events[c].tolist() for c in ("last", "timestamp", USER, "track", TIME, LATENCY)]
    return [
        template_last % (stamp, user, track, share, latency, arms) if last
        else template_next % (stamp, user, track, share, latency, arms, (track * 7 + 1) % 50_000,
                              # ~5% fallbacks, as a sparse artifact gives
                              "true" if track % 20 == 0 else "false")
        for last, stamp, user, track, share, latency, arms in zip(*columns, experiments.tolist())
    ]


def _write_rotated(path, lines, lines_per_file):
    size = lines_per_file or max(len(lines), 1)
    chunks = [lines[i : i + size] for i in range(0, len(lines), size)] or [[]]
    for number, chunk in enumerate(chunks[:-1], start=1):
        path.with_name(f"{path.name}.{number}").write_text("".join(chunk))
    path.write_text("".join(chunks[-1]))
