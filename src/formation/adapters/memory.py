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
from types import TracebackType

import attrs

from formation.accounts import Account
from formation.bookings import Booking, BookingStatus
from formation.errors import ConflictError, DuplicateEntry, InvalidValue, NotFound
from formation.ids import AccountId, BookingId, HolderId
from formation.ledger import Entry

__all__ = ["MemoryStore", "MemoryUnitOfWork"]


class MemoryStore:
    """Folders and accounts in memory, shared safely between threads (see the module doc)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bookings: dict[str, Booking] = {}
        self._accounts: dict[str, tuple[AccountId, HolderId, tuple[Entry, ...]]] = {}

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


class _Bookings:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def get(self, booking_id: BookingId) -> Booking:
        staged = self._uow._staged_bookings.get(booking_id)
        if staged is not None:
            return staged[1]
        found = self._uow._store._booking(booking_id)
        if found is None:
            raise NotFound(f"no folder {booking_id!r}")
        return found

    def add(self, booking: Booking) -> None:
        if not isinstance(booking, Booking):
            raise InvalidValue(f"a folder repository stores Booking records, got {booking!r}")
        if booking.version != 0:
            raise InvalidValue(f"a new folder has version 0, got {booking.version}")
        if booking.booking_id in self._uow._staged_bookings or \
                self._uow._store._booking(booking.booking_id) is not None:
            raise DuplicateEntry(f"folder {booking.booking_id!r} already exists")
        self._uow._staged_bookings[booking.booking_id] = (None, booking)

    def save(self, booking: Booking) -> None:
        if not isinstance(booking, Booking):
            raise InvalidValue(f"a folder repository stores Booking records, got {booking!r}")
        staged = self._uow._staged_bookings.get(booking.booking_id)
        if staged is not None:
            # a second change in the same unit: keep the version first read
            self._uow._staged_bookings[booking.booking_id] = (staged[0], booking)
            return
        self._uow._staged_bookings[booking.booking_id] = (booking.version, booking)

    def find(
        self,
        *,
        statuses: Iterable[BookingStatus] | None = None,
        holder_id: HolderId | None = None,
    ) -> tuple[Booking, ...]:
        wanted = frozenset(statuses) if statuses is not None else None
        stored: dict[str, Booking] = {b.booking_id: b for b in self._uow._store._all_bookings()}
        stored.update({k: v[1] for k, v in self._uow._staged_bookings.items()})
        return tuple(
            b for _, b in sorted(stored.items())
            if (wanted is None or b.status in wanted)
            and (holder_id is None or b.holder_id == holder_id)
        )


class _Accounts:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def get(self, account_id: AccountId) -> Account:
        staged = self._uow._loaded_accounts.get(account_id)
        if staged is not None:
            return staged[1]
        found = self._uow._store._account(account_id)
        if found is None:
            raise NotFound(f"no account {account_id!r}")
        account = Account(found[0], found[1], found[2])
        self._uow._loaded_accounts[account_id] = (len(found[2]), account)
        return account

    def add(self, account: Account) -> None:
        if not isinstance(account, Account):
            raise InvalidValue(f"an account repository stores Account objects, got {account!r}")
        if account.account_id in self._uow._loaded_accounts or \
                self._uow._store._account(account.account_id) is not None:
            raise DuplicateEntry(f"account {account.account_id!r} already exists")
        self._uow._loaded_accounts[account.account_id] = (None, account)
        self._uow._saved_accounts.add(account.account_id)

    def save(self, account: Account) -> None:
        loaded = self._uow._loaded_accounts.get(account.account_id)
        if loaded is None or loaded[1] is not account:
            raise InvalidValue(
                f"save the account object read with get() in this unit of work "
                f"({account.account_id!r})")
        self._uow._saved_accounts.add(account.account_id)


class MemoryUnitOfWork:
    """One atomic change on a :class:`MemoryStore` (see :class:`formation.ports.UnitOfWork`)."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        # booking id -> (version read, or None for a new folder; the folder to store)
        self._staged_bookings: dict[str, tuple[int | None, Booking]] = {}
        # account id -> (ledger length read, or None for a new account; the working copy)
        self._loaded_accounts: dict[str, tuple[int | None, Account]] = {}
        self._saved_accounts: set[str] = set()
        self._bookings = _Bookings(self)
        self._accounts = _Accounts(self)
        self.committed = False

    @property
    def bookings(self) -> _Bookings:
        """The folders."""
        return self._bookings

    @property
    def accounts(self) -> _Accounts:
        """The accounts."""
        return self._accounts

    def __enter__(self) -> MemoryUnitOfWork:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.rollback()

    def rollback(self) -> None:
        """Drop everything staged (reads are forgotten too)."""
        self._staged_bookings.clear()
        self._loaded_accounts.clear()
        self._saved_accounts.clear()

    def commit(self) -> None:
        """Apply everything staged, all or nothing.

        Raises:
            ConflictError: a folder or an account moved on since this unit read it.
            DuplicateEntry: a new folder or account whose id was stored in the meantime.
        """
        store = self._store
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
            # 2. apply (nothing below can fail)
            for booking_id, (read, booking) in self._staged_bookings.items():
                version = 1 if read is None else read + 1
                store._bookings[booking_id] = attrs.evolve(booking, version=version)
            for account_id in self._saved_accounts - replayed:
                _, account = self._loaded_accounts[account_id]
                store._accounts[account_id] = (account.account_id, account.holder_id,
                                               account.entries)
        self.committed = True
        self.rollback()


def _stored_already(stored: tuple[Entry, ...], new: tuple[Entry, ...]) -> bool:
    """Whether every new entry is stored already, identical (appends are idempotent by id)."""
    by_id = {e.entry_id: e for e in stored}
    return all(by_id.get(e.entry_id) == e for e in new)
