"""Loading the public catalog (``data/catalog/tracks.jsonl``) into Redis, in bulk.

The catalog is written under temporary keys and swapped in with RENAME inside
one MULTI, so a reload never shows a half-loaded catalog to a running service.
"""

import json
import logging

from botify import fields
from botify.errors import CatalogError
from botify.service.store import CATALOG_ARTIST_OF, CATALOG_ARTISTS, CATALOG_SIZE, CATALOG_TRACKS

BATCH = 5000
LOADING = ":loading"
KEYS = (CATALOG_TRACKS, CATALOG_ARTISTS, CATALOG_ARTIST_OF)


def read_tracks(path):
    """Yield validated track records; ids must be 0..N-1 in file order."""
    try:
        lines = open(path, encoding="utf-8")
    except OSError as error:
        raise CatalogError(f"cannot read catalog {path}: {error.strerror}") from None
    with lines:
        for number, line in enumerate(lines):
            yield _parse(path, number, line)


def _parse(path, number, line):
    where = f"{path}:{number + 1}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise CatalogError(f"{where}: not JSON ({error.msg})") from None
    if not isinstance(record, dict) or any(name not in record for name in fields.CATALOG_FIELDS):
        raise CatalogError(f"{where}: a track needs the fields {', '.join(fields.CATALOG_FIELDS)}")
    if record[fields.TRACK] != number:
        raise CatalogError(f"{where}: expected track id {number}, found {record[fields.TRACK]!r}")
    return record


def load_catalog(client, path, logger=None):
    """Load every track and the artist index; return the number of tracks."""
    logger = logger or logging.getLogger(__name__)
    client.delete(*(key + LOADING for key in KEYS))
    artists, batch, artist_of, size = {}, {}, {}, 0
    for record in read_tracks(path):
        track, artist = record[fields.TRACK], record[fields.ARTIST]
        batch[track], artist_of[track] = json.dumps(record), artist
        artists.setdefault(artist, []).append(track)
        size += 1
        if len(batch) == BATCH:
            _write(client, CATALOG_TRACKS + LOADING, batch)
            _write(client, CATALOG_ARTIST_OF + LOADING, artist_of)
            logger.info("catalog: %d tracks loaded", size)
            batch, artist_of = {}, {}
    if size == 0:
        raise CatalogError(f"catalog {path} has no tracks")
    _write(client, CATALOG_TRACKS + LOADING, batch)
    _write(client, CATALOG_ARTIST_OF + LOADING, artist_of)
    _write(client, CATALOG_ARTISTS + LOADING, {artist: json.dumps(ids) for artist, ids in artists.items()})
    _swap_in(client, size)
    logger.info("catalog: %d tracks by %d artists loaded from %s", size, len(artists), path)
    return size


def _write(client, key, mapping):
    """HSET in slices inside one pipeline: one round trip per batch."""
    if not mapping:
        return
    items = list(mapping.items())
    pipe = client.pipeline(transaction=False)
    for start in range(0, len(items), 1000):
        pipe.hset(key, mapping=dict(items[start : start + 1000]))
    pipe.execute()


def _swap_in(client, size):
    pipe = client.pipeline(transaction=True)
    for key in KEYS:
        pipe.rename(key + LOADING, key)
    pipe.set(CATALOG_SIZE, size)
    pipe.execute()
