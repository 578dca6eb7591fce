"""The booking services: each operation on a folder, with its money and its seat, in one step.

Every service takes the store (:class:`formation.ports.Store`), the acting party
(:class:`~formation.bookings.Actor`) and ``now`` (an aware ``datetime``) explicitly, checks the
party's rights, moves the folder with the domain functions of :mod:`formation.bookings`, moves the
holder's ledger and the session's seats as the rules say, records the movements on the folder's
transition, and saves the folder, the account and the seats together in one unit of work — or
nothing at all. A stale read is a :class:`~formation.errors.ConflictError`: reload and retry.

**One set of rules per store.** The rulebook and the business calendar are the store's
(:attr:`Store.rulebook <formation.ports.Store.rulebook>`, :attr:`Store.calendar
<formation.ports.Store.calendar>`): every service reads them from there, so a folder's money is
planned, debited and refunded under the same rules from its request to its end, and a plan read
back through these services explains itself with them. The ``rulebook=`` and ``calendar=``
keywords of the first round are still accepted, only when they equal the store's
(``InvalidValue`` otherwise): a parameter can no longer be silently ignored.

**The checkout** (``cpf-rules.md`` 4, 5.2, 7.1): :func:`quote` shows the plan a holder would get
and every rule that forbids the booking; :func:`book` reads the offer and the session from the
store's catalogue and refuses with all of those rules at once; the organism proposes (its price
may exceed the listed one only as far as the rulebook allows); the holder accepts — with
``expected_plan=`` only the plan they were shown — and takes a seat of the session.

The money and the seat follow the folder (``cpf-rules.md`` 4, 5.2, 5.3):

===============================================  ============================================
transition                                       ledger, card and seat
===============================================  ============================================
the holder accepts the proposal                  hold the rights and top-ups of the funding
                                                 plan (:func:`formation.funding.plan_funding`
                                                 on the acceptance day); charge the card; take
                                                 a seat of the session
withdrawal, cancellation in time, cancellation   release every hold; refund the card; give the
by the organism or a funder, refusal by France   seat back
Travail
late cancellation, no-show                       debit the share the rulebook keeps
                                                 (:func:`formation.refunds.refund_plan`);
                                                 release the rest; refund the card's share;
                                                 give the seat back
entry                                            debit what is held
service done, partial completion                 refund each source its share of the
                                                 uncompleted part (``refund_plan`` with the
                                                 completion rate and who was at fault)
===============================================  ============================================

Reading is guarded too: :func:`view_booking` and :func:`view_balance` raise
:class:`~formation.errors.NotAuthorized` for a party that may not see the record — an employer
never sees a folder nor a balance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TypeVar

import attrs

from formation.accounts import Account
from formation.bookings import (
    TERMINAL_STATUSES,
    Actor,
    Booking,
    BookingStatus,
    Fault,
    Movement,
    MovementKind,
    Operation,
    Proposal,
    Role,
    accept_proposal,
    acknowledge_prerequisites,
    authorize,
    authorize_view,
    funder_accept,
    funder_refuse,
    overdue_lapse,
    record_movements,
    refuse_proposal,
    refuse_request,
    request,
    request_violations,
)
from formation.bookings import (
    cancel as cancel_folder,
)
from formation.bookings import (
    confirm_attendance as confirm_folder_attendance,
)
from formation.bookings import (
    declare_entry as declare_folder_entry,
)
from formation.bookings import (
    declare_exit as declare_folder_exit,
)
from formation.bookings import (
    declare_no_show as declare_folder_no_show,
)
from formation.bookings import (
    declare_service_done as declare_folder_service_done,
)
from formation.bookings import (
    lapse as lapse_folder,
)
from formation.bookings import (
    propose as propose_folder,
)
from formation.bookings import (
    record_payment as record_folder_payment,
)
from formation.bookings import (
    validate_service_done as validate_folder_service_done,
)
from formation.bookings import (
    withdraw as withdraw_folder,
)
from formation.calendar.business_days import BusinessCalendar
from formation.calendar.instants import check_instant, local_date
from formation.catalog.offers import Offer, Option, Session
from formation.errors import (
    ConflictError,
    InvalidValue,
    NotAuthorized,
    NotFound,
    RuleViolation,
    Violation,
)
from formation.funding import FundingPlan, LineKind, funding_violations, plan_funding
from formation.ids import AccountId, BookingId, EntryId, HolderId, OrganismId, SessionId
from formation.ledger import Balance, Entry, EntryKind
from formation.money import Euros
from formation.ports import Store, UnitOfWork
from formation.refunds import Ending, Refund, RefundLine, refund_plan
from formation.rules.funders import Funder
from formation.rules.rulebook import Rulebook
from formation.topups import TopUp

__all__ = [
    "Quote",
    "accept",
    "acknowledge",
    "book",
    "cancel",
    "confirm_attendance",
    "declare_entry",
    "declare_exit",
    "declare_no_show",
    "declare_service_done",
    "lapse",
    "lapse_overdue",
    "propose",
    "quote",
    "record_payment",
    "refuse",
    "validate_service_done",
    "view_balance",
    "view_booking",
    "withdraw",
]

_PENDING = frozenset({BookingStatus.NOT_PROCESSED, BookingStatus.VALIDATED,
                      BookingStatus.WAITING_ACCEPTATION})
_HELD = frozenset({BookingStatus.ACCEPTED, BookingStatus.WAITING_ACCEPTATION})
_SEATED = _HELD  # a seat is taken at the holder's acceptance and kept until entry or the end
_ENDED_WITHOUT_TRAINING = TERMINAL_STATUSES - {BookingStatus.SERVICE_DONE_VALIDATED}


def _violations(value: Iterable[Violation]) -> tuple[Violation, ...]:
    found = tuple(value)
    for violation in found:
        if not isinstance(violation, Violation):
            raise InvalidValue(f"a quote's violations are Violation records, got {violation!r}")
    return found


@attrs.frozen
class Quote:
    """What the checkout screen shows before the holder books: the plan and what forbids it.

    Attributes:
        price: the listed price of the session with the options chosen.
        plan: the funding plan the holder would get if they booked and accepted now — rights,
            top-ups, card payment — or ``None`` when the funding rules forbid any plan (the
            violations then say why).
        violations: every rule that forbids the booking now (eligibility, seats, pending
            requests, lead time, funding); empty when the session may be booked.
    """

    price: Euros = attrs.field(validator=attrs.validators.instance_of(Euros))
    plan: FundingPlan | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(FundingPlan)))
    violations: tuple[Violation, ...] = attrs.field(converter=_violations)

    @property
    def bookable(self) -> bool:
        """Whether no rule forbids the booking now."""
        return not self.violations


# -- plumbing --------------------------------------------------------------------------------

_T = TypeVar("_T")


def _same(given: _T | None, stored: _T, name: str, doing: str) -> None:
    """An old ``rulebook=`` / ``calendar=`` keyword: accepted only when it is the store's."""
    if given is not None and given is not stored and given != stored:
        raise InvalidValue(
            f"{doing}: the {name} passed differs from the store's; a store works under one "
            f"{name} (store.{name}), so that a folder's money follows one set of rules — leave "
            f"{name}= out, or open the store with the {name} you mean")


