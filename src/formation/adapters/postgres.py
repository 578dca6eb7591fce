"""``PostgresStore``: the ports of :mod:`formation.ports` in a PostgreSQL database, for many
processes on one database (extra ``postgres``: ``pip install 'formation[postgres]'``).

The same guarantees as :class:`~formation.adapters.sqlite.SqliteStore`, from a server that many
app processes share:

- *one transaction per unit of work*: :meth:`PostgresUnitOfWork.commit` writes every folder,
  ledger entry, seat and record it staged inside one transaction; an error anywhere rolls it
  back, and the server's write-ahead log makes a commit durable once it is acknowledged;
- *optimistic versions*: a folder's (holder's, review's, consent request's) version moves on by
  one at each save, an account's version is its ledger's length; each write is an ``UPDATE …
  WHERE version = read``, so a change based on a version another process moved on since is a
  :class:`~formation.errors.ConflictError` and nothing of the unit of work is written;
- *idempotent ledger appends by entry id*: entries are unique per account and entry id; the
  retry of a commit whose entries are all stored already, identical, is a no-op, and another
  entry under a used id is :class:`~formation.errors.DuplicateEntry`;
- *seats*: a commit that takes a seat locks the session's row, then counts its seats, so that
  across processes no session ever has more seats taken than it offers (``RuleViolation``
  ``booking.session_full``, nothing written);
- *numbered migrations* applied on open, in a transaction under an advisory lock (two processes
  opening a new database do not both migrate it); a schema that is not a formation store, or a
  newer one, is refused with :class:`~formation.errors.StorageError`, untouched;
- *the catalogue served from memory, the truth in the database*: :attr:`PostgresStore.catalog`
  is a :class:`~formation.catalog.search.CatalogIndex` built on open; every saved offer, session
  and review records the change it was written in (a counter per kind), so that on its next
  read each process brings its index up to date in place with what changed since, never
  rebuilding it for one change;
- *the rules it works under*: a rulebook (calendar) other than the default, given when the
  schema is created, is kept in the database and used by every later opening; opening it with
  another one is a ``StorageError``;
- every failure of the server (unreachable, a refused password, a killed backend, a full disk)
  is a ``StorageError`` naming what failed and saying that nothing changed; never a driver
  exception.

Several stores can share one database, each in a schema of its own (``schema=``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

import attrs
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from formation.accounts import Account
from formation.adapters._staging import (
    KINDS,
    REVIEWS,
    DurableUnitOfWork,
    R,
    RecordKind,
    calendar_from_data,
    catalog_changes,
    check_rules,
    index_catalog_changes,
    kept_setting,
    record_id,
    rulebook_from_data,
    session_full,
    setting_data,
)
from formation.adapters.codec import SCHEMA_VERSION, from_data, to_data
from formation.adapters.documents import (
    CODEC,
    booking_from_data,
    booking_to_data,
    entry_from_data,
    entry_to_data,
)
from formation.adapters.sqlite import ImportSummary
from formation.bookings import Booking, BookingStatus
from formation.calendar.business_days import BusinessCalendar
from formation.catalog.offers import Offer, Session
from formation.catalog.search import CatalogIndex
from formation.checks import shown
from formation.errors import (
    ConflictError,
    DuplicateEntry,
    FormationError,
    InvalidValue,
    NotFound,
    StorageError,
)
from formation.ids import AccountId, BookingId, HolderId
from formation.ledger import Entry
from formation.reviews import Criterion, RatingSummary, Review
from formation.rules.rulebook import Rulebook

__all__ = ["MIGRATIONS", "PostgresStore", "PostgresUnitOfWork"]

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_Rules = TypeVar("_Rules", Rulebook, BusinessCalendar)
_APPLICATION = "formation"
_LOCK_KEY = 0x666F726D  # the advisory lock taken while migrating ("form")

_SCORES = tuple(criterion.value for criterion in Criterion)

MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (1, "folders, accounts and their ledgers, the catalogue and its seats, holders, reviews, "
        "consent requests, settings", (
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        "INSERT INTO counters (name, value) VALUES ('catalog', 0), ('ratings', 0)",
        "CREATE TABLE bookings (booking_id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, "
        "organism_id TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL, "
        "data TEXT NOT NULL)",
        "CREATE INDEX bookings_by_holder ON bookings (holder_id, booking_id)",
        "CREATE INDEX bookings_by_organism ON bookings (organism_id, status, booking_id)",
        "CREATE INDEX bookings_by_status ON bookings (status, booking_id)",
        "CREATE TABLE accounts (account_id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, "
        "version INTEGER NOT NULL)",
        "CREATE TABLE entries (account_id TEXT NOT NULL REFERENCES accounts, "
        "position INTEGER NOT NULL, entry_id TEXT NOT NULL, data TEXT NOT NULL, "
        "PRIMARY KEY (account_id, position), UNIQUE (account_id, entry_id))",
        "CREATE TABLE offers (offer_id TEXT PRIMARY KEY, change BIGINT NOT NULL, "
        "data TEXT NOT NULL)",
        "CREATE INDEX offers_by_change ON offers (change)",
        "CREATE TABLE sessions (session_id TEXT PRIMARY KEY, "
        "offer_id TEXT NOT NULL REFERENCES offers, seats INTEGER, change BIGINT NOT NULL, "
        "data TEXT NOT NULL)",
        "CREATE INDEX sessions_by_change ON sessions (change)",
        "CREATE TABLE seats (session_id TEXT NOT NULL REFERENCES sessions, "
        "booking_id TEXT NOT NULL, PRIMARY KEY (session_id, booking_id))",
        "CREATE TABLE holders (holder_id TEXT PRIMARY KEY, version INTEGER NOT NULL, "
        "data TEXT NOT NULL)",
        "CREATE TABLE reviews (review_id TEXT PRIMARY KEY, booking_id TEXT NOT NULL UNIQUE, "
        "holder_id TEXT NOT NULL, offer_id TEXT NOT NULL, organism TEXT NOT NULL, "
        + "".join(f"{name} INTEGER NOT NULL, " for name in _SCORES)
        + "change BIGINT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL)",
        "CREATE INDEX reviews_by_offer ON reviews (offer_id)",
        "CREATE INDEX reviews_by_change ON reviews (change)",
        "CREATE TABLE consents (consent_id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, "
        "employer_id TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL)",
        "CREATE TABLE settings (name TEXT PRIMARY KEY, data TEXT NOT NULL)",
    )),
)
"""The numbered schema migrations, applied in order on open (never edit one: add one)."""

_TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "holders": ("holders", "holder_id", ()),
    "reviews": ("reviews", "review_id", ("booking_id", "holder_id", "offer_id", "organism",
                                         *_SCORES)),
    "consents": ("consents", "consent_id", ("holder_id", "employer_id")),
}
"""Each kind of versioned record: its table, its id column, the columns it is found by."""


def _table(kind: RecordKind[Any]) -> tuple[str, str, tuple[str, ...]]:
    """The table of a kind of record, its id column and the columns it is found by."""
    return _TABLES[kind.name]




def _where(dsn: str) -> str:
    """The DSN without its password, for messages."""
    try:
        parts = conninfo_to_dict(dsn)
    except psycopg.Error:
        return "postgresql (an unreadable DSN)"
    parts.pop("password", None)
    return " ".join(f"{key}={value}" for key, value in sorted(parts.items()))


class PostgresStore:
    """Folders, accounts, the catalogue and every other record in PostgreSQL (see the module
    docstring).

    Args:
        dsn: a libpq connection string or URI (``postgresql://user@host/db``,
            ``host=/run/postgresql dbname=cpf``).
        schema: the schema the store's tables live in (created if missing), so that several
            stores can share a database.
        rulebook: the legal parameters the services apply; ``None``: the one the database
            keeps, else :meth:`Rulebook.default`. Another one is kept when none is yet.
        calendar: the business days deadlines are counted in, kept as the rulebook is.
        index_catalog: build the catalogue's search index on open (the default), or when
            :attr:`catalog` is first read.
        connect_timeout: seconds to wait for the server when connecting.

    Raises:
        StorageError: the server cannot be reached or refuses the login, the schema is not a
            formation store or is newer than this library, or it keeps another rulebook.
        InvalidValue: a bad ``dsn``, ``schema``, ``rulebook`` or ``calendar``.
    """

    def __init__(self, dsn: str, *, schema: str = "formation",
                 rulebook: Rulebook | None = None, calendar: BusinessCalendar | None = None,
                 index_catalog: bool = True, connect_timeout: int = 10) -> None:
        if not isinstance(dsn, str) or "\x00" in dsn:
            raise InvalidValue(f"dsn must be a PostgreSQL connection string, got {dsn!r}")
        if not isinstance(schema, str) or not schema.isidentifier() or len(schema) > 63:
            raise InvalidValue(f"schema must be an identifier of at most 63 letters, digits "
                               f"and underscores, got {schema!r}")
        if (rulebook is not None or calendar is not None):
            check_rules(rulebook, calendar)
        if type(connect_timeout) is not int or not 1 <= connect_timeout <= 3600:
            raise InvalidValue(f"connect_timeout is whole seconds from 1 to 3600, got "
                               f"{connect_timeout!r}")
        self.dsn = dsn
        self.schema = schema
        self._where = f"PostgreSQL store {_where(dsn)} schema {schema}"
        self._lock = threading.RLock()
        try:
            self._db = psycopg.connect(dsn, autocommit=True, connect_timeout=connect_timeout,
                                       options=f"-c search_path={schema}")
        except psycopg.Error as error:
            raise self._error(error, "connecting") from None
        except (ValueError, TypeError) as error:
            raise InvalidValue(f"dsn {_where(dsn)!r} is not a PostgreSQL connection string "
                               f"({error})") from None
        try:
            self._migrate()
            self._rulebook, self._calendar = (
                self._setting("rulebook", rulebook, Rulebook.default(), rulebook_from_data),
                self._setting("calendar", calendar, BusinessCalendar(), calendar_from_data))
        except BaseException:
            self._db.close()
            raise
        self._bookings: dict[str, tuple[int, Booking]] = {}
        self._accounts: dict[str, Account] = {}
        self._catalog: CatalogIndex | None = None
        self._catalog_version = -1
        self._ratings_version = -1
        if index_catalog:
            self._refresh_catalog()

    # -- plumbing ------------------------------------------------------------------------------
    def _error(self, error: BaseException, doing: str) -> StorageError:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return StorageError(f"{self._where}: {doing} failed ({detail}); nothing was changed")

    def _query(self, text: str, parameters: tuple[object, ...] = ()) -> list[Any]:
        with self._lock:
            try:
                return self._db.execute(text.encode(), parameters).fetchall()
            except psycopg.Error as error:
                raise self._error(error, "reading") from None

    def _transaction(self, doing: str) -> _Transaction:
        return _Transaction(self, doing)

    def _migrate(self) -> None:
        db = self._db
        try:
            with db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                db.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(self.schema)))
                tables = {row[0] for row in db.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                    (self.schema,))}
                if tables and "schema_version" not in tables:
                    raise StorageError(
                        f"{self._where}: this schema holds tables of another application "
                        f"({', '.join(sorted(tables))}), not a formation store; nothing was "
                        "changed")
                if not tables:
                    db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                               "description TEXT NOT NULL)")
                found = db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version"
                                   ).fetchone()
                applied = int(found[0]) if found else 0
                if applied > len(MIGRATIONS):
                    raise StorageError(
                        f"{self._where} has schema version {applied}, newer than this "
                        f"library's {len(MIGRATIONS)}: upgrade formation to open it; nothing "
                        "was changed")
                for number, description, statements in MIGRATIONS:
                    if number <= applied:
                        continue
                    for statement in statements:
                        db.execute(statement.encode())
                    db.execute("INSERT INTO schema_version (version, description) "
                               "VALUES (%s, %s)", (number, description))
                    if number == 1:
                        db.execute("INSERT INTO meta (name, value) VALUES ('application', %s)",
                                   (_APPLICATION,))
                row = db.execute("SELECT value FROM meta WHERE name = 'application'").fetchone()
                if row is None or row[0] != _APPLICATION:
                    raise StorageError(f"{self._where}: not a formation store (no application "
                                       "mark); nothing was changed")
        except psycopg.Error as error:
            raise self._error(error, "opening") from None

    def _setting(self, name: str, wanted: _Rules | None, default: _Rules,
                 decode: Callable[[object], _Rules]) -> _Rules:
        rows = self._query("SELECT data FROM settings WHERE name = %s", (name,))
        if not rows and wanted is not None and wanted != default:
            with self._transaction("opening") as db:
                db.execute("INSERT INTO settings (name, data) VALUES (%s, %s) "
                           "ON CONFLICT DO NOTHING", (name, _dumps(setting_data(wanted))))
                rows = db.execute("SELECT data FROM settings WHERE name = %s",
                                  (name,)).fetchall()
        return kept_setting(self._where, name, wanted, default, decode,
                            rows[0][0] if rows else None)

    # -- the store's face ----------------------------------------------------------------------
    @property
    def rulebook(self) -> Rulebook:
        """The legal parameters the services apply on this store."""
        return self._rulebook

    @property
    def calendar(self) -> BusinessCalendar:
        """The business days the services count deadlines in."""
        return self._calendar

    @property
    def schema_version(self) -> int:
        """The number of the last migration applied."""
        return int(self._query("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0][0])

    def close(self) -> None:
        """Close the connection (the store cannot be used afterwards)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __del__(self) -> None:
        # a store dropped without close() lets its connection go, as a sqlite3 one does
        db = getattr(self, "_db", None)
        if db is not None and not db.closed:
            db.close()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresStore({_where(self.dsn)!r}, schema={self.schema!r})"

    def unit_of_work(self) -> PostgresUnitOfWork:
        """A new unit of work (use it in a ``with`` block)."""
        return PostgresUnitOfWork(self)

    def counts(self) -> dict[str, int]:
        """How many records of each kind are stored."""
        return {table: int(self._query(f"SELECT COUNT(*) FROM {table}")[0][0])
                for table in (f.name for f in attrs.fields(ImportSummary))}

    # -- folders -------------------------------------------------------------------------------
    def _decode_booking(self, booking_id: str, version: int, data: str) -> Booking:
        cached = self._bookings.get(booking_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        try:
            fields = json.loads(data)
            fields["version"] = version
            booking = booking_from_data(fields, f"folder {booking_id}")
        except (ValueError, TypeError, FormationError) as error:
            raise StorageError(f"{self._where}: the stored folder {booking_id!r} cannot be "
                               f"read ({error})") from None
        self._bookings[booking_id] = (version, booking)
        return booking

    def _booking(self, booking_id: str) -> Booking | None:
        rows = self._query("SELECT version, data FROM bookings WHERE booking_id = %s",
                           (booking_id,))
        return self._decode_booking(booking_id, *rows[0]) if rows else None

    def _find(self, statuses: frozenset[BookingStatus] | None, holder_id: str | None,
              organism_id: str | None = None, after: str | None = None,
              limit: int | None = None) -> list[Booking]:
        where: list[str] = []
        parameters: list[object] = []
        if statuses is not None:
            where.append("status = ANY(%s)")
            parameters.append([s.value for s in statuses])
        for column, value in (("holder_id", holder_id), ("organism_id", organism_id)):
            if value is not None:
                where.append(f"{column} = %s")
                parameters.append(value)
        if after is not None:
            where.append("booking_id > %s")
            parameters.append(after)
        text = "SELECT booking_id, version, data FROM bookings"
        if where:
            text += " WHERE " + " AND ".join(where)
        text += " ORDER BY booking_id COLLATE \"C\""
        if limit is not None:
            text += " LIMIT %s"
            parameters.append(limit)
        return [self._decode_booking(*row) for row in self._query(text, tuple(parameters))]

    def _write_booking(self, db: psycopg.Connection[Any], read: int | None,
                       booking: Booking) -> int:
        data = _dumps(booking_to_data(booking))
        if read is None:
            done = db.execute(
                "INSERT INTO bookings (booking_id, holder_id, organism_id, status, version, "
                "data) VALUES (%s, %s, %s, %s, 1, %s) ON CONFLICT DO NOTHING",
                (booking.booking_id, booking.holder_id, booking.organism_id,
                 booking.status.value, data))
            if done.rowcount != 1:
                raise DuplicateEntry(f"folder {booking.booking_id!r} already exists")
            return 1
        done = db.execute(
            "UPDATE bookings SET holder_id = %s, organism_id = %s, status = %s, version = %s, "
            "data = %s WHERE booking_id = %s AND version = %s",
            (booking.holder_id, booking.organism_id, booking.status.value, read + 1, data,
             booking.booking_id, read))
        if done.rowcount != 1:
            row = db.execute("SELECT version FROM bookings WHERE booking_id = %s",
                             (booking.booking_id,)).fetchone()
            if row is None:
                raise ConflictError(f"folder {booking.booking_id!r} was removed meanwhile")
            raise ConflictError(
                f"folder {booking.booking_id!r} is at version {row[0]}, this change was based "
                f"on version {read}: reload and retry")
        return read + 1

    # -- accounts ------------------------------------------------------------------------------
    def _account(self, account_id: str) -> Account | None:
        """A private copy of the stored account, reading only the entries not seen yet."""
        with self._lock:
            rows = self._query("SELECT holder_id, version FROM accounts WHERE account_id = %s",
                               (account_id,))
            if not rows:
                return None
            holder_id, version = rows[0]
            cached = self._accounts.get(account_id)
            if cached is None or cached.holder_id != holder_id or cached.version > version:
                cached = Account(AccountId(account_id), HolderId(holder_id))
            if cached.version < version:
                tail = self._query(
                    "SELECT position, data FROM entries WHERE account_id = %s AND position >= %s "
                    "AND position < %s ORDER BY position", (account_id, cached.version, version))
                if len(tail) != version - cached.version:
                    raise StorageError(f"{self._where}: account {account_id!r} is at version "
                                       f"{version} but its ledger is incomplete")
                try:
                    cached.extend([entry_from_data(json.loads(data), f"account {account_id} "
                                                   f"entry {position}")
                                   for position, data in tail])
                except (ValueError, TypeError, FormationError) as error:
                    self._accounts.pop(account_id, None)
                    raise StorageError(f"{self._where}: the stored ledger of account "
                                       f"{account_id!r} cannot be read ({error})") from None
            self._accounts[account_id] = cached
            return cached.copy()

    def _write_account(self, db: psycopg.Connection[Any], read: int | None,
                       account: Account) -> None:
        account_id = account.account_id
        if read is None:
            done = db.execute("INSERT INTO accounts (account_id, holder_id, version) "
                              "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                              (account_id, account.holder_id, account.version))
            if done.rowcount != 1:
                raise DuplicateEntry(f"account {account_id!r} already exists")
            self._insert_entries(db, account_id, 0, account.entries)
            return
        new = account.entries[read:]
        if not new:
            return
        moved = db.execute("UPDATE accounts SET version = %s WHERE account_id = %s "
                           "AND version = %s", (read + len(new), account_id, read))
        if moved.rowcount == 1:
            self._insert_entries(db, account_id, read, new)
            return
        # the ledger moved on: a no-op if every new entry is stored already, identical
        rows = db.execute("SELECT entry_id, data FROM entries WHERE account_id = %s "
                          "AND entry_id = ANY(%s)",
                          (account_id, [e.entry_id for e in new])).fetchall()
        stored = {entry_id: entry_from_data(json.loads(data)) for entry_id, data in rows}
        if all(stored.get(e.entry_id) == e for e in new):
            return
        clash = next((e for e in new if e.entry_id in stored and stored[e.entry_id] != e), None)
        if clash is not None:
            raise DuplicateEntry(f"account {account_id!r} already has another entry "
                                 f"{clash.entry_id!r}")
        row = db.execute("SELECT version FROM accounts WHERE account_id = %s",
                         (account_id,)).fetchone()
        raise ConflictError(f"account {account_id!r} is at version {0 if row is None else row[0]}"
                            f", this change was based on version {read}: reload and retry")

    @staticmethod
    def _insert_entries(db: psycopg.Connection[Any], account_id: str, start: int,
                        entries: Iterable[Entry]) -> None:
        rows = [(account_id, position, e.entry_id, _dumps(entry_to_data(e)))
                for position, e in enumerate(entries, start)]
        if rows:
            with db.cursor() as cursor:
                cursor.executemany("INSERT INTO entries (account_id, position, entry_id, data) "
                                   "VALUES (%s, %s, %s, %s)", rows)

    # -- the catalogue ---------------------------------------------------------------------------
    @property
    def catalog(self) -> CatalogIndex:
        """The search index of the stored catalogue, brought up to date with what any process
        changed since it was last read (in place: only the changed offers, sessions, ratings)."""
        self._refresh_catalog()
        if self._catalog is None:  # pragma: no cover - set by _refresh_catalog
            raise StorageError(f"{self._where}: the catalogue could not be indexed")
        return self._catalog

    def _refresh_catalog(self) -> None:
        with self._lock:
            counters = dict(self._query("SELECT name, value FROM counters"))
            version, ratings = int(counters["catalog"]), int(counters["ratings"])
            if self._catalog is None:
                offers, sessions = self._load_catalog(None)
                try:
                    catalog = CatalogIndex(offers, sessions, rulebook=self._rulebook)
                except FormationError as error:
                    raise StorageError(f"{self._where}: the stored catalogue is not "
                                       f"consistent ({error})") from None
                self._rate(catalog, None)
                self._catalog = catalog
                self._catalog_version, self._ratings_version = version, ratings
                return
            if version != self._catalog_version:
                offers, sessions = self._load_catalog(self._catalog_version)
                try:
                    index_catalog_changes(self._catalog, offers, sessions)
                except FormationError as error:
                    raise StorageError(f"{self._where}: the stored catalogue is not "
                                       f"consistent ({error})") from None
                self._rate(self._catalog, None, [o.offer_id for o in offers])
                self._catalog_version = version
            if ratings != self._ratings_version:
                self._rate(self._catalog, self._ratings_version)
                self._ratings_version = ratings

    def _load_catalog(self, since: int | None) -> tuple[list[Offer], list[Session]]:
        after = -1 if since is None else since
        try:
            offers = [CODEC.decode(json.loads(data), Offer) for (data,) in self._query(
                "SELECT data FROM offers WHERE change > %s ORDER BY offer_id", (after,))]
            sessions = [CODEC.decode(json.loads(data), Session) for (data,) in self._query(
                "SELECT data FROM sessions WHERE change > %s ORDER BY session_id", (after,))]
        except (ValueError, TypeError, KeyError, FormationError) as error:
            raise StorageError(f"{self._where}: the stored catalogue cannot be read "
                               f"({error})") from None
        return offers, sessions

    def _rate(self, catalog: CatalogIndex, since: int | None,
              offer_ids: list[str] | None = None) -> None:
        """Give ``catalog`` the ratings the stored reviews give: of every offer, of the offers
        reviewed after change ``since``, or of ``offer_ids``."""
        counts = ", ".join(f"SUM(({name} = {star})::int)" for name in _SCORES
                           for star in range(1, 6))
        text = f"SELECT offer_id, COUNT(*), {counts} FROM reviews"
        parameters: tuple[object, ...] = ()
        if offer_ids is not None:
            text += " WHERE offer_id = ANY(%s)"
            parameters = (offer_ids,)
        elif since is not None:
            text += " WHERE offer_id IN (SELECT offer_id FROM reviews WHERE change > %s)"
            parameters = (since,)
        prior = catalog.prior
        try:
            for offer_id, count, *stars in self._query(text + " GROUP BY offer_id", parameters):
                summary = RatingSummary(int(count), tuple(
                    tuple(int(s) for s in stars[k:k + 5]) for k in range(0, 25, 5)), prior)
                try:
                    catalog.set_rating(offer_id, summary.mean(), summary.count,
                                       summary.ranking_score)
                except NotFound:
                    continue  # a review of an offer no longer (or not yet) in the catalogue
        except FormationError as error:
            raise StorageError(f"{self._where}: the stored reviews cannot be summed "
                               f"({error})") from None

    def save_catalog(self, offers: Iterable[Offer] = (), sessions: Iterable[Session] = ()) -> None:
        """Store offers and sessions (replacing those with the same ids), all or nothing.

        Raises:
            InvalidValue: not offers and sessions.
            NotFound: a session of an offer neither stored nor given.
        """
        offers, sessions = catalog_changes(offers, sessions)
        with self._lock, self._transaction("saving the catalogue") as db:
            self._put_catalog(db, offers, sessions, replace=True)

    def _put_catalog(self, db: psycopg.Connection[Any], offers: list[Offer],
                     sessions: list[Session], *, replace: bool) -> None:
        if not offers and not sessions:
            return
        row = db.execute("UPDATE counters SET value = value + 1 WHERE name = 'catalog' "
                         "RETURNING value").fetchone()
        change = int(row[0]) if row else 0
        offer_conflict = ("ON CONFLICT (offer_id) DO UPDATE SET change = EXCLUDED.change, "
                          "data = EXCLUDED.data" if replace else "")
        session_conflict = ("ON CONFLICT (session_id) DO UPDATE SET offer_id = "
                            "EXCLUDED.offer_id, seats = EXCLUDED.seats, change = "
                            "EXCLUDED.change, data = EXCLUDED.data" if replace else "")
        try:
            with db.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO offers (offer_id, change, data) VALUES (%s, %s, %s) "
                    f"{offer_conflict}".encode(),
                    [(o.offer_id, change, _dumps(CODEC.encode(o))) for o in offers])
                missing = sorted({s.offer_id for s in sessions} - {o.offer_id for o in offers})
                if missing:
                    found = {r[0] for r in db.execute(
                        "SELECT offer_id FROM offers WHERE offer_id = ANY(%s)", (missing,))}
                    for offer_id in missing:
                        if offer_id not in found:
                            raise NotFound(f"a session names offer {offer_id!r}, which is not "
                                           "stored")
                cursor.executemany(
                    f"INSERT INTO sessions (session_id, offer_id, seats, change, data) "
                    f"VALUES (%s, %s, %s, %s, %s) {session_conflict}".encode(),
                    [(s.session_id, s.offer_id, s.seats, change, _dumps(CODEC.encode(s)))
                     for s in sessions])
        except psycopg.errors.UniqueViolation as error:
            raise DuplicateEntry(f"an offer or a session is stored already "
                                 f"({str(error).splitlines()[0]})") from None

    # -- holders, reviews, consent requests ---------------------------------------------------
    def _decode_record(self, kind: RecordKind[R], key: str, version: int, data: str,
                       values: list[Any]) -> R:
        where = f"{kind.noun} {key}"
        try:
            record: R = from_data(kind.record, json.loads(data), where)
            columns = _table(kind)[2]
            differ = [name for name, value in zip(columns, values, strict=True)
                      if getattr(record, name) != value]
            if type(version) is not int or differ or record_id(kind, key, record) != key:
                raise InvalidValue(f"its columns ({', '.join(differ) or 'id, version'}) do "
                                   "not match its document")
        except (ValueError, TypeError, FormationError) as error:
            raise StorageError(f"{self._where}: the stored {where!r} cannot be read "
                               f"({error})") from None
        return record

    def _record(self, kind: RecordKind[R], key: str) -> tuple[int, R] | None:
        table, id_column, _ = _table(kind)
        names = ", ".join(("version", "data", *_table(kind)[2]))
        rows = self._query(f"SELECT {names} FROM {table} WHERE {id_column} = %s", (key,))
        if not rows:
            return None
        row = list(rows[0])
        return row[0], self._decode_record(kind, key, row[0], row[1], row[2:])

    def _find_records(self, kind: RecordKind[R], filters: dict[str, str]) -> list[tuple[str, R]]:
        table, id_column, _ = _table(kind)
        names = ", ".join((id_column, "version", "data", *_table(kind)[2]))
        text = f"SELECT {names} FROM {table}"
        if filters:
            text += " WHERE " + " AND ".join(f"{name} = %s" for name in filters)
        rows = [list(row) for row in self._query(text + f' ORDER BY {id_column} COLLATE "C"',
                                                 tuple(filters.values()))]
        return [(row[0], self._decode_record(kind, row[0], row[1], row[2], row[3:]))
                for row in rows]

    def _write_record(self, db: psycopg.Connection[Any], kind: RecordKind[Any], key: str,
                      read: int | None, record: object, change: int) -> int:
        table, id_column, columns = _table(kind)
        values = [getattr(record, name) for name in columns]
        data = _dumps(to_data(record))
        extra = ("change",) if kind is REVIEWS else ()
        extra_values = (change,) if kind is REVIEWS else ()
        if read is None:
            names = (id_column, *columns, *extra, "version", "data")
            done = db.execute(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                f"({', '.join(['%s'] * len(names))}) ON CONFLICT DO NOTHING".encode(),
                (key, *values, *extra_values, 1, data))
            if done.rowcount != 1:
                if isinstance(record, Review):
                    raise DuplicateEntry(f"review {key!r} or another review of folder "
                                         f"{record.booking_id!r} exists already")
                raise DuplicateEntry(f"{kind.noun} {key!r} already exists")
            return 1
        assignments = ", ".join(f"{name} = %s" for name in (*columns, *extra, "version", "data"))
        done = db.execute(
            f"UPDATE {table} SET {assignments} WHERE {id_column} = %s AND version = %s".encode(),
            (*values, *extra_values, read + 1, data, key, read))
        if done.rowcount != 1:
            row = db.execute(f"SELECT version FROM {table} WHERE {id_column} = %s".encode(),
                             (key,)).fetchone()
            if row is None:
                raise ConflictError(f"{kind.noun} {key!r} was removed meanwhile")
            raise ConflictError(f"{kind.noun} {key!r} is at version {row[0]}, this change was "
                                f"based on version {read}: reload and retry")
        return read + 1

    # -- seats -----------------------------------------------------------------------------------
    def _seat_holders(self, session_id: str) -> frozenset[BookingId]:
        rows = self._query("SELECT booking_id FROM seats WHERE session_id = %s", (session_id,))
        return frozenset(BookingId(booking_id) for (booking_id,) in rows)

    def _write_seats(self, db: psycopg.Connection[Any], takes: dict[str, set[str]],
                     returns: dict[str, set[str]]) -> None:
        for session_id, folders in sorted(returns.items()):
            db.execute("DELETE FROM seats WHERE session_id = %s AND booking_id = ANY(%s)",
                       (session_id, sorted(folders)))
        for session_id, folders in sorted(takes.items()):
            row = db.execute("SELECT seats FROM sessions WHERE session_id = %s FOR UPDATE",
                             (session_id,)).fetchone()
            if row is None:
                raise NotFound(f"no session {session_id!r} in the stored catalogue")
            added = 0
            for booking_id in sorted(folders):
                added += db.execute("INSERT INTO seats (session_id, booking_id) VALUES (%s, %s) "
                                    "ON CONFLICT DO NOTHING", (session_id, booking_id)).rowcount
            offered = row[0]
            if not added or offered is None:
                continue
            counted = db.execute("SELECT COUNT(*) FROM seats WHERE session_id = %s",
                                 (session_id,)).fetchone()
            taken = int(counted[0]) if counted else 0
            if taken > offered:
                raise session_full(session_id, taken - added, offered)

    # -- export ----------------------------------------------------------------------------------
    def export_documents(self) -> Iterator[dict[str, Any]]:
        """Every record of the store as a codec document, read from one snapshot: offers,
        sessions, accounts, folders, then holders, reviews and consent requests (``Stored``
        documents with their id and version) and seats (``Seat`` documents), as
        :meth:`SqliteStore.export_documents <formation.adapters.sqlite.SqliteStore.export_documents>`
        writes them."""
        with self._lock:
            try:
                with self._db.transaction():
                    self._db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    offers = [json.loads(d) for (d,) in self._db.execute(
                        "SELECT data FROM offers ORDER BY offer_id")]
                    sessions = [json.loads(d) for (d,) in self._db.execute(
                        "SELECT data FROM sessions ORDER BY session_id")]
                    accounts = self._db.execute(
                        "SELECT account_id FROM accounts ORDER BY account_id").fetchall()
                    folders = self._db.execute(
                        "SELECT booking_id, version, data FROM bookings ORDER BY booking_id"
                    ).fetchall()
                    stored = [(kind, self._db.execute(
                        f"SELECT {_table(kind)[1]}, version, data FROM {_table(kind)[0]} "
                        f"ORDER BY {_table(kind)[1]}".encode()).fetchall()) for kind in KINDS]
                    seats = self._db.execute("SELECT session_id, booking_id FROM seats "
                                             "ORDER BY session_id, booking_id").fetchall()
            except psycopg.Error as error:
                raise self._error(error, "exporting") from None
        yield from offers
        yield from sessions
        for (account_id,) in accounts:
            account = self._account(account_id)
            if account is not None:
                yield CODEC.encode(account)
        for booking_id, version, data in folders:
            yield CODEC.encode(self._decode_booking(booking_id, version, data))
        for kind, rows in stored:
            for key, version, data in rows:
                yield {"type": "Stored", "version": SCHEMA_VERSION,
                       "data": {"kind": kind.name, "id": key, "version": version,
                                "record": json.loads(data)}}
        for session_id, booking_id in seats:
            yield {"type": "Seat", "version": SCHEMA_VERSION,
                   "data": {"session_id": session_id, "booking_id": booking_id}}


    def export_lines(self) -> Iterator[str]:
        """:meth:`export_documents` as JSON lines."""
        for document in self.export_documents():
            yield _dumps(document) + "\n"

    # -- import ----------------------------------------------------------------------------------
    def import_documents(self, documents: Iterable[object]) -> ImportSummary:
        """Store every record of ``documents`` (codec documents), all or nothing.

        Each document is decoded with every check (an account's ledger is replayed), so a bad
        document stores nothing; records already stored are not replaced.

        Raises:
            InvalidValue: a bad document, named (``document 12``) with the path of the bad field.
            DuplicateEntry: a record whose id is stored already (or given twice).
        """
        return self._import((None, document) for document in documents)

    def import_lines(self, lines: Iterable[str]) -> ImportSummary:
        """:meth:`import_documents` from JSON lines; errors name the line (``line 12: …``)."""
        def parsed() -> Iterator[tuple[int, object]]:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    yield number, json.loads(line)
                except ValueError as error:
                    raise InvalidValue(f"line {number}: not a JSON document ({error})") from None
        return self._import(parsed())

    def _import(self, documents: Iterable[tuple[int | None, object]]) -> ImportSummary:
        counts = {f.name: 0 for f in attrs.fields(ImportSummary)}
        offers: list[Offer] = []
        sessions: list[Session] = []
        bookings: list[Booking] = []
        with self._lock, self._transaction("importing") as db:
            seats: list[tuple[str, str, str]] = []
            reviews = False
            for index, (line, document) in enumerate(documents, 1):
                where = f"line {line}" if line is not None else f"document {index}"
                if isinstance(document, dict) and document.get("type") == "Seat":
                    seats.append((*_seat_of(document, where), where))
                    continue
                if isinstance(document, dict) and document.get("type") == "Stored":
                    kind, key, version, stored_record = _stored_of(document, where)
                    try:
                        self._write_record(db, kind, key, None, stored_record, 0)
                    except DuplicateEntry as error:
                        raise DuplicateEntry(f"{where}: {error}") from None
                    table, id_column, _ = _table(kind)
                    db.execute(f"UPDATE {table} SET version = %s WHERE {id_column} = %s".encode(),
                               (version, key))
                    counts[kind.name] = counts.get(kind.name, 0) + 1
                    reviews = reviews or kind is REVIEWS
                    continue
                try:
                    record: object = CODEC.decode(document)
                    if isinstance(record, Account):
                        self._write_account(db, None, record)
                        counts["accounts"] += 1
                        counts["entries"] += record.version
                    elif isinstance(record, Booking):
                        bookings.append(record)
                    elif isinstance(record, Offer):
                        offers.append(record)
                    elif isinstance(record, Session):
                        sessions.append(record)
                    else:
                        raise InvalidValue(f"a store holds offers, sessions, accounts and "
                                           f"folders, not {type(record).__name__}")
                except (InvalidValue, DuplicateEntry) as error:
                    raise type(error)(f"{where}: {error}") from None
            self._put_catalog(db, offers, sessions, replace=False)
            for booking in bookings:
                done = db.execute(
                    "INSERT INTO bookings (booking_id, holder_id, organism_id, status, version, "
                    "data) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    (booking.booking_id, booking.holder_id, booking.organism_id,
                     booking.status.value, booking.version, _dumps(booking_to_data(booking))))
                if done.rowcount != 1:
                    raise DuplicateEntry(f"folder {booking.booking_id!r} already exists")
            for session_id, booking_id, where in seats:
                done = db.execute("INSERT INTO seats (session_id, booking_id) VALUES (%s, %s) "
                                  "ON CONFLICT DO NOTHING", (session_id, booking_id))
                if done.rowcount != 1:
                    raise DuplicateEntry(f"{where}: the seat of folder {booking_id!r} in "
                                         f"session {session_id!r} is stored already")
            counts["seats"] = len(seats)
            if reviews:
                row = db.execute("UPDATE counters SET value = value + 1 WHERE name = 'ratings' "
                                 "RETURNING value").fetchone()
                db.execute("UPDATE reviews SET change = %s WHERE change = 0",
                           (int(row[0]) if row else 0,))
            counts["bookings"] = len(bookings)
            counts["offers"], counts["sessions"] = len(offers), len(sessions)
        return ImportSummary(**counts)


