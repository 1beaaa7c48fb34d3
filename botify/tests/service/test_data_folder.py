"""The data folder's guarantee (Redis only caches it) needs a Redis that never evicts what botify loaded."""

import pytest

from botify.service.loading.data_folder import eviction_problem


@pytest.fixture
def limited_redis(redis_client):
    """The shared test Redis with a memory limit; its settings are restored afterwards."""
    before = redis_client.config_get("maxmemory*")
    redis_client.config_set("maxmemory", 100 * 2**20)
    yield redis_client
    redis_client.config_set("maxmemory", before["maxmemory"])
    redis_client.config_set("maxmemory-policy", before["maxmemory-policy"])


@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-lfu", "allkeys-random"])
def test_a_redis_that_evicts_any_key_is_named_with_the_fix(limited_redis, policy):
    limited_redis.config_set("maxmemory-policy", policy)
    problem = eviction_problem(limited_redis, "redis://x")
    assert f"maxmemory-policy {policy}" in problem and "CONFIG SET maxmemory-policy noeviction" in problem


@pytest.mark.parametrize("policy", ["noeviction", "volatile-lru", "volatile-ttl"])
def test_policies_that_keep_the_catalog_and_lists_pass(limited_redis, policy):
    limited_redis.config_set("maxmemory-policy", policy)
    assert eviction_problem(limited_redis, "redis://x") is None


def test_no_memory_limit_means_no_eviction_whatever_the_policy(redis_client):
    before = redis_client.config_get("maxmemory-policy")["maxmemory-policy"]
    redis_client.config_set("maxmemory-policy", "allkeys-lru")
    try:
        assert redis_client.config_get("maxmemory")["maxmemory"] == "0"
        assert eviction_problem(redis_client, "redis://x") is None
    finally:
        redis_client.config_set("maxmemory-policy", before)