def _rules(store: Store, doing: str, calendar: BusinessCalendar | None = None,
           rulebook: Rulebook | None = None) -> tuple[BusinessCalendar, Rulebook]:
    """The store's calendar and rulebook (a keyword given must be the same)."""
    _same(calendar, store.calendar, "calendar", doing)
    _same(rulebook, store.rulebook, "rulebook", doing)
    return store.calendar, store.rulebook


def _explained(booking: Booking, rulebook: Rulebook) -> Booking:
    """The folder with its plan explaining itself with the store's rulebook (its own rules)."""
    plan = booking.plan
    if plan is None or plan.rulebook is rulebook:
        return booking
    return attrs.evolve(booking, plan=attrs.evolve(plan, rulebook=rulebook))


def _saved(booking: Booking, rulebook: Rulebook) -> Booking:
    """The folder as the store keeps it after a commit (its version moved on by one)."""
    return _explained(attrs.evolve(booking, version=booking.version + 1), rulebook)


def _change(
    store: Store,
    booking_id: BookingId,
    step: Callable[[Booking, UnitOfWork], Booking],
) -> Booking:
    """Read a folder, change it (its account, its seat), save everything, commit; return it.

    A folder that ends without the training gives its seat back in the same unit of work.
    """
    with store.unit_of_work() as uow:
        booking = uow.bookings.get(booking_id)
        changed = step(booking, uow)
        if booking.status in _SEATED and changed.status in _ENDED_WITHOUT_TRAINING:
            uow.catalog.give_back_seat(booking.session_id, booking.booking_id)
        uow.bookings.save(changed)
        uow.commit()
    return _saved(changed, store.rulebook)


def _entry_id(booking: Booking, label: str) -> EntryId:
    """A ledger id unique to the folder's latest transition (replays are idempotent)."""
    return EntryId(f"{booking.booking_id}:{len(booking.history)}:{label}")


def _ledger_moves(entries: Iterable[Entry]) -> list[Movement]:
    kinds = {EntryKind.HOLD: MovementKind.HOLD, EntryKind.RELEASE: MovementKind.RELEASE,
             EntryKind.DEBIT: MovementKind.DEBIT, EntryKind.REFUND: MovementKind.REFUND}
    found = []
    for entry in entries:
        if entry.kind in kinds and entry.amount.cents > 0:
            funder = entry.source if isinstance(entry.source, Funder) else None
            found.append(Movement(kinds[entry.kind], entry.amount, funder))
    return found


