"""``botify upload FILE``: load one recommendation artifact into a running service, and keep it.

The file is checked and loaded into Redis (replacing any artifact of the same
name atomically; recommenders see it at their next request), then copied into
``<data>/artifacts/NAME.jsonl`` (``.json`` for popularity): ``botify serve``
loads that folder at every start and whenever Redis lost its data, so an
upload survives a restart of the service and the loss of Redis.
Redis is found from ``--redis-url``, else ``$REDIS_URL``, else ``<data>/run/serve.json``
written by ``botify serve --data <data>``.
"""

import os
import pathlib

from botify.errors import ServiceError, UsageError


def configure(parser):
    parser.add_argument("file", type=pathlib.Path, help="artifact: per-user or per-track .jsonl, or popularity .json")
    parser.add_argument("--name", help="name the recommenders read it under (default: the file stem)")
    parser.add_argument("--data", type=pathlib.Path, default=pathlib.Path("data"),
                        help="data folder of the service; the artifact is kept in DATA/artifacts/ (default: data)")
    parser.add_argument("--redis-url", help="Redis to load into (default: $REDIS_URL, else the running service's)")


def run(args):
    from botify.service.artifacts import default_name, keep_artifact_file, load_artifact
    from botify.service.data_folder import artifacts_folder, catalog_path
    from botify.service.store import UNAVAILABLE, Store, connect

    if not catalog_path(args.data).is_file():
        raise UsageError(f"{args.data} is not a service's data folder (no {catalog_path(args.data)}); "
                         "pass the --data the service runs on")
    url = _redis_url(args)
    name = args.name or default_name(args.file)
    store = Store(connect(url, timeout=60))
    try:
        size = store.catalog_size()
        if size == 0:
            raise ServiceError(f"no catalog in Redis at {url}: is botify serve running?")
        kind, entries = load_artifact(store.redis, args.file, size, name=name)
    except UNAVAILABLE as error:
        raise ServiceError(f"cannot reach Redis at {url}: {error}") from None
    finally:
        store.redis.close()
    kept = keep_artifact_file(args.file, artifacts_folder(args.data), name, kind)
    print(f"uploaded {args.file} as {name!r} ({kind}, {entries} entries) to {url}; kept as {kept}")
    return 0


def _redis_url(args):
    from botify.service.runstate import read_state, state_path

    if args.redis_url or os.environ.get("REDIS_URL"):
        return args.redis_url or os.environ["REDIS_URL"]
    state = read_state(args.data)
    if state is None:
        raise UsageError(f"no running service found ({state_path(args.data)} is missing); pass --redis-url")
    return state["redis_url"]
