"""``SqliteStore``: the ports of :mod:`formation.ports` in one SQLite file, losing nothing.

The embedded default store, on :mod:`sqlite3` from the standard library:

- *one transaction per unit of work*: :meth:`SqliteUnitOfWork.commit` writes every folder and
  every ledger entry it staged inside one ``BEGIN IMMEDIATE … COMMIT``; a crash, a conflict or
  an error anywhere leaves the file as it was (SQLite's write-ahead log makes a commit atomic
  and durable: ``journal_mode=WAL``, ``synchronous=FULL``);
- *optimistic versions*, as :class:`~formation.adapters.memory.MemoryStore`: a folder's
  version moves on by one at each save, an account's version is the length of its ledger; a
  write based on a version someone else moved on since — in this process or another one — is
  a :class:`~formation.errors.ConflictError`, and nothing of the unit of work is written;
- *idempotent ledger appends by entry id*: entries are unique per account and entry id; a unit
  of work whose new entries are all stored already, identical, commits as a no-op (the retry of
  a commit whose answer was lost), and a different entry under a used id is
  :class:`~formation.errors.DuplicateEntry`;
- *numbered schema migrations* (:mod:`formation.adapters.migrations`) applied on open; a file
  that is not a formation store (a foreign database, a corrupted file) or whose schema is newer
  than this library is refused with :class:`~formation.errors.StorageError`, untouched;
- *the catalogue*: offers and sessions are stored beside the folders, and
  :attr:`SqliteStore.catalog` is a :class:`~formation.catalog.search.CatalogIndex` built from them on
  open and rebuilt when the stored catalogue changed (in any process). An offer or a session
  is a row of typed columns, its sub-records (organism, certification, formacodes, options,
  place…) JSON parts stored once each and shared (schema 3), so that opening a store reads
  columns and a few thousand parts rather than a JSON document per record;
- *the seats*: one row per session and folder holding a seat; a commit that takes seats counts
  them again inside its transaction, so that across threads and processes no session ever has
  more seats taken than it offers (the unit of work is then refused with ``RuleViolation``
  ``booking.session_full`` and nothing of it is written);
- *holders, reviews and consent requests*: a codec document each, with a version and the
  columns they are found by; a review's five scores are columns too, so that the ratings of
  every offer are summed in SQL when the catalogue is indexed (:attr:`SqliteStore.catalog`
  carries them), and each review records the change it was written in, so that another process
  updates only the ratings that moved, in place, on its next read of :attr:`catalog`;
- *the rules it works under*: :attr:`SqliteStore.rulebook` and :attr:`SqliteStore.calendar`.
  A rulebook (calendar) other than the library's default, given when the file is first opened
  with it, is kept in the file (table ``settings``, as codec data) and used by every later
  opening; opening the file with another one is a ``StorageError`` (the money of a folder
  follows one rulebook). A file without one follows the default of the library that opens it.

Records are stored as the plain JSON data of :data:`formation.adapters.documents.CODEC`; every
read decodes them with every check of the records, so a damaged row is a ``StorageError``
naming it, never a wrong balance. Each process keeps what it decoded (folders by version,
ledgers by length: entries are append-only, so only the new ones are read), which makes the
hundredth read of an account as cheap as the first.

``SqliteStore(":memory:")`` keeps everything in memory, for tests. Every failure of the file
itself (no right to write, a full disk — :attr:`max_size` simulates one —, a damaged file) is a
``StorageError`` and changes nothing stored.

>>> from formation.accounts import Account
>>> from formation.ids import AccountId, HolderId
>>> store = SqliteStore(":memory:")
>>> with store.unit_of_work() as uow:
...     uow.accounts.add(Account(AccountId("A1"), HolderId("H1")))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     uow.accounts.get(AccountId("A1")).holder_id
'H1'
>>> store.close()
"""

from __future__ import annotations

import functools
import gc
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from types import TracebackType
from typing import Any, TypeVar

import attrs

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
    OFFER_COLUMNS,
    SESSION_COLUMNS,
    account_from_data,
    booking_from_data,
    catalog_from_rows,
    entry_from_data,
    entry_text,
    offer_row_data,
    offer_to_row,
    plain_account_rows,
    session_row_data,
    session_to_row,
)
from formation.adapters.migrations import APPLICATION_ID, MIGRATIONS
from formation.bookings import Booking, BookingStatus, Transition
from formation.calendar.business_days import BusinessCalendar
from formation.catalog.offers import Offer, Session
from formation.catalog.search import CatalogIndex
from formation.errors import (
    ConflictError,
    DuplicateEntry,
    FormationError,
    InvalidValue,
    NotFound,
    StorageError,
)
from formation.funding import FundingPlan
from formation.ids import AccountId, BookingId, HolderId, OfferId
from formation.ledger import Entry
from formation.reviews import DEFAULT_PRIOR, Criterion, RatingPrior, Review, bayesian_average
from formation.rules.rulebook import Rulebook

__all__ = ["ImportSummary", "SqliteStore", "SqliteUnitOfWork"]

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode
_loads = json.loads
_OFFER_NAMES = ", ".join(f'"{name}"' for name in OFFER_COLUMNS)
_SESSION_NAMES = ", ".join(f'"{name}"' for name in SESSION_COLUMNS)
_SELECT_OFFERS = f"SELECT {_OFFER_NAMES} FROM offers"
_SELECT_SESSIONS = f"SELECT {_SESSION_NAMES} FROM sessions"
_DOCUMENT_KEYS = frozenset({"type", "version", "data"})
_Rules = TypeVar("_Rules", Rulebook, BusinessCalendar)

_TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "holders": ("holders", "holder_id", ()),
    "reviews": ("reviews", "review_id", ("booking_id", "holder_id", "offer_id", "organism",
                                         *(criterion.value for criterion in Criterion))),
    "consents": ("consents", "consent_id", ("holder_id", "employer_id")),
}
"""Each kind of versioned record: its table, its id column, the columns it is found by."""


def _table(kind: RecordKind[Any]) -> tuple[str, str, tuple[str, ...]]:
    """The table of a kind of record, its id column and the columns it is found by."""
    return _TABLES[kind.name]