class _Transaction:
    """One server transaction under the store's lock; a driver error is a ``StorageError``."""

    def __init__(self, store: PostgresStore, doing: str) -> None:
        self._store = store
        self._doing = doing
        self._inner: Any = None

    def __enter__(self) -> psycopg.Connection[Any]:
        self._store._lock.acquire()
        try:
            self._inner = self._store._db.transaction()
            self._inner.__enter__()
        except psycopg.Error as error:
            self._store._lock.release()
            raise self._store._error(error, self._doing) from None
        except BaseException:
            self._store._lock.release()
            raise
        return self._store._db

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            try:
                self._inner.__exit__(kind, error, trace)
            except psycopg.Error as failure:
                raise self._store._error(failure, self._doing) from None
            if isinstance(error, psycopg.Error):
                raise self._store._error(error, self._doing) from None
        finally:
            self._store._lock.release()


def _document_data(document: dict[str, Any], where: str) -> dict[str, Any]:
    version, data = document.get("version"), document.get("data")
    if set(document) != {"type", "version", "data"} or type(version) is not int or \
            not 1 <= version <= SCHEMA_VERSION or not isinstance(data, dict):
        raise InvalidValue(f"{where}: a {document['type']} document has type, a version from 1 "
                           f"to {SCHEMA_VERSION} and an object as data")
    return data


