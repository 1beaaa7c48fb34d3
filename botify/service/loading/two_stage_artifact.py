"""The two-stage artifact: candidates per track, and the vectors that rank them per request.

One ``NAME.jsonl`` file, one line per row of one of four tables:
    {"table": "candidates", "id": track, "tracks": [int, ...]}      stage 1: what may follow a track
    {"table": "context", "id": track, "vector": [float, ...]}       the track just heard, as a query
    {"table": "user", "id": user, "vector": [float, ...]}           the listener, added to the query
    {"table": "item", "id": track, "vector": [float, ...], "bias": float}   a candidate
Stage 2 scores a candidate as <context + user, item> + bias (a user without a
vector adds nothing). In Redis each table is a hash ``artifact:NAME:TABLE``;
candidates are JSON lists, vectors are little-endian float32 bytes (a
data-only format numpy reads without parsing: the ranking stays under a
millisecond). Track ids outside the catalog are dropped, as for every artifact.
"""

import json

import numpy as np

from botify.errors import ArtifactError
from botify.service.store import ARTIFACTS, TWO_STAGE_TABLES, VECTOR, artifact_key, table_key

TWO_STAGE = "two-stage"
TABLES = TWO_STAGE_TABLES
BATCH = 1000


def encode(vector):
    return np.asarray(vector, dtype=VECTOR).tobytes()


def load_two_stage(client, path, catalog_size, name):
    """Stream the file into four hashes under temporary keys, swap them in at once; return (info, dropped)."""
    loading = {table: table_key(name, table) + ":loading" for table in TABLES}
    client.delete(*loading.values())
    counts, dims, dropped, batches = dict.fromkeys(TABLES, 0), set(), 0, {table: {} for table in TABLES}
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            table, key, value, lost = _parse(path, number, line, catalog_size, dims)
            dropped += lost
            if value is None:
                continue
            batches[table][key] = value
            counts[table] += 1
            if len(batches[table]) == BATCH:
                client.hset(loading[table], mapping=batches[table])
                batches[table] = {}
    for table, batch in batches.items():
        if batch:
            client.hset(loading[table], mapping=batch)
    if not counts["candidates"] or not counts["item"] or not counts["context"]:
        raise ArtifactError(f"{path}: a two-stage artifact needs candidates, context and item rows")
    info = {"kind": TWO_STAGE, "size": counts["candidates"], "dim": dims.pop(), "tables": counts}
    _swap_in(client, name, loading, counts, info)
    return info, dropped


def _parse(path, number, line, catalog_size, dims):
    """(table, id, Redis value or None if dropped, dropped track ids) for one line."""
    where = f"{path}:{number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        raise ArtifactError(f"{where}: not JSON") from None
    table, key = (row.get("table"), row.get("id")) if isinstance(row, dict) else (None, None)
    if table not in TABLES or type(key) is not int or key < 0:
        raise ArtifactError(f'{where}: expected {{"table": one of {", ".join(TABLES)}, "id": int, ...}}')
    if table != "user" and key >= catalog_size:
        return table, key, None, 1
    if table == "candidates":
        tracks = row.get("tracks")
        if not isinstance(tracks, list) or not all(type(t) is int and t >= 0 for t in tracks):
            raise ArtifactError(f'{where}: expected "tracks": [int, ...]')
        known = [t for t in tracks if t < catalog_size]
        return table, key, json.dumps(known), len(tracks) - len(known)
    vector = row.get("vector")
    if not isinstance(vector, list) or not vector or not all(isinstance(x, (int, float)) for x in vector):
        raise ArtifactError(f'{where}: expected "vector": [number, ...]')
    dims.add(len(vector))
    if len(dims) > 1:
        raise ArtifactError(f"{where}: vectors of different sizes ({sorted(dims)})")
    if table == "item":
        if not isinstance(row.get("bias"), (int, float)):
            raise ArtifactError(f'{where}: an item row needs "bias": number')
        vector = [*vector, row["bias"]]
    return table, key, encode(vector), 0


def _swap_in(client, name, loading, counts, info):
    pipe = client.pipeline(transaction=True)
    for table, key in loading.items():
        if counts[table]:
            pipe.rename(key, table_key(name, table))
        else:
            pipe.delete(table_key(name, table))
    pipe.delete(artifact_key(name))  # an older artifact of another kind under the same name
    pipe.hset(ARTIFACTS, name, json.dumps(info))
    pipe.execute()
