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
saved folder's version moves on by one, an account's version is its ledger's length; ledger
appends are idempotent by entry id (the same entry again, or the retry of a commit whose
entries are all stored already, stores nothing more), while another entry under a used id is
refused; any account and any folder the strategies of :mod:`formation.testing.strategies`
build is read back equal.

The catalogue: what ``save_catalog`` stores is read in a unit of work (``uow.catalog``) and in
``store.catalog``; a session of an unknown offer stores nothing. Seats: taken and given back
per folder (idempotent), counted with the unit's staged changes, refused at once in a full
session and refused again at commit when another unit took the last seat meanwhile (then
nothing of the unit is saved). A store made without rules carries the default rulebook and
calendar.

Holders, reviews and consent requests: any record the strategies build is read back equal; a
save must follow a read in the same unit, moves the version on by one, and a stale one is
``ConflictError``; a used id (a folder reviewed twice) is ``DuplicateEntry``; a commit that
fails saves nothing of the unit, and a unit after a rolled-back one saves normally; two stores
on the same storage (:meth:`StoreContract.same_storage`) write in turn and see each other's
writes; a committed review gives its offer its rating in ``store.catalog``.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from formation.accounts import Account
from formation.bookings import Actor, Booking, BookingStatus, refuse_request, request
from formation.calendar.business_days import BusinessCalendar
from formation.catalog.offers import Offer, Session
from formation.consent import ConsentRequest, answer_consent, request_consent
from formation.errors import (
    ConflictError,
    DuplicateEntry,
    FormationError,
    InvalidValue,
    NotFound,
    RuleViolation,
)
from formation.holders import Holder, HolderStatus
from formation.ids import (
    AccountId,
    BookingId,
    ConsentId,
    EntryId,
    HolderId,
    OfferId,
    OrganismId,
    ReviewId,
    SessionId,
)
from formation.money import Euros
from formation.ports import SESSION_FULL, Store
from formation.reviews import RatingSummary, Review, Scores
from formation.rules.rulebook import Rulebook
from formation.testing._accounts import accounts, holders
from formation.testing._bookings import bookings
from formation.testing._consent import consent_requests
from formation.testing._reviews import reviews
from formation.testing.catalog import synthetic_catalog

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


def _catalog(seats: int | None = 2) -> tuple[tuple[Offer, ...], tuple[Session, ...]]:
    """A small catalogue whose first session offers ``seats`` seats."""
    offers, sessions = synthetic_catalog(6, seed=14)
    return offers, (attrs.evolve(sessions[0], seats=seats), *sessions[1:])


