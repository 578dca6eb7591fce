"""A Hypothesis stateful machine over the whole unit of work on SqliteStore: folders with the
rights they hold, accounts, holders, reviews with their corrections, seats of a session with
few seats, and stale or failing units of work. After every step the store (read back, and
reopened from its file) says what a plain model says: seats taken never exceed the seats
offered, the money held is what the model held, the ratings in the index are what the stored
reviews give, and nothing of a refused unit is saved."""

from __future__ import annotations

import itertools
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from formation.accounts import Account
from formation.adapters.sqlite import SqliteStore
from formation.bookings import Booking, request
from formation.errors import ConflictError, DuplicateEntry, RuleViolation
from formation.holders import Holder, HolderStatus
from formation.ids import (
    AccountId,
    BookingId,
    EntryId,
    HolderId,
    OrganismId,
    ReviewId,
    SessionId,
)
from formation.money import Euros
from formation.reviews import RatingSummary, Review, Scores
from formation.testing.catalog import synthetic_catalog

PARIS = ZoneInfo("Europe/Paris")
ACCOUNT = AccountId("A1")
HOLDER = HolderId("H1")
CREDIT = Euros.whole(5_000)
SEATS = 2


class WholeUnitOfWork(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="stateful-store-"))
        self.path = self.folder / "store.db"
        self.store = SqliteStore(self.path, durable=False)
        offers, sessions = synthetic_catalog(6, seed=3)
        self.offer = offers[0]
        self.sessions = [attrs.evolve(s, seats=SEATS) for s in sessions[:2]]
        self.store.save_catalog(offers, [*self.sessions, *(
            s for s in sessions if s.session_id not in {x.session_id for x in self.sessions})])
        account = Account(ACCOUNT, HOLDER)
        account.credit(EntryId("credit"), CREDIT, date(2025, 4, 15))
        with self.store.unit_of_work() as uow:
            uow.accounts.add(account)
            uow.holders.add(Holder(HOLDER))
            uow.commit()
        # the model
        self.folders: dict[str, int] = {}  # folder -> cents held
        self.seats: dict[str, set[str]] = {s.session_id: set() for s in self.sessions}
        self.reviews: dict[str, Scores] = {}  # folder -> current scores
        self.holder_statuses = 0
        self.counter = itertools.count()

    def teardown(self) -> None:
        self.store.close()

    def _new_folder(self) -> Booking:
        number = next(self.counter)
        return request(BookingId(f"F{number:04d}"), holder_id=HOLDER, account_id=ACCOUNT,
                       organism_id=OrganismId(self.offer.organism.siret),
                       offer_id=self.offer.offer_id, session_id=SessionId("S"),
                       price=Euros.whole(900), requested_at=datetime(2026, 3, 2, 9,
                                                                     tzinfo=PARIS))

    @rule(cents=st.integers(1, 200_000), seat=st.integers(0, 1), with_seat=st.booleans())
    def book(self, cents: int, seat: int, with_seat: bool) -> None:
        """A folder, the rights it holds and (maybe) a seat, in one unit of work."""
        folder = self._new_folder()
        session = self.sessions[seat].session_id
        held = sum(self.folders.values())
        full = with_seat and len(self.seats[session]) >= SEATS
        poor = held + cents > CREDIT.cents
        with self.store.unit_of_work() as uow:
            uow.bookings.add(folder)
            account = uow.accounts.get(ACCOUNT)
            try:
                account.hold(EntryId(f"hold-{folder.booking_id}"), folder.booking_id,
                             date(2026, 3, 2), rights=Euros(cents))
                uow.accounts.save(account)
                if with_seat:
                    uow.catalog.take_seat(session, folder.booking_id)
            except RuleViolation as refused:
                codes = refused.codes
                assert full
                assert codes == ("booking.session_full",)
                return
            except Exception:
                assert poor
                return
            uow.commit()
        assert not full and not poor
        self.folders[folder.booking_id] = cents
        if with_seat:
            self.seats[session].add(folder.booking_id)

    @precondition(lambda self: any(self.seats.values()))
    @rule(data=st.data())
    def give_back(self, data: st.DataObject) -> None:
        session = data.draw(st.sampled_from(sorted(s for s, h in self.seats.items() if h)))
        folder = data.draw(st.sampled_from(sorted(self.seats[session])))
        with self.store.unit_of_work() as uow:
            uow.catalog.give_back_seat(SessionId(session), BookingId(folder))
            uow.catalog.give_back_seat(SessionId(session), BookingId(folder))  # idempotent
            account = uow.accounts.get(ACCOUNT)
            account.release(EntryId(f"release-{folder}"), BookingId(folder), date(2026, 3, 2))
            uow.accounts.save(account)
            uow.commit()
        self.seats[session].discard(folder)
        self.folders[folder] = 0

    @precondition(lambda self: bool(self.folders))
    @rule(data=st.data(), score=st.integers(1, 5))
    def review(self, data: st.DataObject, score: int) -> None:
        folder = data.draw(st.sampled_from(sorted(self.folders)))
        written = Review(ReviewId(f"R-{folder}"), BookingId(folder), HOLDER,
                         self.offer.offer_id, OrganismId(self.offer.organism.siret),
                         Scores.uniform(score), datetime(2026, 6, 1, tzinfo=PARIS))
        with self.store.unit_of_work() as uow:
            existing = uow.reviews.for_folder(BookingId(folder))
            if existing is None:
                uow.reviews.add(written)
            else:
                uow.reviews.save(existing.corrected(
                    Scores.uniform(score), at=datetime(2026, 6, 2, tzinfo=PARIS)))
            uow.commit()
        self.reviews[folder] = Scores.uniform(score)

    @rule()
    def stale_unit_saves_nothing(self) -> None:
        """A unit that read the holder before another unit changed it: refused, and its seat,
        folder and review are not saved."""
        late = self.store.unit_of_work()
        with late:
            holder = late.holders.get(HOLDER)
            late.holders.save(holder.with_status(HolderStatus.EMPLOYEE,
                                                 date(2000 + self.holder_statuses, 1, 1),
                                                 date(2000 + self.holder_statuses, 6, 1)))
            folder = self._new_folder()
            late.bookings.add(folder)
            late.reviews.add(Review(ReviewId(f"R-{folder.booking_id}"), folder.booking_id,
                                    HOLDER, self.offer.offer_id,
                                    OrganismId(self.offer.organism.siret), Scores.uniform(1),
                                    datetime(2026, 6, 1, tzinfo=PARIS)))
            with self.store.unit_of_work() as meanwhile:
                moved = meanwhile.holders.get(HOLDER)
                meanwhile.holders.save(moved.with_status(
                    HolderStatus.SELF_EMPLOYED, date(2000 + self.holder_statuses, 1, 1),
                    date(2000 + self.holder_statuses, 6, 1)))
                meanwhile.commit()
            try:
                late.commit()
            except ConflictError:
                pass
            else:
                raise AssertionError("a stale holder was saved")
        self.holder_statuses += 1

    @precondition(lambda self: bool(self.reviews))
    @rule()
    def a_second_review_of_a_folder_saves_nothing(self) -> None:
        folder = sorted(self.reviews)[0]
        with self.store.unit_of_work() as uow:
            account = uow.accounts.get(ACCOUNT)
            account.credit(EntryId(f"never-{next(self.counter)}"), Euros.whole(1),
                           date(2025, 5, 1))
            uow.accounts.save(account)
            try:
                uow.reviews.add(Review(ReviewId(f"R2-{folder}"), BookingId(folder), HOLDER,
                                       self.offer.offer_id,
                                       OrganismId(self.offer.organism.siret), Scores.uniform(5),
                                       datetime(2026, 6, 1, tzinfo=PARIS)))
                uow.commit()
            except DuplicateEntry:
                pass
            else:
                raise AssertionError("a folder was reviewed twice")

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = SqliteStore(self.path, durable=False)

    @invariant()
    def the_store_says_what_the_model_says(self) -> None:
        store = self.store
        with store.unit_of_work() as uow:
            for session, holders in self.seats.items():
                taken = uow.catalog.seat_holders(SessionId(session))
                assert taken == holders
                assert len(taken) <= SEATS
            balance = uow.accounts.get(ACCOUNT).balance()
            assert balance.rights == CREDIT
            assert balance.held.cents == sum(self.folders.values())
            assert {b.booking_id for b in uow.bookings.find()} == set(self.folders)
            stored = {r.booking_id: r.scores for r in uow.reviews.find(
                offer_id=self.offer.offer_id)}
            assert stored == self.reviews
            assert len(uow.holders.get(HOLDER).statuses) == self.holder_statuses
        summary = RatingSummary.of(list(self.reviews.values()), store.catalog.prior)
        mean = summary.mean()
        assert store.catalog.rating(self.offer.offer_id) == \
            ((None, 0) if mean is None else (float(mean), summary.count))


TestWholeUnitOfWork = WholeUnitOfWork.TestCase
TestWholeUnitOfWork.settings = settings(
    max_examples=8, stateful_step_count=8, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