def _column_value(record: object, name: str) -> object:
    """A record's value for one of its columns (a review's scores are its properties)."""
    return getattr(record, name)








@attrs.frozen
class ImportSummary:
    """What :meth:`SqliteStore.import_documents` stored, by kind of record."""

    accounts: int = 0
    entries: int = 0
    bookings: int = 0
    offers: int = 0
    sessions: int = 0
    holders: int = 0
    reviews: int = 0
    consents: int = 0
    seats: int = 0


def _storage_error(error: sqlite3.Error, path: str, doing: str) -> StorageError:
    """A clear message for what SQLite reports about the file itself."""
    text = str(error)
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        why = "the file is damaged or is not a formation store"
    elif "full" in lowered:
        why = "the disk (or the store's size limit) is full"
    elif "readonly" in lowered or "read-only" in lowered:
        why = "the store may not be written (a read-only file or directory)"
    elif "unable to open" in lowered or "cannot open" in lowered:
        why = "the file cannot be opened (a missing or read-only directory, or no right to it)"
    elif "locked" in lowered or "busy" in lowered:
        why = "another process kept the store locked too long"
    else:
        why = "SQLite refused the operation"
    return StorageError(f"store {path!r}: {doing} failed: {why} ({text}); nothing was changed")


class SqliteStore:
    """Folders, accounts and the catalogue in a SQLite file (see the module docstring).

    Args:
        path: the database file (created if missing), or ``":memory:"``.
        timeout: seconds to wait for another process's write before giving up
            (a ``StorageError``).
        max_size: a size limit in bytes (rounded down to whole pages, at least the current
            size); a write beyond it is a ``StorageError`` as on a full disk. ``None``: no limit.
        index_catalog: ``True`` (the default): build the catalogue's search index on open, so
            that the store is ready to search; ``False``: when :attr:`catalog` is first read
            (for work that never searches, such as an export).
        durable: ``True`` (the default): each commit is flushed to the disk before it returns
            (``synchronous=FULL``), so it survives a power loss. ``False``
            (``synchronous=NORMAL``): a commit survives the process being killed, not the
            machine stopping; many times faster on disks with a slow flush.
        rulebook: the legal parameters the services apply on this store. ``None`` (the
            default): the rulebook the file keeps, else :meth:`Rulebook.default`. Another one
            is kept in the file when it keeps none yet (see the module docstring).
        calendar: the business days deadlines are counted in, kept as the rulebook is
            (default: the file's, else metropolitan France).

    Raises:
        StorageError: the file cannot be opened or created, is not a formation store (a foreign
            or damaged file), has a newer schema than this library, or keeps another rulebook
            (calendar) than the one given.
        InvalidValue: ``rulebook`` (``calendar``) is not a ``Rulebook`` (``BusinessCalendar``).
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0,
                 max_size: int | None = None, durable: bool = True,
                 index_catalog: bool = True, rulebook: Rulebook | None = None,
                 calendar: BusinessCalendar | None = None) -> None:
        if rulebook is not None or calendar is not None:
            check_rules(rulebook, calendar)
        self.path = os.fspath(path)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                                       check_same_thread=False)
        except sqlite3.Error as error:
            raise _storage_error(error, self.path, "opening") from None
        try:
            self._open(max_size, durable)
            self._rulebook, self._calendar = self._settle_rules(rulebook, calendar)
        except BaseException:
            self._db.close()
            raise
        self._bookings: dict[str, tuple[int, Booking]] = {}
        self._accounts: dict[str, Account] = {}
        self._records: dict[tuple[str, str], tuple[int, object]] = {}
        self._catalog: CatalogIndex | None = None
        self._catalog_version = -1
        self._ratings_version = -1
        if index_catalog:
            self._refresh_catalog()

    # -- opening -------------------------------------------------------------------------------
    def _open(self, max_size: int | None, durable: bool) -> None:
        db = self._db
        try:
            application = db.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.Error as error:
            raise _storage_error(error, self.path, "opening") from None
        if tables and (application != APPLICATION_ID or "schema_version" not in tables):
            raise StorageError(
                f"store {self.path!r}: this file is a SQLite database of another application "
                f"(tables {', '.join(sorted(tables))}), not a formation store; nothing was "
                "changed")
        if tables:
            try:
                found = db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
            except sqlite3.Error as error:
                raise _storage_error(error, self.path, "opening") from None
            if (found or 0) > len(MIGRATIONS):
                raise StorageError(
                    f"store {self.path!r} has schema version {found}, newer than this "
                    f"library's {len(MIGRATIONS)}: upgrade formation to open it; nothing was "
                    "changed")
        try:
            if self.path != ":memory:":
                mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StorageError(f"store {self.path!r}: cannot use a write-ahead log "
                                       f"(journal mode {mode})")
            db.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA cache_size = -65536")  # up to 64 MiB of pages, as needed
            if max_size is not None:
                page = db.execute("PRAGMA page_size").fetchone()[0]
                db.execute(f"PRAGMA max_page_count = {max(1, int(max_size) // page)}")
            self._migrate(fresh=not tables)
        except sqlite3.Error as error:
            raise _storage_error(error, self.path, "opening") from None

    def _migrate(self, *, fresh: bool) -> None:
        db = self._db
        if fresh:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                           "version INTEGER PRIMARY KEY, description TEXT NOT NULL)")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        for migration in MIGRATIONS:
            if migration.number <= self.schema_version:
                continue
            db.execute("BEGIN IMMEDIATE")
            try:
                applied = db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
                if (applied or 0) < migration.number:  # another process may have done it
                    for statement in migration.statements:
                        db.execute(statement)
                    db.execute("INSERT INTO schema_version (version, description) VALUES (?, ?)",
                               (migration.number, migration.description))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _settle_rules(self, rulebook: Rulebook | None,
                      calendar: BusinessCalendar | None) -> tuple[Rulebook, BusinessCalendar]:
        """The rules of the store: those the file keeps, or those given (kept if not the
        defaults); another one than the file keeps is refused."""
        return (self._setting("rulebook", rulebook, Rulebook.default(), rulebook_from_data),
                self._setting("calendar", calendar, BusinessCalendar(), calendar_from_data))

    def _setting(self, name: str, wanted: _Rules | None, default: _Rules,
                 decode: Callable[[object], _Rules]) -> _Rules:
        if not self._query("SELECT 1 FROM sqlite_master WHERE name = 'settings'"):
            return default if wanted is None else wanted  # a schema before settings (tests)
        rows = self._query("SELECT data FROM settings WHERE name = ?", (name,))
        if not rows and wanted is not None and wanted != default:
            with self._transaction("opening") as db:  # kept, unless another process was first
                db.execute("INSERT OR IGNORE INTO settings (name, data) VALUES (?, ?)",
                           (name, _dumps(setting_data(wanted))))
                rows = db.execute("SELECT data FROM settings WHERE name = ?",
                                  (name,)).fetchall()
        return kept_setting(f"store {self.path!r}", name, wanted, default, decode,
                            rows[0][0] if rows else None)

    @property
    def rulebook(self) -> Rulebook:
        """The legal parameters the services apply on this store."""
        return self._rulebook

    @property
    def calendar(self) -> BusinessCalendar:
        """The business days deadlines are counted in on this store."""
        return self._calendar

    @property
    def schema_version(self) -> int:
        """The number of the last migration applied to the file."""
        with self._lock:
            row = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        """Close the file (units of work opened before can no longer read nor commit)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"

    def unit_of_work(self) -> SqliteUnitOfWork:
        """A new unit of work on this store."""
        return SqliteUnitOfWork(self)

    # -- reading (decoded records are kept by version) ---------------------------------------
    def _query(self, sql: str, parameters: tuple[object, ...] = ()) -> list[Any]:
        with self._lock:
            try:
                return self._db.execute(sql, parameters).fetchall()
            except sqlite3.Error as error:
                raise _storage_error(error, self.path, "reading") from None

    def _decode_booking(self, booking_id: str, version: int, data: str) -> Booking:
        cached = self._bookings.get(booking_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        try:
            fields = _loads(data)
            fields["version"] = version
            booking = booking_from_data(fields, f"folder {booking_id}")
        except (ValueError, TypeError, FormationError) as error:
            raise StorageError(f"store {self.path!r}: the stored folder {booking_id!r} cannot "
                               f"be read ({error})") from None
        self._bookings[booking_id] = (version, booking)
        return booking

    def _booking(self, booking_id: str) -> Booking | None:
        rows = self._query("SELECT version, data FROM bookings WHERE booking_id = ?",
                           (booking_id,))
        if not rows:
            return None
        return self._decode_booking(booking_id, rows[0][0], rows[0][1])

    def _find(self, statuses: frozenset[BookingStatus] | None, holder_id: str | None,
              organism_id: str | None = None, after: str | None = None,
              limit: int | None = None) -> list[Booking]:
        sql = "SELECT booking_id, version, data FROM bookings"
        where: list[str] = []
        parameters: list[object] = []
        if statuses is not None:
            where.append(f"status IN ({', '.join('?' * len(statuses))})")
            parameters.extend(s.value for s in statuses)
        if holder_id is not None:
            where.append("holder_id = ?")
            parameters.append(holder_id)
        if organism_id is not None:
            where.append("organism_id = ?")
            parameters.append(organism_id)
        if after is not None:
            where.append("booking_id > ?")
            parameters.append(after)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY booking_id"
        if limit is not None:
            sql += " LIMIT ?"
            parameters.append(limit)
        rows = self._query(sql, tuple(parameters))
        return [self._decode_booking(*row) for row in rows]

    def _account(self, account_id: str) -> Account | None:
        """A private copy of the stored account, reading only the entries not seen yet."""
        with self._lock:
            rows = self._query("SELECT holder_id, version FROM accounts WHERE account_id = ?",
                               (account_id,))
            if not rows:
                return None
            holder_id, version = rows[0]
            cached = self._accounts.get(account_id)
            if cached is None or cached.holder_id != holder_id or cached.version > version:
                cached = Account(AccountId(account_id), HolderId(holder_id))
            if cached.version < version:
                tail = self._query(
                    "SELECT position, data FROM entries WHERE account_id = ? AND position >= ? "
                    "AND position < ? ORDER BY position", (account_id, cached.version, version))
                if len(tail) != version - cached.version:
                    raise StorageError(f"store {self.path!r}: account {account_id!r} is at "
                                       f"version {version} but its ledger is incomplete")
                try:
                    entries = [entry_from_data(_loads(data), f"account {account_id} entry "
                               f"{position}") for position, data in tail]
                    cached.extend(entries)  # all or nothing; the cached account is never lent
                except (ValueError, FormationError) as error:
                    self._accounts.pop(account_id, None)
                    raise StorageError(f"store {self.path!r}: the stored ledger of account "
                                       f"{account_id!r} cannot be read ({error})") from None
            self._accounts[account_id] = cached
            return cached.copy()

    # -- writing -------------------------------------------------------------------------------
    def _transaction(self, doing: str) -> _Transaction:
        return _Transaction(self, doing)

    def _write_booking(self, db: sqlite3.Connection, read: int | None, booking: Booking) -> int:
        data = _booking_text(booking)
        if read is None:
            if db.execute("SELECT 1 FROM bookings WHERE booking_id = ?",
                          (booking.booking_id,)).fetchone():
                raise DuplicateEntry(f"folder {booking.booking_id!r} already exists")
            db.execute("INSERT INTO bookings (booking_id, holder_id, organism_id, status, "
                       "version, data) VALUES (?, ?, ?, ?, 1, ?)",
                       (booking.booking_id, booking.holder_id, booking.organism_id,
                        booking.status.value, data))
            return 1
        changed = db.execute(
            "UPDATE bookings SET holder_id = ?, organism_id = ?, status = ?, version = ?, "
            "data = ? WHERE booking_id = ? AND version = ?",
            (booking.holder_id, booking.organism_id, booking.status.value, read + 1, data,
             booking.booking_id, read))
        if changed.rowcount != 1:
            row = db.execute("SELECT version FROM bookings WHERE booking_id = ?",
                             (booking.booking_id,)).fetchone()
            if row is None:
                raise ConflictError(f"folder {booking.booking_id!r} was removed meanwhile")
            raise ConflictError(
                f"folder {booking.booking_id!r} is at version {row[0]}, this change was based "
                f"on version {read}: reload and retry")
        return read + 1

    def _write_account(self, db: sqlite3.Connection, read: int | None, account: Account,
                       raw: list[Any] | None = None) -> None:
        """Write a new account (``read`` is ``None``) or the entries appended since ``read``.

        ``raw``: for a new account, the data its entries were decoded from, stored as it is.
        """
        account_id = account.account_id
        if read is None:
            if db.execute("SELECT 1 FROM accounts WHERE account_id = ?",
                          (account_id,)).fetchone():
                raise DuplicateEntry(f"account {account_id!r} already exists")
            db.execute("INSERT INTO accounts (account_id, holder_id, version) VALUES (?, ?, ?)",
                       (account_id, account.holder_id, account.version))
            if raw is not None and len(raw) == account.version:
                db.executemany(
                    "INSERT INTO entries (account_id, position, entry_id, data) "
                    "VALUES (?, ?, ?, ?)",
                    ((account_id, position, e.entry_id, _dumps(data))
                     for position, (e, data) in enumerate(zip(account.entries, raw,
                                                              strict=True))))
            else:
                self._insert_entries(db, account_id, 0, account.entries)
            return
        new = account.entries[read:]
        if not new:
            return
        moved = db.execute("UPDATE accounts SET version = ? WHERE account_id = ? AND version = ?",
                           (read + len(new), account_id, read))
        if moved.rowcount == 1:
            self._insert_entries(db, account_id, read, new)
            return
        # the ledger moved on: a no-op if every new entry is stored already, identical
        stored = {}
        for entry in new:
            row = db.execute("SELECT data FROM entries WHERE account_id = ? AND entry_id = ?",
                             (account_id, entry.entry_id)).fetchone()
            if row is not None:
                stored[entry.entry_id] = entry_from_data(_loads(row[0]))
        if all(stored.get(e.entry_id) == e for e in new):
            return
        clash = next((e for e in new if e.entry_id in stored and stored[e.entry_id] != e), None)
        if clash is not None:
            raise DuplicateEntry(f"account {account_id!r} already has another entry "
                                 f"{clash.entry_id!r}")
        row = db.execute("SELECT version FROM accounts WHERE account_id = ?",
                         (account_id,)).fetchone()
        have = 0 if row is None else row[0]
        raise ConflictError(f"account {account_id!r} is at version {have}, this change was "
                            f"based on version {read}: reload and retry")

    @staticmethod
    def _insert_entries(db: sqlite3.Connection, account_id: str, start: int,
                        entries: Iterable[Entry]) -> None:
        db.executemany(
            "INSERT INTO entries (account_id, position, entry_id, data) VALUES (?, ?, ?, ?)",
            ((account_id, position, e.entry_id, entry_text(e))
             for position, e in enumerate(entries, start)))

    # -- the catalogue ---------------------------------------------------------------------------
    @property
    def catalog(self) -> CatalogIndex:
        """The search index of the stored catalogue (rebuilt if it changed since it was built)."""
        self._refresh_catalog()
        assert self._catalog is not None  # built by _refresh_catalog
        return self._catalog

    def _refresh_catalog(self) -> None:
        with self._lock:
            counters = dict(self._query("SELECT name, value FROM counters"))
            version, ratings = counters["catalog"], counters.get("ratings", 0)
            if self._catalog is not None and version == self._catalog_version:
                if ratings != self._ratings_version:
                    self._rate(self._catalog, self._ratings_version)
                    self._ratings_version = ratings
                return
            # Reading a catalogue makes millions of small objects, all kept: the cyclic
            # garbage collector would walk them again and again (a third of the time) and
            # find nothing to free, so it waits until the index is built.
            collecting = gc.isenabled()
            gc.disable()
            try:
                offers, sessions = self._load_catalog()
                try:
                    catalog = CatalogIndex(offers, sessions, rulebook=self._rulebook,
                                           ratings=self._ratings(None, DEFAULT_PRIOR))
                except FormationError as error:
                    raise StorageError(f"store {self.path!r}: the stored catalogue is not "
                                       f"consistent ({error})") from None
            finally:
                if collecting:
                    gc.enable()
            self._catalog = catalog
            self._catalog_version, self._ratings_version = version, ratings

    def _rate(self, catalog: CatalogIndex, since: int | None) -> None:
        """Give ``catalog`` the ratings of the offers whose reviews were written after change
        ``since``."""
        for offer_id, rating in self._ratings(since, catalog.prior).items():
            catalog.set_rating(offer_id, *rating)

    def _ratings(self, since: int | None, prior: RatingPrior
                 ) -> dict[OfferId, tuple[Fraction, int, Fraction]]:
        """The ratings the stored reviews give (mean, count, ranking score): of every offer
        (``since`` is ``None``), or of those whose reviews were written after change ``since``.

        The same arithmetic as :attr:`RatingSummary.ranking_score`: the exact mean of the
        reviews' overall ratings and :func:`bayesian_average`, from sums taken in SQL.
        """
        if not self._query("SELECT 1 FROM sqlite_master WHERE name = 'reviews'"):
            return {}  # a schema before reviews (tests)
        total = " + ".join(criterion.value for criterion in Criterion)
        sql = f"SELECT offer_id, COUNT(*), SUM({total}) FROM reviews"
        parameters: tuple[object, ...] = ()
        if since is not None:
            sql += (" WHERE offer_id IN (SELECT DISTINCT offer_id FROM reviews "
                    "WHERE change > ?)")
            parameters = (since,)
        found = {}
        try:
            for offer_id, count, points in self._query(sql + " GROUP BY offer_id", parameters):
                mean = Fraction(points, len(Criterion) * count)
                found[OfferId(offer_id)] = (mean, count, bayesian_average(mean, count, prior))
        except (TypeError, ValueError, FormationError) as error:
            raise StorageError(f"store {self.path!r}: the stored reviews cannot be summed "
                               f"({error})") from None
        return found

    def _load_catalog(self) -> tuple[list[Offer], list[Session]]:
        try:
            parts = dict(self._query("SELECT part_id, data FROM catalog_parts"))
            return catalog_from_rows(parts, self._query(_SELECT_OFFERS),
                                     self._query(_SELECT_SESSIONS))
        except (ValueError, TypeError, KeyError, FormationError) as error:
            raise StorageError(f"store {self.path!r}: the stored catalogue cannot be read "
                               f"({error})") from None

    def save_catalog(self, offers: Iterable[Offer] = (), sessions: Iterable[Session] = ()) -> None:
        """Store offers and sessions (replacing those with the same ids), all or nothing.

        Raises:
            InvalidValue: not offers and sessions.
            NotFound: a session of an offer neither stored nor given.
        """
        offers, sessions = catalog_changes(offers, sessions)
        with self._lock:
            with self._transaction("saving the catalogue") as db:
                before = db.execute("SELECT value FROM counters WHERE name = 'catalog'"
                                    ).fetchone()[0]
                self._put_catalog(db, offers, sessions, replace=True)
            if self._catalog is not None and before == self._catalog_version:
                # nobody changed the catalogue in between: the index follows in place
                try:
                    index_catalog_changes(self._catalog, offers, sessions)
                    self._catalog_version = before + 1
                except FormationError:
                    self._catalog = None  # rebuilt from the file when next read

    def _put_catalog(self, db: sqlite3.Connection, offers: list[Offer], sessions: list[Session],
                     *, replace: bool) -> None:
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        try:
            part = _PartWriter(db)
            db.executemany(f"{verb} INTO offers ({_OFFER_NAMES}) VALUES "
                           f"({', '.join('?' * len(OFFER_COLUMNS))})",
                           [offer_to_row(o, part) for o in offers])
            db.executemany(f"{verb} INTO sessions ({_SESSION_NAMES}) VALUES "
                           f"({', '.join('?' * len(SESSION_COLUMNS))})",
                           [session_to_row(s, part) for s in sessions])
        except sqlite3.IntegrityError as error:
            raise DuplicateEntry(f"an offer or a session is stored already ({error})") from None
        known = {s.offer_id for s in sessions}
        for offer_id in known - {o.offer_id for o in offers}:
            if not db.execute("SELECT 1 FROM offers WHERE offer_id = ?", (offer_id,)).fetchone():
                raise NotFound(f"a session names offer {offer_id!r}, which is not stored")
        db.execute("UPDATE counters SET value = value + 1 WHERE name = 'catalog'")

    # -- holders, reviews, consent requests ---------------------------------------------------
    def _record(self, kind: RecordKind[R], key: str) -> tuple[int, R] | None:
        table, id_column, _ = _table(kind)
        names = ", ".join(("version", "data", *_table(kind)[2]))
        rows = self._query(f"SELECT {names} FROM {table} WHERE {id_column} = ?", (key,))
        if not rows:
            return None
        row: list[Any] = list(rows[0])
        return row[0], self._decode_record(kind, key, row[0], row[1], row[2:])

    def _find_records(self, kind: RecordKind[R],
                      filters: dict[str, str]) -> list[tuple[str, R]]:
        table, id_column, _ = _table(kind)
        names = ", ".join((id_column, "version", "data", *_table(kind)[2]))
        sql = f"SELECT {names} FROM {table}"
        if filters:
            sql += " WHERE " + " AND ".join(f"{name} = ?" for name in filters)
        rows: list[list[Any]] = [list(row) for row in self._query(
            sql + f" ORDER BY {id_column}", tuple(filters.values()))]
        return [(row[0], self._decode_record(kind, row[0], row[1], row[2], row[3:]))
                for row in rows]

    def _decode_record(self, kind: RecordKind[R], key: str, version: int, data: str,
                       values: list[Any]) -> R:
        cached = self._records.get((kind.name, key))
        if cached is not None and cached[0] == version and isinstance(cached[1], kind.record):
            return cached[1]
        where = f"{kind.noun} {key}"
        try:
            record: R = from_data(kind.record, _loads(data), where)
            columns = _table(kind)[2]
            differ = [name for name, value in zip(columns, values, strict=True)
                      if _column_value(record, name) != value]
            if type(version) is not int or differ or record_id(kind, key, record) != key:
                raise InvalidValue(f"its columns ({', '.join(differ) or 'id, version'}) do "
                                   "not match its document")
        except (ValueError, TypeError, FormationError) as error:
            raise StorageError(f"store {self.path!r}: the stored {where!r} cannot be read "
                               f"({error})") from None
        self._records[(kind.name, key)] = (version, record)
        return record

    def _write_record(self, db: sqlite3.Connection, kind: RecordKind[Any], key: str,
                      read: int | None, record: object, change: int) -> int:
        table, id_column, columns = _table(kind)
        values = [_column_value(record, name) for name in columns]
        data = _dumps(to_data(record))
        extra = ("change",) if kind is REVIEWS else ()
        extra_values = (change,) if kind is REVIEWS else ()
        if read is None:
            names = (id_column, *columns, *extra, "version", "data")
            try:
                db.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                           f"({', '.join('?' * len(names))})",
                           (key, *values, *extra_values, 1, data))
            except sqlite3.IntegrityError:
                if kind is REVIEWS and isinstance(record, Review):
                    raise DuplicateEntry(f"review {key!r} or another review of folder "
                                         f"{record.booking_id!r} exists already") from None
                raise DuplicateEntry(f"{kind.noun} {key!r} already exists") from None
            return 1
        assignments = ", ".join(f"{name} = ?" for name in (*columns, *extra, "version", "data"))
        changed = db.execute(
            f"UPDATE {table} SET {assignments} WHERE {id_column} = ? AND version = ?",
            (*values, *extra_values, read + 1, data, key, read))
        if changed.rowcount != 1:
            row = db.execute(f"SELECT version FROM {table} WHERE {id_column} = ?",
                             (key,)).fetchone()
            if row is None:
                raise ConflictError(f"{kind.noun} {key!r} was removed meanwhile")
            raise ConflictError(f"{kind.noun} {key!r} is at version {row[0]}, this change was "
                                f"based on version {read}: reload and retry")
        return read + 1

    # -- seats -----------------------------------------------------------------------------------
    def _seat_holders(self, session_id: str) -> frozenset[BookingId]:
        rows = self._query("SELECT booking_id FROM seats WHERE session_id = ?", (session_id,))
        return frozenset(BookingId(booking_id) for (booking_id,) in rows)

    def _write_seats(self, db: sqlite3.Connection, takes: dict[str, set[str]],
                     returns: dict[str, set[str]]) -> None:
        """Give back and take seats; a session left with more seats taken than it offers is
        ``RuleViolation`` ``booking.session_full`` (the transaction then writes nothing)."""
        for session_id, folders in sorted(returns.items()):
            db.executemany("DELETE FROM seats WHERE session_id = ? AND booking_id = ?",
                           [(session_id, booking_id) for booking_id in sorted(folders)])
        for session_id, folders in sorted(takes.items()):
            added = 0
            for booking_id in sorted(folders):
                added += db.execute("INSERT OR IGNORE INTO seats (session_id, booking_id) "
                                    "VALUES (?, ?)", (session_id, booking_id)).rowcount
            if not added:
                continue
            row = db.execute("SELECT seats FROM sessions WHERE session_id = ?",
                             (session_id,)).fetchone()
            if row is None:
                raise NotFound(f"no session {session_id!r} in the stored catalogue")
            offered = row[0]
            if offered is not None and (type(offered) is not int or offered < 0):
                raise StorageError(f"store {self.path!r}: the stored session {session_id!r} "
                                   f"cannot be read (seats {offered!r})")
            taken = db.execute("SELECT COUNT(*) FROM seats WHERE session_id = ?",
                               (session_id,)).fetchone()[0]
            if offered is not None and taken > offered:
                raise session_full(session_id, taken - added, offered)

    # -- export and import -----------------------------------------------------------------------
    def export_documents(self) -> Iterator[dict[str, Any]]:
        """Every record of the store as a codec document: offers, sessions, accounts, folders,
        then holders, reviews, consent requests and seats.

        Folders keep their version; accounts carry every entry. Holders, reviews and consent
        requests are ``{"type": "Stored", "data": {"kind", "id", "version", "record"}}``
        documents (a record with its id and version), a seat ``{"type": "Seat", "data":
        {"session_id", "booking_id"}}``. The documents of one export are read from one snapshot
        of the file.
        """
        with self._lock:
            try:
                self._db.execute("BEGIN")
                try:
                    parts = dict(self._db.execute("SELECT part_id, data FROM catalog_parts"))
                    for n, row in enumerate(self._db.execute(
                            f"{_SELECT_OFFERS} ORDER BY offer_id"), 1):
                        yield {"type": "Offer", "version": SCHEMA_VERSION,
                               "data": offer_row_data(row, parts, f"offer {n}")}
                    for n, row in enumerate(self._db.execute(
                            f"{_SELECT_SESSIONS} ORDER BY session_id"), 1):
                        yield {"type": "Session", "version": SCHEMA_VERSION,
                               "data": session_row_data(row, parts, f"session {n}")}
                    accounts = self._db.execute(
                        "SELECT account_id, holder_id FROM accounts ORDER BY account_id"
                    ).fetchall()
                    for account_id, holder_id in accounts:
                        entries = [_loads(data) for (data,) in self._db.execute(
                            "SELECT data FROM entries WHERE account_id = ? ORDER BY position",
                            (account_id,))]
                        yield {"type": "Account", "version": SCHEMA_VERSION,
                               "data": {"account_id": account_id, "holder_id": holder_id,
                                        "entries": entries}}
                    for version, data in self._db.execute(
                            "SELECT version, data FROM bookings ORDER BY booking_id"):
                        record = _loads(data)
                        record["version"] = version
                        yield {"type": "Booking", "version": SCHEMA_VERSION, "data": record}
                    for kind in KINDS:
                        table, id_column, _ = _table(kind)
                        for key, version, data in self._db.execute(
                                f"SELECT {id_column}, version, data FROM {table} "
                                f"ORDER BY {id_column}"):
                            yield {"type": "Stored", "version": SCHEMA_VERSION,
                                   "data": {"kind": kind.name, "id": key, "version": version,
                                            "record": _loads(data)}}
                    for session_id, booking_id in self._db.execute(
                            "SELECT session_id, booking_id FROM seats "
                            "ORDER BY session_id, booking_id"):
                        yield {"type": "Seat", "version": SCHEMA_VERSION,
                               "data": {"session_id": session_id, "booking_id": booking_id}}
                finally:
                    self._db.execute("COMMIT")
            except sqlite3.Error as error:
                raise _storage_error(error, self.path, "exporting") from None

    def export_lines(self) -> Iterator[str]:
        """:meth:`export_documents` as JSON lines (one document a line, no newline inside)."""
        for document in self.export_documents():
            yield _dumps(document) + "\n"

    def import_documents(self, documents: Iterable[object]) -> ImportSummary:
        """Store every record of ``documents`` (codec documents), all or nothing.

        Each document is decoded with every check (an account's ledger is replayed), so a
        bad document stores nothing. Records already stored are not replaced.

        Raises:
            InvalidValue: a bad document; the message names it (``document 12``) and the path of
                the bad field.
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
                    yield number, _loads(line)
                except ValueError as error:
                    raise InvalidValue(f"line {number}: not a JSON document ({error})") from None
        return self._import(parsed())

    def _import(self, documents: Iterable[tuple[int | None, object]]) -> ImportSummary:
        counts = dict.fromkeys((f.name for f in attrs.fields(ImportSummary)), 0)
        offers: list[Offer] = []
        sessions: list[Session] = []
        with self._lock:
            # Every entry is inserted after its account in the same transaction, so the
            # foreign-key lookups are skipped while importing (set outside any transaction).
            self._pragma("foreign_keys = OFF", "importing")
            try:
                return self._import_all(documents, counts, offers, sessions)
            finally:
                self._pragma("foreign_keys = ON", "importing")

    def _pragma(self, setting: str, doing: str) -> None:
        try:
            self._db.execute(f"PRAGMA {setting}")
        except sqlite3.Error as error:
            raise _storage_error(error, self.path, doing) from None

    def _import_all(self, documents: Iterable[tuple[int | None, object]],
                    counts: dict[str, int], offers: list[Offer],
                    sessions: list[Session]) -> ImportSummary:
        with self._transaction("importing") as db:
            for index, (line, document) in enumerate(documents, 1):
                where = f"line {line}" if line is not None else f"document {index}"
                plain = self._plain_account(document)
                if plain is not None:
                    try:
                        self._write_plain_account(db, *plain)
                    except DuplicateEntry as error:
                        raise DuplicateEntry(f"{where}: {error}") from None
                    counts["accounts"] += 1
                    counts["entries"] += len(plain[2])
                    continue
                extra = self._import_extra(db, document, where)
                if extra is not None:
                    counts[extra] += 1
                    continue
                try:
                    record, raw = self._decode_document(document)
                except InvalidValue as error:
                    raise InvalidValue(f"{where}: {error}") from None
                try:
                    if isinstance(record, Account):
                        self._write_account(db, None, record, raw)
                        counts["accounts"] += 1
                        counts["entries"] += record.version
                    elif isinstance(record, Booking):
                        self._import_booking(db, record)
                        counts["bookings"] += 1
                    elif isinstance(record, Offer):
                        offers.append(record)
                    elif isinstance(record, Session):
                        sessions.append(record)
                    else:
                        raise InvalidValue(f"a store holds offers, sessions, accounts and "
                                           f"folders, not {type(record).__name__}")
                except (InvalidValue, DuplicateEntry) as error:
                    raise type(error)(f"{where}: {error}") from None
            if counts["reviews"]:  # other processes rate the imported reviews' offers
                db.execute("UPDATE counters SET value = value + 1 WHERE name = 'ratings'")
                db.execute("UPDATE reviews SET change = (SELECT value FROM counters "
                           "WHERE name = 'ratings') WHERE change = 0")
            if offers or sessions:
                self._put_catalog(db, offers, sessions, replace=False)
            counts["offers"], counts["sessions"] = len(offers), len(sessions)
        return ImportSummary(**counts)

    def _import_extra(self, db: sqlite3.Connection, document: object,
                      where: str) -> str | None:
        """Store a ``Stored`` or a ``Seat`` document; the kind counted, or ``None`` for another
        document."""
        if not isinstance(document, dict) or document.get("type") not in ("Stored", "Seat"):
            return None
        version, data = document.get("version"), document.get("data")
        if set(document) != _DOCUMENT_KEYS or type(version) is not int or \
                not 1 <= version <= SCHEMA_VERSION or not isinstance(data, dict):
            raise InvalidValue(f"{where}: a {document['type']} document has type, a version "
                               f"from 1 to {SCHEMA_VERSION} and an object as data")
        if document["type"] == "Seat":
            if set(data) != {"session_id", "booking_id"} or \
                    not all(isinstance(v, str) and v for v in data.values()):
                raise InvalidValue(f"{where}: a seat is {{'session_id': ..., 'booking_id': ...}}"
                                   f", got {data!r}")
            try:
                db.execute("INSERT INTO seats (session_id, booking_id) VALUES (?, ?)",
                           (data["session_id"], data["booking_id"]))
            except sqlite3.IntegrityError:
                raise DuplicateEntry(f"{where}: the seat of folder {data['booking_id']!r} in "
                                     f"session {data['session_id']!r} is stored already"
                                     ) from None
            return "seats"
        kind = next((k for k in KINDS if k.name == data.get("kind")), None)
        key, stored = data.get("id"), data.get("version")
        if kind is None or set(data) != {"kind", "id", "version", "record"} or \
                not isinstance(key, str) or not key or type(stored) is not int or stored < 1:
            raise InvalidValue(f"{where}: a Stored document's data is {{'kind': one of "
                               f"{', '.join(k.name for k in KINDS)}, 'id': ..., 'version': a "
                               f"positive integer, 'record': ...}}, got {data!r}")
        record = from_data(kind.record, data["record"], f"{where}.data.record")
        if record_id(kind, key, record) != key:
            raise InvalidValue(f"{where}: the {kind.noun} is {record_id(kind, '', record)!r}, "
                               f"not {key!r}")
        try:
            self._write_record(db, kind, key, None, record, 0)
        except DuplicateEntry as error:
            raise DuplicateEntry(f"{where}: {error}") from None
        table, id_column, _ = _table(kind)
        db.execute(f"UPDATE {table} SET version = ? WHERE {id_column} = ?", (stored, key))
        return kind.name

    @staticmethod
    def _plain_account(document: object) -> tuple[str, str, list[tuple[str, str]]] | None:
        """The rows of a common account document (see :func:`plain_account_rows`), or None."""
        if document.__class__ is dict and document.keys() == _DOCUMENT_KEYS and \
                document.get("type") == "Account" and \
                document["version"].__class__ is int and 1 <= document["version"] <= \
                SCHEMA_VERSION:
            return plain_account_rows(document["data"])
        return None

    @staticmethod
    def _write_plain_account(db: sqlite3.Connection, account_id: str, holder_id: str,
                             rows: list[tuple[str, str]]) -> None:
        if db.execute("SELECT 1 FROM accounts WHERE account_id = ?", (account_id,)).fetchone():
            raise DuplicateEntry(f"account {account_id!r} already exists")
        db.execute("INSERT INTO accounts (account_id, holder_id, version) VALUES (?, ?, ?)",
                   (account_id, holder_id, len(rows)))
        db.executemany(
            "INSERT INTO entries (account_id, position, entry_id, data) VALUES (?, ?, ?, ?)",
            [(account_id, position, entry_id, text)
             for position, (entry_id, text) in enumerate(rows)])

    @staticmethod
    def _decode_document(document: object) -> tuple[object, list[Any] | None]:
        """The record, and for an account the entries' data as given (stored as they are)."""
        if isinstance(document, dict) and document.get("type") == "Account" and \
                set(document) == {"type", "version", "data"}:
            version = document["version"]
            if type(version) is not int or not 1 <= version <= SCHEMA_VERSION:
                return CODEC.decode(document), None  # the codec names the problem
            account = account_from_data(document["data"])
            return account, document["data"]["entries"]
        return CODEC.decode(document), None

    @staticmethod
    def _import_booking(db: sqlite3.Connection, booking: Booking) -> None:
        if booking.version < 1:
            raise InvalidValue(f"folder {booking.booking_id!r}: a stored folder has version 1 "
                               f"or more, got {booking.version}")
        data = _booking_text(booking)
        try:
            db.execute("INSERT INTO bookings (booking_id, holder_id, organism_id, status, "
                       "version, data) VALUES (?, ?, ?, ?, ?, ?)",
                       (booking.booking_id, booking.holder_id, booking.organism_id,
                        booking.status.value, booking.version, data))
        except sqlite3.IntegrityError:
            raise DuplicateEntry(f"folder {booking.booking_id!r} already exists") from None

    # -- sizes -------------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """How many records of each kind the store holds."""
        return {table: int(self._query(f"SELECT COUNT(*) FROM {table}")[0][0])
                for table in (f.name for f in attrs.fields(ImportSummary))}


