"""The ``formation`` command: the composition root, the only place that reads the clock.

Every subcommand prints a readable French rendering by default, ``--lang en`` for English, and
``--json`` for one JSON document. Errors go to standard error on one line, with the error's code
and its message in the chosen language: exit code 2 for bad input (a bad value, a file or a
``--db`` that cannot be read, whatever is wrong with it), 1 for an operation the rules refuse.
No traceback is printed, except under ``formation --debug``; an error that is not one of the
library's own (a bug) is told on one line too, with exit code 70.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

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
from formation.cli._common import error_line
from formation.errors import FormationError, InvalidValue, StorageError

__all__ = ["build_parser", "main", "main_entry"]

COMMANDS = (rules, holidays, business_days, quote, rights, deadlines, recommend, search, demo,
            store)


class _Parser(argparse.ArgumentParser):
    """An argument parser that tells a usage error on one line (the subcommands inherit it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} -h)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = _Parser(
        prog="formation",
        description="The French personal training account (CPF) and Mon Compte Formation.",
    )
    parser.add_argument("--version", action="version", version=f"formation {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="print the traceback of an error (for bug reports)")
    commands = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", required=True)
    for command in COMMANDS:
        command.register(commands)
    return parser


INTERNAL_ERROR = 70
"""The exit code of an error that is not one of the library's own (``EX_SOFTWARE``): a bug."""


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    stream = out if out is not None else sys.stdout
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments[:1]
    parser = build_parser()
    lang = "fr"
    try:
        args = parser.parse_args(arguments)
        lang = getattr(args, "lang", "fr")
        return int(args.run(args, stream))
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    except FormationError as error:
        if debug:
            raise
        bad_input = isinstance(error, (InvalidValue, StorageError))
        print(error_line(error, lang, "error" if bad_input else "refused"), file=sys.stderr)
        return 2 if bad_input else 1
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as error:
        if debug:
            raise
        print(f"formation: internal error: {type(error).__name__} (a bug of formation; "
              "run again with formation --debug for the traceback)", file=sys.stderr)
        return INTERNAL_ERROR


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