def _card(kind: MovementKind, amount: Euros) -> list[Movement]:
    return [Movement(kind, amount)] if amount.cents > 0 else []


def _plan(booking: Booking) -> FundingPlan:
    if booking.plan is None:
        raise InvalidValue(f"folder {booking.booking_id} holds money but has no funding plan")
    return booking.plan


def _rights_and_top_ups(
    refund: Refund, amount: Callable[[RefundLine], Euros]
) -> tuple[Euros, tuple[tuple[EntryId, Euros], ...]]:
    """The ``amount`` of each line of ``refund``: rights summed, top-ups by reference."""
    rights = Euros(sum(amount(line).cents for line in refund.lines
                       if line.kind is LineKind.RIGHTS))
    top_ups = tuple((EntryId(line.reference), amount(line)) for line in refund.lines
                    if line.kind is LineKind.TOP_UP and amount(line).cents > 0)
    return rights, top_ups


def _kept(refund: Refund) -> tuple[Euros, tuple[tuple[EntryId, Euros], ...]]:
    """What the refund keeps (debited), by source."""
    return _rights_and_top_ups(refund, lambda line: line.kept)


def _returned(refund: Refund) -> tuple[Euros, tuple[tuple[EntryId, Euros], ...]]:
    """What the refund gives back, by source."""
    return _rights_and_top_ups(refund, lambda line: line.refunded)


def _account_of(uow: UnitOfWork, booking: Booking) -> Account:
    return uow.accounts.get(booking.account_id)


def _release_all(uow: UnitOfWork, before: Booking, after: Booking, day: date,
                 rulebook: Rulebook) -> Booking:
    """Everything back where it came from: holds released, the card refunded."""
    account = _account_of(uow, before)
    entries = account.release(_entry_id(after, "release"), before.booking_id, day)
    refund = refund_plan(_plan(before), 0, rulebook=rulebook)
    uow.accounts.save(account)
    return record_movements(after, [*_ledger_moves(entries),
                                    *_card(MovementKind.CARD_REFUND, refund.card_refunded)])


def _charge(uow: UnitOfWork, before: Booking, after: Booking, day: date,
            ending: Ending, rulebook: Rulebook) -> Booking:
    """A late cancellation or a no-show: debit the share kept, release the rest."""
    account = _account_of(uow, before)
    refund = refund_plan(_plan(before), 0, at_fault=ending, rulebook=rulebook)
    rights, top_ups = _kept(refund)
    if rights.cents or top_ups:
        entries = account.debit(_entry_id(after, "debit"), before.booking_id, day,
                                rights=rights, top_ups=top_ups)
    else:
        entries = account.release(_entry_id(after, "release"), before.booking_id, day)
    uow.accounts.save(account)
    return record_movements(after, [*_ledger_moves(entries),
                                    *_card(MovementKind.CARD_REFUND, refund.card_refunded)])


def _recorded_job_seeker(uow: UnitOfWork, holder_id: HolderId, day: date) -> bool | None:
    """Whether the holder is a job seeker on ``day`` by their ``Holder`` record's dated
    statuses (``Holder.is_job_seeker``); ``None`` when the store keeps no record of them."""
    try:
        holder = uow.holders.get(holder_id)
    except NotFound:
        return None
    return holder.is_job_seeker(day)


def _job_seeker(uow: UnitOfWork, holder_id: HolderId, day: date, declared: bool | None) -> bool:
    """The holder's status on ``day``: their record's (``uow.holders``), else ``declared`` (the
    first round's flag, ``False`` when not given, for a holder the store has no record of); a
    flag that contradicts the record is ``InvalidValue``."""
    seeker = _recorded_job_seeker(uow, holder_id, day)
    if seeker is None:
        return bool(declared)
    if declared is not None and declared is not seeker:
        raise InvalidValue(
            f"job_seeker={declared} contradicts holder {holder_id}'s record, which says "
            f"{seeker} on {day}; leave job_seeker= out, the record decides")
    return seeker


def _chosen(offer: Offer, options: Iterable[Option], doing: str) -> tuple[Option, ...]:
    """The ``options`` chosen, each one the offer lists (the same record), once."""
    chosen = tuple(options)
    seen: set[str] = set()
    for option in chosen:
        if not isinstance(option, Option):
            raise InvalidValue(f"{doing}: options are the offer's Option records, got "
                               f"{option!r}")
        listed = {o.option_id: o for o in offer.options}
        if listed.get(option.option_id) != option:
            raise InvalidValue(
                f"{doing}: offer {offer.offer_id} lists no option {option!r}; its options "
                f"are {sorted(listed)!r} (pass the offer's own Option records)")
        if option.option_id in seen:
            raise InvalidValue(f"{doing}: option {option.option_id!r} is chosen twice")
        seen.add(option.option_id)
    return chosen


