"""Recommendation artifacts (written by training) and how they get into Redis.

Four kinds, told apart by the first line of the file:
    per-user    ``NAME.jsonl`` lines ``{"user": int, "tracks": [int, ...]}``
    per-track   ``NAME.jsonl`` lines ``{"track": int, "tracks": [int, ...]}``
    popularity  ``NAME.json``  one JSON array of track ids, most popular first
    two-stage   ``NAME.jsonl`` lines ``{"table": ..., "id": int, ...}``: candidates and
                ranking vectors (see ``two_stage_artifact.py``)
Track ids outside the catalog are dropped (with a warning) so a recommender
never answers a track the service does not know.
"""

import json
import logging
import os
import pathlib
import re
import shutil

from botify import fields
from botify.errors import ArtifactError
from botify.service.loading.two_stage_artifact import TABLES, TWO_STAGE, load_two_stage
from botify.service.store import ARTIFACTS, artifact_key, table_key

PER_USER, PER_TRACK, POPULARITY = "per-user", "per-track", "popularity"
KINDS = (PER_USER, PER_TRACK, POPULARITY, TWO_STAGE)
KIND_OF_KEY = {fields.USER: PER_USER, fields.TRACK: PER_TRACK}
NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
BATCH = 1000
SUFFIXES = (".jsonl", ".json")


def artifact_files(directory):
    """Every artifact file in a directory, sorted by name."""
    directory = pathlib.Path(directory)
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if path.suffix in SUFFIXES and path.is_file())


def default_name(path):
    return pathlib.Path(path).name.split(".")[0]


def load_artifact(client, path, catalog_size, name=None, logger=None):
    """Load one artifact file under ``name`` (default: the file stem); return (kind, entries)."""
    logger = logger or logging.getLogger(__name__)
    name = name or default_name(path)
    if not NAME.match(name):
        raise ArtifactError(f"artifact name {name!r} may use only letters, digits, '_', '-' and '.'")
    kind = detect_kind(path)
    if kind == TWO_STAGE:
        info, dropped = load_two_stage(client, path, catalog_size, name)
        return _loaded(logger, name, path, kind, info["size"], dropped)
    loading = artifact_key(name) + ":loading"
    client.delete(loading)
    if kind == POPULARITY:
        tracks, dropped = _known(_read_popularity(path), catalog_size)
        client.set(loading, json.dumps(tracks))
        entries = len(tracks)
    else:
        entries, dropped = _load_lists(client, loading, path, kind, catalog_size, logger)
    _swap_in(client, name, loading, {"kind": kind, "size": entries})
    return _loaded(logger, name, path, kind, entries, dropped)


def _loaded(logger, name, path, kind, entries, dropped):
    if dropped:
        logger.warning("artifact %s: dropped %d track ids outside the catalog", name, dropped)
    logger.info("artifact %s (%s, %d entries) loaded from %s", name, kind, entries, path)
    return kind, entries


def keep_artifact_file(path, folder, name, kind):
    """Copy an uploaded artifact into the data folder atomically, as ``NAME.jsonl`` (or ``NAME.json``),
    so the service loads it again at every start and after Redis lost it. Returns the kept path."""
    folder = pathlib.Path(folder)
    suffix = ".json" if kind == POPULARITY else ".jsonl"
    kept = folder / f"{name}{suffix}"
    stale = folder / f"{name}{'.jsonl' if suffix == '.json' else '.json'}"  # the same name, another kind
    if kept.exists() and kept.resolve() == pathlib.Path(path).resolve():
        return kept
    temporary = folder / f".{name}.upload-{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, temporary)
        with open(temporary, "rb") as file:
            os.fsync(file.fileno())
        os.replace(temporary, kept)
        stale.unlink(missing_ok=True)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ArtifactError(
            f"loaded into Redis, but could not keep a copy in {folder}: {error.strerror}") from None
    return kept


def detect_kind(path):
    """The kind of an artifact file, from its first line."""
    first = _first_line(path)
    if first.startswith("["):
        return POPULARITY
    try:
        record = json.loads(first)
    except json.JSONDecodeError:
        raise ArtifactError(f"{path}:1: not JSON") from None
    if isinstance(record, dict) and "table" in record:
        return TWO_STAGE
    kinds = [KIND_OF_KEY[key] for key in KIND_OF_KEY if isinstance(record, dict) and key in record]
    if len(kinds) != 1:
        raise ArtifactError(f'{path}:1: expected {{"user": ..., "tracks": [...]}}, '
                            '{"track": ..., "tracks": [...]} or {"table": ..., "id": ...}')
    return kinds[0]


def _first_line(path):
    try:
        with open(path, encoding="utf-8") as file:
            for line in file:
                if line.strip():
                    return line.strip()
    except OSError as error:
        raise ArtifactError(f"cannot read artifact {path}: {error.strerror}") from None
    raise ArtifactError(f"artifact {path} is empty")


def _read_popularity(path):
    try:
        tracks = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ArtifactError(f"{path}: not a JSON array ({error.msg})") from None
    if not _are_ids(tracks):
        raise ArtifactError(f"{path}: a popularity artifact is a JSON array of track ids")
    return tracks


def _load_lists(client, key, path, kind, catalog_size, logger):
    """Stream a per-user/per-track file into a Redis hash, one HSET (one round trip) per 1000 lines."""
    owner = fields.USER if kind == PER_USER else fields.TRACK
    batch, entries, dropped = {}, 0, 0
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            owner_id, tracks = _parse_list(path, number, line, owner)
            known, lost = _known(tracks, catalog_size)
            batch[owner_id] = json.dumps(known)
            entries, dropped = entries + 1, dropped + lost
            if len(batch) == BATCH:
                client.hset(key, mapping=batch)
                batch = {}
                if entries % (BATCH * 10) == 0:
                    logger.info("artifact %s: %d entries loaded", path, entries)
    if batch:
        client.hset(key, mapping=batch)
    return entries, dropped


def _parse_list(path, number, line, owner):
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise ArtifactError(f"{path}:{number}: not JSON") from None
    if (not isinstance(record, dict) or not _are_ids([record.get(owner)])
            or not _are_ids(record.get("tracks"))):
        raise ArtifactError(f'{path}:{number}: expected {{"{owner}": int, "tracks": [int, ...]}}')
    return record[owner], record["tracks"]


def _are_ids(values):
    return isinstance(values, list) and all(type(value) is int and value >= 0 for value in values)


def _known(tracks, catalog_size):
    known = [track for track in tracks if track < catalog_size]
    return known, len(tracks) - len(known)


def _swap_in(client, name, loading, info):
    pipe = client.pipeline(transaction=True)
    pipe.delete(*(table_key(name, table) for table in TABLES))  # an older two-stage artifact of this name
    if client.exists(loading):
        pipe.rename(loading, artifact_key(name))
    else:
        pipe.delete(artifact_key(name))
    pipe.hset(ARTIFACTS, name, json.dumps(info))
    pipe.execute()