_BOOKING_FIELDS = tuple((f.alias or f.name, f.name) for f in attrs.fields(Booking)
                        if f.init and f.name not in ("plan", "history", "version"))


class _PartWriter:
    """Numbers a catalogue part (its JSON text), storing it if new: ``part(data) -> number``."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._numbers: dict[str, int] | None = None

    def __call__(self, data: object) -> int:
        if self._numbers is None:  # read once, when the first part is asked for
            self._numbers = dict(self._db.execute("SELECT data, part_id FROM catalog_parts"))
        text = _dumps(data)
        number = self._numbers.get(text)
        if number is None:
            cursor = self._db.execute("INSERT INTO catalog_parts (data) VALUES (?)", (text,))
            number = self._numbers[text] = int(cursor.lastrowid or 0)
        return number


@functools.lru_cache(maxsize=1 << 14)
def _transition_text(transition: Transition, offset: object) -> str:
    """A transition's JSON text; a folder's history only grows, so each is encoded once.

    ``offset`` (the instant's UTC offset, which its text keeps) is part of the key: instants
    equal across offsets are equal records, not equal texts.
    """
    return _dumps(to_data(transition))


@functools.lru_cache(maxsize=1 << 12)
def _plan_text(plan: FundingPlan) -> str:
    return _dumps(CODEC.encode(plan)["data"])


def _booking_text(booking: Booking) -> str:
    """A folder's JSON text as stored (the data of :func:`booking_to_data` without the
    version, kept in a column of its own)."""
    head = _dumps({key: to_data(getattr(booking, name)) for key, name in _BOOKING_FIELDS})
    plan = "null" if booking.plan is None else _plan_text(booking.plan)
    history = ",".join(_transition_text(t, t.at.utcoffset()) for t in booking.history)
    return f'{head[:-1]},"plan":{plan},"history":[{history}]}}'


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` under the store's lock; any error rolls everything back."""

    def __init__(self, store: SqliteStore, doing: str) -> None:
        self._store = store
        self._doing = doing

    def __enter__(self) -> sqlite3.Connection:
        store = self._store
        store._lock.acquire()
        try:
            store._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            store._lock.release()
            raise _storage_error(error, store.path, self._doing) from None
        except BaseException:
            store._lock.release()
            raise
        return store._db

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        store = self._store
        try:
            if kind is None:
                try:
                    store._db.execute("COMMIT")
                    return
                except sqlite3.Error as failure:
                    _rollback(store._db)
                    raise _storage_error(failure, store.path, self._doing) from None
            _rollback(store._db)
            if isinstance(error, sqlite3.Error):
                raise _storage_error(error, store.path, self._doing) from None
        finally:
            store._lock.release()








