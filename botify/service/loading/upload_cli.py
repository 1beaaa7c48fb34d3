"""``botify upload FILE``: load one recommendation artifact into a running service, and keep it.

See ``botify.service.loading.upload`` for what happens; Redis is found from
``--redis-url``, else ``$REDIS_URL``, else ``<data>/run/serve.json`` written by
``botify serve --data <data>``.
"""

import pathlib


def configure(parser):
    parser.add_argument("file", type=pathlib.Path,
                        help="artifact: per-user or per-track .jsonl, or popularity .json")
    parser.add_argument("--name", help="name the recommenders read it under (default: the file stem)")
    parser.add_argument("--data", type=pathlib.Path, default=pathlib.Path("data"),
                        help="data folder of the service; the artifact is kept in DATA/artifacts/ "
                             "(default: data)")
    parser.add_argument("--redis-url",
                        help="Redis to load into (default: $REDIS_URL, else the running service's)")


def run(args):
    from botify.service.loading.upload import upload_artifact

    print(f"{args.file}: {upload_artifact(args.file, args.data, args.name, args.redis_url)}")
    return 0
