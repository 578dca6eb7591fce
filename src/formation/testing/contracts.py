"""The store contract of :mod:`formation.ports`, as a test class every adapter's suite subclasses.

Subclass :class:`StoreContract` in your adapter's tests and implement :meth:`make_store`; pytest
then runs every contract test against your store (the pattern of eventsourcing's shipped
contract tests)::

    from formation.adapters.memory import MemoryStore
    from formation.testing.contracts import StoreContract

    class TestMemoryStore(StoreContract):
        def make_store(self):
            return MemoryStore()

The contract: ``get`` returns a private copy or raises ``NotFound``; ``add`` of a used id is
``DuplicateEntry``; ``save`` is checked at commit against the version it was read at (a stale
write is ``ConflictError``); a commit saves the folders and the ledger entries it staged all
together or not at all; leaving a unit of work without committing drops what it staged; a
saved folder's version moves on by one.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import attrs
import pytest

from formation.accounts import Account
from formation.bookings import Actor, Booking, BookingStatus, refuse_request, request
from formation.errors import ConflictError, DuplicateEntry, NotFound
from formation.ids import AccountId, BookingId, EntryId, HolderId, OfferId, OrganismId, SessionId
from formation.money import Euros
from formation.ports import Store

__all__ = ["StoreContract"]

_PARIS = ZoneInfo("Europe/Paris")
_ACCOUNT = AccountId("contract-account")
_HOLDER = HolderId("contract-holder")
_ORGANISM = OrganismId("73282932000074")


def _folder(number: int = 1) -> Booking:
    return request(BookingId(f"contract-{number}"), holder_id=_HOLDER, account_id=_ACCOUNT,
                   organism_id=_ORGANISM, offer_id=OfferId("offer"),
                   session_id=SessionId("session"), price=Euros.whole(900),
                   requested_at=datetime(2026, 3, 2, 9, tzinfo=_PARIS))


class StoreContract:
    """Contract tests for an implementation of :class:`formation.ports.Store`."""

    def make_store(self) -> Store:
        """A new, empty store (override it)."""
        raise NotImplementedError

    # -- helpers ------------------------------------------------------------------------------
    def _store_with_account(self) -> Store:
        store = self.make_store()
        account = Account(_ACCOUNT, _HOLDER)
        account.credit(EntryId("credit"), Euros.whole(1000), date(2025, 4, 15))
        with store.unit_of_work() as uow:
            uow.accounts.add(account)
            uow.commit()
        return store

    def _add(self, store: Store, booking: Booking) -> None:
        with store.unit_of_work() as uow:
            uow.bookings.add(booking)
            uow.commit()

    def _read(self, store: Store, booking_id: BookingId) -> Booking:
        with store.unit_of_work() as uow:
            return uow.bookings.get(booking_id)

    # -- folders --------------------------------------------------------------------------------
    def test_a_folder_added_is_read_back_at_version_one(self) -> None:
        store = self._store_with_account()
        folder = _folder()
        self._add(store, folder)
        assert self._read(store, folder.booking_id) == attrs.evolve(folder, version=1)

    def test_a_missing_folder_or_account_is_not_found(self) -> None:
        store = self.make_store()
        with store.unit_of_work() as uow, pytest.raises(NotFound):
            uow.bookings.get(BookingId("missing"))
        with store.unit_of_work() as uow, pytest.raises(NotFound):
            uow.accounts.get(AccountId("missing"))

    def test_adding_a_used_folder_id_is_a_duplicate(self) -> None:
        store = self._store_with_account()
        self._add(store, _folder())
        with store.unit_of_work() as uow:
            try:
                uow.bookings.add(_folder())
            except DuplicateEntry:
                return  # refused when staged
            with pytest.raises(DuplicateEntry):
                uow.commit()  # or, at the latest, when committed

    def test_each_save_moves_the_version_on_by_one(self) -> None:
        store = self._store_with_account()
        self._add(store, _folder())
        first = self._read(store, BookingId("contract-1"))
        changed = refuse_request(first, Actor.organism(_ORGANISM),
                                 datetime(2026, 3, 2, 10, tzinfo=_PARIS), "complet")
        with store.unit_of_work() as uow:
            uow.bookings.save(changed)
            uow.commit()
        again = self._read(store, BookingId("contract-1"))
        assert again.version == 2
        assert again.status is BookingStatus.REFUSED_BY_ORGANISM

    def test_a_stale_folder_is_a_conflict_and_saves_nothing(self) -> None:
        store = self._store_with_account()
        self._add(store, _folder())
        stale = self._read(store, BookingId("contract-1"))
        refused = refuse_request(stale, Actor.organism(_ORGANISM),
                                 datetime(2026, 3, 2, 10, tzinfo=_PARIS), "complet")
        with store.unit_of_work() as uow:
            uow.bookings.save(refused)
            uow.commit()
        with store.unit_of_work() as uow:
            account = uow.accounts.get(_ACCOUNT)
            account.credit(EntryId("more"), Euros.whole(1), date(2025, 5, 1))
            uow.accounts.save(account)
            uow.bookings.save(attrs.evolve(stale, price=Euros.whole(1)))
            with pytest.raises(ConflictError):
                uow.commit()
        assert self._read(store, BookingId("contract-1")).status is \
            BookingStatus.REFUSED_BY_ORGANISM
        with store.unit_of_work() as uow:
            assert uow.accounts.get(_ACCOUNT).balance().rights == Euros.whole(1000)

    def test_find_filters_by_state_and_holder(self) -> None:
        store = self._store_with_account()
        self._add(store, _folder(1))
        self._add(store, _folder(2))
        with store.unit_of_work() as uow:
            assert [b.booking_id for b in uow.bookings.find()] == ["contract-1", "contract-2"]
            assert uow.bookings.find(statuses=[BookingStatus.ACCEPTED]) == ()
            assert len(uow.bookings.find(holder_id=_HOLDER)) == 2
            assert uow.bookings.find(holder_id=HolderId("other")) == ()

    # -- accounts -------------------------------------------------------------------------------
    def test_an_account_is_read_with_its_entries(self) -> None:
        store = self._store_with_account()
        with store.unit_of_work() as uow:
            account = uow.accounts.get(_ACCOUNT)
        assert account.holder_id == _HOLDER
        assert account.version == 1
        assert account.balance().available == Euros.whole(1000)

    def test_an_account_changed_meanwhile_is_a_conflict(self) -> None:
        store = self._store_with_account()
        first, second = store.unit_of_work(), store.unit_of_work()
        with first, second:
            a = first.accounts.get(_ACCOUNT)
            b = second.accounts.get(_ACCOUNT)
            a.credit(EntryId("a"), Euros.whole(1), date(2025, 5, 1))
            b.credit(EntryId("b"), Euros.whole(2), date(2025, 5, 1))
            first.accounts.save(a)
            second.accounts.save(b)
            first.commit()
            with pytest.raises(ConflictError):
                second.commit()
        with store.unit_of_work() as uow:
            assert uow.accounts.get(_ACCOUNT).balance().rights == Euros(100100)

    def test_a_unit_left_without_commit_saves_nothing(self) -> None:
        store = self._store_with_account()
        with store.unit_of_work() as uow:
            account = uow.accounts.get(_ACCOUNT)
            account.credit(EntryId("dropped"), Euros.whole(5), date(2025, 5, 1))
            uow.accounts.save(account)
            uow.bookings.add(_folder())
        with store.unit_of_work() as uow:
            assert uow.accounts.get(_ACCOUNT).version == 1
            assert uow.bookings.find() == ()

    def test_a_folder_and_its_ledger_entries_are_committed_together(self) -> None:
        store = self._store_with_account()
        with store.unit_of_work() as uow:
            account = uow.accounts.get(_ACCOUNT)
            account.hold(EntryId("hold"), BookingId("contract-1"), date(2026, 3, 2),
                         rights=Euros.whole(300))
            uow.accounts.save(account)
            uow.bookings.add(_folder())
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.accounts.get(_ACCOUNT).balance().held == Euros.whole(300)
            assert uow.bookings.get(BookingId("contract-1")).version == 1
