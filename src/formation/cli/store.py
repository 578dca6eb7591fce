"""``formation export`` and ``formation import``: a whole store to and from JSON lines.

``formation export --db PATH [--out FILE]`` writes every record of a SQLite store (offers,
sessions, accounts with their ledgers, folders with their history and version) as JSON lines,
one codec document a line (:data:`formation.adapters.documents.CODEC`), to ``FILE`` or to the
standard output. ``formation import --db PATH FILE`` (``-`` for the standard input) stores the
records of such a file, all or nothing: a bad line stores nothing and names its number and the
path of the bad field (exit code 2); a record whose id is stored already stores nothing
either (exit code 1).

Without ``--db``, both use the store in the user's data directory
(``$XDG_DATA_HOME/formation/formation.db`` or ``~/.local/share/formation/formation.db``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import TYPE_CHECKING, TextIO

from formation.adapters.sqlite import ImportSummary, SqliteStore
from formation.cli._common import (
    add_db_option,
    add_output_options,
    default_db_path,
    emit_json,
    is_postgres_url,
)
from formation.errors import InvalidValue

if TYPE_CHECKING:
    from formation.adapters.postgres import PostgresStore

__all__ = ["register", "run_export", "run_import"]

_LABELS = {
    "fr": {"offers": "offres", "sessions": "sessions", "accounts": "comptes",
           "entries": "écritures", "bookings": "dossiers", "holders": "titulaires",
           "reviews": "avis", "consents": "demandes d'accord", "seats": "places"},
    "en": {"offers": "offers", "sessions": "sessions", "accounts": "accounts",
           "entries": "ledger entries", "bookings": "folders", "holders": "holders",
           "reviews": "reviews", "consents": "consent requests", "seats": "seats"},
}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export", help="write a whole store as JSON lines",
        description="Write every record of a store (offers, sessions, accounts with their "
                    "ledgers, folders with their history, holders, reviews, consent requests, "
                    "seats) as JSON lines, one document a line.")
    add_db_option(export)
    export.add_argument("--out", metavar="FILE", default=None,
                        help="write to this file (default: the standard output)")
    add_output_options(export)
    export.set_defaults(run=run_export)
    load = commands.add_parser(
        "import", help="store the records of a JSON lines export, all or nothing",
        description="Store every record of a JSON lines export in a store, all or nothing: a "
                    "bad line stores nothing and is named with the path of its bad field.")
    add_db_option(load)
    load.add_argument("file", metavar="FILE", help="the JSON lines file ('-': standard input)")
    add_output_options(load)
    load.set_defaults(run=run_import)


_ALWAYS = frozenset({"offers", "sessions", "accounts", "entries", "bookings"})


def _open(target: str) -> SqliteStore | PostgresStore:
    """The store ``--db`` names: a PostgreSQL URL, else a SQLite file."""
    if is_postgres_url(target):
        try:  # psycopg is an optional dependency (extra ``postgres``), loaded when asked for
            postgres = importlib.import_module("formation.adapters.postgres")
        except ImportError:
            raise InvalidValue("--db postgresql://… needs psycopg: pip install "
                               "'formation[postgres]'") from None
        store: PostgresStore = postgres.PostgresStore(target, index_catalog=False)
        return store
    return SqliteStore(target, index_catalog=False)


def _summary(summary: ImportSummary, lang: str) -> str:
    """The counts; holders, reviews, consent requests and seats only when there are some."""
    labels = _LABELS[lang]
    return ", ".join(f"{getattr(summary, key)} {label}" for key, label in labels.items()
                     if key in _ALWAYS or getattr(summary, key))


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write the store as JSON lines; with ``--out``, print what was written."""
    path = args.db or default_db_path()
    if not is_postgres_url(path) and not os.path.exists(path):
        raise InvalidValue(f"no store at {path}: give an existing file with --db")
    with _open(path) as store:
        if args.out is None:
            for line in store.export_lines():
                out.write(line)
            return 0
        try:
            with open(args.out, "w", encoding="utf-8") as target:
                target.writelines(store.export_lines())
        except OSError as error:
            raise InvalidValue(f"cannot write {args.out}: {error.strerror}") from None
        counts = store.counts()
    summary = ImportSummary(**counts)
    if args.json:
        emit_json({"db": path, "out": args.out, "written": summary}, out)
    else:
        head = "Exporté :" if args.lang == "fr" else "Exported:"
        out.write(f"{head} {_summary(summary, args.lang)} → {args.out}\n")
    return 0


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    """Store the records of the file, all or nothing; print what was stored."""
    path = args.db or default_db_path()
    if args.db is None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        source = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        raise InvalidValue(f"cannot read {args.file}: {error.strerror}") from None
    try:
        with _open(path) as store:
            summary = store.import_lines(source)
    except UnicodeDecodeError as error:
        raise InvalidValue(f"{args.file} is not UTF-8 text ({error.reason})") from None
    finally:
        if source is not sys.stdin:
            source.close()
    if args.json:
        emit_json({"db": path, "imported": summary}, out)
    elif args.lang == "fr":
        out.write(f"Importé dans {path} : {_summary(summary, 'fr')}\n")
    else:
        out.write(f"Imported into {path}: {_summary(summary, 'en')}\n")
    return 0
