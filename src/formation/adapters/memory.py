"""``MemoryStore``: the ports of :mod:`formation.ports` in memory, with optimistic versions.

A fake that is a real adapter (Cosmic Python): the services, the tests and the notebooks use it
exactly as they would use the SQLite store, and it passes the same contract. It is safe to share
between threads: a unit of work reads copies and stages its changes without a lock; only
:meth:`MemoryUnitOfWork.commit` takes the store's lock, checks every version it read, and applies
everything or nothing.

- A folder's version is :attr:`~formation.bookings.Booking.version`: saving a folder read at
  version v stores it at v + 1; a save based on a version someone else moved on since is a
  :class:`~formation.errors.ConflictError`.
- An account's version is the length of its ledger: the unit of work appends the entries added
  since it read the account, only if no one appended in between — or, if every one of them is
  stored already, identical, it appends nothing (appends are idempotent by entry id: the retry
  of a commit whose answer was lost).
- The catalogue (:meth:`MemoryStore.save_catalog`) is kept with its search index
  (:attr:`MemoryStore.catalog`, updated in place), and the seats of each session by folder: the
  commit counts them again under the lock, so that no session ever has more seats taken than
  it offers.
- Holders, reviews and consent requests are kept by id with a version each; a committed review
  updates its offer's rating in the index at once.

>>> from formation.accounts import Account
>>> from formation.ids import AccountId, HolderId
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     uow.accounts.add(Account(AccountId("A1"), HolderId("H1")))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     uow.accounts.get(AccountId("A1")).holder_id
'H1'
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import attrs

from formation.accounts import Account
from formation.adapters._staging import (
    REVIEWS,
    R,
    RecordKind,
    StagingUnitOfWork,
    catalog_changes,
    check_rules,
    index_catalog_changes,
    session_full,
)
from formation.bookings import Booking, BookingStatus
from formation.calendar.business_days import BusinessCalendar
from formation.catalog.offers import Offer, Session
from formation.errors import ConflictError, DuplicateEntry, NotFound
from formation.ids import AccountId, BookingId, HolderId, OfferId
from formation.ledger import Entry
from formation.reviews import RatingSummary, Review
from formation.rules.rulebook import Rulebook
from formation.search import CatalogIndex

__all__ = ["MemoryStore", "MemoryUnitOfWork"]


class MemoryStore:
    """Folders, accounts and the catalogue in memory, shared safely between threads (see the
    module doc).

    Args:
        rulebook: the legal parameters the services apply on this store (default:
            :meth:`Rulebook.default`).
        calendar: the business days its deadlines are counted in (default: metropolitan
            France).
    """

    def __init__(self, *, rulebook: Rulebook | None = None,
                 calendar: BusinessCalendar | None = None) -> None:
        self._rulebook, self._calendar = check_rules(rulebook, calendar)
        self._lock = threading.RLock()
        self._bookings: dict[str, Booking] = {}
        self._accounts: dict[str, tuple[AccountId, HolderId, tuple[Entry, ...]]] = {}
        self._offers: dict[str, Offer] = {}
        self._sessions: dict[str, Session] = {}
        self._seats: dict[str, frozenset[BookingId]] = {}
        # kind name -> record id -> (version, record)
        self._records: dict[str, dict[str, tuple[int, object]]] = {
            "holders": {}, "reviews": {}, "consents": {}}
        self._catalog = CatalogIndex(rulebook=self._rulebook)

    def _rate(self, offer_ids: Iterable[str]) -> None:
        """Give the index the ratings the stored reviews of these offers give (under the lock)."""
        reviews = self._records["reviews"]
        for offer_id in offer_ids:
            summary = RatingSummary.of(
                [r.scores for _, r in reviews.values()
                 if isinstance(r, Review) and r.offer_id == offer_id], self._catalog.prior)
            self._catalog.set_rating(OfferId(offer_id), summary.mean(), summary.count,
                                     summary.ranking_score)

    @property
    def rulebook(self) -> Rulebook:
        """The legal parameters the services apply on this store."""
        return self._rulebook

    @property
    def calendar(self) -> BusinessCalendar:
        """The business days deadlines are counted in on this store."""
        return self._calendar

    @property
    def catalog(self) -> CatalogIndex:
        """The search index of the stored catalogue (kept up to date in place)."""
        return self._catalog

    def save_catalog(self, offers: Iterable[Offer] = (),
                     sessions: Iterable[Session] = ()) -> None:
        """Store offers and sessions (replacing those with the same ids), all or nothing.

        Raises:
            InvalidValue: not offers and sessions.
            NotFound: a session of an offer neither stored nor given.
        """
        new_offers, new_sessions = catalog_changes(offers, sessions)
        with self._lock:
            given = {o.offer_id for o in new_offers}
            for session in new_sessions:
                if session.offer_id not in given and session.offer_id not in self._offers:
                    raise NotFound(f"a session names offer {session.offer_id!r}, which is "
                                   "not stored")
            index_catalog_changes(self._catalog, new_offers, new_sessions)
            self._offers.update((o.offer_id, o) for o in new_offers)
            self._sessions.update((s.session_id, s) for s in new_sessions)

    def unit_of_work(self) -> MemoryUnitOfWork:
        """A new unit of work on this store."""
        return MemoryUnitOfWork(self)

    # -- reads used by units of work (under the lock, copies out) --------------------------
    def _booking(self, booking_id: str) -> Booking | None:
        with self._lock:
            return self._bookings.get(booking_id)

    def _all_bookings(self) -> tuple[Booking, ...]:
        with self._lock:
            return tuple(self._bookings[k] for k in sorted(self._bookings))

    def _account(self, account_id: str) -> tuple[AccountId, HolderId, tuple[Entry, ...]] | None:
        with self._lock:
            return self._accounts.get(account_id)


class MemoryUnitOfWork(StagingUnitOfWork):
    """One atomic change on a :class:`MemoryStore` (see :class:`formation.ports.UnitOfWork`)."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        super().__init__()

    def _stored_booking(self, booking_id: str) -> Booking | None:
        return self._store._booking(booking_id)

    def _stored_bookings(self, statuses: frozenset[BookingStatus] | None,
                         holder_id: str | None, organism_id: str | None = None,
                         after: str | None = None,
                         limit: int | None = None) -> tuple[Booking, ...]:
        found = tuple(
            b for b in self._store._all_bookings()
            if (statuses is None or b.status in statuses)
            and (holder_id is None or b.holder_id == holder_id)
            and (organism_id is None or b.organism_id == organism_id)
            and (after is None or b.booking_id > after)
        )
        return found[:limit]

    def _stored_account(self, account_id: str) -> Account | None:
        found = self._store._account(account_id)
        return None if found is None else Account(found[0], found[1], found[2])

    def _stored_seat_holders(self, session_id: str) -> frozenset[BookingId]:
        with self._store._lock:
            return self._store._seats.get(session_id, frozenset())

    def _catalog_index(self) -> CatalogIndex:
        return self._store._catalog

    def _stored_record(self, kind: RecordKind[R], key: str) -> tuple[int, R] | None:
        with self._store._lock:
            found = self._store._records[kind.name].get(key)
        if found is None:
            return None
        version, record = found
        if not isinstance(record, kind.record):  # pragma: no cover - only the store writes it
            raise TypeError(f"{kind.noun} {key!r} holds {record!r}")
        return version, record

    def _stored_records(self, kind: RecordKind[R],
                        filters: dict[str, str]) -> list[tuple[str, R]]:
        with self._store._lock:
            stored = list(self._store._records[kind.name].items())
        found = []
        for key, (_, record) in stored:
            if isinstance(record, kind.record) and \
                    all(getattr(record, name) == value for name, value in filters.items()):
                found.append((key, record))
        return found

    def commit(self) -> None:
        """Apply everything staged, all or nothing.

        Raises:
            ConflictError: a folder or an account moved on since this unit read it.
            DuplicateEntry: a new folder or account whose id was stored in the meantime.
            RuleViolation: ``booking.session_full``, other units took the last seats of a
                session this unit takes one of.
        """
        store = self._store
        takes, returns = self._seat_changes()
        with store._lock:
            # 1. check everything
            for booking_id, (read, _booking) in self._staged_bookings.items():
                current = store._bookings.get(booking_id)
                if read is None:
                    if current is not None:
                        raise DuplicateEntry(f"folder {booking_id!r} already exists")
                elif current is None:
                    raise ConflictError(f"folder {booking_id!r} was removed meanwhile")
                elif current.version != read:
                    raise ConflictError(
                        f"folder {booking_id!r} is at version {current.version}, this change "
                        f"was based on version {read}: reload and retry")
            replayed: set[str] = set()
            for account_id in self._saved_accounts:
                read_length, account = self._loaded_accounts[account_id]
                stored = store._accounts.get(account_id)
                if read_length is None:
                    if stored is not None:
                        raise DuplicateEntry(f"account {account_id!r} already exists")
                elif stored is not None and len(stored[2]) != read_length and \
                        _stored_already(stored[2], account.entries[read_length:]):
                    replayed.add(account_id)  # a retried append: every entry is there
                elif stored is None or len(stored[2]) != read_length:
                    have = 0 if stored is None else len(stored[2])
                    raise ConflictError(
                        f"account {account_id!r} is at version {have}, this change was based "
                        f"on version {read_length}: reload and retry")
            staged = list(self._staged_records())
            folders_reviewed = {r.booking_id: key for key, (_, r) in
                                store._records["reviews"].items() if isinstance(r, Review)}
            for kind, key, read, record in staged:
                kept = store._records[kind.name].get(key)
                if read is None:
                    if kept is not None:
                        raise DuplicateEntry(f"{kind.noun} {key!r} already exists")
                elif kept is None:
                    raise ConflictError(f"{kind.noun} {key!r} was removed meanwhile")
                elif kept[0] != read:
                    raise ConflictError(
                        f"{kind.noun} {key!r} is at version {kept[0]}, this change was "
                        f"based on version {read}: reload and retry")
                if kind is REVIEWS and isinstance(record, Review):
                    other = folders_reviewed.setdefault(record.booking_id, key)
                    if other != key:
                        raise DuplicateEntry(f"folder {record.booking_id!r} has a review "
                                             f"already ({other!r})")
            seats: dict[str, frozenset[BookingId]] = {}
            for session_id in takes.keys() | returns.keys():
                held: set[str] = set(store._seats.get(session_id, frozenset()))
                added = takes.get(session_id, set()) - held
                held |= added
                held -= returns.get(session_id, set())
                session = store._sessions.get(session_id)
                if added and session is not None and session.seats is not None and \
                        len(held) > session.seats:
                    raise session_full(session_id, len(held) - len(added), session.seats)
                seats[session_id] = frozenset(BookingId(b) for b in held)
            # 2. apply (nothing below can fail)
            for booking_id, (read, booking) in self._staged_bookings.items():
                version = 1 if read is None else read + 1
                store._bookings[booking_id] = attrs.evolve(booking, version=version)
            for account_id in self._saved_accounts - replayed:
                _, account = self._loaded_accounts[account_id]
                store._accounts[account_id] = (account.account_id, account.holder_id,
                                               account.entries)
            store._seats.update(seats)
            rated: set[str] = set()
            for kind, key, read, record in staged:
                store._records[kind.name][key] = (1 if read is None else read + 1, record)
                if isinstance(record, Review):
                    rated.add(record.offer_id)
            store._rate(rated)
        self.committed = True
        self.rollback()


def _stored_already(stored: tuple[Entry, ...], new: tuple[Entry, ...]) -> bool:
    """Whether every new entry is stored already, identical (appends are idempotent by id)."""
    by_id = {e.entry_id: e for e in stored}
    return all(by_id.get(e.entry_id) == e for e in new)