def _rollback(db: sqlite3.Connection) -> None:
    try:
        if db.in_transaction:
            db.execute("ROLLBACK")
    except sqlite3.Error:
        pass  # SQLite rolled back on its own (a full disk, an I/O error)


# -- the unit of work ------------------------------------------------------------------------

class SqliteUnitOfWork(DurableUnitOfWork):
    """One atomic change on a :class:`SqliteStore`: one SQLite transaction at commit."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        super().__init__(store)

    def commit(self) -> None:
        """Write everything staged in one transaction, all or nothing.

        Raises:
            ConflictError: a folder or an account moved on since this unit read it.
            DuplicateEntry: a new folder or account whose id was stored in the meantime.
            RuleViolation: ``booking.session_full``, other units took the last seats of a
                session this unit takes one of.
            StorageError: the file could not be written (nothing was).
        """
        store = self._store
        saved: dict[str, Booking] = {}
        takes, returns = self._seat_changes()
        records = list(self._staged_records())
        written: list[tuple[RecordKind[Any], str, int, object]] = []
        with store._transaction("committing") as db:
            for booking_id, (read, booking) in sorted(self._staged_bookings.items()):
                version = store._write_booking(db, read, booking)
                saved[booking_id] = attrs.evolve(booking, version=version)
            for account_id in sorted(self._saved_accounts):
                read_length, account = self._loaded_accounts[account_id]
                store._write_account(db, read_length, account)
            store._write_seats(db, takes, returns)
            change = 0
            if any(kind is REVIEWS for kind, *_ in records):
                db.execute("UPDATE counters SET value = value + 1 WHERE name = 'ratings'")
                change = db.execute("SELECT value FROM counters WHERE name = 'ratings'"
                                    ).fetchone()[0]
            for kind, key, read, record in records:
                version = store._write_record(db, kind, key, read, record, change)
                written.append((kind, key, version, record))
        for booking_id, booking in saved.items():
            store._bookings[booking_id] = (booking.version, booking)
        for kind, key, version, record in written:
            store._records[(kind.name, key)] = (version, record)
        if change and store._catalog is not None:
            store._refresh_catalog()  # this unit's ratings, in place
        self.committed = True
        self.rollback()
