"""The two-stage artifact: four tables into Redis, vectors as float32 bytes, bad files refused with the
line."""

import json
import re

import numpy as np
import pytest

from botify.errors import ArtifactError
from botify.service.loading.artifacts import detect_kind, load_artifact
from botify.service.store import Store


def write(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


ROWS = [
    {"table": "candidates", "id": 0, "tracks": [1, 2, 99]},
    {"table": "candidates", "id": 1, "tracks": [0]},
    {"table": "context", "id": 0, "vector": [1.0, 0.0]},
    {"table": "context", "id": 77, "vector": [1.0, 0.0]},
    {"table": "user", "id": 500, "vector": [0.0, 2.0]},
    {"table": "item", "id": 1, "vector": [0.5, 0.25], "bias": 0.125},
    {"table": "item", "id": 2, "vector": [0.0, 1.0], "bias": 0.0},
]


def test_tables_are_loaded_and_read_back_exactly(redis_client, tmp_path):
    kind, entries = load_artifact(redis_client, write(tmp_path / "ts.jsonl", ROWS), catalog_size=30)
    assert (kind, entries) == ("two-stage", 2) and detect_kind(tmp_path / "ts.jsonl") == "two-stage"
    store = Store(redis_client)
    candidates, context, user = store.two_stage_query("ts", 0, 500)
    assert candidates == [1, 2]  # 99 is outside the catalog
    np.testing.assert_array_equal(context, [1.0, 0.0])
    np.testing.assert_array_equal(user, [0.0, 2.0])
    np.testing.assert_array_equal(store.item_vectors("ts", [2, 1]), [[0.0, 1.0, 0.0], [0.5, 0.25, 0.125]])
    assert store.item_vectors("ts", [1, 3]) is None  # track 3 has no vector
    assert store.two_stage_query("ts", 5, 1) == (None, None, None)
    info = store.artifacts()["ts"]
    assert info["dim"] == 2 and info["tables"] == {"candidates": 2, "context": 1, "user": 1, "item": 2}


def test_a_reload_replaces_every_table(redis_client, tmp_path):
    load_artifact(redis_client, write(tmp_path / "ts.jsonl", ROWS), catalog_size=30)
    smaller = [row for row in ROWS if row["table"] != "user"]
    load_artifact(redis_client, write(tmp_path / "ts.jsonl", smaller), catalog_size=30)
    assert Store(redis_client).two_stage_query("ts", 0, 500)[2] is None


@pytest.mark.parametrize("bad, words", [
    ({"table": "nope", "id": 1}, "expected {\"table\": one of"),
    ({"table": "item", "id": 1, "vector": [1.0, 2.0]}, "needs \"bias\""),
    ({"table": "context", "id": 1, "vector": [1.0]}, "vectors of different sizes"),
    ({"table": "context", "id": 1, "vector": ["x", 1.0]}, "\"vector\": [number"),
    ({"table": "candidates", "id": 1, "tracks": [1.5]}, "\"tracks\": [int"),
])
def test_a_bad_line_is_refused_with_its_number_and_nothing_changes(redis_client, tmp_path, bad, words):
    with pytest.raises(ArtifactError, match=rf"ts.jsonl:{len(ROWS) + 1}: .*{re.escape(words)}"):
        load_artifact(redis_client, write(tmp_path / "ts.jsonl", [*ROWS, bad]), catalog_size=30)
    assert "ts" not in Store(redis_client).artifacts()


def test_a_file_without_items_is_refused(redis_client, tmp_path):
    rows = [row for row in ROWS if row["table"] != "item"]
    with pytest.raises(ArtifactError, match="needs candidates, context and item rows"):
        load_artifact(redis_client, write(tmp_path / "ts.jsonl", rows), catalog_size=30)
