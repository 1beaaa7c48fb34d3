"""The store: cached catalog size, reads that return None when absent, one client per process."""

import pytest

from botify.service.store import CATALOG_SIZE, UNAVAILABLE, Store, connect, get_store


def test_the_catalog_size_is_cached_once_known(redis_client):
    store = Store(redis_client)
    assert store.catalog_size() == 0  # not loaded yet: not cached
    redis_client.set(CATALOG_SIZE, 30)
    assert store.catalog_size() == 30
    redis_client.delete(CATALOG_SIZE)
    assert store.catalog_size() == 30


def test_absent_data_reads_as_none(redis_client):
    store = Store(redis_client)
    assert store.track(1) is None and store.popularity("top_tracks") is None
    assert store.tracks_for("collaborative", 1) is None and store.artist_tracks_of(1) is None
    assert store.artifacts() == {}


def test_an_unreachable_redis_raises_an_unavailable_error(tmp_path):
    client = connect(f"unix://{tmp_path}/absent.sock", timeout=1)
    with pytest.raises(UNAVAILABLE):
        Store(client).ping()
    client.close()


def test_get_store_builds_one_store_per_process(app):
    with app.app_context():
        first = get_store()
        assert get_store() is first
        first.pid = -1  # as seen from a forked worker
        assert get_store() is not first
