"""``botify serve``: load the catalog and artifacts into Redis, then serve on gunicorn until stopped.

Without ``--redis-url`` (or ``REDIS_URL``) it starts an embedded real Redis and
stops it on exit, also on SIGTERM/SIGINT. Everything is loaded in the master
process, before the workers fork, so workers start serving at once.
"""

import os
import pathlib

from botify.errors import UsageError
from botify.service import registry
from botify.service.plugins import load_plugin

MAX_SOCKET_PATH = 107  # sun_path holds 108 bytes, the last one a NUL


def configure(parser):
    parser.add_argument("--data", default="data",
                        help="data folder with catalog/ and artifacts/ (default: data)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port, 0 for any free one (default: 5000)")
    parser.add_argument("--socket", metavar="PATH",
                        help="listen on this unix socket instead of --host/--port (for a sandbox)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default: 2)")
    parser.add_argument("--redis-url", help="external Redis (default: $REDIS_URL, else an embedded Redis)")
    parser.add_argument(
        "--experiment",
        default=registry.DEFAULT,
        help=f"active experiment, one of {', '.join(registry.BY_NAME)} (default: {registry.DEFAULT})",
    )
    parser.add_argument("--log-dir", default="log", help="folder of the JSON-lines event log (default: log)")
    parser.add_argument("--plugin", action="append", default=[], metavar="FILE",
                        help="a .py file whose EXPERIMENTS are added to the registry (a homework submission)")


def run(args):
    from botify.service.master.supervisor import Supervisor

    _check(args)
    supervisor = Supervisor(
        data=pathlib.Path(args.data),
        host=args.host,
        port=args.port,
        workers=args.workers,
        redis_url=args.redis_url or os.environ.get("REDIS_URL"),
        experiment=args.experiment,
        log_dir=pathlib.Path(args.log_dir),
        socket=args.socket,
    )
    return supervisor.run()


def _check(args):
    """Mistakes the user can fix, reported before anything starts."""
    for plugin in args.plugin:
        load_plugin(plugin)  # before anything starts: a broken file is one line naming it
    registry.find_experiment(args.experiment)  # an ExperimentError naming the registered ones
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be in 0..65535")
    if args.socket and len(os.fsencode(args.socket)) > MAX_SOCKET_PATH:
        raise UsageError(f"--socket {args.socket}: a unix socket path has at most {MAX_SOCKET_PATH} bytes")
    catalog = pathlib.Path(args.data) / "catalog" / "tracks.jsonl"
    if not catalog.is_file():
        raise UsageError(f"catalog not found: {catalog} (create a world first: sim world --out {args.data})")