def _listed_price(offer: Offer, session: Session, chosen: tuple[Option, ...]) -> Euros:
    """The session's price (the offer's when it has none) with the options chosen."""
    base = session.price if session.price is not None else offer.price
    return base + sum((o.price for o in chosen), Euros.zero())


def _certification_code(offer: Offer) -> str | None:
    if offer.certification is None:
        return None
    return f"{offer.certification.registry.value}{offer.certification.code}"


@attrs.frozen
class _Checkout:
    """What :func:`quote` and :func:`book` read in one unit of work, and what they found."""

    account: Account
    offer: Offer
    session: Session
    options: tuple[Option, ...]
    price: Euros
    job_seeker: bool
    top_ups: tuple[TopUp, ...]
    violations: tuple[Violation, ...]


def _checkout(uow: UnitOfWork, actor: Actor, now: datetime, account_id: AccountId,
              session_id: SessionId, options: Iterable[Option], declared: bool | None,
              calendar: BusinessCalendar, rulebook: Rulebook, doing: str) -> _Checkout:
    account = uow.accounts.get(account_id)
    if actor.role is not Role.OPERATOR and account.holder_id != actor.party:
        raise NotAuthorized(f"{actor} may not {doing} on account {account_id}: it belongs to "
                            f"holder {account.holder_id}; only its holder may")
    session = uow.catalog.session(session_id)
    offer = uow.catalog.offer(session.offer_id)
    chosen = _chosen(offer, options, doing)
    price = _listed_price(offer, session, chosen)
    day = local_date(now, calendar)
    seeker = _job_seeker(uow, account.holder_id, day, declared)
    pending = sum(1 for b in uow.bookings.find(statuses=_PENDING, holder_id=account.holder_id)
                  if b.offer_id == offer.offer_id)
    found = list(request_violations(offer, session, at=now, pending=pending,
                                    seats_taken=uow.catalog.seats_taken(session_id),
                                    calendar=calendar, rulebook=rulebook))
    # the funding conditions of the order (the light-vehicle licence's co-funding, earmarks);
    # the action type's eligibility is already an eligibility.* violation
    top_ups = account.available_top_ups(day, offer_id=offer.offer_id,
                                        certification_code=_certification_code(offer))
    found += [v for v in funding_violations(price, on=day, top_ups=top_ups, job_seeker=seeker,
                                            action_type=offer.action_type, rulebook=rulebook)
              if v.code != "funding.action_not_eligible"]
    return _Checkout(account, offer, session, chosen, price, seeker, top_ups, tuple(found))


def _plan_for(account: Account, booking_or_offer: Booking | Offer, price: Euros,
              options: Iterable[Option], day: date, job_seeker: bool,
              rulebook: Rulebook, top_ups: tuple[TopUp, ...] | None = None) -> FundingPlan:
    """The funding plan of ``price`` from the account's rights and top-ups on ``day``
    (``top_ups``: those that apply, when already read)."""
    if isinstance(booking_or_offer, Booking):
        offer_id, action_type = booking_or_offer.offer_id, booking_or_offer.action_type
        certification = booking_or_offer.certification_code
    else:
        offer_id, action_type = booking_or_offer.offer_id, booking_or_offer.action_type
        certification = _certification_code(booking_or_offer)
    if top_ups is None:
        top_ups = account.available_top_ups(day, offer_id=offer_id,
                                            certification_code=certification)
    return plan_funding(
        price, balance=account.ledger.rights_available(day), on=day, top_ups=top_ups,
        job_seeker=job_seeker, action_type=action_type, rulebook=rulebook, options=options,
        offer_id=offer_id, certification_code=certification)


def _same_plan(plan: FundingPlan, expected: FundingPlan) -> bool:
    """Whether two plans charge the same sources the same amounts (rights, top-ups, card)."""
    def shape(p: FundingPlan) -> tuple[object, ...]:
        return (p.price, p.rights_used, p.card_payment,
                tuple(sorted((line.funder.value if line.funder else "", line.reference,
                              line.amount.cents) for line in p.top_up_lines)))
    return shape(plan) == shape(expected)


# -- reading -------------------------------------------------------------------------------

def view_booking(store: Store, actor: Actor, booking_id: BookingId) -> Booking:
    """The folder, for a party allowed to see it.

    The holder sees their own folders, an organism those for its offers, a funder those it
    funds, the operator all; an employer none (it sees consent requests only). The plan
    explains itself with the store's rulebook, the one it was made with.
    """
    with store.unit_of_work() as uow:
        booking = uow.bookings.get(booking_id)
    authorize_view(actor, booking)
    return _explained(booking, store.rulebook)


