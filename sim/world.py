"""The world on disk and in memory: public catalog plus hidden embeddings and listeners.

Layout under a data folder (the contract with botify)::

    catalog/tracks.jsonl   public: track, artist, title, genre, duration, year
    world/embeddings.npy   hidden: float32 tracks x dim, the last column is appeal
    world/users.jsonl      hidden: one listener per line
    world/manifest.json    seed, sizes, generator version

``load_world`` turns every missing or damaged file into one readable
:class:`sim.errors.WorldError` so the CLI never shows a traceback wall.
"""

import json
import pathlib
from dataclasses import dataclass, field

import numpy as np

from sim.errors import OutputError, WorldError

CATALOG_KEYS = ("track", "artist", "title", "genre", "duration", "year")
USER_FIELDS = {
    "interests": list, "consume_bias": float, "consume_sharpness": float,
    "session_budget": int, "artist_discount_gamma": float, "activity": float,
}


@dataclass
class World:
    """A loaded world; ``users`` maps each field of USER_FIELDS to an array (interests padded with -1)."""

    catalog: list
    embeddings: np.ndarray
    users: dict
    manifest: dict
    artist_of: np.ndarray = field(init=False)
    genre_of: np.ndarray = field(init=False)

    def __post_init__(self):
        self.artist_of = _codes(row["artist"] for row in self.catalog)
        self.genre_of = _codes(row["genre"] for row in self.catalog)
        if isinstance(self.users["interests"], list):
            self.users["interests"] = _pad(self.users["interests"])

    @property
    def n_tracks(self):
        return len(self.catalog)

    @property
    def n_users(self):
        return len(self.users["activity"])

    @property
    def appeal(self):
        """Per-track appeal: the part of every listener's score that popularity explains."""
        return self.embeddings[:, self.manifest["appeal_column"]]


def _codes(values):
    """Integer code per value, numbered by first appearance."""
    index = {}
    return np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)


def _pad(lists):
    out = np.full((len(lists), max(map(len, lists))), -1, dtype=np.int64)
    for row, items in enumerate(lists):
        out[row, : len(items)] = items
    return out


def save_world(world, out):
    """Write the world under ``out``; the same world always gives the same bytes.

    A folder that cannot be written is an OutputError, not a traceback.
    """
    out = pathlib.Path(out)
    try:
        _write_files(world, out)
    except OSError as error:
        raise OutputError(f"cannot write the world to {out}: {error.strerror}") from None


def _write_files(world, out):
    (out / "catalog").mkdir(parents=True, exist_ok=True)
    (out / "world").mkdir(parents=True, exist_ok=True)
    with open(out / "catalog" / "tracks.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in world.catalog)
    np.save(out / "world" / "embeddings.npy", world.embeddings.astype(np.float32))
    with open(out / "world" / "users.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in _user_rows(world.users))
    (out / "world" / "manifest.json").write_text(json.dumps(world.manifest, indent=2) + "\n")


def _user_rows(users):
    interests = users["interests"]
    columns = {k: np.asarray(v).tolist() for k, v in users.items() if k != "interests"}
    for user in range(len(columns["activity"])):
        row = {"user": user, "interests": [t for t in np.asarray(interests[user]).tolist() if t >= 0]}
        row.update((k, columns[k][user]) for k in USER_FIELDS if k != "interests")
        yield row


def load_world(path):
    """Load the world saved under the data folder ``path``; raise WorldError if anything is off."""
    path = pathlib.Path(path)
    manifest = _read_json(path / "world" / "manifest.json", path)
    catalog = _read_jsonl(path / "catalog" / "tracks.jsonl", path)
    users = _read_users(path / "world" / "users.jsonl", path)
    embeddings = _read_embeddings(path / "world" / "embeddings.npy", path)
    _check(manifest, catalog, users, embeddings, path)
    return World(catalog=catalog, embeddings=embeddings, users=users, manifest=manifest)


def _missing(file, root):
    return WorldError(f"{file} is missing; generate a world first: sim world --out {root}")


def _read_json(file, root):
    try:
        data = json.loads(file.read_text())
    except FileNotFoundError:
        raise _missing(file, root) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise WorldError(f"{file} is not valid JSON ({error})") from None
    if not isinstance(data, dict) or not {"tracks", "users", "dim", "appeal_column"} <= data.keys():
        raise WorldError(f"{file} lacks tracks, users, dim or appeal_column")
    return data


def _read_jsonl(file, root):
    try:
        with open(file, encoding="utf-8") as f:
            return [json.loads(line) for line in f]
    except FileNotFoundError:
        raise _missing(file, root) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise WorldError(f"{file} is damaged ({error})") from None


def _read_users(file, root):
    rows = _read_jsonl(file, root)
    columns = {}
    for number, row in enumerate(rows, start=1):
        for name, kind in USER_FIELDS.items():
            value = row.get(name) if isinstance(row, dict) else None
            if not isinstance(value, kind) and not (kind is float and isinstance(value, int)):
                raise WorldError(f"{file} line {number}: {name} should be {kind.__name__}, got {value!r}")
            columns.setdefault(name, []).append(value)
    if not rows or not all(columns["interests"]):
        raise WorldError(f"{file} has no users, or a user without interests")
    return {k: (v if k == "interests" else np.asarray(v)) for k, v in columns.items()}


def _read_embeddings(file, root):
    try:
        return np.load(file, allow_pickle=False)
    except FileNotFoundError:
        raise _missing(file, root) from None
    except (ValueError, OSError, EOFError) as error:
        raise WorldError(f"{file} is not a readable .npy array ({error})") from None


def _check(manifest, catalog, users, embeddings, root):
    expected = (manifest["tracks"], manifest["dim"])
    if embeddings.shape != expected or embeddings.dtype != np.float32:
        raise WorldError(f"{root}/world/embeddings.npy is {embeddings.dtype} {embeddings.shape}, "
                         f"manifest says float32 {expected}")
    if len(catalog) != manifest["tracks"] or len(users["activity"]) != manifest["users"]:
        raise WorldError(f"{root}: catalog or users size differs from world/manifest.json")
    for i, row in enumerate(catalog):
        if not isinstance(row, dict) or row.get("track") != i or not set(CATALOG_KEYS) <= row.keys():
            raise WorldError(f"{root}/catalog/tracks.jsonl line {i + 1}: "
                             f"expected track {i} with {', '.join(CATALOG_KEYS)}")
    tracks = [t for items in users["interests"] for t in items]
    if not all(isinstance(t, int) and 0 <= t < manifest["tracks"] for t in tracks):
        raise WorldError(f"{root}/world/users.jsonl: an interest names an unknown track")