def _seat_of(document: dict[str, Any], where: str) -> tuple[str, str]:
    """The session and folder of a ``Seat`` document."""
    data = _document_data(document, where)
    if set(data) != {"session_id", "booking_id"} or \
            not all(isinstance(v, str) and v for v in data.values()):
        raise InvalidValue(f"{where}: a seat is {{'session_id': ..., 'booking_id': ...}}, got "
                           f"{shown(data)}")
    return data["session_id"], data["booking_id"]


def _stored_of(document: dict[str, Any], where: str) -> tuple[RecordKind[Any], str, int, object]:
    """The kind, id, version and record of a ``Stored`` document."""
    data = _document_data(document, where)
    kind = next((k for k in KINDS if k.name == data.get("kind")), None)
    key, version = data.get("id"), data.get("version")
    if kind is None or set(data) != {"kind", "id", "version", "record"} or \
            not isinstance(key, str) or not key or type(version) is not int or version < 1:
        raise InvalidValue(f"{where}: a Stored document's data is {{'kind': one of "
                           f"{', '.join(k.name for k in KINDS)}, 'id': ..., 'version': a "
                           f"positive integer, 'record': ...}}, got {shown(data)}")
    record = from_data(kind.record, data["record"], f"{where}.data.record")
    if record_id(kind, key, record) != key:
        raise InvalidValue(f"{where}: the {kind.noun} is {record_id(kind, '', record)!r}, not {key!r}")
    return kind, key, version, record








