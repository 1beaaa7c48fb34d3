"""Artifacts: kind from the first line, bulk load, unknown tracks dropped, atomic replacement, errors."""

import json

import pytest

from botify.service.loading.artifacts import (
    PER_TRACK,
    PER_USER,
    POPULARITY,
    ArtifactError,
    artifact_files,
    detect_kind,
    load_artifact,
)
from botify.service.store import Store, connect


@pytest.fixture
def store(redis_url):
    client = connect(redis_url)
    yield Store(client)
    client.close()


def write_lines(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def test_kinds_are_told_by_the_first_line(tmp_path):
    assert detect_kind(write_lines(tmp_path / "a.jsonl", [{"user": 1, "tracks": [2]}])) == PER_USER
    assert detect_kind(write_lines(tmp_path / "b.jsonl", [{"track": 1, "tracks": [2]}])) == PER_TRACK
    (tmp_path / "c.json").write_text("[3, 1, 2]")
    assert detect_kind(tmp_path / "c.json") == POPULARITY


def test_per_user_lists_load_under_the_file_stem(store, tmp_path):
    path = write_lines(tmp_path / "collaborative.jsonl",
                       [{"user": user, "tracks": [user, 1]} for user in range(2500)])
    assert load_artifact(store.redis, path, catalog_size=30) == (PER_USER, 2500)
    assert store.tracks_for("collaborative", 7) == [7, 1]
    assert store.tracks_for("collaborative", 2000) == [1]  # 2000 is not a catalog track
    assert store.artifacts() == {"collaborative": {"kind": PER_USER, "size": 2500}}


def test_popularity_loads_under_an_explicit_name(store, tmp_path):
    (tmp_path / "pop.json").write_text("[5, 40, 3]")
    assert load_artifact(store.redis, tmp_path / "pop.json", catalog_size=30,
                         name="top_tracks") == (POPULARITY, 2)
    assert store.popularity("top_tracks") == [5, 3]


def test_an_upload_replaces_the_previous_lists_entirely(store, tmp_path):
    load_artifact(store.redis, write_lines(tmp_path / "contextual.jsonl",
                                           [{"track": 1, "tracks": [2]}, {"track": 2, "tracks": [3]}]), 30)
    load_artifact(store.redis, write_lines(tmp_path / "contextual.jsonl", [{"track": 2, "tracks": [4]}]), 30)
    assert store.tracks_for("contextual", 1) is None and store.tracks_for("contextual", 2) == [4]


def test_artifact_files_lists_json_and_jsonl_only(tmp_path):
    for name in ("b.jsonl", "a.json", "notes.txt"):
        (tmp_path / name).write_text("[]")
    assert [path.name for path in artifact_files(tmp_path)] == ["a.json", "b.jsonl"]
    assert artifact_files(tmp_path / "absent") == []


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "is empty"),
        ("nonsense\n", "not JSON"),
        ('{"tracks": [1]}\n', "expected"),
        ('{"user": 1, "track": 2, "tracks": [1]}\n', "expected"),
        ('{"user": 1, "tracks": [1]}\n{"user": "2", "tracks": [1]}\n', ":2: expected"),
        ('{"user": 1, "tracks": [1.5]}\n', ":1: expected"),
        ('{"track": 1, "tracks": [-1]}\n', ":1: expected"),
        ("[1, 2, 3\n", "not a JSON array"),
        ('[1, "2"]\n', "array of track ids"),
    ],
)
def test_malformed_artifacts_are_one_clear_error(store, tmp_path, text, words):
    path = tmp_path / "bad.jsonl"
    path.write_text(text)
    with pytest.raises(ArtifactError, match=words):
        load_artifact(store.redis, path, 30)


def test_a_bad_name_is_refused(store, tmp_path):
    path = write_lines(tmp_path / "x.jsonl", [{"user": 1, "tracks": [1]}])
    with pytest.raises(ArtifactError, match="artifact name"):
        load_artifact(store.redis, path, 30, name="a b")
