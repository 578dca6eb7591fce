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

from formation.adapters.opendata import CatalogImport, load_open_data_catalog
from formation.checks import check_date, shown
from formation.errors import FormationError, InvalidValue, RuleViolation
from formation.messages import render
from formation.money import Euros

__all__ = [
    "add_db_option",
    "add_output_options",
    "argument",
    "default_db_path",
    "emit_json",
    "error_line",
    "load_catalog",
    "parse_date",
    "parse_euros",
    "parse_path",
    "report_rejected",
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
    parser.add_argument("--db", metavar="PATH|URL", default=None, type=argument(parse_path),
                        help="the SQLite store file (default: formation/formation.db in the "
                             "user's data directory, $XDG_DATA_HOME or ~/.local/share), or a "
                             "PostgreSQL URL (postgresql://user@host/database)")


def is_postgres_url(target: str) -> bool:
    """Whether ``--db`` names a PostgreSQL database rather than a SQLite file."""
    return target.startswith(("postgresql://", "postgres://"))


def error_line(error: FormationError, lang: str, kind: str = "error") -> str:
    """The one line the command prints on standard error for ``error``.

    ``formation: error [money.negative] « price » ne peut pas être négatif ; reçu : -1,00 €``:
    the code (every rule's code for a :class:`~formation.errors.RuleViolation`), then the
    message in ``lang``; when the raise site wrote its own (English) message rather than the
    catalogue's, the French sentence is followed by it, so that no detail is lost.
    """
    codes = error.codes if isinstance(error, RuleViolation) else (error.code,)
    language = lang if lang in ("fr", "en") else "fr"
    text = error.message(language)
    if (language == "fr" and not isinstance(error, RuleViolation) and str(error)
            and render(error.code, "en", error.params) != str(error)):
        text = f"{text} : {error}"  # the raise site's own details, in English
    text = " ".join(text.split())
    return f"formation: {kind} [{', '.join(codes)}] {text}"


def load_catalog(path: str | os.PathLike[str], err: TextIO | None = None,
                 lang: str = "fr") -> CatalogImport:
    """Read an open-data export given on the command line; report its rejected rows.

    Each rejected row is told on standard error with its line and reason (at most
    ``_SHOWN_REJECTED``, then how many more). A file none of whose rows could be read is bad
    input.

    Raises:
        InvalidValue: the file is no export, or every row of it is rejected.
        StorageError: the file cannot be opened.
    """
    imported = load_open_data_catalog(path)
    report_rejected(imported, str(path), err if err is not None else sys.stderr, lang)
    if imported.rejected and not imported.offers:
        raise InvalidValue(
            f"no row of {shown(str(path))} could be read ({len(imported.rejected)} rejected)",
            code="file.malformed", field=shown(str(path)),
            reason=(f"aucune ligne lisible ({len(imported.rejected)} rejetées)" if lang == "fr"
                    else f"no readable row ({len(imported.rejected)} rejected)"))
    return imported


_SHOWN_REJECTED = 20


def report_rejected(imported: CatalogImport, name: str, err: TextIO, lang: str = "fr") -> None:
    """Tell the rejected rows of an import on ``err``, one line each (at most 20)."""
    if not imported.rejected:
        return
    count = len(imported.rejected)
    if lang == "fr":
        err.write(f"formation: attention : {count} ligne(s) de {name} rejetée(s)\n")
    else:
        err.write(f"formation: warning: {count} row(s) of {name} rejected\n")
    for row in imported.rejected[:_SHOWN_REJECTED]:
        err.write(f"formation:   {'ligne' if lang == 'fr' else 'line'} {row.line}: "
                  f"{' '.join(row.reason.split())[:300]}\n")
    if count > _SHOWN_REJECTED:
        more = count - _SHOWN_REJECTED
        err.write(f"formation:   … {'et' if lang == 'fr' else 'and'} {more} "
                  f"{'de plus' if lang == 'fr' else 'more'}\n")


def parse_path(text: str) -> str:
    """A file path from the command line: not empty, without NUL (which no system accepts)."""
    if not text.strip() or "\x00" in text:
        raise InvalidValue(code="file.unreadable", field=shown(text),
                           reason="not a file path" if text.strip() else "an empty path")
    return text


def parse_date(text: str) -> date:
    """Read an ISO date (``2026-11-26``) from the command line."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"not a date: {shown(text)}; expected YYYY-MM-DD such as 2026-11-26",
                           code="date.wrong_type", field="date", value=shown(text)) from None
    return check_date(day, "date")


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
        except FormationError as error:
            raise argparse.ArgumentTypeError(" ".join(str(error).split())) from None
        except (ArithmeticError, RecursionError) as error:
            raise argparse.ArgumentTypeError(f"{shown(text)}: {type(error).__name__}") from None

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
    raise InvalidValue(f"cannot render {type(value).__name__} {shown(value)} as JSON")


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
