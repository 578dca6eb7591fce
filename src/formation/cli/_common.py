"""What every subcommand shares: the ``--lang``/``--json`` options, input parsing, output."""

from __future__ import annotations

import argparse
import enum
import json
import os
import sys
import textwrap
from collections.abc import Callable, Mapping
from datetime import date, datetime
from fractions import Fraction
from typing import Any, TextIO, TypeVar

import attrs

from formation.errors import InvalidValue
from formation.money import Euros

__all__ = [
    "add_db_option",
    "add_output_options",
    "argument",
    "default_db_path",
    "emit_json",
    "parse_date",
    "parse_euros",
    "table",
    "to_jsonable",
]

Runner = Callable[[argparse.Namespace, TextIO], int]
T = TypeVar("T")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--lang {fr,en}`` and ``--json``, which every subcommand takes."""
    parser.add_argument("--lang", choices=("fr", "en"), default="fr",
                        help="language of the readable output (default: fr)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document instead of the readable output")


def default_db_path() -> str:
    """The store file used when ``--db`` is not given, in the user's data directory.

    ``$XDG_DATA_HOME/formation/formation.db``, or ``~/.local/share/formation/formation.db``
    when ``XDG_DATA_HOME`` is not set (the XDG base directory convention).
    """
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "formation", "formation.db")


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--db PATH|URL``, the store a subcommand reads or changes."""
    parser.add_argument("--db", metavar="PATH|URL", default=None,
                        help="the SQLite store file (default: formation/formation.db in the "
                             "user's data directory, $XDG_DATA_HOME or ~/.local/share), or a "
                             "PostgreSQL URL (postgresql://user@host/database)")


def is_postgres_url(target: str) -> bool:
    """Whether ``--db`` names a PostgreSQL database rather than a SQLite file."""
    return target.startswith(("postgresql://", "postgres://"))


def parse_date(text: str) -> date:
    """Read an ISO date (``2026-11-26``) from the command line."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"not a date: {text!r}; expected YYYY-MM-DD such as 2026-11-26") from None


def parse_euros(text: str) -> Euros:
    """Read an amount (``1234.5``, ``1 234,50 €``) from the command line."""
    return Euros.parse(text)


def argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """Wrap a parser for ``argparse``'s ``type=``: an ``InvalidValue`` becomes a usage error.

    argparse then prints the usage and our message, and exits with code 2.
    """
    def convert(text: str) -> T:
        try:
            return parse(text)
        except InvalidValue as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = parse.__name__
    return convert


def to_jsonable(value: object) -> Any:
    """Turn a value of the library into plain JSON data.

    attrs records become objects keyed by their public field names, money becomes its cents,
    dates and instants ISO strings, enums their value, fractions ``"n/d"``.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Euros):
        return value.cents
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, float):
        return value
    if attrs.has(type(value)):
        record: Any = value
        return {
            f.name: to_jsonable(getattr(record, f.name))
            for f in attrs.fields(type(record))
            if not f.name.startswith("_")
        }
    if isinstance(value, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted((to_jsonable(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    raise InvalidValue(f"cannot render {type(value).__name__} {value!r} as JSON")


def emit_json(document: object, out: TextIO = sys.stdout) -> None:
    """Print ``document`` as one JSON document."""
    json.dump(to_jsonable(document), out, ensure_ascii=False, indent=2)
    out.write("\n")


def table(headers: tuple[str, ...], rows: list[tuple[str, ...]], wrap: int = 40) -> str:
    """A plain-text table with aligned columns.

    Cells longer than ``wrap`` characters are wrapped on several lines, except in the last
    column, which is never padded nor wrapped.
    """
    wrapped = [
        [textwrap.wrap(cell, wrap) or [""] if i < len(row) - 1 else [cell]
         for i, cell in enumerate(row)]
        for row in rows
    ]
    widths = [len(h) for h in headers]
    for row in wrapped:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths[i], *(len(part) for part in cell))

    def line(cells: list[str]) -> str:
        padded = [cell.ljust(widths[i]) for i, cell in enumerate(cells[:-1])]
        return "  ".join([*padded, cells[-1]]).rstrip()

    lines = [line(list(headers)), "  ".join("-" * w for w in widths)]
    for row in wrapped:
        height = max(len(cell) for cell in row)
        for k in range(height):
            lines.append(line([cell[k] if k < len(cell) else "" for cell in row]))
    return "\n".join(lines)
