"""Generate a seeded world: a music-like catalog, hidden track embeddings and listeners.

The structure is meant to be learnable from logs: tracks of one artist sit close
together, artists of one genre share a direction, and a track's *appeal*
(the last embedding column, driven by its popularity) adds to every
listener's score, so popular tracks are liked by more users.
"""

import numpy as np

from sim import names
from sim.errors import ArgumentError
from sim.world import World

GENERATOR_VERSION = 1
CONTENT_DIM = 32
TRACKS_PER_ARTIST = 10  # mean; the count per artist is heavy-tailed
GENRE_SPREAD = 1.0  # artist centre = genre centre + this * unit-size noise, normalised
ARTIST_SPREAD = 0.8  # track = artist centre + this * unit-size noise, normalised
APPEAL_SCALE = 0.12  # appeal = this * standardised log popularity
MAX_INTERESTS = 4


def check_sizes(n_tracks, n_users):
    """Refuse a world too small to have genres, artists and listeners (an ArgumentError)."""
    if n_tracks < 20 or n_users < 1:
        raise ArgumentError("a world needs at least 20 tracks and 1 user")


def generate_world(seed, n_tracks=50_000, n_users=10_000, progress=None):
    """Build a :class:`World` in memory; ``progress(step_name)`` is called between stages."""
    check_sizes(n_tracks, n_users)
    rng = np.random.default_rng(seed)
    notify = progress or (lambda _: None)
    notify("artists")
    artists = _artists(rng, n_tracks)
    notify("tracks")
    tracks, popularity = _tracks(rng, artists, n_tracks)
    notify("embeddings")
    embeddings = _embeddings(rng, artists, tracks, popularity)
    notify("users")
    users = _users(rng, n_users, popularity)
    manifest = {
        "version": GENERATOR_VERSION,
        "seed": seed,
        "tracks": n_tracks,
        "users": n_users,
        "artists": len(artists["name"]),
        "genres": len(names.GENRES),
        "dim": CONTENT_DIM + 1,
        "appeal_column": CONTENT_DIM,
    }
    return World(catalog=tracks["catalog"], embeddings=embeddings, users=users, manifest=manifest)


def _artists(rng, n_tracks):
    """Artists with a genre, a heavy-tailed track count and a heavy-tailed popularity."""
    n_artists = max(2, n_tracks // TRACKS_PER_ARTIST)
    genre_weights = 1.0 / np.arange(1, len(names.GENRES) + 1) ** 0.8
    genre = rng.choice(len(names.GENRES), size=n_artists, p=genre_weights / genre_weights.sum())
    size_weight = rng.lognormal(0.0, 1.0, size=n_artists)
    counts = 1 + rng.multinomial(n_tracks - n_artists, size_weight / size_weight.sum())
    popularity = rng.lognormal(0.0, 1.3, size=n_artists) * size_weight**0.5
    debut = np.clip(2025 - rng.exponential(14.0, size=n_artists), 1955, 2025).astype(int)
    return {
        "name": names.artist_names(rng, n_artists),
        "genre": genre,
        "count": counts,
        "popularity": popularity,
        "debut": debut,
    }


def _tracks(rng, artists, n_tracks):
    """Catalog rows (shuffled ids) and each track's popularity (Zipf within its artist)."""
    artist_of = np.repeat(np.arange(len(artists["name"])), artists["count"])
    rank = np.concatenate([np.arange(1, c + 1) for c in artists["count"]])
    popularity = artists["popularity"][artist_of] / rank**0.9 * rng.lognormal(0, 0.4, n_tracks)
    order = rng.permutation(n_tracks)
    artist_of, popularity = artist_of[order], popularity[order]
    genre_of = artists["genre"][artist_of]
    mean_duration = np.asarray(names.GENRE_DURATION)[genre_of]
    duration = np.clip(rng.lognormal(np.log(mean_duration), 0.25), 45, 1200).astype(int)
    debut = artists["debut"][artist_of]
    year = debut + (rng.geometric(0.15, n_tracks) - 1) % (2026 - debut)  # a career that ends by 2025
    titles = names.track_titles(rng, n_tracks)
    catalog = [
        {"track": i, "artist": artists["name"][a], "title": t, "genre": names.GENRES[g],
         "duration": d, "year": y}
        for i, (a, t, g, d, y) in enumerate(
            zip(artist_of.tolist(), titles, genre_of.tolist(), duration.tolist(), year.tolist())
        )
    ]
    return {"catalog": catalog, "artist_of": artist_of, "genre_of": genre_of}, popularity


def _unit(rows):
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _embeddings(rng, artists, tracks, popularity):
    """Unit content vectors clustered by genre then artist, plus an appeal column."""
    genre_centre = _unit(rng.normal(size=(len(names.GENRES), CONTENT_DIM)))
    artist_noise = rng.normal(size=(len(artists["name"]), CONTENT_DIM)) / np.sqrt(CONTENT_DIM)
    artist_centre = _unit(genre_centre[artists["genre"]] + GENRE_SPREAD * artist_noise)
    track_noise = rng.normal(size=(len(popularity), CONTENT_DIM)) / np.sqrt(CONTENT_DIM)
    content = _unit(artist_centre[tracks["artist_of"]] + ARTIST_SPREAD * track_noise)
    log_pop = np.log(popularity)
    appeal = APPEAL_SCALE * (log_pop - log_pop.mean()) / log_pop.std()
    return np.column_stack([content, appeal]).astype(np.float32)


def _users(rng, n_users, popularity):
    """Listeners: interests anchored on tracks (popular ones more often) and habits."""
    weights = popularity**0.7
    anchors = rng.choice(len(popularity), size=(n_users, MAX_INTERESTS), p=weights / weights.sum())
    n_interests = np.minimum(1 + rng.poisson(1.0, n_users), MAX_INTERESTS)
    return {
        "interests": [row[:k].tolist() for row, k in zip(anchors, n_interests)],
        "consume_bias": np.round(rng.normal(0.45, 0.06, n_users), 4),
        "consume_sharpness": np.round(rng.uniform(8.0, 14.0, n_users), 4),
        "session_budget": rng.integers(3, 9, n_users),
        "artist_discount_gamma": np.round(rng.uniform(0.6, 0.95, n_users), 4),
        "activity": np.round(rng.lognormal(0.0, 1.5, n_users), 4),
    }
