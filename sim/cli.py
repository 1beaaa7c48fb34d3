"""The ``sim`` command: ``sim world`` builds the hidden world, ``sim run`` sends traffic.

Each sub-command module exposes ``configure(parser)`` and ``run(args) -> int``.
"""

import argparse
import importlib
import sys

COMMANDS = {
    "world": ("sim.world_cli", "generate the seeded world: public catalog and hidden truth"),
    "run": ("sim.run_cli", "simulate listening sessions against botify or an in-process agent"),
}


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def build_parser():
    parser = argparse.ArgumentParser(prog="sim", description="sim: the hidden world of listeners and its traffic.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=help_text, description=help_text)
        module.configure(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args) or 0
    except UsageError as error:
        print(f"sim {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sim {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
