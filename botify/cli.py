"""The ``botify`` command: one sub-command per job, each living in its own module.

A sub-command module exposes ``configure(parser)`` and ``run(args) -> int`` and
imports its heavy dependencies inside ``run`` so ``botify --help`` stays fast.
"""

import argparse
import importlib
import sys

from botify.errors import BotifyError

# name -> (module, one-line help)
COMMANDS = {
    "serve": ("botify.service.master.serve_cli", "run the recommender service"),
    "upload": ("botify.service.loading.upload_cli", "load a recommendation artifact into Redis"),
    "report": ("botify.analysis.report_cli", "judge an A/B experiment from the event logs"),
    "train": ("botify.training.train_cli", "train a model on the event logs and export top lists"),
    "demo": ("botify.demo", "run the whole course loop: world, traffic, training, A/B day, report"),
    "grade": ("botify.grading", "grade a homework submission: train, serve it against its baseline, report"),
    "grade-class": ("botify.class_grading", "grade a class on hidden seeds: every submission, a leaderboard"),
}


def build_parser(only=None):
    """The parser with every sub-command listed but ``only`` the one being run configured:
    ``botify serve`` must not import the others' libraries (pandas, torch) into the
    processes its web workers fork from, and ``botify --help`` stays instant."""
    parser = argparse.ArgumentParser(
        prog="botify", description="Botify: serve, report, train, upload and run the course demo.")
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if name == only:
            module = importlib.import_module(module_name)
            module.configure(sub)
            sub.set_defaults(handler=module.run)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    requested = next((arg for arg in argv if not arg.startswith("-")), None)
    args = build_parser(only=requested).parse_args(argv)
    try:
        return args.handler(args) or 0
    except BotifyError as error:
        print(f"botify {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"botify {args.command}: interrupted", file=sys.stderr)
        return 130


def _version():
    from botify import __version__

    return f"botify {__version__}"


if __name__ == "__main__":
    sys.exit(main())
