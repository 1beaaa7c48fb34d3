"""Recommenders' memory in Redis: capped newest-first lists, sets, counters, a TTL on every key, own
namespaces."""

import concurrent.futures

import pytest

from botify.service.recommenders.base import Recommender
from botify.service.session_state import SessionState
from botify.service.store import Store


@pytest.fixture
def state(redis_client):
    return SessionState(redis_client, "Test", ttl=60, cap=3)


def test_a_list_keeps_the_newest_values_first_and_only_cap_of_them(state):
    for track in (1, 2, 3, 4):
        state.push("liked", 7, track)
    assert state.recent("liked", 7) == [4, 3, 2] and state.recent("liked", 7, 2) == [4, 3]
    assert state.recent("liked", 8) == []


def test_sets_counters_and_forgetting(state):
    state.add("fans", 5, 10, 11)
    state.add("fans", 5, 11)
    assert state.members("fans", 5) == {10, 11}
    assert [state.increment("misses", 1) for _ in range(3)] == [1, 2, 3]
    state.forget("misses", 1)
    assert state.count("misses", 1) == 0


def test_every_key_expires(state, redis_client):
    state.push("liked", 1, 2)
    state.add("fans", 2, 1)
    state.increment("misses", 1)
    keys = redis_client.keys("state:Test:*")
    assert len(keys) == 3 and all(0 < redis_client.ttl(key) <= 60 for key in keys)


def test_concurrent_writers_lose_no_update(redis_url):
    from botify.service.store import connect

    def hit(_):
        client = connect(redis_url)
        try:
            return SessionState(client, "Race").increment("hits", 1)
        finally:
            client.close()

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(hit, range(200)))
    assert SessionState(connect(redis_url), "Race").count("hits", 1) == 200


def test_each_recommender_class_has_its_own_namespace(redis_client):
    class One(Recommender):
        pass

    class Two(Recommender):
        pass

    store = Store(redis_client)
    One(store).state.push("liked", 1, 5)
    assert One(store).state.recent("liked", 1) == [5] and Two(store).state.recent("liked", 1) == []
