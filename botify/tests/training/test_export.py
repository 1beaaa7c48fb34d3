"""Batched top-k scoring and the artifact files botify uploads."""

import json

import numpy as np
import pandas as pd
import pytest

from botify import fields
from botify.training import export


@pytest.fixture
def vectors():
    rng = np.random.default_rng(0)
    return rng.standard_normal((37, 5)), rng.standard_normal((120, 5))


def test_top_k_matches_a_full_sort_best_first(vectors, monkeypatch):
    queries, items = vectors
    monkeypatch.setattr(export, "CHUNK_CELLS", 1000)  # several chunks
    top = export.top_k(queries, items, k=10)
    expected = np.argsort(-(queries @ items.T), axis=1)[:, :10]
    np.testing.assert_array_equal(top, expected)


def test_excluded_items_never_appear(vectors, monkeypatch):
    queries, items = vectors
    monkeypatch.setattr(export, "CHUNK_CELLS", 1000)
    mask = np.random.default_rng(1).random((len(queries), len(items))) < 0.5
    top = export.top_k(queries, items, k=20, exclude=mask.astype(np.int8))
    assert not mask[np.arange(len(queries))[:, None], top].any()
    scores = np.where(mask, -np.inf, queries @ items.T)
    np.testing.assert_array_equal(top, np.argsort(-scores, axis=1)[:, :20])


def test_rows_with_too_few_allowed_items_are_padded(vectors):
    queries, items = vectors[0][:2], vectors[1][:4]
    top = export.top_k(queries, items, k=10, exclude=np.array([[1, 1, 0, 1], [0, 0, 0, 0]]))
    assert top.shape == (2, 4)
    assert top[0].tolist() == [2, -1, -1, -1]
    assert sorted(top[1].tolist()) == [0, 1, 2, 3]


def test_exclusion_matrix_maps_ids_and_ignores_unknown_ones():
    pairs = pd.DataFrame({fields.USER: [7, 7, 9, 5], fields.TRACK: [30, 10, 20, 10]})
    matrix = export.exclusion_matrix(pairs, query_ids=[9, 7], item_ids=[10, 20, 40])
    assert matrix.toarray().tolist() == [[0, 1, 0], [1, 0, 0]]


def test_write_lists_maps_positions_to_track_ids_and_drops_padding(tmp_path):
    path = tmp_path / "artifacts" / "collaborative.jsonl"
    top = np.array([[2, 0, -1], [1, 2, 0]])
    assert export.write_lists(path, fields.USER, [5, 6], top, item_ids=[100, 101, 102]) == 2
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines == [{"user": 5, "tracks": [102, 100]}, {"user": 6, "tracks": [101, 102, 100]}]
    assert export.read_lists(path) == {5: [102, 100], 6: [101, 102, 100]}


def test_write_lists_per_track_uses_the_track_key(tmp_path):
    path = tmp_path / "contextual.jsonl"
    export.write_lists(path, fields.TRACK, np.array([3]), np.array([[1]]), item_ids=np.array([8, 9]))
    assert json.loads(path.read_text()) == {"track": 3, "tracks": [9]}


def test_write_lists_refuses_an_unknown_key(tmp_path):
    with pytest.raises(ValueError, match="key"):
        export.write_lists(tmp_path / "x.jsonl", "artist", [1], np.array([[0]]), [1])


def test_top_tracks_artifact_is_a_json_array(tmp_path):
    path = export.write_top_tracks(tmp_path / "top_tracks.json", np.array([5, 3, 9]))
    assert json.loads(path.read_text()) == [5, 3, 9]


def test_wide_rows_take_the_sampled_threshold_path_and_stay_exact():
    rng = np.random.default_rng(5)
    queries, items = rng.standard_normal((30, 6)), rng.standard_normal((20_000, 6))
    mask = rng.random((30, 20_000)) < 0.01
    mask[3, 10:] = True  # row 3 keeps only 10 allowed items: too few for the threshold
    top = export.top_k(queries, items, k=100, exclude=mask.astype(np.int8))
    scores = np.where(mask, -np.inf, queries.astype(np.float32) @ items.astype(np.float32).T)
    expected = -np.sort(-scores, axis=1)[:, :100]
    found = np.take_along_axis(scores, np.where(top < 0, 0, top), axis=1)
    np.testing.assert_allclose(np.where(top < 0, -np.inf, found), expected, rtol=1e-5)
    assert not mask[np.arange(30)[:, None], top][top >= 0].any()
    assert (top[3] >= 0).sum() == 10
