"""A tiny planted world and its event logs, for tests, benchmarks and smoke runs.

Each listener likes one genre and each session keeps the mood of its first
track, so the right answers are known: collaborative models should find the
listener's genre, contextual models the start track's genre. The logs are
written exactly in the contract's event-log format, as botify would write them.
"""

import json
import pathlib

import numpy as np

from botify import fields


def planted_catalog(n_tracks=200, n_genres=4, n_artists=20, seed=0):
    """Catalog rows in the public format; genre = track id modulo n_genres."""
    rng = np.random.default_rng(seed)
    return [
        {
            fields.TRACK: track,
            fields.ARTIST: f"artist {track % n_artists}",
            fields.TITLE: f"title {track}",
            fields.GENRE: f"genre {track % n_genres}",
            fields.DURATION: int(rng.integers(90, 420)),
            fields.YEAR: int(rng.integers(1960, 2025)),
        }
        for track in range(n_tracks)
    ]


def write_catalog(data_dir, catalog):
    """Write ``<data>/catalog/tracks.jsonl`` and return its path."""
    path = pathlib.Path(data_dir) / "catalog" / "tracks.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in catalog))
    return path


def planted_time(user_genre, start_genre, track_genre, rng):
    """Listening time: high for the listener's genre, higher still in the session's mood."""
    base = 0.1 + 0.5 * (track_genre == user_genre) + 0.35 * (track_genre == start_genre)
    return float(np.clip(base + rng.normal(0, 0.05), 0.0, 1.0))


def write_logs(log_dir, n_users=50, n_tracks=200, n_genres=4, n_sessions=300, seed=0, tracks_per_session=8):
    """Write sessions of random recommendations to ``<log>/events-0.jsonl``.

    A session starts on a track of the listener's genre (time 1.0), then each
    random recommendation is listened to for :func:`planted_time`. Returns
    each listener's planted genre, so tests can check what a model learned.
    """
    rng = np.random.default_rng(seed)
    user_genres = rng.integers(0, n_genres, n_users)
    path = pathlib.Path(log_dir) / "events-0.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    clock = 1_700_000_000_000
    with path.open("w") as out:
        for _ in range(n_sessions):
            user = int(rng.integers(n_users))
            genre = int(user_genres[user])
            track = int(rng.choice(np.arange(genre, n_tracks, n_genres)))
            start_genre, time = genre, 1.0
            for step in range(tracks_per_session):
                clock += int(rng.integers(1, 1000))
                last = step == tracks_per_session - 1
                recommendation = None if last else int(rng.integers(n_tracks))
                out.write(json.dumps(_event(clock, user, track, time, recommendation)) + "\n")
                if not last:
                    track = recommendation
                    time = planted_time(genre, start_genre, track % n_genres, rng)
    return user_genres


def _event(clock, user, track, time, recommendation):
    event = {
        fields.MESSAGE: fields.LAST if recommendation is None else fields.NEXT,
        fields.TIMESTAMP: clock,
        fields.USER: user,
        fields.TRACK: track,
        fields.TIME: round(time, 4),
        fields.LATENCY: 0.001,
        fields.EXPERIMENTS: {"COLLABORATIVE": "C"},
    }
    if recommendation is not None:
        event[fields.RECOMMENDATION] = recommendation
    return event
