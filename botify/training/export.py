"""Top-k lists by batched matrix scoring, and the artifact files botify uploads.

Scores are dot products of query vectors (users or start tracks) with track
vectors, computed a chunk of queries at a time so memory stays bounded;
``torch.topk`` picks the best k of each row without sorting the whole row.
"""

import json
import pathlib

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch

from botify import fields
from botify.progress_bars import progress_bar

TOP_SIZE = 100  # the length of every exported list
CHUNK_CELLS = 2**24  # scores computed at once (64 MB of float32)
SAMPLE_COLUMNS = 4096  # columns each row's top-k threshold is estimated from


def top_k(queries, items, k=TOP_SIZE, exclude=None, progress=False):
    """Positions of the ``k`` best-scoring items per query row, best first.

    ``queries`` is (n, d) and ``items`` (m, d); ``exclude`` is an optional
    (n, m) sparse matrix whose non-zero cells are never returned. Rows with
    fewer than ``k`` allowed items are padded with -1.
    """
    queries, items = np.asarray(queries, np.float32), np.asarray(items, np.float32)
    k = min(k, len(items))
    exclude = None if exclude is None else sp.csr_matrix(exclude)
    out = np.full((len(queries), k), -1, dtype=np.int64)
    chunk = max(1, min(len(queries), CHUNK_CELLS // max(1, len(items))))
    buffer = np.empty((chunk, len(items)), np.float32)  # reused: fresh 64 MB blocks cost page faults
    items_t = np.ascontiguousarray(items.T)
    chunks = range(0, len(queries), chunk)
    for begin in progress_bar(chunks, desc="top-k", disable=not progress, unit="chunk"):
        block = queries[begin : begin + chunk]
        scores = np.matmul(block, items_t, out=buffer[: len(block)])
        if exclude is not None:
            rows, cols = exclude[begin : begin + chunk].nonzero()
            scores[rows, cols] = -np.inf
        out[begin : begin + chunk] = _best_of_rows(scores, k)
    return out


def _best_of_rows(scores, k):
    """Column positions of each row's ``k`` highest scores, best first; -inf cells become -1.

    Wide rows first keep only the cells at or above a per-row threshold read
    from a sample of columns (a few hundred cells per row instead of tens of
    thousands) and sort just those; rows the threshold left short are ranked in full.
    """
    height, width = scores.shape
    step = width // SAMPLE_COLUMNS
    if step < 4 or k * step > width // 4:
        return _full_top(scores, np.arange(height), k)
    sample = scores[:, ::step]
    rank = sample.shape[1] - (2 * k // step + 8)
    threshold = np.partition(sample, rank, axis=1)[:, rank]
    flat = np.flatnonzero(scores >= threshold[:, None])
    rows, values = flat // width, scores.ravel()[flat]
    order = np.lexsort((-values, rows))  # stable: equal scores keep column order
    flat, rows, values = flat[order], rows[order], values[order]
    starts = np.searchsorted(rows, np.arange(height))
    place = np.arange(len(rows)) - starts[rows]
    keep = place < k
    out = np.full((height, k), -1, dtype=np.int64)
    out[rows[keep], place[keep]] = np.where(np.isneginf(values[keep]), -1, flat[keep] % width)
    short = np.flatnonzero(np.diff(np.append(starts, len(rows))) < k)
    out[short] = _full_top(scores, short, k)
    return out


def _full_top(scores, rows, k):
    best = torch.topk(torch.from_numpy(scores[rows]), k, dim=1)
    return np.where(np.isneginf(best.values.numpy()), -1, best.indices.numpy())


def exclusion_matrix(pairs, query_ids, item_ids, query_column=fields.USER):
    """A sparse (queries x items) matrix marking each (query, track) pair to exclude.

    Pairs whose query or track is not among the ids are ignored.
    """
    query_pos = _positions(query_ids, pairs[query_column].to_numpy())
    item_pos = _positions(item_ids, pairs[fields.TRACK].to_numpy())
    known = (query_pos >= 0) & (item_pos >= 0)
    ones = np.ones(known.sum(), dtype=np.int8)
    shape = (len(query_ids), len(item_ids))
    return sp.csr_matrix((ones, (query_pos[known], item_pos[known])), shape=shape)


def _positions(ids, values):
    """Index of each value in ``ids``, or -1 when absent."""
    return pd.Index(np.asarray(ids)).get_indexer(values)


def write_lists(path, key, ids, top_positions, item_ids):
    """Write ``{key: id, "tracks": [...]}`` lines (the per-user or per-track artifact).

    ``top_positions`` come from :func:`top_k` and index ``item_ids``; -1
    padding is dropped. Returns the number of lines written.
    """
    if key not in (fields.USER, fields.TRACK):
        raise ValueError(f"key must be {fields.USER!r} or {fields.TRACK!r}, not {key!r}")
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    item_ids = np.asarray(item_ids)
    with path.open("w") as out:
        for query, positions in zip(np.asarray(ids).tolist(), top_positions):
            tracks = item_ids[positions[positions >= 0]].tolist()
            out.write(json.dumps({key: query, fields.TRACKS: tracks}) + "\n")
    return len(top_positions)


def write_two_stage(path, candidates, tables, users, digits=5):
    """Write the two-stage artifact (see botify/service/loading/two_stage_artifact.py): each track's candidate
    list (``candidates`` as from :func:`top_k`), then its context and item vectors, then the vectors of
    ``users``. Floats keep ``digits`` significant digits: ranking needs no more, and the file stays small."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def row(table, key, vector, **extra):
        numbers = ",".join(f"{value:.{digits}g}" for value in vector)
        tail = "".join(f',"{name}":{value:.{digits}g}' for name, value in extra.items())
        return f'{{"table":"{table}","id":{key},"vector":[{numbers}]{tail}}}\n'

    with path.open("w") as out:
        for track, positions in enumerate(candidates):
            out.write(json.dumps({"table": "candidates", "id": track,
                                  "tracks": positions[positions >= 0].tolist()}) + "\n")
        for track, (context, item, bias) in enumerate(zip(tables["context"], tables["item"], tables["bias"])):
            out.write(row("context", track, context))
            out.write(row("item", track, item, bias=bias))
        for user in np.asarray(users).tolist():
            out.write(row("user", user, tables["user"][user]))
    return path


def write_top_tracks(path, tracks):
    """Write the popularity artifact: a JSON array of track ids, most popular first."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([int(track) for track in tracks]) + "\n")
    return path


def read_lists(path):
    """An artifact back as ``{id: [tracks]}`` (per-user or per-track, by its key)."""
    lists = {}
    for line in pathlib.Path(path).read_text().splitlines():
        row = json.loads(line)
        key = fields.USER if fields.USER in row else fields.TRACK
        lists[row[key]] = row[fields.TRACKS]
    return lists
