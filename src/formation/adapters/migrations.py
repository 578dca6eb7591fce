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
- 3: the catalogue in typed columns (one per field of an offer or a session) instead of JSON
  documents, and its sub-records and lists (organisms, certifications, formacodes, NSF codes,
  options, places) as JSON parts numbered in ``catalog_parts``, each stored once: opening a
  store then parses a few thousand parts, not a document per offer and per session. The rows
  of schema 2 are converted in SQL (``json_extract``); a document that is not JSON fails the
  migration, which then changes nothing.
- 4: the seats taken in each session, one row per session and folder holding a seat; and the
  store's settings (the rulebook and the business calendar it keeps, when they are not the
  library's defaults) as codec data.
- 5: holders, reviews and employer consent requests, each a codec document with a version and
  the columns it is found by (a review's folder, offer and holder, and its five scores, which
  the ratings are summed from in SQL; the ``change`` each review was last written in, so that
  another process reads only the ratings that moved); folders get their organism's column
  (filled from their documents) and an index by organism then id, for an organism's inbox in
  pages.
"""

from __future__ import annotations

import attrs

__all__ = ["APPLICATION_ID", "MIGRATIONS", "Migration"]

APPLICATION_ID = 0x464F524D
"""``PRAGMA application_id`` of a formation store (``"FORM"``): tells it from foreign files."""


def _typed(alias: str, key: str, kind: str, default: str | None = None) -> str:
    """SQL reading ``key`` of the JSON document ``alias.data`` if its JSON type is ``kind``.

    ``null`` stays ``NULL``, an absent key gives ``default`` (``NULL`` if none); a value of
    any other type gives the blob ``X'00'``, which no record accepts, so that a document the
    codec refused is still refused once converted (a ``true`` is not read as 1, an object not
    as its text).
    """
    found = f"json_type({alias}.data, '$.{key}')"
    absent = "NULL" if default is None else default
    return (f"CASE coalesce({found}, 'absent') WHEN '{kind}' THEN json_extract({alias}.data, "
            f"'$.{key}') WHEN 'null' THEN NULL WHEN 'absent' THEN {absent} ELSE X'00' END")


def _foreign_keys(alias: str, known: tuple[str, ...]) -> str:
    """SQL true when the document ``alias.data`` has a field outside ``known``."""
    names = ", ".join(f"'{name}'" for name in known)
    return f"EXISTS (SELECT 1 FROM json_each({alias}.data) WHERE key NOT IN ({names}))"


_OFFER_FIELDS = ("offer_id", "organism", "title", "certification", "formacodes", "price",
                 "duration_hours", "modality", "action_type", "summary", "nsf_codes", "options")
_SESSION_FIELDS = ("session_id", "offer_id", "start", "end", "place", "seats", "price")


def _score(name: str) -> str:
    """The column of one of a review's five scores: a whole number from 1 to 5."""
    return (f"{name} INTEGER NOT NULL "
            f"CHECK (typeof({name}) = 'integer' AND {name} BETWEEN 1 AND 5)")


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
    Migration(3, "the catalogue in typed columns, its sub-records as shared JSON parts", (
        """CREATE TABLE catalog_parts (
               part_id INTEGER PRIMARY KEY,
               data TEXT NOT NULL UNIQUE
           )""",
        *(f"""INSERT OR IGNORE INTO catalog_parts (data)
              SELECT {expression} FROM {table} WHERE {expression} IS NOT NULL"""
          for table, expression in (
              ("offers", "json_extract(data, '$.organism')"),
              ("offers", "json_extract(data, '$.certification')"),
              ("offers", "json_extract(data, '$.formacodes')"),
              ("offers", "coalesce(json_extract(data, '$.nsf_codes'), '[]')"),
              ("offers", "coalesce(json_extract(data, '$.options'), '[]')"),
              ("sessions", "json_extract(data, '$.place')"))),
        """CREATE TABLE offer_rows (
               offer_id TEXT PRIMARY KEY,
               organism INTEGER NOT NULL REFERENCES catalog_parts (part_id),
               title TEXT NOT NULL,
               certification INTEGER REFERENCES catalog_parts (part_id),
               formacodes INTEGER NOT NULL REFERENCES catalog_parts (part_id),
               price INTEGER NOT NULL,
               duration_hours INTEGER,
               modality TEXT NOT NULL,
               action_type TEXT NOT NULL,
               summary TEXT NOT NULL,
               nsf_codes INTEGER NOT NULL REFERENCES catalog_parts (part_id),
               options INTEGER NOT NULL REFERENCES catalog_parts (part_id)
           ) WITHOUT ROWID""",
        f"""INSERT INTO offer_rows
           SELECT offer_id,
                  (SELECT part_id FROM catalog_parts
                   WHERE catalog_parts.data = json_extract(o.data, '$.organism')),
                  CASE WHEN {_foreign_keys("o", _OFFER_FIELDS)} THEN X'00'
                       ELSE {_typed("o", "title", "text")} END,
                  (SELECT part_id FROM catalog_parts
                   WHERE catalog_parts.data = json_extract(o.data, '$.certification')),
                  (SELECT part_id FROM catalog_parts
                   WHERE catalog_parts.data = json_extract(o.data, '$.formacodes')),
                  {_typed("o", "price", "integer")},
                  {_typed("o", "duration_hours", "integer")},
                  {_typed("o", "modality", "text")},
                  {_typed("o", "action_type", "text")},
                  {_typed("o", "summary", "text", "''")},
                  (SELECT part_id FROM catalog_parts WHERE catalog_parts.data
                   = coalesce(json_extract(o.data, '$.nsf_codes'), '[]')),
                  (SELECT part_id FROM catalog_parts WHERE catalog_parts.data
                   = coalesce(json_extract(o.data, '$.options'), '[]'))
           FROM offers AS o""",
        """CREATE TABLE session_rows (
               session_id TEXT PRIMARY KEY,
               offer_id TEXT NOT NULL,
               start TEXT,
               "end" TEXT,
               place INTEGER REFERENCES catalog_parts (part_id),
               seats INTEGER,
               price INTEGER
           ) WITHOUT ROWID""",
        f"""INSERT INTO session_rows
           SELECT session_id, offer_id,
                  CASE WHEN {_foreign_keys("s", _SESSION_FIELDS)} THEN X'00'
                       ELSE {_typed("s", "start", "text")} END,
                  {_typed("s", "end", "text")},
                  (SELECT part_id FROM catalog_parts
                   WHERE catalog_parts.data = json_extract(s.data, '$.place')),
                  {_typed("s", "seats", "integer")},
                  {_typed("s", "price", "integer")}
           FROM sessions AS s""",
        "DROP TABLE sessions",
        "DROP TABLE offers",
        "ALTER TABLE offer_rows RENAME TO offers",
        "ALTER TABLE session_rows RENAME TO sessions",
        "CREATE INDEX sessions_by_offer ON sessions (offer_id)",
        "UPDATE counters SET value = value + 1 WHERE name = 'catalog'",
    )),
    Migration(4, "the seats taken in each session, and the store's settings", (
        """CREATE TABLE seats (
               session_id TEXT NOT NULL,
               booking_id TEXT NOT NULL,
               PRIMARY KEY (session_id, booking_id)
           ) WITHOUT ROWID""",
        """CREATE TABLE settings (
               name TEXT PRIMARY KEY,
               data TEXT NOT NULL
           ) WITHOUT ROWID""",
    )),
    Migration(5, "holders, reviews, consent requests; folders by organism", (
        """CREATE TABLE holders (
               holder_id TEXT PRIMARY KEY,
               version INTEGER NOT NULL CHECK (version >= 1),
               data TEXT NOT NULL
           ) WITHOUT ROWID""",
        f"""CREATE TABLE reviews (
               review_id TEXT PRIMARY KEY,
               booking_id TEXT NOT NULL UNIQUE,
               holder_id TEXT NOT NULL,
               offer_id TEXT NOT NULL,
               organism TEXT NOT NULL,
               {_score("welcome")},
               {_score("content")},
               {_score("training_team")},
               {_score("resources")},
               {_score("support")},
               version INTEGER NOT NULL CHECK (version >= 1),
               change INTEGER NOT NULL,
               data TEXT NOT NULL
           ) WITHOUT ROWID""",
        "CREATE INDEX reviews_by_offer ON reviews (offer_id)",
        "CREATE INDEX reviews_by_holder ON reviews (holder_id)",
        "CREATE INDEX reviews_by_change ON reviews (change)",
        """CREATE TABLE consents (
               consent_id TEXT PRIMARY KEY,
               holder_id TEXT NOT NULL,
               employer_id TEXT NOT NULL,
               version INTEGER NOT NULL CHECK (version >= 1),
               data TEXT NOT NULL
           ) WITHOUT ROWID""",
        "CREATE INDEX consents_by_holder ON consents (holder_id)",
        "CREATE INDEX consents_by_employer ON consents (employer_id)",
        "INSERT INTO counters (name, value) VALUES ('ratings', 0)",
        "ALTER TABLE bookings ADD COLUMN organism_id TEXT",
        "UPDATE bookings SET organism_id = json_extract(data, '$.organism_id')",
        "CREATE INDEX bookings_by_organism ON bookings (organism_id, booking_id)",
    )),
)
"""Every migration, in order; ``MIGRATIONS[n - 1].number == n``."""
