"""Loading the public catalog into Redis: content, artist index, progress messages, clear errors."""

import json
import logging

import pytest

from botify.service.loading import catalog
from botify.service.loading.catalog import CatalogError, load_catalog
from botify.service.store import Store


def test_loads_tracks_artists_and_size(redis_client, data_dir):
    assert load_catalog(redis_client, data_dir / "catalog" / "tracks.jsonl") == 30
    store = Store(redis_client)
    assert store.catalog_size() == 30
    assert store.track(7)["title"] == "song 7"
    assert store.artist_tracks("artist 7") == [7, 17, 27]
    assert store.artist_tracks_of(17) == [7, 17, 27]
    assert store.track(30) is None and store.artist_tracks_of(30) is None


def test_progress_goes_to_the_log_in_batches(redis_client, tmp_path, write_catalog, monkeypatch, caplog):
    monkeypatch.setattr(catalog, "BATCH", 10)
    with caplog.at_level(logging.INFO):
        load_catalog(redis_client, write_catalog(tmp_path, tracks=25), logging.getLogger("test"))
    messages = [record.getMessage() for record in caplog.records]
    assert messages[:2] == ["catalog: 10 tracks loaded", "catalog: 20 tracks loaded"]
    assert "25 tracks by 10 artists" in messages[-1]


def test_a_reload_replaces_the_previous_catalog(redis_client, tmp_path, write_catalog):
    load_catalog(redis_client, write_catalog(tmp_path / "big", tracks=30))
    load_catalog(redis_client, write_catalog(tmp_path / "small", tracks=12, artists=4))
    store = Store(redis_client)
    assert store.catalog_size() == 12 and store.track(20) is None
    assert store.artist_tracks("artist 5") == [] and store.artist_tracks_of(20) is None


@pytest.mark.parametrize(
    "lines, words",
    [
        (["not json"], "not JSON"),
        ([json.dumps({"track": 0})], "needs the fields"),
        ([json.dumps({"track": 1, "artist": "a", "title": "t", "genre": "g", "duration": 1, "year": 1})],
         "expected track id 0"),
        ([], "no tracks"),
    ],
)
def test_a_malformed_catalog_is_one_clear_error(redis_client, tmp_path, lines, words):
    path = tmp_path / "tracks.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    with pytest.raises(CatalogError, match=words):
        load_catalog(redis_client, path)


def test_a_missing_catalog_names_the_file(redis_client, tmp_path):
    with pytest.raises(CatalogError, match="cannot read catalog .*absent.jsonl"):
        load_catalog(redis_client, tmp_path / "absent.jsonl")
