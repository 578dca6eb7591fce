"""The staging half of a unit of work, shared by the memory and the SQLite stores.

A unit of work (Cosmic Python) reads records, stages its changes without touching the store,
and applies them all at :meth:`commit` or drops them all. What it stages is the same whatever
the store:

- a folder: the version it was read at (``None`` for a new folder) and the folder to store;
  a second save in the same unit keeps the version first read;
- an account: the ledger length it was read at (``None`` for a new account) and the working
  copy; only the accounts added or saved are written at commit.

:class:`StagingUnitOfWork` holds that state and the repositories over it
(:class:`StagedBookings`, :class:`StagedAccounts`); each adapter subclasses it and says how to
read its store (:meth:`~StagingUnitOfWork._stored_booking`,
:meth:`~StagingUnitOfWork._stored_bookings`, :meth:`~StagingUnitOfWork._stored_account`) and
how to commit.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from types import TracebackType
from typing import TypeVar

from formation.accounts import Account
from formation.bookings import Booking, BookingStatus
from formation.errors import DuplicateEntry, InvalidValue, NotFound
from formation.ids import AccountId, BookingId, HolderId

__all__ = ["StagedAccounts", "StagedBookings", "StagingUnitOfWork"]

_Unit = TypeVar("_Unit", bound="StagingUnitOfWork")


class StagedBookings:
    """The folders of a unit of work: the staged ones first, then the store's."""

    def __init__(self, uow: StagingUnitOfWork) -> None:
        self._uow = uow

    def get(self, booking_id: BookingId) -> Booking:
        staged = self._uow._staged_bookings.get(booking_id)
        if staged is not None:
            return staged[1]
        found = self._uow._stored_booking(booking_id)
        if found is None:
            raise NotFound(f"no folder {booking_id!r}")
        return found

    def add(self, booking: Booking) -> None:
        if not isinstance(booking, Booking):
            raise InvalidValue(f"a folder repository stores Booking records, got {booking!r}")
        if booking.version != 0:
            raise InvalidValue(f"a new folder has version 0, got {booking.version}")
        if booking.booking_id in self._uow._staged_bookings or \
                self._uow._stored_booking(booking.booking_id) is not None:
            raise DuplicateEntry(f"folder {booking.booking_id!r} already exists")
        self._uow._staged_bookings[booking.booking_id] = (None, booking)

    def save(self, booking: Booking) -> None:
        if not isinstance(booking, Booking):
            raise InvalidValue(f"a folder repository stores Booking records, got {booking!r}")
        staged = self._uow._staged_bookings.get(booking.booking_id)
        # a second change in the same unit: keep the version first read
        read = staged[0] if staged is not None else booking.version
        self._uow._staged_bookings[booking.booking_id] = (read, booking)

    def find(self, *, statuses: Iterable[BookingStatus] | None = None,
             holder_id: HolderId | None = None) -> tuple[Booking, ...]:
        wanted = frozenset(statuses) if statuses is not None else None
        found: dict[str, Booking] = {
            b.booking_id: b for b in self._uow._stored_bookings(wanted, holder_id)}
        for booking_id, (_, booking) in self._uow._staged_bookings.items():
            if (wanted is None or booking.status in wanted) and \
                    (holder_id is None or booking.holder_id == holder_id):
                found[booking_id] = booking
            else:
                found.pop(booking_id, None)
        return tuple(found[k] for k in sorted(found))


class StagedAccounts:
    """The accounts of a unit of work: each read once, then the same working copy."""

    def __init__(self, uow: StagingUnitOfWork) -> None:
        self._uow = uow

    def get(self, account_id: AccountId) -> Account:
        loaded = self._uow._loaded_accounts.get(account_id)
        if loaded is not None:
            return loaded[1]
        account = self._uow._stored_account(account_id)
        if account is None:
            raise NotFound(f"no account {account_id!r}")
        self._uow._loaded_accounts[account_id] = (account.version, account)
        return account

    def add(self, account: Account) -> None:
        if not isinstance(account, Account):
            raise InvalidValue(f"an account repository stores Account objects, got {account!r}")
        if account.account_id in self._uow._loaded_accounts or \
                self._uow._stored_account(account.account_id) is not None:
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


class StagingUnitOfWork(abc.ABC):
    """What a unit of work staged; a store's unit of work adds how to read and to commit."""

    def __init__(self) -> None:
        # booking id -> (version read, or None for a new folder; the folder to store)
        self._staged_bookings: dict[str, tuple[int | None, Booking]] = {}
        # account id -> (ledger length read, or None for a new account; the working copy)
        self._loaded_accounts: dict[str, tuple[int | None, Account]] = {}
        self._saved_accounts: set[str] = set()
        self._bookings = StagedBookings(self)
        self._accounts = StagedAccounts(self)
        self.committed = False

    @property
    def bookings(self) -> StagedBookings:
        """The folders."""
        return self._bookings

    @property
    def accounts(self) -> StagedAccounts:
        """The accounts."""
        return self._accounts

    def __enter__(self: _Unit) -> _Unit:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.rollback()

    def rollback(self) -> None:
        """Drop everything staged (reads are forgotten too)."""
        self._staged_bookings.clear()
        self._loaded_accounts.clear()
        self._saved_accounts.clear()

    @abc.abstractmethod
    def commit(self) -> None:
        """Apply everything staged, all or nothing."""

    @abc.abstractmethod
    def _stored_booking(self, booking_id: str) -> Booking | None:
        """The stored folder, or ``None`` if there is none."""

    @abc.abstractmethod
    def _stored_bookings(self, statuses: frozenset[BookingStatus] | None,
                         holder_id: str | None) -> Iterable[Booking]:
        """The stored folders in those states and of that holder (``None``: any)."""

    @abc.abstractmethod
    def _stored_account(self, account_id: str) -> Account | None:
        """A private copy of the stored account, or ``None`` if there is none."""