def view_balance(store: Store, actor: Actor, account_id: AccountId,
                 as_of: date | None = None) -> Balance:
    """An account's balance, for its holder or the operator only.

    Raises:
        NotAuthorized: anybody else — an employer, an organism, a funder, another holder.
    """
    with store.unit_of_work() as uow:
        account = uow.accounts.get(account_id)
    if actor.role is Role.OPERATOR or (actor.role is Role.HOLDER
                                       and actor.party == account.holder_id):
        return account.balance(as_of)
    raise NotAuthorized(f"{actor} may not view the balance of account {account_id}: only its "
                        f"holder ({account.holder_id}) and the operator may")


# -- the checkout ----------------------------------------------------------------------------

def quote(
    store: Store,
    actor: Actor,
    now: datetime,
    *,
    account_id: AccountId,
    session_id: SessionId,
    options: Iterable[Option] = (),
) -> Quote:
    """What the holder would pay for ``session_id`` with ``options`` if they booked now.

    The plan is :func:`formation.funding.plan_funding` of the listed price, from the account's
    available rights, its dotations and the complementary top-ups that apply, with the holder's
    status that day (a job seeker pays no participation); the violations are those
    :func:`book` would refuse with. Pass ``quote.plan`` to :func:`accept` as
    ``expected_plan`` to accept only that plan. Nothing is saved.

    Raises:
        NotAuthorized: an actor other than the account's holder or the operator.
        NotFound: no such account or session.
        InvalidValue: an option the offer does not list.
    """
    check_instant(now, "now")
    if actor.role not in (Role.HOLDER, Role.OPERATOR):
        raise NotAuthorized(f"{actor} may not quote a booking: only the holder and the "
                            "operator may")
    calendar, rulebook = store.calendar, store.rulebook
    with store.unit_of_work() as uow:
        found = _checkout(uow, actor, now, account_id, session_id, options, None, calendar,
                          rulebook, "quote")
    day = local_date(now, calendar)
    plan: FundingPlan | None
    try:
        plan = _plan_for(found.account, found.offer, found.price, found.options, day,
                         found.job_seeker, rulebook, found.top_ups)
    except RuleViolation:
        plan = None  # the funding violations are in found.violations already
    return Quote(found.price, plan, found.violations)


