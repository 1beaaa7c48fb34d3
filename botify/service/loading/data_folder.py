"""The data folder is what botify serves: its catalog and artifacts go into Redis at start, and again
whenever Redis lost them. Redis is a cache of ``<data>/``; ``<data>/`` is never a copy of Redis.

Every load ends by writing a generation number into Redis (``botify:generation``);
the master keeps the same number in the shared page. A Redis that restarted
empty no longer holds it, which is how the master notices, for one cheap GET.
"""

import redis

from botify.service.loading.artifacts import artifact_files, load_artifact
from botify.service.loading.catalog import load_catalog
from botify.service.store import GENERATION, Store


def catalog_path(data):
    return data / "catalog" / "tracks.jsonl"


def artifacts_folder(data):
    return data / "artifacts"


def load_data_folder(client, data, generation, logger):
    """Load the catalog and every artifact of ``data``; return (catalog size, loaded artifacts)."""
    size = load_catalog(client, catalog_path(data), logger)
    for path in artifact_files(artifacts_folder(data)):
        load_artifact(client, path, size, logger=logger)
    client.set(GENERATION, generation)
    return size, Store(client).artifacts()



def eviction_problem(client, url):
    """Why this Redis may silently drop what botify loaded, or None.

    With a memory limit and an ``allkeys-*`` policy, Redis deletes any key when
    full: a list gone that way would turn into random fallbacks with no error
    anywhere. ``volatile-*`` policies only drop keys with a TTL (recommenders'
    session memory, a cache by design), and ``noeviction`` refuses writes
    loudly instead. A Redis that forbids CONFIG (some managed ones) cannot be checked.
    """
    try:
        config = client.config_get("maxmemory*")
    except redis.ResponseError:
        return None
    policy = config.get("maxmemory-policy", "noeviction")
    if int(config.get("maxmemory", 0)) == 0 or not policy.startswith("allkeys"):
        return None
    return (f"Redis at {url} evicts any key when full (maxmemory {config['maxmemory']} bytes, "
            f"maxmemory-policy {policy}), so the catalog and lists could vanish into random fallbacks: "
            "give botify a Redis with maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction) "
            "or no memory limit")
