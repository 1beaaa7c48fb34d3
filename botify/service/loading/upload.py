"""Uploading an artifact into a running service, and keeping it: the library call behind ``botify upload``.

The file is checked and loaded into Redis first (a bad file changes nothing;
the new lists replace the old ones atomically and the very next request uses
them), then copied into ``<data>/artifacts/`` so that ``botify serve`` loads
it again at every start and whenever Redis lost its data.
"""

import dataclasses
import os
import pathlib

from botify.errors import ServiceError
from botify.service.discovery import find_running, serve_file
from botify.service.loading.artifacts import default_name, keep_artifact_file, load_artifact
from botify.service.loading.data_folder import artifacts_folder, catalog_path
from botify.service.store import UNAVAILABLE, Store, connect


@dataclasses.dataclass
class Uploaded:
    name: str
    kind: str
    entries: int
    redis_url: str
    kept: pathlib.Path

    def __str__(self):
        return (f"uploaded as {self.name!r} ({self.kind}, {self.entries} entries) to {self.redis_url}; "
                f"kept as {self.kept}")


def upload_artifact(file, data="data", name=None, redis_url=None):
    """Load ``file`` into the Redis of the service running on ``data`` and keep it in ``data/artifacts``."""
    data = pathlib.Path(data)
    if not catalog_path(data).is_file():
        raise ServiceError(f"{data} is not a service's data folder (no {catalog_path(data)}); "
                           "pass the data folder the service runs on")
    url = redis_url or os.environ.get("REDIS_URL") or _running_service_redis(data)
    name = name or default_name(file)
    store = Store(connect(url, timeout=60))
    try:
        size = store.catalog_size()
        if size == 0:
            raise ServiceError(f"no catalog in Redis at {url}: is botify serve running?")
        kind, entries = load_artifact(store.redis, file, size, name=name)
    except UNAVAILABLE as error:
        raise ServiceError(f"cannot reach Redis at {url}: {error}") from None
    finally:
        store.redis.close()
    return Uploaded(name, kind, entries, url, keep_artifact_file(file, artifacts_folder(data), name, kind))


def _running_service_redis(data):
    state = find_running(data)
    if state is None:
        raise ServiceError(f"no running service found ({serve_file(data)} is missing); "
                           "start botify serve on this data folder, or give a Redis URL")
    return state["redis_url"]
