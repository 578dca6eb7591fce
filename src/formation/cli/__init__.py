"""The ``formation`` command: the composition root, the only place that reads the clock.

Every subcommand prints a readable French rendering by default, ``--lang en`` for English, and
``--json`` for one JSON document. Errors go to standard error: exit code 2 for bad input, 1 for
an operation the rules refuse.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from formation import __version__
from formation.cli import (
    business_days,
    deadlines,
    demo,
    holidays,
    quote,
    recommend,
    rights,
    rules,
    search,
    store,
)
from formation.errors import FormationError, InvalidValue

__all__ = ["build_parser", "main", "main_entry"]

COMMANDS = (rules, holidays, business_days, quote, rights, deadlines, recommend, search, demo,
            store)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="formation",
        description="The French personal training account (CPF) and Mon Compte Formation.",
    )
    parser.add_argument("--version", action="version", version=f"formation {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", required=True)
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    stream = out if out is not None else sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        code: int = args.run(args, stream)
    except InvalidValue as error:
        print(f"formation: error: {error}", file=sys.stderr)
        return 2
    except FormationError as error:
        print(f"formation: refused: {error}", file=sys.stderr)
        return 1
    return code


def main_entry() -> None:
    """The console-script entry point: ``sys.exit(main())``, quiet when the pipe closes."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``formation rules | head``): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    raise SystemExit(code)
