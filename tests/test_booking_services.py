"""The booking services over a MemoryStore: the folder and the ledger move together or not at all.

Sources: ``cpf-rules.md`` 4 (flat participation paid by card), 5.2 (withdrawal and cancellation:
rights re-credited, card refunded; late cancellation and no-show debited), 5.3 (rights debited
at entry, completion rate), 5.4 (states).
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from formation.accounts import Account
from formation.adapters.memory import MemoryStore
from formation.adapters.sqlite import SqliteStore
from formation.bookings import (
    PERMISSIONS,
    TRANSITIONS,
    Actor,
    Booking,
    BookingStatus,
    Fault,
    MovementKind,
    Operation,
    Proposal,
    draft_proposal,
    overdue_lapse,
)
from formation.calendar.business_days import BusinessCalendar
from formation.calendar.territories import Territory
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Option,
    Organism,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.deadlines import deadlines, local_date
from formation.errors import (
    ConflictError,
    FormationError,
    InsufficientCredit,
    InvalidTransition,
    InvalidValue,
    NotAuthorized,
    NotFound,
    RuleViolation,
)
from formation.holders import Holder, HolderStatus
from formation.ids import AccountId, BookingId, EntryId, HolderId, OfferId, OrganismId, SessionId
from formation.money import Euros
from formation.ports import Store
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.rules.rulebook import Rulebook
from formation.services import bookings as svc

PARIS = ZoneInfo("Europe/Paris")
SIRET = "73282932000074"
ORGANISM = Organism(siret=SIRET, name="Formations Exemple",
                    qualiopi=QualiopiCertification(date(2022, 1, 1), date(2030, 12, 31)))
CERTIFICATION = Certification(Registry.RNCP, "35000", "Anglais professionnel", 5, None)
OPTIONS = (Option("examen", "Passage de la certification", Euros.whole(90)),
           Option("support", "Support imprimé", Euros.whole(45), cpf_fundable=False))
HOLDER = Actor.holder(HolderId("H1"))
ORG = Actor.organism(OrganismId(SIRET))
OPERATOR = Actor.operator()
EMPLOYER = Actor.employer("E1")
FRANCE_TRAVAIL = Actor.funder(Funder.FRANCE_TRAVAIL)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def offer(number: int = 1, price: int = 1500, organism: Organism = ORGANISM) -> Offer:
    return Offer(offer_id=OfferId(f"OF{number}"), organism=organism, title="Anglais des affaires",
                 certification=CERTIFICATION, formacodes=("15254",), price=Euros.whole(price),
                 duration_hours=35, modality=Modality.IN_PERSON, action_type=ActionType.RNCP,
                 options=OPTIONS)


def session(number: int = 1, start: date = date(2026, 4, 13), seats: int | None = None,
            offer_number: int | None = None) -> Session:
    return Session(session_id=SessionId(f"S{number}"),
                   offer_id=OfferId(f"OF{offer_number or number}"), start=start,
                   end=start + timedelta(days=11), seats=seats)


LATER = SessionId("S9")  # a session of offer 1 far enough for requests made late in 2026


def catalogue() -> tuple[tuple[Offer, ...], tuple[Session, ...]]:
    """Offers 1 and 2 with their session starting 13 April 2026, and a later session S9."""
    return ((offer(1), offer(2)),
            (session(1), session(2), session(9, start=date(2027, 6, 1), offer_number=1)))


def new_store(rights: int = 2000, top_up: tuple[Funder, int] | None = None,
              calendar: BusinessCalendar | None = None) -> MemoryStore:
    store = MemoryStore() if calendar is None else MemoryStore(calendar=calendar)
    store.save_catalog(*catalogue())
    account = Account(AccountId("A1"), HolderId("H1"))
    account.credit(EntryId("credit-2024"), Euros.whole(rights), date(2025, 4, 15), year=2024)
    if top_up is not None:
        account.top_up(EntryId("top-up"), top_up[0], Euros.whole(top_up[1]), date(2025, 6, 1))
    with store.unit_of_work() as uow:
        uow.accounts.add(account)
        uow.accounts.add(Account(AccountId("A2"), HolderId("H2")))
        uow.commit()
    return store


PROPOSAL = Proposal(start=date(2026, 4, 13), end=date(2026, 4, 24), price=Euros.whole(1500))


def booked(store: MemoryStore, number: int = 1, **kwargs: object) -> BookingId:
    booking = svc.book(store, HOLDER, at(2026, 3, 2, 9), booking_id=BookingId(f"F{number}"),
                       account_id=AccountId("A1"), session_id=SessionId(f"S{number}"),
                       **kwargs)  # type: ignore[arg-type]
    return booking.booking_id


def accepted(store: MemoryStore, number: int = 1, **kwargs: object) -> BookingId:
    folder = booked(store, number, **kwargs)
    svc.accept(store, ORG, at(2026, 3, 3, 9), folder, proposal=PROPOSAL)
    svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder)
    return folder


def balance(store: MemoryStore) -> tuple[int, int, int]:
    got = svc.view_balance(store, HOLDER, AccountId("A1"))
    return got.rights.cents, got.held.cents, got.available.cents


def card(folder: Booking) -> tuple[int, int]:
    paid = sum(m.amount.cents for m in folder.movements if m.kind is MovementKind.CARD_PAYMENT)
    back = sum(m.amount.cents for m in folder.movements if m.kind is MovementKind.CARD_REFUND)
    return paid, back


# -- from request to payment ------------------------------------------------------------------

def test_a_folder_from_request_to_payment_moves_the_ledger_at_each_step() -> None:
    store = new_store()
    folder = booked(store)
    assert balance(store) == (200000, 0, 200000)  # nothing held before the holder accepts
    svc.accept(store, ORG, at(2026, 3, 3, 9), folder, proposal=PROPOSAL)
    done = svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder)
    # 2026: flat participation 103,20 € paid by card, the rest from rights (cpf-rules.md 4)
    assert done.plan is not None and done.plan.card_payment == Euros(10320)
    assert balance(store) == (200000, 139680, 60320)
    assert card(done) == (10320, 0)
    svc.declare_entry(store, ORG, at(2026, 4, 13, 9), folder, date(2026, 4, 13))
    assert balance(store) == (60320, 0, 60320)  # debited at entry (5.3)
    svc.declare_exit(store, ORG, at(2026, 4, 24, 18), folder, date(2026, 4, 24))
    svc.declare_service_done(store, ORG, at(2026, 4, 27, 9), folder, 100)
    svc.confirm_attendance(store, HOLDER, at(2026, 4, 27, 12), folder)
    # validated automatically on the fifth business day: Tue 5 May 2026 (1 May a holiday)
    assert svc.lapse_overdue(store, OPERATOR, at(2026, 5, 4, 23)) == ()
    (validated,) = svc.lapse_overdue(store, OPERATOR, at(2026, 5, 5, 0, 5))
    assert validated.status is BookingStatus.SERVICE_DONE_VALIDATED
    assert deadlines(validated).payment_by == date(2026, 6, 4)
    paid = svc.record_payment(store, OPERATOR, at(2026, 5, 20), folder)
    assert paid.paid_at == at(2026, 5, 20)
    assert svc.view_booking(store, OPERATOR, folder) == paid
    assert [t.target.value for t in paid.history] == [
        "notProcessed", "validated", "accepted", "inTraining", "terminated",
        "serviceDoneDeclared", "serviceDoneDeclared", "serviceDoneValidated",
        "serviceDoneValidated"]


def test_a_request_on_a_friday_evening_before_easter_lapses_after_tuesday() -> None:
    store = new_store()
    svc.book(store, HOLDER, at(2026, 4, 3, 19, 30), booking_id=BookingId("F1"),
             account_id=AccountId("A1"), session_id=LATER)
    assert svc.lapse_overdue(store, OPERATOR, at(2026, 4, 8, 23, 59)) == ()
    (lapsed,) = svc.lapse_overdue(store, OPERATOR, at(2026, 4, 9, 0, 1))
    assert lapsed.status is BookingStatus.REJECTED_WITHOUT_OF_SUITE
    assert svc.lapse_overdue(store, OPERATOR, at(2026, 4, 9, 0, 2)) == ()


def test_a_withdrawal_gives_back_the_rights_and_refunds_the_card() -> None:
    store = new_store()
    folder = accepted(store)
    done = svc.withdraw(store, HOLDER, at(2026, 3, 6), folder, "changement de projet")
    assert done.status is BookingStatus.CANCELED_BY_ATTENDEE
    assert balance(store) == (200000, 0, 200000)
    assert card(done) == (10320, 10320)


def test_a_late_cancellation_debits_the_rights_and_keeps_the_card() -> None:
    # 2019 terms (P): fewer than 7 bd before the start, rights debited, card payments kept
    store = new_store()
    folder = accepted(store)
    done = svc.cancel(store, HOLDER, at(2026, 4, 8), folder, "empêchement")
    assert done.status is BookingStatus.CANCELED_BY_ATTENDEE_NOT_REALIZED
    assert balance(store) == (60320, 0, 60320)
    assert card(done) == (10320, 0)


def test_a_no_show_debits_the_rights() -> None:
    store = new_store()
    folder = accepted(store)
    done = svc.declare_no_show(store, ORG, at(2026, 4, 14), folder)
    assert done.status is BookingStatus.CANCELED_BY_ATTENDEE_NOT_REALIZED
    assert balance(store) == (60320, 0, 60320)


def test_an_organism_cancellation_gives_everything_back() -> None:
    store = new_store()
    folder = accepted(store)
    done = svc.cancel(store, ORG, at(2026, 4, 10), folder, "session annulée")
    assert done.status is BookingStatus.CANCELED_BY_ORGANISM
    assert balance(store) == (200000, 0, 200000)
    assert card(done) == (10320, 10320)


def test_a_partial_completion_refunds_the_uncompleted_part() -> None:
    store = new_store()
    folder = accepted(store)
    svc.declare_entry(store, ORG, at(2026, 4, 13, 9), folder, date(2026, 4, 13))
    done = svc.declare_service_done(store, ORG, at(2026, 4, 24, 18), folder, 50,
                                    fault=Fault.ORGANISM, exit_on=date(2026, 4, 22))
    refunded = sum(m.amount.cents for m in done.movements if m.kind is MovementKind.REFUND)
    assert refunded == 69840  # half of the 1 396,80 € of rights (refund_plan, 12.2 U)
    assert balance(store) == (60320 + 69840, 0, 60320 + 69840)


def test_a_top_up_is_held_and_released_with_the_rights() -> None:
    store = new_store(rights=500, top_up=(Funder.REGION, 2000))
    folder = accepted(store)
    done = svc.view_booking(store, HOLDER, folder)
    holds = {(m.funder, m.amount.cents) for m in done.movements if m.kind is MovementKind.HOLD}
    # the region's money on the account is a dotation: from 5 Dec 2025 it pays before the
    # rights (décret n° 2025-1156, cpf-rules.md 3); the region does not exempt from the
    # participation (103,20 € by card, cpf-rules.md 4)
    assert holds == {(Funder.REGION, 139680)}
    svc.withdraw(store, HOLDER, at(2026, 3, 6), folder)
    got = svc.view_balance(store, HOLDER, AccountId("A1"))
    assert (got.rights.cents, got.top_ups.cents, got.held.cents) == (50000, 200000, 0)


def test_france_travail_refusal_releases_what_the_holder_committed() -> None:
    store = new_store()
    folder = accepted(store, funder_review=True, job_seeker=True)
    waiting = svc.view_booking(store, FRANCE_TRAVAIL, folder)
    assert waiting.status is BookingStatus.WAITING_ACCEPTATION
    assert balance(store) == (200000, 150000, 50000)  # a job seeker pays no participation
    refused = svc.refuse(store, FRANCE_TRAVAIL, at(2026, 3, 6), folder, "projet non validé")
    assert refused.status is BookingStatus.REFUSED_BY_FINANCER
    assert balance(store) == (200000, 0, 200000)


def test_too_many_pending_requests_for_one_offer_are_refused() -> None:
    # 2019 terms (P): at most 5 pending requests for the same training action
    store = new_store()
    for number in range(5):
        svc.book(store, HOLDER, at(2026, 3, 2, 9), booking_id=BookingId(f"F{number}"),
                 account_id=AccountId("A1"), session_id=SessionId("S1"))
    with pytest.raises(RuleViolation) as caught:
        svc.book(store, HOLDER, at(2026, 3, 2, 9), booking_id=BookingId("F9"),
                 account_id=AccountId("A1"), session_id=SessionId("S1"))
    assert caught.value.codes == ("booking.too_many_pending_requests",)


# -- who may act and see ----------------------------------------------------------------------

def test_a_holder_books_only_on_their_own_account() -> None:
    store = new_store()
    with pytest.raises(NotAuthorized):
        svc.book(store, Actor.holder(HolderId("H2")), at(2026, 3, 2),
                 booking_id=BookingId("F1"), account_id=AccountId("A1"),
                 session_id=SessionId("S1"))
    for actor in (ORG, OPERATOR, EMPLOYER, FRANCE_TRAVAIL):
        with pytest.raises(NotAuthorized):
            svc.book(store, actor, at(2026, 3, 2), booking_id=BookingId("F1"),
                     account_id=AccountId("A1"), session_id=SessionId("S1"))


@pytest.mark.parametrize(("actor", "may"), [
    (HOLDER, True), (Actor.holder(HolderId("H2")), False), (ORG, True),
    (Actor.organism(OrganismId("35600000000048")), False), (OPERATOR, True),
    (EMPLOYER, False), (FRANCE_TRAVAIL, False), (Actor.funder(Funder.REGION), True),
])
def test_who_may_see_a_folder(actor: Actor, may: bool) -> None:
    store = new_store()
    folder = booked(store, funders=(Funder.REGION,))
    if may:
        assert svc.view_booking(store, actor, folder).booking_id == folder
    else:
        with pytest.raises(NotAuthorized):
            svc.view_booking(store, actor, folder)


@pytest.mark.parametrize(("actor", "may"), [
    (HOLDER, True), (Actor.holder(HolderId("H2")), False), (ORG, False), (OPERATOR, True),
    (EMPLOYER, False), (FRANCE_TRAVAIL, False),
])
def test_only_the_holder_and_the_operator_see_a_balance(actor: Actor, may: bool) -> None:
    store = new_store()
    if may:
        assert svc.view_balance(store, actor, AccountId("A1")).rights == Euros.whole(2000)
    else:
        with pytest.raises(NotAuthorized):
            svc.view_balance(store, actor, AccountId("A1"))


def test_a_refused_service_call_changes_nothing() -> None:
    store = new_store()
    folder = accepted(store)
    before = (svc.view_booking(store, OPERATOR, folder), balance(store))
    with pytest.raises(NotAuthorized):
        svc.cancel(store, EMPLOYER, at(2026, 3, 6), folder)
    with pytest.raises(InvalidTransition):
        svc.declare_exit(store, ORG, at(2026, 3, 6), folder, date(2026, 3, 6))
    assert (svc.view_booking(store, OPERATOR, folder), balance(store)) == before


# -- atomicity and races --------------------------------------------------------------------------

class _Interfering(MemoryStore):
    """A store where someone else appends to account A1 right before the next commit."""

    def __init__(self) -> None:
        super().__init__()
        self.interfere = False

    def unit_of_work(self):  # type: ignore[no-untyped-def]
        uow = super().unit_of_work()
        commit = uow.commit

        def racing_commit() -> None:
            if self.interfere:
                self.interfere = False
                with MemoryStore.unit_of_work(self) as other:
                    account = other.accounts.get(AccountId("A1"))
                    account.credit(EntryId("late-credit"), Euros.whole(1), date(2025, 5, 1))
                    other.accounts.save(account)
                    other.commit()
            commit()

        uow.commit = racing_commit  # type: ignore[method-assign]
        return uow


def test_the_folder_and_the_ledger_are_saved_together_or_not_at_all() -> None:
    store = _Interfering()
    account = Account(AccountId("A1"), HolderId("H1"))
    account.credit(EntryId("c"), Euros.whole(2000), date(2025, 4, 15))
    store.save_catalog(*catalogue())
    with MemoryStore.unit_of_work(store) as uow:
        uow.accounts.add(account)
        uow.commit()
    folder = booked(store)
    svc.accept(store, ORG, at(2026, 3, 3, 9), folder, proposal=PROPOSAL)
    store.interfere = True
    with pytest.raises(ConflictError):
        svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder)
    assert svc.view_booking(store, HOLDER, folder).status is BookingStatus.VALIDATED
    assert svc.view_balance(store, HOLDER, AccountId("A1")).held == Euros(0)
    # a retry succeeds
    assert svc.accept(store, HOLDER, at(2026, 3, 4, 9, 5), folder).status is \
        BookingStatus.ACCEPTED


class _Gate(MemoryStore):
    """A store where every unit of work waits, after reading the account, for the others."""

    def __init__(self, parties: int) -> None:
        super().__init__()
        self.barrier = threading.Barrier(parties)

    def _account(self, account_id: str):  # type: ignore[no-untyped-def]
        found = super()._account(account_id)
        self.barrier.wait(timeout=30)
        return found


@pytest.mark.parametrize("round_", range(10))
def test_two_threads_racing_for_one_balance_exactly_one_wins(round_: int) -> None:
    store = _Gate(1)
    account = Account(AccountId("A1"), HolderId("H1"))
    account.credit(EntryId("c"), Euros.whole(1600), date(2025, 4, 15))
    store.save_catalog(*catalogue())
    with MemoryStore.unit_of_work(store) as uow:
        uow.accounts.add(account)
        uow.commit()
    store.barrier = threading.Barrier(1)
    folders = []
    for number in (1, 2):
        folders.append(svc.book(store, HOLDER, at(2026, 3, 2, 9),
                                booking_id=BookingId(f"F{number}"), account_id=AccountId("A1"),
                                session_id=SessionId(f"S{number}")).booking_id)
        svc.accept(store, ORG, at(2026, 3, 3, 9), folders[-1], proposal=PROPOSAL)
    store.barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def race(folder: BookingId) -> None:
        try:
            svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder)
            outcomes[folder] = "won"
        except ConflictError:
            outcomes[folder] = "conflict"

    threads = [threading.Thread(target=race, args=(f,)) for f in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict", "won"]
    store.barrier = threading.Barrier(1)
    got = svc.view_balance(store, HOLDER, AccountId("A1"))
    assert got.held == Euros(139680) and got.available == Euros(20320)
    statuses = sorted(svc.view_booking(store, HOLDER, f).status.value for f in folders)
    assert statuses == ["accepted", "validated"]


# -- the memory store's contract --------------------------------------------------------------------

def test_the_memory_store_refuses_a_stale_folder_and_an_unknown_one() -> None:
    store = new_store()
    folder = booked(store)
    stale = svc.view_booking(store, OPERATOR, folder)
    svc.accept(store, ORG, at(2026, 3, 3, 9), folder, proposal=PROPOSAL)
    with store.unit_of_work() as uow:
        uow.bookings.save(stale)
        with pytest.raises(ConflictError):
            uow.commit()
    with store.unit_of_work() as uow, pytest.raises(NotFound):
        uow.bookings.get(BookingId("nope"))
    with store.unit_of_work() as uow, pytest.raises(NotFound):
        uow.accounts.get(AccountId("nope"))


def test_leaving_a_unit_of_work_without_commit_drops_its_changes() -> None:
    store = new_store()
    with store.unit_of_work() as uow:
        account = uow.accounts.get(AccountId("A1"))
        account.credit(EntryId("extra"), Euros.whole(10), date(2025, 5, 1))
        uow.accounts.save(account)
    assert balance(store)[0] == 200000


# -- the stateful machine ---------------------------------------------------------------------------

HOLDERS = (HolderId("H1"), HolderId("H2"))
START = at(2026, 1, 5, 9)
UNCERTIFIED = Organism(siret=SIRET, name="Formations Exemple")  # no Qualiopi: not eligible
# the machine's catalogue: few seats, one offer not eligible, sessions at several dates
MACHINE_OFFERS = (offer(1), offer(2, price=3200), offer(3, organism=UNCERTIFIED))
MACHINE_SESSIONS = (
    session(1, start=date(2026, 3, 2), seats=1),
    session(2, start=date(2026, 4, 13), seats=2),
    session(3, start=date(2026, 5, 4), seats=1, offer_number=2),
    session(4, start=date(2026, 3, 16), seats=None, offer_number=3),
)
SEATS = {s.session_id: s.seats for s in MACHINE_SESSIONS}


class BookingMachine(RuleBasedStateMachine):
    """Random folders and parties, random operations at random instants."""

    folders = Bundle("folders")

    def new_store(self) -> Store:
        return MemoryStore()

    @initialize()
    def setup(self) -> None:
        self.store = self.new_store()
        self.store.save_catalog(MACHINE_OFFERS, MACHINE_SESSIONS)
        self.now = START
        self.count = 0
        self.credited: dict[str, int] = {}
        with self.store.unit_of_work() as uow:
            for number, holder in enumerate(HOLDERS, 1):
                account = Account(AccountId(f"A-{holder}"), holder)
                cents = 150_000 * number
                account.credit(EntryId("c"), Euros(cents), date(2025, 4, 15))
                account.top_up(EntryId("t"), Funder.REGION, Euros(40_000), date(2025, 6, 1))
                self.credited[account.account_id] = cents + 40_000
                uow.accounts.add(account)
            uow.commit()

    def _folder(self, booking_id: BookingId) -> Booking:
        return svc.view_booking(self.store, OPERATOR, booking_id)

    def _try(self, call) -> None:  # type: ignore[no-untyped-def]
        """Run a service; an expected refusal must leave the store unchanged."""
        before = self._snapshot()
        try:
            call()
        except (NotAuthorized, InvalidTransition, RuleViolation, InsufficientCredit):
            assert self._snapshot() == before
        except FormationError as error:  # anything else is a bug
            raise AssertionError(f"unexpected {error!r}") from error

    def _snapshot(self) -> tuple[object, ...]:
        with self.store.unit_of_work() as uow:
            folders = uow.bookings.find()
            accounts = tuple(uow.accounts.get(AccountId(f"A-{h}")).entries for h in HOLDERS)
            seats = tuple(uow.catalog.seat_holders(s.session_id) for s in MACHINE_SESSIONS)
        return folders, accounts, seats

    @rule(minutes=st.integers(1, 60 * 24 * 3))
    def wait(self, minutes: int) -> None:
        self.now = self.now + timedelta(minutes=minutes)

    @precondition(lambda self: self.count < 3)
    @rule(target=folders, holder=st.sampled_from(HOLDERS), number=st.integers(1, 4),
          chosen=st.sets(st.sampled_from(OPTIONS)), review=st.booleans())
    def book(self, holder: HolderId, number: int, chosen: set[Option],
             review: bool) -> BookingId:
        self.count += 1
        booking_id = BookingId(f"F{self.count}")
        options = tuple(o for o in OPTIONS if o in chosen)
        self._try(lambda: svc.book(
            self.store, Actor.holder(holder), self.now, booking_id=booking_id,
            account_id=AccountId(f"A-{holder}"), session_id=SessionId(f"S{number}"),
            options=options, funder_review=review, job_seeker=review,
            funders=(Funder.REGION,)))
        return booking_id

    def _exists(self, booking_id: BookingId) -> Booking | None:
        try:
            return self._folder(booking_id)
        except NotFound:
            return None

    def _jump_to(self, day: date, hour: int) -> None:
        """Move the clock forward to ``day`` at ``hour`` (never backward)."""
        self.now = max(self.now, datetime(day.year, day.month, day.day, hour, tzinfo=PARIS))

    @rule(folder=folders, choice=st.integers(0, 9), lead=st.integers(0, 30),
          length=st.integers(0, 60), delay=st.integers(0, 3),
          rate=st.sampled_from([100, 100, 80, 50, 0]),
          fault=st.sampled_from([Fault.HOLDER, Fault.ORGANISM, Fault.FORCE_MAJEURE]),
          markup=st.sampled_from([0, 1, 500_000, -1, -30_000]),
          drop=st.booleans())
    def progress(self, folder: BookingId, choice: int, lead: int, length: int, delay: int,
                 rate: int, fault: Fault, markup: int, drop: bool) -> None:
        """The usual next step of the folder, by the usual party (a branch by ``choice``)."""
        found = self._exists(folder)
        if found is None:
            return
        holder = Actor.holder(found.holder_id)
        status = found.status
        call = None
        if status is BookingStatus.NOT_PROCESSED:
            start = local_date(self.now) + timedelta(days=20 + lead)
            # from the folder's options (one dropped, visibly), at the listed price or another
            draft = draft_proposal(found, start=start, end=start + timedelta(days=length),
                                   drop=[o.option_id for o in found.options[:1]] if drop
                                   else ())
            proposal = attrs.evolve(draft, price=Euros(max(0, draft.price.cents + markup)))
            call = [lambda: svc.accept(self.store, ORG, self.now, folder, proposal=proposal)] * 8
            call += [lambda: svc.refuse(self.store, ORG, self.now, folder, "complet"),
                     lambda: svc.cancel(self.store, holder, self.now, folder)]
        elif status is BookingStatus.VALIDATED:
            call = [lambda: svc.accept(self.store, holder, self.now, folder)] * 8
            call += [lambda: svc.refuse(self.store, holder, self.now, folder),
                     lambda: svc.cancel(self.store, ORG, self.now, folder)]
        elif status is BookingStatus.WAITING_ACCEPTATION:
            call = [lambda: svc.accept(self.store, FRANCE_TRAVAIL, self.now, folder)] * 8
            call += [lambda: svc.refuse(self.store, FRANCE_TRAVAIL, self.now, folder, "non")] * 2
        elif status is BookingStatus.ACCEPTED and found.proposal is not None:
            if choice < 7:
                self._jump_to(found.proposal.start + timedelta(days=delay), 9)
            today = local_date(self.now)
            call = [lambda: svc.declare_entry(self.store, ORG, self.now, folder, today)] * 6
            call += [lambda: svc.declare_no_show(self.store, ORG, self.now, folder),
                     lambda: svc.withdraw(self.store, holder, self.now, folder),
                     lambda: svc.cancel(self.store, holder, self.now, folder),
                     lambda: svc.cancel(self.store, ORG, self.now, folder)]
        elif status in (BookingStatus.IN_TRAINING, BookingStatus.TERMINATED) \
                and found.proposal is not None and found.entry_on is not None:
            self._jump_to(max(found.proposal.end, found.entry_on), 18)
            today = local_date(self.now)
            exit_on = today if status is BookingStatus.IN_TRAINING else None
            done = [lambda: svc.declare_service_done(
                self.store, ORG, self.now, folder, rate,
                fault=Fault.NONE if rate == 100 else fault, exit_on=exit_on)]
            call = done * 7 + [lambda: svc.declare_exit(self.store, ORG, self.now, folder,
                                                        today)] * 3
        elif status is BookingStatus.SERVICE_DONE_DECLARED:
            call = [lambda: svc.validate_service_done(self.store, OPERATOR, self.now,
                                                      folder)] * 5
            call += [lambda: svc.confirm_attendance(self.store, holder, self.now, folder)] * 5
        elif status is BookingStatus.SERVICE_DONE_VALIDATED:
            call = [lambda: svc.record_payment(self.store, OPERATOR, self.now, folder)] * 10
        if call is not None:
            self._try(call[choice])

    # any party trying anything: allowed, or refused with nothing changed
    @rule(folder=folders, role=st.sampled_from(["holder", "organism", "funder", "operator",
                                                  "employer", "stranger"]),
          operation=st.sampled_from(["accept", "refuse", "cancel", "withdraw", "entry", "exit",
                                     "service_done", "no_show", "validate", "confirm",
                                     "payment"]),
          rate=st.sampled_from([100, 80, 50, 0]),
          fault=st.sampled_from([Fault.HOLDER, Fault.ORGANISM, Fault.FORCE_MAJEURE]))
    def anyone_acts(self, folder: BookingId, role: str, operation: str, rate: int,
                    fault: Fault) -> None:
        found = self._exists(folder)
        if found is None:
            return
        actor = {"holder": Actor.holder(found.holder_id), "organism": ORG,
                 "funder": Actor.funder(Funder.FRANCE_TRAVAIL if found.funder_review
                                        else Funder.REGION),
                 "operator": OPERATOR, "employer": EMPLOYER,
                 "stranger": Actor.holder(HolderId("H-stranger"))}[role]
        today = local_date(self.now)
        calls = {
            "accept": lambda: svc.accept(
                self.store, actor, self.now, folder,
                proposal=Proposal(start=today + timedelta(days=30),
                                  end=today + timedelta(days=40), price=found.price)),
            "refuse": lambda: svc.refuse(self.store, actor, self.now, folder, "motif"),
            "cancel": lambda: svc.cancel(self.store, actor, self.now, folder, "motif"),
            "withdraw": lambda: svc.withdraw(self.store, actor, self.now, folder),
            "entry": lambda: svc.declare_entry(self.store, actor, self.now, folder, today),
            "exit": lambda: svc.declare_exit(self.store, actor, self.now, folder, today),
            "service_done": lambda: svc.declare_service_done(
                self.store, actor, self.now, folder, rate,
                fault=Fault.NONE if rate == 100 else fault,
                exit_on=today if found.status is BookingStatus.IN_TRAINING else None),
            "no_show": lambda: svc.declare_no_show(self.store, actor, self.now, folder),
            "validate": lambda: svc.validate_service_done(self.store, actor, self.now, folder),
            "confirm": lambda: svc.confirm_attendance(self.store, actor, self.now, folder),
            "payment": lambda: svc.record_payment(self.store, actor, self.now, folder),
        }
        self._try(calls[operation])

    @rule()
    def lapse_overdue(self) -> None:
        svc.lapse_overdue(self.store, OPERATOR, self.now)
        for folder in self._snapshot()[0]:  # type: ignore[attr-defined]
            assert overdue_lapse(folder, self.now) is None

    # -- invariants ----------------------------------------------------------------------------
    @invariant()
    def the_state_graph_is_respected(self) -> None:
        if not hasattr(self, "store"):
            return
        for folder in self._snapshot()[0]:  # type: ignore[attr-defined]
            for transition in folder.history[1:]:
                assert transition.target in TRANSITIONS[transition.operation][transition.source]
                assert transition.actor.role in PERMISSIONS[transition.operation]
            assert folder.history[0].operation is Operation.REQUEST

    @invariant()
    def seats_taken_never_exceed_seats_and_each_belongs_to_one_accepted_folder(self) -> None:
        if not hasattr(self, "store"):
            return
        folders, _, seats = self._snapshot()
        by_id = {f.booking_id: f for f in folders}  # type: ignore[attr-defined]
        for session_, holders in zip(MACHINE_SESSIONS, seats, strict=True):
            if session_.seats is not None:
                assert len(holders) <= session_.seats
            seated = {f.booking_id for f in by_id.values()
                      if f.session_id == session_.session_id and f.status in SEATED}
            assert holders == seated

    @invariant()
    def the_folder_the_proposal_and_the_plan_show_one_price(self) -> None:
        if not hasattr(self, "store"):
            return
        for folder in self._snapshot()[0]:  # type: ignore[attr-defined]
            if folder.proposal is not None:
                assert folder.price == folder.proposal.total
                assert folder.proposal.total <= folder.listed_price - sum(
                    (o.price for o in folder.options), Euros(0)) + sum(
                    (o.price for o in folder.proposal.options), Euros(0))
            if folder.plan is not None:
                assert folder.plan.price == folder.price

    @invariant()
    def money_is_conserved_and_never_negative(self) -> None:
        if not hasattr(self, "store"):
            return
        folders, _, _ = self._snapshot()
        with self.store.unit_of_work() as uow:
            for holder in HOLDERS:
                account = uow.accounts.get(AccountId(f"A-{holder}"))
                got = account.balance()
                assert min(got.rights.cents, got.top_ups.cents, got.held.cents,
                           got.available.cents) >= 0
                mine = [f for f in folders if f.account_id == account.account_id]  # type: ignore[attr-defined]
                net_debit = 0
                for folder in mine:
                    kinds = {kind: sum(m.amount.cents for m in folder.movements if m.kind is kind)
                             for kind in MovementKind}
                    held = account.held_for(folder.booking_id).total.cents
                    debited = account.debited_for(folder.booking_id).total.cents
                    assert kinds[MovementKind.HOLD] - kinds[MovementKind.RELEASE] == held
                    assert kinds[MovementKind.DEBIT] - kinds[MovementKind.REFUND] == debited
                    net_debit += debited
                    assert 0 <= kinds[MovementKind.CARD_REFUND] <= kinds[MovementKind.CARD_PAYMENT]
                    if folder.plan is not None:
                        plan = folder.plan
                        assert kinds[MovementKind.HOLD] == (plan.rights_used
                                                            + plan.top_ups_used).cents
                        assert kinds[MovementKind.CARD_PAYMENT] == plan.card_payment.cents
                        # nobody gets back more than was paid: kept + refunded == price
                        kept = held + debited + kinds[MovementKind.CARD_PAYMENT] \
                            - kinds[MovementKind.CARD_REFUND]
                        assert 0 <= kept <= plan.price.cents
                    if folder.status in (BookingStatus.CANCELED_BY_ATTENDEE,
                                         BookingStatus.CANCELED_BY_ORGANISM,
                                         BookingStatus.CANCELED_BY_FINANCER,
                                         BookingStatus.REFUSED_BY_FINANCER):
                        assert held == debited == 0
                        assert kinds[MovementKind.CARD_REFUND] == kinds[MovementKind.CARD_PAYMENT]
                    if folder.status in (BookingStatus.NOT_PROCESSED, BookingStatus.VALIDATED,
                                         BookingStatus.REFUSED_BY_ORGANISM,
                                         BookingStatus.REFUSED_BY_ATTENDEE,
                                         BookingStatus.REJECTED_WITHOUT_OF_SUITE,
                                         BookingStatus.REJECTED_WITHOUT_TITULAIRE_SUITE):
                        assert folder.movements == ()
                # every cent credited is on the account or debited for a folder
                assert got.rights.cents + got.top_ups.cents + net_debit == \
                    self.credited[account.account_id]


SEATED = frozenset({BookingStatus.ACCEPTED, BookingStatus.WAITING_ACCEPTATION,
                    BookingStatus.IN_TRAINING, BookingStatus.TERMINATED,
                    BookingStatus.SERVICE_DONE_DECLARED, BookingStatus.SERVICE_DONE_VALIDATED})


BookingMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=50,
                                            deadline=None)
TestBookingMachine = BookingMachine.TestCase


class SqliteBookingMachine(BookingMachine):
    """The same machine on a SqliteStore: seats, money and refusals as the memory store."""

    def new_store(self) -> Store:
        return SqliteStore(":memory:", durable=False)

    def teardown(self) -> None:
        if hasattr(self, "store"):
            self.store.close()  # type: ignore[attr-defined]


SqliteBookingMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=40,
                                                  deadline=None)
TestSqliteBookingMachine = SqliteBookingMachine.TestCase



# -- scenarios at the edge of every deadline ---------------------------------------------------------

def _last_minute(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, tzinfo=PARIS)


@pytest.mark.parametrize(("requested", "territory", "expected"), [
    # Friday evening before the Easter weekend (Easter Monday 6 April 2026, L3133-1); the
    # service done, declared on Wednesday 29 April, is validated 5 bd later (1 May a holiday)
    (at(2026, 4, 3, 19, 30), Territory.METROPOLE,
     {"answer": date(2026, 4, 8), "accept": date(2026, 4, 14), "start": date(2026, 4, 23),
      "entry": date(2026, 4, 28), "validated": date(2026, 5, 7), "paid": date(2026, 6, 6)}),
    # Alsace-Moselle around Good Friday (3 April 2026, L3134-13)
    (at(2026, 4, 2, 18), Territory.ALSACE_MOSELLE,
     {"answer": date(2026, 4, 8), "accept": date(2026, 4, 14), "start": date(2026, 4, 23),
      "entry": date(2026, 4, 28), "validated": date(2026, 5, 7), "paid": date(2026, 6, 6)}),
    # across 31 December (1 January a holiday everywhere)
    (at(2026, 12, 30, 22), Territory.METROPOLE,
     {"answer": date(2027, 1, 4), "accept": date(2027, 1, 8), "start": date(2027, 1, 19),
      "entry": date(2027, 1, 22), "validated": date(2027, 2, 1), "paid": date(2027, 3, 3)}),
])
def test_a_folder_from_request_to_payment_with_every_step_on_its_last_day(
        requested: datetime, territory: Territory, expected: dict[str, date]) -> None:
    calendar = BusinessCalendar(territory)
    store = new_store(calendar=calendar)
    folder = svc.book(store, HOLDER, requested, booking_id=BookingId("F1"),
                      account_id=AccountId("A1"), session_id=LATER,
                      calendar=calendar).booking_id
    due = deadlines(svc.view_booking(store, OPERATOR, folder), calendar)
    assert due.organism_answer_by == expected["answer"]
    proposed_at = _last_minute(expected["answer"])
    # the earliest start counts 11 business days from the proposal
    start = calendar.add_business_days(expected["answer"], 11)
    assert start == expected["start"]
    proposal = Proposal(start=start, end=start + timedelta(days=1), price=Euros.whole(1500))
    svc.accept(store, ORG, proposed_at, folder, proposal=proposal, calendar=calendar)
    due = deadlines(svc.view_booking(store, OPERATOR, folder), calendar)
    assert (due.holder_acceptance_by, due.earliest_start) == (expected["accept"], start)
    svc.accept(store, HOLDER, _last_minute(expected["accept"]), folder, calendar=calendar)
    due = deadlines(svc.view_booking(store, OPERATOR, folder), calendar)
    assert due.entry_declaration_by == expected["entry"]
    svc.declare_entry(store, ORG, _last_minute(expected["entry"]), folder, start,
                      calendar=calendar)
    end_declared = _last_minute(calendar.add_business_days(expected["entry"], 1))
    svc.declare_service_done(store, ORG, end_declared, folder, 100, exit_on=start,
                             calendar=calendar)
    due = deadlines(svc.view_booking(store, OPERATOR, folder), calendar)
    assert due.service_done_validated_on == expected["validated"]
    day_before = _last_minute(expected["validated"] - timedelta(days=1))
    assert svc.lapse_overdue(store, OPERATOR, day_before, calendar=calendar) == ()
    (validated,) = svc.lapse_overdue(store, OPERATOR,
                                     at(*expected["validated"].timetuple()[:3], 0, 1),
                                     calendar=calendar)
    assert deadlines(validated, calendar).payment_by == expected["paid"]
    paid = svc.record_payment(store, OPERATOR, _last_minute(expected["paid"]), folder)
    assert paid.status is BookingStatus.SERVICE_DONE_VALIDATED and paid.paid_at is not None
    assert balance(store) == (60320, 0, 60320)


def test_one_minute_late_the_organism_cannot_answer_and_the_folder_lapses() -> None:
    store = new_store()
    folder = booked(store)  # Monday 2 March 2026: answer by Wednesday 4
    with pytest.raises(RuleViolation):
        svc.accept(store, ORG, at(2026, 3, 5, 0, 0), folder, proposal=PROPOSAL)
    (lapsed,) = svc.lapse_overdue(store, OPERATOR, at(2026, 3, 5, 0, 0))
    assert lapsed.status is BookingStatus.REJECTED_WITHOUT_OF_SUITE


# -- the checkout: quote, eligibility, seats, options, prices, the plan shown (issue 15) -------

def _store_with(*sessions: Session, offers: tuple[Offer, ...] = (), rights: int = 2000,
                rulebook: Rulebook | None = None) -> MemoryStore:
    store = MemoryStore() if rulebook is None else MemoryStore(rulebook=rulebook)
    store.save_catalog(offers or (offer(1),), sessions)
    with store.unit_of_work() as uow:
        for holder in ("H1", "H2"):
            account = Account(AccountId(f"A-{holder}"), HolderId(holder))
            account.credit(EntryId("credit"), Euros.whole(rights), date(2025, 4, 15))
            uow.accounts.add(account)
        uow.commit()
    return store


def _book(store: MemoryStore, holder: str, number: int, session_id: str = "S1",
          **kwargs: object) -> BookingId:
    return svc.book(store, Actor.holder(HolderId(holder)), at(2026, 3, 2, 9),
                    booking_id=BookingId(f"F{number}"), account_id=AccountId(f"A-{holder}"),
                    session_id=SessionId(session_id), **kwargs).booking_id  # type: ignore[arg-type]


def _propose(store: MemoryStore, folder: BookingId, **kwargs: object) -> Booking:
    found = svc.view_booking(store, ORG, folder)
    draft = draft_proposal(found, start=date(2026, 4, 13), end=date(2026, 4, 24),
                           **kwargs)  # type: ignore[arg-type]
    return svc.propose(store, ORG, at(2026, 3, 3, 9), folder, draft)


def _seats(store: MemoryStore, session_id: str = "S1") -> frozenset[BookingId]:
    with store.unit_of_work() as uow:
        return uow.catalog.seat_holders(SessionId(session_id))


def test_a_session_without_seats_is_refused_at_once_with_the_other_violations() -> None:
    # issue 15: a session with seats=0 was booked; an uncertified organism too
    store = _store_with(session(1, seats=0), offers=(offer(1, organism=UNCERTIFIED),))
    before = svc.view_balance(store, OPERATOR, AccountId("A-H1"))
    with pytest.raises(RuleViolation) as caught:
        _book(store, "H1", 1)
    assert caught.value.codes == ("eligibility.qualiopi_missing", "booking.session_full")
    with store.unit_of_work() as uow:
        assert uow.bookings.find() == ()
    assert svc.view_balance(store, OPERATOR, AccountId("A-H1")) == before


def test_the_last_seat_goes_to_the_first_holder_to_accept_the_other_is_refused() -> None:
    store = _store_with(session(1, seats=1))
    first, second = _book(store, "H1", 1), _book(store, "H2", 2)
    _propose(store, first), _propose(store, second)
    svc.accept(store, Actor.holder(HolderId("H1")), at(2026, 3, 4, 9), first)
    assert _seats(store) == {first}
    before = (svc.view_booking(store, OPERATOR, second),
              svc.view_balance(store, OPERATOR, AccountId("A-H2")))
    with pytest.raises(RuleViolation) as caught:
        svc.accept(store, Actor.holder(HolderId("H2")), at(2026, 3, 4, 10), second)
    assert caught.value.codes == ("booking.session_full",)
    assert (svc.view_booking(store, OPERATOR, second),
            svc.view_balance(store, OPERATOR, AccountId("A-H2"))) == before
    # a new request for the full session is refused too
    with pytest.raises(RuleViolation, match="1 seats and 1 are taken"):
        _book(store, "H2", 3)


@pytest.mark.parametrize("ending", ["withdraw", "cancel_late", "cancel_organism", "no_show"])
def test_a_folder_that_ends_without_the_training_gives_its_seat_back(ending: str) -> None:
    store = _store_with(session(1, seats=1))
    folder = _book(store, "H1", 1)
    _propose(store, folder)
    holder = Actor.holder(HolderId("H1"))
    svc.accept(store, holder, at(2026, 3, 4, 9), folder)
    assert _seats(store) == {folder}
    {"withdraw": lambda: svc.withdraw(store, holder, at(2026, 3, 6), folder),
     "cancel_late": lambda: svc.cancel(store, holder, at(2026, 4, 8), folder),
     "cancel_organism": lambda: svc.cancel(store, ORG, at(2026, 4, 8), folder, "annulée"),
     "no_show": lambda: svc.declare_no_show(store, ORG, at(2026, 4, 14), folder)}[ending]()
    assert _seats(store) == frozenset()


def test_france_travail_refusal_gives_the_seat_back_and_entry_keeps_it() -> None:
    store = _store_with(session(1, seats=2))
    reviewed, entered = _book(store, "H1", 1, funder_review=True), _book(store, "H2", 2)
    for folder, holder in ((reviewed, "H1"), (entered, "H2")):
        _propose(store, folder)
        svc.accept(store, Actor.holder(HolderId(holder)), at(2026, 3, 4, 9), folder)
    assert _seats(store) == {reviewed, entered}
    svc.refuse(store, FRANCE_TRAVAIL, at(2026, 3, 6), reviewed, "projet non validé")
    svc.declare_entry(store, ORG, at(2026, 4, 13, 9), entered, date(2026, 4, 13))
    assert _seats(store) == {entered}


def test_the_options_chosen_are_kept_priced_and_proposed_back() -> None:
    store = _store_with(session(1))
    folder = _book(store, "H1", 1, options=OPTIONS)
    found = svc.view_booking(store, HOLDER, folder)
    assert found.options == OPTIONS and found.price == Euros.whole(1500 + 90 + 45)
    proposed = _propose(store, folder, drop=("support",))
    assert [o.option_id for o in proposed.options_dropped] == ["support"]
    done = svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder)
    assert done.plan is not None
    assert done.price == done.proposal.total == done.plan.price == Euros.whole(1590)  # type: ignore[union-attr]


def test_an_option_the_offer_does_not_list_is_refused_at_booking() -> None:
    store = _store_with(session(1))
    with pytest.raises(InvalidValue, match="lists no option"):
        _book(store, "H1", 1, options=(Option("voyage", "Voyage", Euros.whole(10)),))


def test_an_overpriced_proposal_is_refused_and_the_folder_the_proposal_and_the_plan_agree(
) -> None:
    # issue 15: 9 999 € proposed on a 2 330 € request was accepted, the folder said 2 330 €
    store = _store_with(session(1), offers=(offer(1, price=2330),), rights=5000)
    folder = _book(store, "H1", 1)
    with pytest.raises(RuleViolation) as caught:
        _propose(store, folder, price=Euros.whole(9999))
    assert caught.value.codes == ("booking.proposal_price_too_high",)
    assert svc.view_booking(store, ORG, folder).status is BookingStatus.NOT_PROCESSED
    cheaper = _propose(store, folder, price=Euros.whole(2000))
    assert cheaper.price == Euros.whole(2000)
    done = svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder)
    assert done.plan is not None and done.plan.price == done.price == Euros.whole(2000)


def test_a_quote_shows_the_plan_the_acceptance_gives() -> None:
    store = _store_with(session(1))
    shown = svc.quote(store, HOLDER, at(2026, 3, 2, 9), account_id=AccountId("A-H1"),
                      session_id=SessionId("S1"), options=OPTIONS[:1])
    assert shown.bookable and shown.price == Euros.whole(1590)
    assert shown.plan is not None and shown.plan.card_payment == Euros(10320)
    folder = _book(store, "H1", 1, options=OPTIONS[:1])
    _propose(store, folder)
    done = svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder, expected_plan=shown.plan)
    assert done.plan is not None and done.plan.rights_used == shown.plan.rights_used


def test_a_quote_lists_what_forbids_the_booking_and_saves_nothing() -> None:
    store = _store_with(session(1, seats=0), offers=(offer(1, organism=UNCERTIFIED),))
    shown = svc.quote(store, HOLDER, at(2026, 3, 2, 9), account_id=AccountId("A-H1"),
                      session_id=SessionId("S1"))
    assert not shown.bookable
    assert [v.code for v in shown.violations] == ["eligibility.qualiopi_missing",
                                                  "booking.session_full"]
    with store.unit_of_work() as uow:
        assert uow.bookings.find() == ()
    with pytest.raises(NotAuthorized):
        svc.quote(store, Actor.holder(HolderId("H2")), at(2026, 3, 2, 9),
                  account_id=AccountId("A-H1"), session_id=SessionId("S1"))


def test_an_acceptance_after_the_balance_moved_refuses_a_plan_the_holder_was_not_shown() -> None:
    # issue 15: after a conflict and retry a holder accepted 1 338,20 € of rights where the
    # screen had shown about 3 600 €
    store = _store_with(session(1), offers=(offer(1, price=4000),), rights=5000)
    shown = svc.quote(store, HOLDER, at(2026, 3, 2, 9), account_id=AccountId("A-H1"),
                      session_id=SessionId("S1"))
    folder = _book(store, "H1", 1)
    _propose(store, folder)
    with store.unit_of_work() as uow:  # meanwhile another folder holds most of the rights
        account = uow.accounts.get(AccountId("A-H1"))
        account.hold(EntryId("other-hold"), BookingId("F-other"), date(2026, 3, 3),
                     rights=Euros(366180))
        uow.accounts.save(account)
        uow.commit()
    before = (svc.view_booking(store, OPERATOR, folder),
              svc.view_balance(store, OPERATOR, AccountId("A-H1")), _seats(store))
    with pytest.raises(RuleViolation) as caught:
        svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder, expected_plan=shown.plan)
    assert caught.value.codes == ("booking.plan_changed",)
    assert "1 338,20 €" in caught.value.violations[0].message
    assert (svc.view_booking(store, OPERATOR, folder),
            svc.view_balance(store, OPERATOR, AccountId("A-H1")), _seats(store)) == before
    # without the guarantee the new plan is accepted, as the screen shows it again
    assert svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder).plan.rights_used == \
        Euros(133820)  # type: ignore[union-attr]


def test_a_retry_after_a_conflict_keeps_the_guarantee_of_the_plan_shown() -> None:
    store = _Interfering()
    store.save_catalog((offer(1),), (session(1),))
    account = Account(AccountId("A1"), HolderId("H1"))
    account.credit(EntryId("c"), Euros.whole(2000), date(2025, 4, 15))
    with MemoryStore.unit_of_work(store) as uow:
        uow.accounts.add(account)
        uow.commit()
    shown = svc.quote(store, HOLDER, at(2026, 3, 2, 9), account_id=AccountId("A1"),
                      session_id=SessionId("S1"))
    folder = booked(store)
    svc.accept(store, ORG, at(2026, 3, 3, 9), folder, proposal=PROPOSAL)
    store.interfere = True  # a 1 € credit lands first: the same plan, a conflict, a retry
    with pytest.raises(ConflictError):
        svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder, expected_plan=shown.plan)
    done = svc.accept(store, HOLDER, at(2026, 3, 4, 9, 5), folder, expected_plan=shown.plan)
    assert done.status is BookingStatus.ACCEPTED


def test_a_rulebook_other_than_the_stores_is_refused_not_ignored() -> None:
    # issue 13: services.cancel(rulebook=...) was silently ignored for the late debit
    half = Rulebook.default().with_change(effective=date(2020, 1, 1),
                                          late_cancellation_debit_rate=Fraction(1, 2))
    store = new_store()
    folder = accepted(store)
    with pytest.raises(InvalidValue, match="differs from the store's"):
        svc.cancel(store, HOLDER, at(2026, 4, 8), folder, rulebook=half)
    assert svc.view_booking(store, OPERATOR, folder).status is BookingStatus.ACCEPTED
    assert svc.cancel(store, HOLDER, at(2026, 4, 8), folder,
                      rulebook=store.rulebook).status is \
        BookingStatus.CANCELED_BY_ATTENDEE_NOT_REALIZED


def test_the_stores_rulebook_decides_the_late_cancellation_debit_and_explains_the_plan() -> None:
    half = Rulebook.default().with_change(effective=date(2020, 1, 1),
                                          late_cancellation_debit_rate=Fraction(1, 2))
    store = _store_with(session(1), rulebook=half)
    folder = _book(store, "H1", 1)
    _propose(store, folder)
    svc.accept(store, Actor.holder(HolderId("H1")), at(2026, 3, 4, 9), folder)
    done = svc.cancel(store, Actor.holder(HolderId("H1")), at(2026, 4, 8), folder)
    debited = sum(m.amount.cents for m in done.movements if m.kind is MovementKind.DEBIT)
    assert debited == 139680 // 2  # half of the rights held, as the store's rules say
    read = svc.view_booking(store, OPERATOR, folder)
    assert read.plan is not None and read.plan.rulebook is half


def test_a_refused_reading_says_view() -> None:
    store = new_store()
    folder = booked(store)
    with pytest.raises(NotAuthorized, match="may not view folder F1"):
        svc.view_booking(store, Actor.holder(HolderId("H2")), folder)


def test_the_holders_status_that_day_comes_from_their_record_not_a_flag() -> None:
    # issue 15: book(job_seeker=...) was a bare flag; a job seeker pays no participation (4)
    store = _store_with(session(1))
    seeker = Holder(HolderId("H1")).with_status(HolderStatus.JOB_SEEKER, date(2026, 1, 1))
    with store.unit_of_work() as uow:
        uow.holders.add(seeker)
        uow.commit()
    shown = svc.quote(store, HOLDER, at(2026, 3, 2, 9), account_id=AccountId("A-H1"),
                      session_id=SessionId("S1"))
    assert shown.plan is not None and shown.plan.participation == Euros(0)
    with pytest.raises(InvalidValue, match="contradicts holder H1's record"):
        _book(store, "H1", 1, job_seeker=False)
    folder = _book(store, "H1", 1)
    assert svc.view_booking(store, HOLDER, folder).job_seeker is True
    _propose(store, folder)
    done = svc.accept(store, HOLDER, at(2026, 3, 4, 9), folder, expected_plan=shown.plan)
    assert done.plan is not None and done.plan.card_payment == Euros(0)
