"""The ``sim`` command: ``sim world`` builds the hidden world, ``sim run`` sends traffic.

Each sub-command module exposes ``configure(parser)`` and ``run(args) -> int``.
A :class:`sim.errors.SimError` becomes one line on stderr and exit code 2;
Ctrl-C and SIGTERM stop a command with 130 and 143; anything else is a bug
and keeps its traceback.
"""

import argparse
import importlib
import sys

from sim.errors import SimError
from sim.interrupts import exit_code, signal_name, sigterm_interrupts

COMMANDS = {
    "world": ("sim.world_cli", "generate the seeded world: public catalog and hidden truth"),
    "run": ("sim.run_cli", "simulate listening sessions against botify or an in-process agent"),
}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="sim", description="sim: the hidden world of listeners and its traffic."
    )
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
        with sigterm_interrupts():
            return args.handler(args) or 0
    except SimError as error:
        print(f"sim {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        print(f"sim {args.command}: interrupted by {signal_name(interrupt)}", file=sys.stderr)
        return exit_code(signal_name(interrupt))


if __name__ == "__main__":
    sys.exit(main())