class StoreContract:
    """Contract tests for an implementation of :class:`formation.ports.Store`."""

    def make_store(self) -> Store:
        """A new, empty store (override it)."""
        raise NotImplementedError

    def same_storage(self, store: Store) -> Store:
        """Another store on the storage of ``store`` (another connection to the same file or
        database); by default ``store`` itself, for a store that lives in one process."""
        return store

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

    def test_find_pages_an_organisms_folders_with_the_units_changes(self) -> None:
        store = self._store_with_account()
        other = OrganismId("35600000000048")
        with store.unit_of_work() as uow:
            for n in range(1, 8):
                folder = _folder(n)
                uow.bookings.add(folder if n % 3 else attrs.evolve(folder, organism_id=other))
            uow.commit()
        mine = ["contract-1", "contract-2", "contract-4", "contract-5", "contract-7"]
        with store.unit_of_work() as uow:
            pages, after = [], None
            while True:
                page = uow.bookings.find(organism_id=_ORGANISM, limit=2, after=after)
                if not page:
                    break
                pages.append([b.booking_id for b in page])
                after = page[-1].booking_id
            assert pages == [mine[0:2], mine[2:4], mine[4:]]
            assert [b.booking_id for b in uow.bookings.find(organism_id=other)] == \
                ["contract-3", "contract-6"]
            # staged: one folder refused (out of the filter), one added
            refused = refuse_request(uow.bookings.get(BookingId("contract-2")),
                                     Actor.organism(_ORGANISM),
                                     datetime(2026, 3, 2, 10, tzinfo=_PARIS), "complet")
            uow.bookings.save(refused)
            uow.bookings.add(_folder(0))
            page = uow.bookings.find(organism_id=_ORGANISM,
                                     statuses=[BookingStatus.NOT_PROCESSED], limit=3)
            assert [b.booking_id for b in page] == ["contract-0", "contract-1", "contract-4"]
            with pytest.raises(InvalidValue):
                uow.bookings.find(limit=0)

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

    # -- private copies, versions, not found ----------------------------------------------------
    def test_changing_what_was_read_changes_nothing_stored(self) -> None:
        store = self._store_with_account()
        with store.unit_of_work() as uow:
            account = uow.accounts.get(_ACCOUNT)
        account.credit(EntryId("outside"), Euros.whole(7), date(2025, 5, 1))
        with store.unit_of_work() as uow:
            again = uow.accounts.get(_ACCOUNT)
            assert again.version == 1
            assert again is not account
            again.credit(EntryId("inside"), Euros.whole(8), date(2025, 5, 1))  # not saved
        with store.unit_of_work() as uow:
            assert uow.accounts.get(_ACCOUNT).balance().rights == Euros.whole(1000)

    def test_an_account_version_is_its_ledger_length_after_each_commit(self) -> None:
        store = self._store_with_account()
        for n in range(3):
            with store.unit_of_work() as uow:
                account = uow.accounts.get(_ACCOUNT)
                assert account.version == 1 + 2 * n
                account.credit(EntryId(f"c{n}a"), Euros.whole(1), date(2025, 5, 1))
                account.credit(EntryId(f"c{n}b"), Euros.whole(1), date(2025, 5, 2))
                uow.accounts.save(account)
                uow.commit()
        with store.unit_of_work() as uow:
            assert uow.accounts.get(_ACCOUNT).version == 7

    def test_adding_a_used_account_id_is_a_duplicate(self) -> None:
        store = self._store_with_account()
        with store.unit_of_work() as uow:
            try:
                uow.accounts.add(Account(_ACCOUNT, HolderId("someone-else")))
            except DuplicateEntry:
                return
            with pytest.raises(DuplicateEntry):
                uow.commit()
        with store.unit_of_work() as uow:
            assert uow.accounts.get(_ACCOUNT).holder_id == _HOLDER

    def test_saving_a_folder_never_stored_is_refused_and_saves_nothing(self) -> None:
        store = self._store_with_account()
        ghost = attrs.evolve(_folder(9), version=3)
        with store.unit_of_work() as uow:
            uow.bookings.save(ghost)
            with pytest.raises((ConflictError, NotFound)):
                uow.commit()
        with store.unit_of_work() as uow, pytest.raises(NotFound):
            uow.bookings.get(ghost.booking_id)

    def test_a_new_folder_must_be_at_version_zero(self) -> None:
        store = self._store_with_account()
        with store.unit_of_work() as uow, pytest.raises(InvalidValue):
            uow.bookings.add(attrs.evolve(_folder(), version=4))

    def test_only_the_account_read_in_the_unit_may_be_saved(self) -> None:
        store = self._store_with_account()
        with store.unit_of_work() as uow, pytest.raises(InvalidValue):
            uow.accounts.save(Account(_ACCOUNT, _HOLDER))

    def test_a_unit_sees_its_own_staged_folders(self) -> None:
        store = self._store_with_account()
        with store.unit_of_work() as uow:
            uow.bookings.add(_folder(1))
            assert uow.bookings.get(BookingId("contract-1")).version == 0
            assert [b.booking_id for b in uow.bookings.find(holder_id=_HOLDER)] == ["contract-1"]

    def test_reading_a_folder_twice_gives_equal_records(self) -> None:
        store = self._store_with_account()
        self._add(store, _folder())
        assert self._read(store, BookingId("contract-1")) == \
            self._read(store, BookingId("contract-1"))

    # -- idempotent appends ------------------------------------------------------------------------
    def test_appending_the_same_entry_again_stores_it_once(self) -> None:
        store = self._store_with_account()
        for _ in range(2):
            with store.unit_of_work() as uow:
                account = uow.accounts.get(_ACCOUNT)
                account.credit(EntryId("credit"), Euros.whole(1000), date(2025, 4, 15))
                account.credit(EntryId("bonus"), Euros.whole(5), date(2025, 5, 1))
                uow.accounts.save(account)
                uow.commit()
        with store.unit_of_work() as uow:
            account = uow.accounts.get(_ACCOUNT)
        assert [e.entry_id for e in account.entries] == ["credit", "bonus"]
        assert account.balance().rights == Euros.whole(1005)

    def test_a_retried_commit_of_entries_stored_already_is_a_no_op(self) -> None:
        store = self._store_with_account()
        first, retry = store.unit_of_work(), store.unit_of_work()
        with first, retry:
            for uow in (first, retry):
                account = uow.accounts.get(_ACCOUNT)
                account.credit(EntryId("once"), Euros.whole(3), date(2025, 5, 1))
                uow.accounts.save(account)
            first.commit()
            retry.commit()  # the same entry, identical: nothing more is stored
        with store.unit_of_work() as uow:
            account = uow.accounts.get(_ACCOUNT)
        assert account.version == 2
        assert account.balance().rights == Euros.whole(1003)

    def test_another_entry_under_a_used_id_is_refused(self) -> None:
        store = self._store_with_account()
        with store.unit_of_work() as uow:
            account = uow.accounts.get(_ACCOUNT)
            with pytest.raises(DuplicateEntry):
                account.credit(EntryId("credit"), Euros.whole(1), date(2025, 4, 15))
        first, second = store.unit_of_work(), store.unit_of_work()
        with first, second:
            for uow, amount in ((first, 3), (second, 4)):
                account = uow.accounts.get(_ACCOUNT)
                account.credit(EntryId("same-id"), Euros.whole(amount), date(2025, 5, 1))
                uow.accounts.save(account)
            first.commit()
            with pytest.raises((DuplicateEntry, ConflictError)):
                second.commit()
        with store.unit_of_work() as uow:
            assert uow.accounts.get(_ACCOUNT).balance().rights == Euros.whole(1003)

    # -- atomicity ---------------------------------------------------------------------------------
    def test_an_account_conflict_saves_none_of_the_folders_of_the_unit(self) -> None:
        store = self._store_with_account()
        late = store.unit_of_work()
        with late:
            account = late.accounts.get(_ACCOUNT)
            account.hold(EntryId("hold"), BookingId("contract-1"), date(2026, 3, 2),
                         rights=Euros.whole(300))
            late.accounts.save(account)
            late.bookings.add(_folder(1))
            late.bookings.add(_folder(2))
            with store.unit_of_work() as meanwhile:
                moved = meanwhile.accounts.get(_ACCOUNT)
                moved.credit(EntryId("meanwhile"), Euros.whole(1), date(2025, 5, 1))
                meanwhile.accounts.save(moved)
                meanwhile.commit()
            with pytest.raises(ConflictError):
                late.commit()
        with store.unit_of_work() as uow:
            assert uow.bookings.find() == ()
            assert uow.accounts.get(_ACCOUNT).balance().held == Euros(0)

    def test_a_duplicate_folder_saves_nothing_else_of_the_unit(self) -> None:
        store = self._store_with_account()
        self._add(store, _folder(1))
        with store.unit_of_work() as uow:
            account = uow.accounts.get(_ACCOUNT)
            account.credit(EntryId("with-duplicate"), Euros.whole(9), date(2025, 5, 1))
            uow.accounts.save(account)
            uow.bookings.add(_folder(2))
            try:
                uow.bookings.add(_folder(1))
                uow.commit()
            except FormationError:
                pass
        with store.unit_of_work() as uow:
            assert uow.accounts.get(_ACCOUNT).version == 1
            assert [b.booking_id for b in uow.bookings.find()] == ["contract-1"]

    # -- any record round-trips ----------------------------------------------------------------
    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.differing_executors])
    @given(account=accounts())
    def test_any_account_is_read_back_with_the_same_entries(self, account: Account) -> None:
        store = self.make_store()
        with store.unit_of_work() as uow:
            uow.accounts.add(account)
            uow.commit()
        with store.unit_of_work() as uow:
            back = uow.accounts.get(account.account_id)
        assert back.entries == account.entries
        assert back.holder_id == account.holder_id
        assert back.balance() == account.balance()

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.differing_executors])
    @given(booking=bookings())
    def test_any_folder_is_read_back_equal_with_its_history(self, booking: Booking) -> None:
        store = self.make_store()
        new = attrs.evolve(booking, version=0)
        with store.unit_of_work() as uow:
            uow.bookings.add(new)
            uow.commit()
        back = self._read(store, booking.booking_id)
        assert back == attrs.evolve(booking, version=1)
        assert back.history == booking.history

    # -- the catalogue ---------------------------------------------------------------------------
    def _store_with_catalog(self, seats: int | None = 2) -> tuple[Store, Session]:
        store = self._store_with_account()
        offers, sessions = _catalog(seats)
        store.save_catalog(offers, sessions)
        return store, sessions[0]

    def test_a_store_without_rules_carries_the_default_rulebook_and_calendar(self) -> None:
        store = self.make_store()
        assert store.rulebook == Rulebook.default()
        assert store.calendar == BusinessCalendar()

    def test_the_saved_catalogue_is_read_in_a_unit_of_work_and_in_the_index(self) -> None:
        store = self.make_store()
        offers, sessions = _catalog()
        store.save_catalog(offers, sessions)
        with store.unit_of_work() as uow:
            assert [uow.catalog.offer(o.offer_id) for o in offers] == list(offers)
            assert [uow.catalog.session(s.session_id) for s in sessions] == list(sessions)
            with pytest.raises(NotFound):
                uow.catalog.offer(OfferId("missing"))
            with pytest.raises(NotFound):
                uow.catalog.session(SessionId("missing"))
        assert store.catalog.offer_count == len(offers)
        assert len(store.catalog) == len(sessions)

    def test_a_saved_offer_or_session_replaces_the_one_with_its_id(self) -> None:
        store = self.make_store()
        offers, sessions = _catalog()
        store.save_catalog(offers, sessions)
        retitled = attrs.evolve(offers[0], title="Anglais des affaires, niveau B2")
        moved = attrs.evolve(sessions[0], seats=7)
        store.save_catalog([retitled], [moved])
        with store.unit_of_work() as uow:
            assert uow.catalog.offer(offers[0].offer_id) == retitled
            assert uow.catalog.session(sessions[0].session_id).seats == 7
        assert store.catalog.offer(offers[0].offer_id).title == retitled.title
        assert store.catalog.offer_count == len(offers)

    def test_a_session_of_an_unknown_offer_stores_nothing_of_the_call(self) -> None:
        store = self.make_store()
        offers, sessions = _catalog()
        stray = attrs.evolve(sessions[1], session_id=SessionId("stray"),
                             offer_id=OfferId("unknown"))
        with pytest.raises(NotFound):
            store.save_catalog(offers, [sessions[0], stray])
        with pytest.raises(InvalidValue):
            store.save_catalog([offers[0], "not an offer"], [])  # type: ignore[list-item]
        with store.unit_of_work() as uow, pytest.raises(NotFound):
            uow.catalog.offer(offers[0].offer_id)
        assert store.catalog.offer_count == 0

    # -- seats -------------------------------------------------------------------------------------
    def _take(self, store: Store, session: Session, *folders: str) -> None:
        with store.unit_of_work() as uow:
            for folder in folders:
                uow.catalog.take_seat(session.session_id, BookingId(folder))
            uow.commit()

    def _holders(self, store: Store, session: Session) -> frozenset[BookingId]:
        with store.unit_of_work() as uow:
            holders = uow.catalog.seat_holders(session.session_id)
            assert uow.catalog.seats_taken(session.session_id) == len(holders)
            return holders

    def test_a_seat_taken_is_held_by_its_folder_once_committed(self) -> None:
        store, session = self._store_with_catalog()
        with store.unit_of_work() as uow:
            uow.catalog.take_seat(session.session_id, BookingId("F1"))
            assert uow.catalog.seats_taken(session.session_id) == 1  # staged, seen in the unit
            assert self._holders(store, session) == frozenset()  # not yet in the store
            uow.commit()
        assert self._holders(store, session) == {"F1"}

    def test_taking_and_giving_back_a_seat_are_idempotent_per_folder(self) -> None:
        store, session = self._store_with_catalog(seats=1)
        self._take(store, session, "F1", "F1")
        self._take(store, session, "F1")  # the same folder again: still one seat, no refusal
        assert self._holders(store, session) == {"F1"}
        for _ in range(2):
            with store.unit_of_work() as uow:
                uow.catalog.give_back_seat(session.session_id, BookingId("F1"))
                uow.catalog.give_back_seat(session.session_id, BookingId("never-held"))
                uow.commit()
        assert self._holders(store, session) == frozenset()
        self._take(store, session, "F2")
        assert self._holders(store, session) == {"F2"}

    def test_a_seat_in_a_full_session_is_refused_at_once(self) -> None:
        store, session = self._store_with_catalog(seats=2)
        self._take(store, session, "F1", "F2")
        with store.unit_of_work() as uow:
            with pytest.raises(RuleViolation) as refused:
                uow.catalog.take_seat(session.session_id, BookingId("F3"))
            assert refused.value.codes == (SESSION_FULL,)
            uow.catalog.give_back_seat(session.session_id, BookingId("F1"))
            uow.catalog.take_seat(session.session_id, BookingId("F3"))  # the seat F1 gave back
            uow.commit()
        assert self._holders(store, session) == {"F2", "F3"}

    def test_a_session_without_a_seat_count_is_never_full(self) -> None:
        store, session = self._store_with_catalog(seats=None)
        self._take(store, session, *(f"F{n}" for n in range(30)))
        assert len(self._holders(store, session)) == 30

    def test_a_seat_of_a_missing_session_is_not_found(self) -> None:
        store, _ = self._store_with_catalog()
        with store.unit_of_work() as uow, pytest.raises(NotFound):
            uow.catalog.take_seat(SessionId("missing"), BookingId("F1"))

    def test_the_last_seat_taken_meanwhile_refuses_the_commit_and_saves_nothing(self) -> None:
        store, session = self._store_with_catalog(seats=1)
        late = store.unit_of_work()
        with late:
            late.catalog.take_seat(session.session_id, BookingId("late"))
            late.bookings.add(_folder(1))
            account = late.accounts.get(_ACCOUNT)
            account.hold(EntryId("hold"), BookingId("contract-1"), date(2026, 3, 2),
                         rights=Euros.whole(300))
            late.accounts.save(account)
            self._take(store, session, "first")  # another unit takes the last seat
            with pytest.raises(RuleViolation) as refused:
                late.commit()
            assert refused.value.codes == (SESSION_FULL,)
        assert self._holders(store, session) == {"first"}
        with store.unit_of_work() as uow:
            assert uow.bookings.find() == ()
            assert uow.accounts.get(_ACCOUNT).balance().held == Euros(0)

    def test_a_unit_left_without_commit_takes_no_seat(self) -> None:
        store, session = self._store_with_catalog()
        with store.unit_of_work() as uow:
            uow.catalog.take_seat(session.session_id, BookingId("F1"))
        assert self._holders(store, session) == frozenset()

    # -- holders, reviews, consent requests ----------------------------------------------------
    _settings = settings(max_examples=15, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                HealthCheck.differing_executors])

    @_settings
    @given(holder=holders())
    def test_any_holder_is_read_back_equal(self, holder: Holder) -> None:
        store = self.make_store()
        with store.unit_of_work() as uow:
            uow.holders.add(holder)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.holders.get(holder.holder_id) == holder
            assert uow.holders.version(holder.holder_id) == 1

    @_settings
    @given(review=reviews())
    def test_any_review_is_read_back_equal_with_its_corrections(self, review: Review) -> None:
        store = self.make_store()
        with store.unit_of_work() as uow:
            uow.reviews.add(review)
            uow.commit()
        with store.unit_of_work() as uow:
            back = uow.reviews.get(review.review_id)
            assert back == review
            assert back.history == review.history
            assert uow.reviews.for_folder(review.booking_id) == review
            assert uow.reviews.find(offer_id=review.offer_id) == (review,)

    @_settings
    @given(request=consent_requests())
    def test_any_consent_request_is_read_back_equal(self, request: ConsentRequest) -> None:
        store = self.make_store()
        with store.unit_of_work() as uow:
            uow.consents.add(ConsentId("C1"), request)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.consents.get(ConsentId("C1")) == request
            assert uow.consents.find(holder_id=request.holder_id) == ((ConsentId("C1"), request),)
            assert uow.consents.find(employer_id=request.employer_id + "x") == ()

    def _holder(self) -> Holder:
        return Holder(_HOLDER).with_status(HolderStatus.EMPLOYEE, date(2019, 9, 1))

    def _review(self, number: int = 1, score: int = 4) -> Review:
        return Review(ReviewId(f"R{number}"), BookingId(f"contract-{number}"), _HOLDER,
                      OfferId("offer"), _ORGANISM, Scores.uniform(score),
                      datetime(2026, 6, 1, 9, tzinfo=_PARIS))

    def _consent(self) -> ConsentRequest:
        return request_consent(_HOLDER, "employer", requested_on=date(2026, 1, 5),
                               start=date(2026, 3, 9), end=date(2026, 4, 30),
                               during_working_time=True)

    def _store_with_records(self) -> Store:
        store = self._store_with_account()
        with store.unit_of_work() as uow:
            uow.holders.add(self._holder())
            uow.reviews.add(self._review())
            uow.consents.add(ConsentId("C1"), self._consent())
            uow.commit()
        return store

    def test_a_missing_holder_review_or_consent_request_is_not_found(self) -> None:
        store = self.make_store()
        with store.unit_of_work() as uow:
            with pytest.raises(NotFound):
                uow.holders.get(HolderId("missing"))
            with pytest.raises(NotFound):
                uow.reviews.get(ReviewId("missing"))
            with pytest.raises(NotFound):
                uow.consents.get(ConsentId("missing"))
            assert uow.reviews.for_folder(BookingId("missing")) is None

    def test_a_record_saved_moves_its_version_on_and_is_read_back(self) -> None:
        store = self._store_with_records()
        with store.unit_of_work() as uow:
            holder = uow.holders.get(_HOLDER)
            uow.holders.save(holder.with_status(HolderStatus.SELF_EMPLOYED, date(2024, 1, 1)))
            review = uow.reviews.get(ReviewId("R1"))
            uow.reviews.save(review.corrected(Scores.uniform(2),
                                              at=datetime(2026, 6, 2, tzinfo=_PARIS)))
            consent = uow.consents.get(ConsentId("C1"))
            uow.consents.save(ConsentId("C1"), answer_consent(
                consent, "employer", answered_on=date(2026, 1, 20), granted=True))
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.holders.version(_HOLDER) == 2
            assert len(uow.holders.get(_HOLDER).statuses) == 2
            assert uow.reviews.version(ReviewId("R1")) == 2
            assert uow.reviews.get(ReviewId("R1")).history[0].scores == Scores.uniform(4)
            assert uow.consents.version(ConsentId("C1")) == 2
            answer = uow.consents.get(ConsentId("C1")).answer
            assert answer is not None
            assert answer.granted

    def test_a_record_must_be_read_in_the_unit_before_it_is_saved(self) -> None:
        store = self._store_with_records()
        with store.unit_of_work() as uow:
            with pytest.raises(InvalidValue):
                uow.holders.save(self._holder())
            with pytest.raises(InvalidValue):
                uow.reviews.save(self._review())
            with pytest.raises(InvalidValue):
                uow.consents.save(ConsentId("C1"), self._consent())
            with pytest.raises(InvalidValue):
                uow.holders.add("not a holder")  # type: ignore[arg-type]

    def test_a_review_keeps_its_folder_and_offer(self) -> None:
        store = self._store_with_records()
        with store.unit_of_work() as uow:
            review = uow.reviews.get(ReviewId("R1"))
            with pytest.raises(InvalidValue):
                uow.reviews.save(attrs.evolve(review, offer_id=OfferId("another")))

    def test_a_used_id_or_a_folder_reviewed_twice_is_a_duplicate(self) -> None:
        store = self._store_with_records()
        with store.unit_of_work() as uow:
            with pytest.raises(DuplicateEntry):
                uow.holders.add(self._holder())
            with pytest.raises(DuplicateEntry):
                uow.consents.add(ConsentId("C1"), self._consent())
            with pytest.raises(DuplicateEntry):
                uow.reviews.add(attrs.evolve(self._review(), review_id=ReviewId("R9")))
        first, second = store.unit_of_work(), store.unit_of_work()
        with first, second:  # two first reviews of one folder, racing
            first.reviews.add(self._review(2))
            second.reviews.add(attrs.evolve(self._review(2), review_id=ReviewId("R2b")))
            first.commit()
            with pytest.raises(DuplicateEntry):
                second.commit()
        with store.unit_of_work() as uow:
            review = uow.reviews.for_folder(BookingId("contract-2"))
            assert review is not None
            assert review.review_id == "R2"

    def test_a_stale_record_is_a_conflict_and_saves_nothing_of_the_unit(self) -> None:
        store = self._store_with_records()
        late, meanwhile = store.unit_of_work(), store.unit_of_work()
        with late, meanwhile:
            for uow in (late, meanwhile):
                uow.holders.save(uow.holders.get(_HOLDER).with_status(
                    HolderStatus.JOB_SEEKER, date(2025, 1, 1) if uow is late
                    else date(2025, 6, 1)))
            late.consents.save(ConsentId("C1"), answer_consent(
                late.consents.get(ConsentId("C1")), "employer", answered_on=date(2026, 1, 6),
                granted=False))
            late.reviews.add(self._review(3))
            late.bookings.add(_folder(3))
            meanwhile.commit()
            with pytest.raises(ConflictError):
                late.commit()
        with store.unit_of_work() as uow:
            assert uow.holders.get(_HOLDER).is_job_seeker(date(2025, 7, 1))
            assert not uow.holders.get(_HOLDER).is_job_seeker(date(2025, 2, 1))
            assert uow.consents.get(ConsentId("C1")).answer is None
            assert uow.reviews.for_folder(BookingId("contract-3")) is None
            assert uow.bookings.find() == ()

    def test_a_unit_after_a_rolled_back_one_saves_its_records(self) -> None:
        store = self._store_with_account()
        with store.unit_of_work() as uow:
            uow.holders.add(self._holder())
            uow.reviews.add(self._review())
            uow.consents.add(ConsentId("C1"), self._consent())
            uow.rollback()
            with pytest.raises(NotFound):
                uow.holders.get(_HOLDER)
        with store.unit_of_work() as uow:
            uow.holders.add(self._holder())
            uow.reviews.add(self._review())
            uow.consents.add(ConsentId("C1"), self._consent())
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.holders.get(_HOLDER) == self._holder()
            assert uow.reviews.get(ReviewId("R1")) == self._review()

    def test_two_stores_on_one_storage_write_in_turn(self) -> None:
        first = self._store_with_records()
        second = self.same_storage(first)
        for turn in range(4):
            writer = (first, second)[turn % 2]
            with writer.unit_of_work() as uow:
                holder = uow.holders.get(_HOLDER)
                uow.holders.save(holder.with_status(
                    HolderStatus.SELF_EMPLOYED, date(2020 + turn, 1, 1),
                    date(2020 + turn, 6, 30)))
                review = uow.reviews.get(ReviewId("R1"))
                uow.reviews.save(review.corrected(
                    Scores.uniform(1 + turn), at=datetime(2026, 7, 1 + turn, tzinfo=_PARIS)))
                uow.consents.add(ConsentId(f"C-{turn}"), self._consent())
                uow.commit()
        for store in (first, second):
            with store.unit_of_work() as uow:
                assert uow.holders.version(_HOLDER) == 5
                assert len(uow.holders.get(_HOLDER).statuses) == 5
                assert uow.reviews.get(ReviewId("R1")).scores == Scores.uniform(4)
                assert len(uow.consents.find(holder_id=_HOLDER)) == 5
            assert store.catalog.rating(OfferId("offer")) == (4.0, 1)

    def test_a_committed_review_gives_its_offer_its_rating_in_the_index(self) -> None:
        store = self.make_store()
        offers, sessions = _catalog()
        store.save_catalog(offers, sessions)
        offer = offers[0]
        with store.unit_of_work() as uow:
            for n, score in enumerate((5, 4, 4), 1):
                uow.reviews.add(attrs.evolve(self._review(n, score), offer_id=offer.offer_id))
            uow.commit()
        summary = RatingSummary.of([Scores.uniform(s) for s in (5, 4, 4)], store.catalog.prior)
        mean = summary.mean()
        assert mean is not None
        assert store.catalog.rating(offer.offer_id) == (float(mean), 3)
        assert store.catalog.ranking_score(offer.offer_id) == float(summary.ranking_score)
        with store.unit_of_work() as uow:
            review = uow.reviews.get(ReviewId("R1"))
            uow.reviews.save(review.corrected(Scores.uniform(1),
                                              at=datetime(2026, 6, 3, tzinfo=_PARIS)))
            uow.commit()
        assert store.catalog.rating(offer.offer_id) == (3.0, 3)