class PostgresUnitOfWork(DurableUnitOfWork):
    """One atomic change on a :class:`PostgresStore`: one server transaction at commit."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store
        super().__init__(store)

    def commit(self) -> None:
        """Write everything staged in one transaction, all or nothing.

        Raises:
            ConflictError: a record moved on since this unit read it.
            DuplicateEntry: a new record whose id was stored in the meantime.
            RuleViolation: ``booking.session_full``, other units took the last seats.
            StorageError: the server failed (nothing was written).
        """
        store = self._store
        saved: dict[str, Booking] = {}
        takes, returns = self._seat_changes()
        records = list(self._staged_records())
        change = 0
        with store._transaction("committing") as db:
            for booking_id, (read, booking) in sorted(self._staged_bookings.items()):
                version = store._write_booking(db, read, booking)
                saved[booking_id] = attrs.evolve(booking, version=version)
            for account_id in sorted(self._saved_accounts):
                read_length, account = self._loaded_accounts[account_id]
                store._write_account(db, read_length, account)
            store._write_seats(db, takes, returns)
            if any(kind is REVIEWS for kind, *_ in records):
                row = db.execute("UPDATE counters SET value = value + 1 WHERE name = 'ratings' "
                                 "RETURNING value").fetchone()
                change = int(row[0]) if row else 0
            for kind, key, read, record in records:
                store._write_record(db, kind, key, read, record, change)
        for booking_id, booking in saved.items():
            store._bookings[booking_id] = (booking.version, booking)
        if change and store._catalog is not None:
            store._refresh_catalog()  # this unit's ratings, in place
        self.committed = True
        self.rollback()