def book(
    store: Store,
    actor: Actor,
    now: datetime,
    *,
    booking_id: BookingId,
    account_id: AccountId,
    session_id: SessionId | None = None,
    options: Iterable[Option] = (),
    offer: Offer | None = None,
    session: Session | None = None,
    funders: Iterable[Funder] = (),
    funder_review: bool = False,
    job_seeker: bool | None = None,
    has_prerequisites: bool = False,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """The holder asks to register for ``session_id`` with ``options``: a new folder.

    The offer and the session are read from the store's catalogue in the same unit of work.
    The price is the session's (the offer's when the session has none) plus the options chosen,
    which the folder keeps (:attr:`Booking.options`). Nothing is held, no seat is taken yet.
    The holder's status (job seeker) is read from their ``Holder`` record; ``job_seeker=`` is
    the first round's flag, used only by a store without holder records. The first round's
    ``offer=`` and ``session=`` still name the session, which must be the one the catalogue
    stores (save it first with ``store.save_catalog``).

    Raises:
        NotAuthorized: an actor other than the account's holder.
        NotFound: no such account or session.
        InvalidValue: an option the offer does not list, a naive ``now``, a rulebook or
            calendar other than the store's.
        RuleViolation: every rule that forbids the booking, at once
            (:func:`formation.bookings.request_violations` and the funding conditions):
            ``eligibility.*``, ``booking.session_full``, ``booking.too_many_pending_requests``,
            ``booking.session_started``, ``booking.minimum_lead_time``, ``funding.*``.
    """
    check_instant(now, "now")
    if actor.role is not Role.HOLDER:
        raise NotAuthorized(f"{actor} may not book: only a holder may")
    calendar, rulebook = _rules(store, "book", calendar, rulebook)
    session_id = _session_named(session_id, session)
    with store.unit_of_work() as uow:
        found = _checkout(uow, actor, now, account_id, session_id, options, job_seeker,
                          calendar, rulebook, "book")
        for given, stored in ((session, found.session), (offer, found.offer)):
            if given is not None and given != stored:
                raise InvalidValue(
                    f"book: the {type(given).__name__.lower()} passed differs from the one "
                    f"the catalogue stores for session {session_id}; pass session_id= alone "
                    "(the catalogue's record decides), or save the new one with "
                    "store.save_catalog first")
        if found.violations:
            raise RuleViolation(found.violations)
        offer = found.offer
        booking = request(
            booking_id, holder_id=HolderId(actor.party), account_id=account_id,
            organism_id=OrganismId(offer.organism.siret), offer_id=offer.offer_id,
            session_id=found.session.session_id, price=found.price, requested_at=now,
            action_type=offer.action_type, certification_code=_certification_code(offer),
            funders=funders, funder_review=funder_review, job_seeker=found.job_seeker,
            has_prerequisites=has_prerequisites, options=found.options, calendar=calendar,
            rulebook=rulebook)
        uow.bookings.add(booking)
        uow.commit()
    return _saved(booking, rulebook)


def _session_named(session_id: SessionId | None, session: Session | None) -> SessionId:
    """The session a booking names: ``session_id``, or the first round's ``session=``."""
    if session is not None:
        if not isinstance(session, Session):
            raise InvalidValue(f"book: session is a catalogue Session, got {session!r}")
        if session_id is not None and session_id != session.session_id:
            raise InvalidValue(f"book: session_id {session_id} and session "
                               f"{session.session_id} differ; pass session_id= alone")
        return session.session_id
    if session_id is None:
        raise InvalidValue("book: name the session with session_id= (a session the store's "
                           "catalogue holds)")
    return session_id


def _stored_offer(uow: UnitOfWork, booking: Booking) -> Offer | None:
    try:
        return uow.catalog.offer(booking.offer_id)
    except NotFound:
        return None  # a folder whose offer left the catalogue: the folder's own options rule


def propose(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
            proposal: Proposal, *, calendar: BusinessCalendar | None = None,
            rulebook: Rulebook | None = None) -> Booking:
    """The organism accepts the request with its proposal (dates, price, options).

    Start the proposal from the folder (:func:`formation.bookings.draft_proposal`): the
    options the holder chose, each dropped or added visibly. Refused (``RuleViolation``) when
    the total exceeds the listed price of the session and the proposal's options (the store's
    catalogue) by more than the rulebook's ``proposal_price_tolerance``
    (``booking.proposal_price_too_high``), or names an option the offer does not list. After
    it, the folder's price is the proposal's total.
    """
    calendar, rulebook = _rules(store, "propose", calendar, rulebook)
    return _change(store, booking_id, lambda b, uow: propose_folder(
        b, actor, now, proposal, offer=_stored_offer(uow, b), calendar=calendar,
        rulebook=rulebook))


def acknowledge(store: Store, actor: Actor, now: datetime, booking_id: BookingId, *,
                calendar: BusinessCalendar | None = None,
                rulebook: Rulebook | None = None) -> Booking:
    """The organism acknowledges a request with prerequisites."""
    calendar, rulebook = _rules(store, "acknowledge", calendar, rulebook)
    return _change(store, booking_id, lambda b, _uow: acknowledge_prerequisites(
        b, actor, now, calendar=calendar, rulebook=rulebook))


def accept(
    store: Store,
    actor: Actor,
    now: datetime,
    booking_id: BookingId,
    *,
    proposal: Proposal | None = None,
    expected_plan: FundingPlan | None = None,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """Accept, as the acting party's role means it.

    - The organism accepts the request with its ``proposal`` (see :func:`propose`).
    - The holder accepts the proposal: the funding plan is computed on the acceptance day
      from the account's available rights and the top-ups that apply; its rights and top-ups
      are held, its card payment taken and a seat of the session taken, with the folder, in
      one step. With ``expected_plan`` (the plan the screen showed, :attr:`Quote.plan`), a plan
      that differs in price, rights, top-ups or card payment is ``RuleViolation``
      ``booking.plan_changed`` and nothing moves — on a retry after a conflict too, since the
      plan is computed again each time. A full session is ``booking.session_full``.
    - France Travail accepts a folder it reviewed (the money was held when the holder accepted).
    """
    calendar, rulebook = _rules(store, "accept", calendar, rulebook)
    if actor.role is Role.ORGANISM:
        if proposal is None:
            raise InvalidValue("accept: an organism accepts a request with its proposal "
                               "(proposal=Proposal(...)), none was given")
        return propose(store, actor, now, booking_id, proposal)
    if expected_plan is not None and not isinstance(expected_plan, FundingPlan):
        raise InvalidValue(f"accept: expected_plan is the FundingPlan the holder was shown "
                           f"(Quote.plan) or None, got {expected_plan!r}")
    if actor.role is Role.FUNDER:
        return _change(store, booking_id, lambda b, _uow: funder_accept(b, actor, now))

    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        authorize(actor, Operation.ACCEPT_PROPOSAL, booking)
        day = local_date(now, calendar)
        account = _account_of(uow, booking)
        if booking.proposal is None:
            # let the domain function name the state problem
            return accept_proposal(booking, actor, now, calendar=calendar, rulebook=rulebook)
        recorded = _recorded_job_seeker(uow, booking.holder_id, day)
        seeker = booking.job_seeker if recorded is None else recorded
        plan = _plan_for(account, booking, booking.proposal.total, booking.proposal.options,
                         day, seeker, rulebook)
        moved = accept_proposal(booking, actor, now, plan=plan, calendar=calendar,
                                rulebook=rulebook)
        found: list[Violation] = []
        if expected_plan is not None and not _same_plan(plan, expected_plan):
            found.append(Violation(
                "booking.plan_changed",
                f"the plan the holder was shown ({_plan_text(expected_plan)}) is no longer the "
                f"plan of folder {booking.booking_id} on {day} ({_plan_text(plan)}); show the "
                "new plan and accept it", booking.booking_id))
        try:
            uow.catalog.take_seat(booking.session_id, booking.booking_id)
        except RuleViolation as full:
            found.extend(full.violations)
        if found:
            raise RuleViolation(found)
        top_ups = tuple((EntryId(line.reference), line.amount) for line in plan.top_up_lines)
        entries: tuple[Entry, ...] = ()
        if plan.rights_used.cents or top_ups:
            entries = account.hold(_entry_id(moved, "hold"), booking.booking_id, day,
                                   rights=plan.rights_used, top_ups=top_ups,
                                   offer_id=booking.offer_id,
                                   certification_code=booking.certification_code)
            uow.accounts.save(account)
        return record_movements(moved, [*_ledger_moves(entries),
                                        *_card(MovementKind.CARD_PAYMENT, plan.card_payment)])

    return _change(store, booking_id, step)


def _plan_text(plan: FundingPlan) -> str:
    return (f"price {plan.price}: rights {plan.rights_used}, top-ups {plan.top_ups_used}, "
            f"card {plan.card_payment}")


def refuse(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
           reason: str = "", *, calendar: BusinessCalendar | None = None) -> Booking:
    """Refuse, as the acting party's role means it.

    The organism refuses the request (a reason is required); the holder declines the proposal;
    France Travail refuses a folder it reviewed (a reason is required; the holds are released,
    the card refunded and the seat given back).
    """
    calendar, rulebook = _rules(store, "refuse", calendar)
    if actor.role is Role.ORGANISM:
        return _change(store, booking_id, lambda b, _uow: refuse_request(b, actor, now, reason))
    if actor.role is Role.FUNDER:
        def step(booking: Booking, uow: UnitOfWork) -> Booking:
            moved = funder_refuse(booking, actor, now, reason)
            return _release_all(uow, booking, moved, local_date(now, calendar), rulebook)
        return _change(store, booking_id, step)
    return _change(store, booking_id, lambda b, _uow: refuse_proposal(b, actor, now, reason))


def cancel(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
           reason: str = "", *, calendar: BusinessCalendar | None = None,
           rulebook: Rulebook | None = None) -> Booking:
    """A party cancels the folder before the training (:func:`formation.bookings.cancel`).

    A cancellation in time gives everything back; a holder's late cancellation debits the share
    the store's rulebook keeps (``late_cancellation_debit_rate``, the whole price by default).
    The seat is given back either way.
    """
    calendar, rulebook = _rules(store, "cancel", calendar, rulebook)

    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        moved = cancel_folder(booking, actor, now, reason, calendar=calendar, rulebook=rulebook)
        if booking.status not in _HELD:
            return moved
        day = local_date(now, calendar)
        if moved.status is BookingStatus.CANCELED_BY_ATTENDEE_NOT_REALIZED:
            return _charge(uow, booking, moved, day, Ending.LATE_CANCELLATION, rulebook)
        return _release_all(uow, booking, moved, day, rulebook)
    return _change(store, booking_id, step)


def withdraw(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
             reason: str = "", *, calendar: BusinessCalendar | None = None,
             rulebook: Rulebook | None = None) -> Booking:
    """The holder withdraws within the withdrawal period: everything is given back."""
    calendar, rulebook = _rules(store, "withdraw", calendar, rulebook)

    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        moved = withdraw_folder(booking, actor, now, reason, calendar=calendar,
                                rulebook=rulebook)
        return _release_all(uow, booking, moved, local_date(now, calendar), rulebook)
    return _change(store, booking_id, step)


def declare_no_show(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
                    reason: str = "", *, calendar: BusinessCalendar | None = None) -> Booking:
    """The organism declares a no-show: the share the rulebook keeps is debited."""
    calendar, rulebook = _rules(store, "declare no-show", calendar)

    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        moved = declare_folder_no_show(booking, actor, now, reason, calendar=calendar)
        return _charge(uow, booking, moved, local_date(now, calendar), Ending.NO_SHOW,
                       rulebook)
    return _change(store, booking_id, step)


def declare_entry(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
                  entry_on: date, *, calendar: BusinessCalendar | None = None) -> Booking:
    """The organism declares the entry: what the folder holds is debited."""
    calendar, _rulebook = _rules(store, "declare entry", calendar)

    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        moved = declare_folder_entry(booking, actor, now, entry_on, calendar=calendar)
        account = _account_of(uow, booking)
        entries: tuple[Entry, ...] = ()
        if account.held_for(booking.booking_id):
            entries = account.debit(_entry_id(moved, "debit"), booking.booking_id,
                                    local_date(now, calendar))
            uow.accounts.save(account)
        return record_movements(moved, _ledger_moves(entries))
    return _change(store, booking_id, step)


def declare_exit(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
                 exit_on: date, reason: str = "", *,
                 calendar: BusinessCalendar | None = None) -> Booking:
    """The organism declares the exit."""
    calendar, _rulebook = _rules(store, "declare exit", calendar)
    return _change(store, booking_id, lambda b, _uow: declare_folder_exit(
        b, actor, now, exit_on, reason, calendar=calendar))


def declare_service_done(
    store: Store,
    actor: Actor,
    now: datetime,
    booking_id: BookingId,
    completion_rate: int,
    *,
    fault: Fault = Fault.NONE,
    exit_on: date | None = None,
    reason: str = "",
    calendar: BusinessCalendar | None = None,
) -> Booking:
    """The organism declares the service done; a partial completion refunds each source.

    The refund is :func:`formation.refunds.refund_plan` of the folder's plan at the completion
    rate under the store's rulebook, the holder at fault when ``fault`` is :attr:`Fault.HOLDER`
    (force majeure and an organism's interruption are nobody's fault for the holder).
    """
    calendar, rulebook = _rules(store, "declare service done", calendar)

    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        moved = declare_folder_service_done(booking, actor, now, completion_rate, fault=fault,
                                            exit_on=exit_on, reason=reason, calendar=calendar)
        if completion_rate == 100 or booking.plan is None:
            return moved
        refund = refund_plan(booking.plan, completion_rate, at_fault=fault is Fault.HOLDER,
                             rulebook=rulebook)
        rights, top_ups = _returned(refund)
        entries: tuple[Entry, ...] = ()
        if rights.cents or top_ups:
            account = _account_of(uow, booking)
            entries = account.refund(_entry_id(moved, "refund"), booking.booking_id,
                                     local_date(now, calendar), rights=rights, top_ups=top_ups)
            uow.accounts.save(account)
        return record_movements(moved, [*_ledger_moves(entries),
                                        *_card(MovementKind.CARD_REFUND, refund.card_refunded)])
    return _change(store, booking_id, step)


def confirm_attendance(store: Store, actor: Actor, now: datetime,
                       booking_id: BookingId) -> Booking:
    """The holder confirms the training took place."""
    return _change(store, booking_id,
                   lambda b, _uow: confirm_folder_attendance(b, actor, now))


def validate_service_done(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
                          reason: str = "") -> Booking:
    """The operator validates the service done."""
    return _change(store, booking_id,
                   lambda b, _uow: validate_folder_service_done(b, actor, now, reason))


def record_payment(store: Store, actor: Actor, now: datetime, booking_id: BookingId) -> Booking:
    """The operator records that the organism was paid."""
    return _change(store, booking_id, lambda b, _uow: record_folder_payment(b, actor, now))


def lapse(store: Store, actor: Actor, now: datetime, booking_id: BookingId, *,
          calendar: BusinessCalendar | None = None,
          rulebook: Rulebook | None = None) -> Booking:
    """The operator lapses one overdue folder (``RuleViolation`` if none of its deadlines ran
    out). No lapse moves money: nothing is held before the holder accepts."""
    calendar, rulebook = _rules(store, "lapse", calendar, rulebook)
    return _change(store, booking_id, lambda b, _uow: lapse_folder(
        b, actor, now, calendar=calendar, rulebook=rulebook))


def lapse_overdue(store: Store, actor: Actor, now: datetime, *,
                  calendar: BusinessCalendar | None = None,
                  rulebook: Rulebook | None = None) -> tuple[Booking, ...]:
    """Lapse every overdue folder of the store; return those that changed.

    Each folder is its own unit of work, so one conflict does not hold back the others; a
    folder someone changed meanwhile raises ``ConflictError`` after the others are saved —
    run it again (it is idempotent).
    """
    check_instant(now, "now")
    calendar, rulebook = _rules(store, "lapse overdue folders", calendar, rulebook)
    if actor.role is not Role.OPERATOR:
        raise NotAuthorized(f"{actor} may not lapse folders: only the operator may")
    with store.unit_of_work() as uow:
        candidates = uow.bookings.find(statuses=(BookingStatus.NOT_PROCESSED,
                                                 BookingStatus.VALIDATED,
                                                 BookingStatus.SERVICE_DONE_DECLARED))
    changed = []
    conflict: Exception | None = None
    for booking in candidates:
        if overdue_lapse(booking, now, calendar=calendar, rulebook=rulebook) is None:
            continue
        at = max(now, booking.last_at)
        try:
            changed.append(lapse(store, actor, at, booking.booking_id))
        except ConflictError as error:  # report it after the others are saved
            conflict = error
    if conflict is not None:
        raise conflict
    return tuple(changed)
