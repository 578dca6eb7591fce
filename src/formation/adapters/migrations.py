"""The numbered schema migrations of :class:`formation.adapters.sqlite.SqliteStore`.

Migration *n* brings a store from schema version *n − 1* to *n*; a store records each migration
applied in its ``schema_version`` table, and :class:`~formation.adapters.sqlite.SqliteStore`
applies the missing ones, in order, each in its own transaction, when it opens a file. A store
whose schema is newer than this library knows is refused (upgrade ``formation`` to open it).
Never edit a migration once released: add the next one.

- 1: accounts and their ledger entries (one row per entry, unique by account and entry id, in
  the order appended), registration folders with their version, status and holder.
- 2: the catalogue (offers, sessions) and a counter moved on by every change of it, so that
  every process knows when to rebuild its search index.
"""

from __future__ import annotations

import attrs

__all__ = ["APPLICATION_ID", "MIGRATIONS", "Migration"]

APPLICATION_ID = 0x464F524D
"""``PRAGMA application_id`` of a formation store (``"FORM"``): tells it from foreign files."""


@attrs.frozen
class Migration:
    """One step of the schema: its number, what it does, and its SQL statements."""

    number: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "accounts, ledger entries and registration folders", (
        """CREATE TABLE accounts (
               account_id TEXT PRIMARY KEY,
               holder_id TEXT NOT NULL,
               version INTEGER NOT NULL CHECK (version >= 0)
           ) WITHOUT ROWID""",
        """CREATE TABLE entries (
               account_id TEXT NOT NULL REFERENCES accounts (account_id),
               position INTEGER NOT NULL CHECK (position >= 0),
               entry_id TEXT NOT NULL,
               data TEXT NOT NULL,
               PRIMARY KEY (account_id, position),
               UNIQUE (account_id, entry_id)
           ) WITHOUT ROWID""",
        """CREATE TABLE bookings (
               booking_id TEXT PRIMARY KEY,
               holder_id TEXT NOT NULL,
               status TEXT NOT NULL,
               version INTEGER NOT NULL CHECK (version >= 1),
               data TEXT NOT NULL
           ) WITHOUT ROWID""",
        "CREATE INDEX bookings_by_status ON bookings (status)",
        "CREATE INDEX bookings_by_holder ON bookings (holder_id)",
    )),
    Migration(2, "the catalogue: offers, sessions and its change counter", (
        """CREATE TABLE offers (
               offer_id TEXT PRIMARY KEY,
               data TEXT NOT NULL
           ) WITHOUT ROWID""",
        """CREATE TABLE sessions (
               session_id TEXT PRIMARY KEY,
               offer_id TEXT NOT NULL,
               data TEXT NOT NULL
           ) WITHOUT ROWID""",
        "CREATE INDEX sessions_by_offer ON sessions (offer_id)",
        """CREATE TABLE counters (
               name TEXT PRIMARY KEY,
               value INTEGER NOT NULL
           ) WITHOUT ROWID""",
        "INSERT INTO counters (name, value) VALUES ('catalog', 0)",
    )),
)
"""Every migration, in order; ``MIGRATIONS[n - 1].number == n``."""
