"""The ports: what the services need from a store, as ``typing.Protocol``s.

The services (``formation.services``) never know where folders and accounts live. They open a
:class:`UnitOfWork` from a :class:`Store`, read and change records through its two
repositories, and commit: everything staged in one unit of work is saved together or not at
all. Concurrency is optimistic, as in event-sourced stores: each record has a version; a save
based on a version someone else has moved on since is a :class:`~formation.errors.ConflictError`
at commit, and the whole unit of work is dropped. Two bookings racing for the same rights thus
never both hold them: the second commit finds the account's ledger moved on.

Two adapters implement these ports: :class:`formation.adapters.memory.MemoryStore` (a fake
that is a real adapter, for tests and notebooks) and the SQLite store. Both pass the same
contract tests.

The contract, for every implementation:

- ``get`` returns a private copy (changing it changes nothing stored) or raises
  :class:`~formation.errors.NotFound`;
- ``add`` stages a new record; an id already stored (or staged) is
  :class:`~formation.errors.DuplicateEntry` — at the latest at commit;
- ``save`` stages a changed record, checked at commit against the version it was read at;
- ``commit`` applies everything staged, all or nothing, and raises ``ConflictError`` if any
  record moved on; leaving the ``with`` block without committing drops everything staged.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Protocol

from formation.accounts import Account
from formation.bookings import Booking, BookingStatus
from formation.ids import AccountId, BookingId, HolderId

__all__ = ["AccountRepository", "BookingRepository", "Store", "UnitOfWork"]


class BookingRepository(Protocol):
    """Registration folders, by id, with a version each (:attr:`Booking.version`)."""

    def get(self, booking_id: BookingId) -> Booking:
        """The folder as stored; ``NotFound`` if there is none."""
        ...

    def add(self, booking: Booking) -> None:
        """Stage a new folder (its ``version`` is 0)."""
        ...

    def save(self, booking: Booking) -> None:
        """Stage a changed folder; at commit, its ``version`` must still be the stored one."""
        ...

    def find(
        self,
        *,
        statuses: Iterable[BookingStatus] | None = None,
        holder_id: HolderId | None = None,
    ) -> tuple[Booking, ...]:
        """The stored folders in those states and of that holder (``None``: any), by id."""
        ...


class AccountRepository(Protocol):
    """Accounts with their append-only ledger; the version is the ledger's length."""

    def get(self, account_id: AccountId) -> Account:
        """A private copy of the account; ``NotFound`` if there is none."""
        ...

    def add(self, account: Account) -> None:
        """Stage a new account with its entries."""
        ...

    def save(self, account: Account) -> None:
        """Stage the entries appended to an account read with :meth:`get` in this unit.

        At commit, the stored ledger must still be at the version it was read at.
        """
        ...


class UnitOfWork(Protocol):
    """One atomic change: read, stage, then :meth:`commit` (or leave to drop everything)."""

    @property
    def bookings(self) -> BookingRepository:
        """The folders."""
        ...

    @property
    def accounts(self) -> AccountRepository:
        """The accounts."""
        ...

    def commit(self) -> None:
        """Save everything staged, all or nothing; ``ConflictError`` on a stale version."""
        ...

    def rollback(self) -> None:
        """Drop everything staged."""
        ...

    def __enter__(self) -> UnitOfWork:
        ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        ...


class Store(Protocol):
    """Where folders and accounts live; opens units of work."""

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work (use it in a ``with`` block)."""
        ...
