"""User-based collaborative filtering: score a track by how much similar listeners liked it (seminar 3).

    r(u, i) = sum over v in N_k(u) of sim(u, v) * r(v, i)  /  sum over v in N_k(u) of |sim(u, v)|

where r is the 0/1 matrix of positives (listener x track), sim the cosine of
two listeners' rows and N_k(u) the k listeners most similar to u (u itself
excluded). Everything stays sparse: a listener only gets scores for tracks
their neighbours liked, so lists can come out short and are topped up from a
fallback order (the most-liked tracks) before they go to production.
"""

import numpy as np
import scipy.sparse as sp


def similarities(matrix, neighbours=50):
    """Cosine similarity of every listener to their ``neighbours`` most similar others (sparse CSR).

    Rows of ``matrix`` are listeners; a listener who shares no track with anyone
    has an empty row. Ties keep the lower listener index.
    """
    rows = sp.csr_matrix(matrix, dtype=np.float64)
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1))).ravel()
    unit = sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ rows
    cosine = (unit @ unit.T).tocsr()
    cosine.setdiag(0.0)
    cosine.eliminate_zeros()
    return _keep_largest(cosine, neighbours)


def _keep_largest(matrix, k):
    """The ``k`` largest entries of each row of a CSR matrix (ties to the lower column)."""
    indptr, indices, values = [0], [], []
    for row in range(matrix.shape[0]):
        begin, end = matrix.indptr[row], matrix.indptr[row + 1]
        columns, found = matrix.indices[begin:end], matrix.data[begin:end]
        order = np.lexsort((columns, -found))[:k]
        indices.append(columns[order])
        values.append(found[order])
        indptr.append(indptr[-1] + len(order))
    empty = np.empty(0)
    return sp.csr_matrix((np.concatenate(values or [empty]),
                          np.concatenate(indices or [empty]).astype(np.int64), np.array(indptr)),
                         shape=matrix.shape)


def scores(matrix, weights):
    """r(u, i) by the neighbourhood formula: a (listeners x tracks) sparse matrix of scores.

    ``weights`` is the output of :func:`similarities`; a listener without
    neighbours gets an empty row.
    """
    liked = sp.csr_matrix(matrix, dtype=np.float64)
    total = np.asarray(abs(weights).sum(axis=1)).ravel()
    return (sp.diags(1.0 / np.where(total > 0, total, 1.0)) @ weights @ liked).tocsr()


def top_k(scores, k=100, exclude=None, fill=()):
    """Column positions of each row's ``k`` best scores, best first, topped up from ``fill``.

    Cells marked in the sparse ``exclude`` (same shape) are never returned;
    ``fill`` is a fallback order of positions (e.g. the most-liked tracks)
    used after a row's own scores run out. Rows still short are padded with
    -1, as :func:`botify.training.export.top_k` does, so
    :func:`botify.training.export.write_lists` can write them.
    """
    scores = sp.csr_matrix(scores)
    banned = sp.csr_matrix(scores.shape, dtype=np.int8) if exclude is None else sp.csr_matrix(exclude)
    fill = np.asarray(fill, dtype=np.int64)
    out = np.full((scores.shape[0], k), -1, dtype=np.int64)
    for row in range(scores.shape[0]):
        columns, values = _row(scores, row)
        skip = set(_row(banned, row)[0].tolist())
        ranked = [c for c in columns[np.lexsort((columns, -values))].tolist() if c not in skip][:k]
        chosen = set(ranked)
        ranked += [c for c in fill.tolist() if c not in chosen and c not in skip][: k - len(ranked)]
        out[row, : len(ranked)] = ranked
    return out


def _row(matrix, row):
    begin, end = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[begin:end], matrix.data[begin:end]
