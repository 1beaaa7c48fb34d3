"""``botify upload FILE``: load one recommendation artifact into the Redis of a running service.

Redis is found from ``--redis-url``, else ``$REDIS_URL``, else ``<data>/run/serve.json``
written by ``botify serve --data <data>``. The artifact replaces any previous
one of the same name atomically; recommenders see it at their next request.
"""

import os
import pathlib

from botify.errors import ServiceError, UsageError


def configure(parser):
    parser.add_argument("file", type=pathlib.Path, help="artifact: per-user or per-track .jsonl, or popularity .json")
    parser.add_argument("--name", help="name the recommenders read it under (default: the file stem)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data", default="data", help="data folder of the running service (default: data)")
    where.add_argument("--redis-url", help="Redis to load into (default: $REDIS_URL, else the running service's)")


def run(args):
    from botify.service.artifacts import load_artifact
    from botify.service.store import UNAVAILABLE, Store, connect

    url = _redis_url(args)
    store = Store(connect(url, timeout=60))
    try:
        size = store.catalog_size()
        if size == 0:
            raise ServiceError(f"no catalog in Redis at {url}: is botify serve running?")
        kind, entries = load_artifact(store.redis, args.file, size, name=args.name)
    except UNAVAILABLE as error:
        raise ServiceError(f"cannot reach Redis at {url}: {error}") from None
    print(f"uploaded {args.file} as {args.name or args.file.name.split('.')[0]!r} ({kind}, {entries} entries) to {url}")
    return 0


def _redis_url(args):
    from botify.service.runstate import read_state, state_path

    if args.redis_url or os.environ.get("REDIS_URL"):
        return args.redis_url or os.environ["REDIS_URL"]
    state = read_state(args.data)
    if state is None:
        raise UsageError(f"no running service found ({state_path(args.data)} is missing); pass --redis-url")
    return state["redis_url"]
