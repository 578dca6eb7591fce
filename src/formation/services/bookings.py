"""The booking services: each operation on a folder, with its money, in one atomic step.

Every service takes the store (:class:`formation.ports.Store`), the acting party
(:class:`~formation.bookings.Actor`) and ``now`` (an aware ``datetime``) explicitly, checks the
party's rights, moves the folder with the domain functions of :mod:`formation.bookings`, moves the
holder's ledger as the rules say, records the movements on the folder's transition, and saves
the folder and the account together in one unit of work — or nothing at all. A stale read is a
:class:`~formation.errors.ConflictError`: reload and retry.

The money follows the folder (``cpf-rules.md`` 4, 5.2, 5.3):

===============================================  ============================================
transition                                       ledger and card
===============================================  ============================================
the holder accepts the proposal                  hold the rights and top-ups of the funding
                                                 plan (:func:`formation.funding.plan_funding`
                                                 on the acceptance day); charge the card
withdrawal, cancellation in time, cancellation   release every hold; refund the card
by the organism or a funder, refusal by France
Travail
late cancellation, no-show                       debit the share the rulebook keeps
                                                 (:func:`formation.refunds.refund_plan`);
                                                 release the rest; refund the card's share
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

import attrs

from formation.accounts import Account
from formation.bookings import (
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
    funder_accept,
    funder_refuse,
    overdue_lapse,
    record_movements,
    refuse_proposal,
    refuse_request,
    request,
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
from formation.errors import ConflictError, InvalidValue, NotAuthorized, RuleViolation, Violation
from formation.funding import FundingPlan, LineKind, plan_funding
from formation.ids import AccountId, BookingId, EntryId, HolderId, OrganismId
from formation.ledger import Balance, Entry, EntryKind
from formation.money import Euros
from formation.ports import Store, UnitOfWork
from formation.refunds import Ending, Refund, RefundLine, refund_plan
from formation.rules.funders import Funder
from formation.rules.rulebook import Rulebook

__all__ = [
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


# -- plumbing --------------------------------------------------------------------------------

def _saved(booking: Booking) -> Booking:
    """The folder as the store keeps it after a commit (its version moved on by one)."""
    return attrs.evolve(booking, version=booking.version + 1)


def _change(
    store: Store,
    booking_id: BookingId,
    step: Callable[[Booking, UnitOfWork], Booking],
) -> Booking:
    """Read a folder, change it (and maybe its account), save both, commit; return it."""
    with store.unit_of_work() as uow:
        booking = uow.bookings.get(booking_id)
        changed = step(booking, uow)
        uow.bookings.save(changed)
        uow.commit()
    return _saved(changed)


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


def _release_all(uow: UnitOfWork, before: Booking, after: Booking, day: date) -> Booking:
    """Everything back where it came from: holds released, the card refunded."""
    account = _account_of(uow, before)
    entries = account.release(_entry_id(after, "release"), before.booking_id, day)
    refund = refund_plan(_plan(before), 0)
    uow.accounts.save(account)
    return record_movements(after, [*_ledger_moves(entries),
                                    *_card(MovementKind.CARD_REFUND, refund.card_refunded)])


def _charge(uow: UnitOfWork, before: Booking, after: Booking, day: date,
            ending: Ending) -> Booking:
    """A late cancellation or a no-show: debit the share kept, release the rest."""
    account = _account_of(uow, before)
    refund = refund_plan(_plan(before), 0, at_fault=ending)
    rights, top_ups = _kept(refund)
    if rights.cents or top_ups:
        entries = account.debit(_entry_id(after, "debit"), before.booking_id, day,
                                rights=rights, top_ups=top_ups)
    else:
        entries = account.release(_entry_id(after, "release"), before.booking_id, day)
    uow.accounts.save(account)
    return record_movements(after, [*_ledger_moves(entries),
                                    *_card(MovementKind.CARD_REFUND, refund.card_refunded)])


# -- reading -------------------------------------------------------------------------------

def view_booking(store: Store, actor: Actor, booking_id: BookingId) -> Booking:
    """The folder, for a party allowed to see it.

    The holder sees their own folders, an organism those for its offers, a funder those it
    funds, the operator all; an employer none (it sees consent requests only).
    """
    with store.unit_of_work() as uow:
        booking = uow.bookings.get(booking_id)
    _may_see(actor, booking)
    return booking


def _may_see(actor: Actor, booking: Booking) -> None:
    if actor.role is Role.OPERATOR:
        return
    if actor.role is Role.EMPLOYER:
        raise NotAuthorized(f"{actor} may not see folder {booking.booking_id}: an employer sees "
                            "consent requests only, never the holder's choice of training")
    # the ownership rules of the operations apply to reading too
    probe = {Role.HOLDER: Operation.CANCEL, Role.ORGANISM: Operation.CANCEL,
             Role.FUNDER: Operation.CANCEL}[actor.role]
    authorize(actor, probe, booking)


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
    raise NotAuthorized(f"{actor} may not see the balance of account {account_id}: only its "
                        "holder and the operator may")


# -- the operations --------------------------------------------------------------------------

def book(
    store: Store,
    actor: Actor,
    now: datetime,
    *,
    booking_id: BookingId,
    account_id: AccountId,
    offer: Offer,
    session: Session,
    options: Iterable[Option] = (),
    funders: Iterable[Funder] = (),
    funder_review: bool = False,
    job_seeker: bool = False,
    has_prerequisites: bool = False,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """The holder asks to register for ``session`` of ``offer``: a new folder, nothing held.

    The price is the session's (the offer's when the session has none) plus the options
    chosen. Refused when the account is not the holder's (``NotAuthorized``) or when the holder
    already has the most pending requests allowed for this offer (``RuleViolation``, 5 under
    the 2019 terms, a plausible rule).
    """
    check_instant(now, "now")
    if actor.role is not Role.HOLDER:
        raise NotAuthorized(f"{actor} may not book: only a holder may")
    if session.offer_id != offer.offer_id:
        raise InvalidValue(f"session {session.session_id} belongs to offer {session.offer_id}, "
                           f"not {offer.offer_id}")
    chosen = tuple(options)
    price = (session.price if session.price is not None else offer.price) + sum(
        (o.price for o in chosen), Euros.zero())
    book_rules = rulebook if rulebook is not None else Rulebook.default()
    with store.unit_of_work() as uow:
        account = uow.accounts.get(account_id)
        if account.holder_id != actor.party:
            raise NotAuthorized(f"{actor} may not book on account {account_id}: it belongs "
                                "to another holder")
        pending = [b for b in uow.bookings.find(statuses=_PENDING,
                                                holder_id=HolderId(actor.party))
                   if b.offer_id == offer.offer_id]
        most = book_rules.at(local_date(now, calendar)).max_pending_requests
        if len(pending) >= most:
            raise RuleViolation([Violation(
                "booking.too_many_pending_requests",
                f"holder {actor.party} already has {len(pending)} pending requests for offer "
                f"{offer.offer_id}; at most {most}", booking_id)])
        booking = request(
            booking_id, holder_id=HolderId(actor.party), account_id=account_id,
            organism_id=OrganismId(offer.organism.siret), offer_id=offer.offer_id,
            session_id=session.session_id, price=price, requested_at=now,
            action_type=offer.action_type,
            certification_code=(f"{offer.certification.registry.value}{offer.certification.code}"
                                if offer.certification is not None else None),
            funders=funders, funder_review=funder_review, job_seeker=job_seeker,
            has_prerequisites=has_prerequisites, calendar=calendar, rulebook=rulebook)
        uow.bookings.add(booking)
        uow.commit()
    return _saved(booking)


def propose(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
            proposal: Proposal, *, calendar: BusinessCalendar | None = None,
            rulebook: Rulebook | None = None) -> Booking:
    """The organism accepts the request with its proposal (dates, price, options)."""
    return _change(store, booking_id, lambda b, _uow: propose_folder(
        b, actor, now, proposal, calendar=calendar, rulebook=rulebook))


def acknowledge(store: Store, actor: Actor, now: datetime, booking_id: BookingId, *,
                calendar: BusinessCalendar | None = None,
                rulebook: Rulebook | None = None) -> Booking:
    """The organism acknowledges a request with prerequisites."""
    return _change(store, booking_id, lambda b, _uow: acknowledge_prerequisites(
        b, actor, now, calendar=calendar, rulebook=rulebook))


def accept(
    store: Store,
    actor: Actor,
    now: datetime,
    booking_id: BookingId,
    *,
    proposal: Proposal | None = None,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """Accept, as the acting party's role means it.

    - The organism accepts the request with its ``proposal`` (see :func:`propose`).
    - The holder accepts the proposal: the funding plan is computed on the acceptance day
      from the account's available rights and the top-ups that apply; its rights and top-ups
      are held and its card payment taken, with the folder, in one step.
    - France Travail accepts a folder it reviewed (the money was held when the holder accepted).
    """
    if actor.role is Role.ORGANISM:
        if proposal is None:
            raise InvalidValue("an organism accepts a request with its proposal")
        return propose(store, actor, now, booking_id, proposal, calendar=calendar,
                       rulebook=rulebook)
    if actor.role is Role.FUNDER:
        return _change(store, booking_id, lambda b, _uow: funder_accept(b, actor, now))

    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        authorize(actor, Operation.ACCEPT_PROPOSAL, booking)
        day = local_date(now, calendar)
        account = _account_of(uow, booking)
        if booking.proposal is None:
            # let the domain function name the state problem
            return accept_proposal(booking, actor, now, calendar=calendar, rulebook=rulebook)
        plan = plan_funding(
            booking.proposal.total, balance=account.ledger.rights_available(day), on=day,
            top_ups=account.available_top_ups(day, offer_id=booking.offer_id,
                                              certification_code=booking.certification_code),
            job_seeker=booking.job_seeker, action_type=booking.action_type,
            rulebook=rulebook, options=booking.proposal.options, offer_id=booking.offer_id,
            certification_code=booking.certification_code)
        moved = accept_proposal(booking, actor, now, plan=plan, calendar=calendar,
                                rulebook=rulebook)
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


def refuse(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
           reason: str = "", *, calendar: BusinessCalendar | None = None) -> Booking:
    """Refuse, as the acting party's role means it.

    The organism refuses the request (a reason is required); the holder declines the proposal;
    France Travail refuses a folder it reviewed (a reason is required; the holds are released
    and the card refunded).
    """
    if actor.role is Role.ORGANISM:
        return _change(store, booking_id, lambda b, _uow: refuse_request(b, actor, now, reason))
    if actor.role is Role.FUNDER:
        def step(booking: Booking, uow: UnitOfWork) -> Booking:
            moved = funder_refuse(booking, actor, now, reason)
            return _release_all(uow, booking, moved, local_date(now, calendar))
        return _change(store, booking_id, step)
    return _change(store, booking_id, lambda b, _uow: refuse_proposal(b, actor, now, reason))


def cancel(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
           reason: str = "", *, calendar: BusinessCalendar | None = None,
           rulebook: Rulebook | None = None) -> Booking:
    """A party cancels the folder before the training (:func:`formation.bookings.cancel`).

    A cancellation in time gives everything back; a holder's late cancellation debits the share
    the rulebook keeps (``late_cancellation_debit_rate``, the whole price by default).
    """
    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        moved = cancel_folder(booking, actor, now, reason, calendar=calendar, rulebook=rulebook)
        if booking.status not in _HELD:
            return moved
        day = local_date(now, calendar)
        if moved.status is BookingStatus.CANCELED_BY_ATTENDEE_NOT_REALIZED:
            return _charge(uow, booking, moved, day, Ending.LATE_CANCELLATION)
        return _release_all(uow, booking, moved, day)
    return _change(store, booking_id, step)


def withdraw(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
             reason: str = "", *, calendar: BusinessCalendar | None = None,
             rulebook: Rulebook | None = None) -> Booking:
    """The holder withdraws within the withdrawal period: everything is given back."""
    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        moved = withdraw_folder(booking, actor, now, reason, calendar=calendar,
                                rulebook=rulebook)
        return _release_all(uow, booking, moved, local_date(now, calendar))
    return _change(store, booking_id, step)


def declare_no_show(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
                    reason: str = "", *, calendar: BusinessCalendar | None = None) -> Booking:
    """The organism declares a no-show: the share the rulebook keeps is debited."""
    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        moved = declare_folder_no_show(booking, actor, now, reason, calendar=calendar)
        return _charge(uow, booking, moved, local_date(now, calendar), Ending.NO_SHOW)
    return _change(store, booking_id, step)


def declare_entry(store: Store, actor: Actor, now: datetime, booking_id: BookingId,
                  entry_on: date, *, calendar: BusinessCalendar | None = None) -> Booking:
    """The organism declares the entry: what the folder holds is debited."""
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
    rate, the holder at fault when ``fault`` is :attr:`Fault.HOLDER` (force majeure and an
    organism's interruption are nobody's fault for the holder).
    """
    def step(booking: Booking, uow: UnitOfWork) -> Booking:
        moved = declare_folder_service_done(booking, actor, now, completion_rate, fault=fault,
                                            exit_on=exit_on, reason=reason, calendar=calendar)
        if completion_rate == 100 or booking.plan is None:
            return moved
        refund = refund_plan(booking.plan, completion_rate, at_fault=fault is Fault.HOLDER)
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
            changed.append(lapse(store, actor, at, booking.booking_id, calendar=calendar,
                                 rulebook=rulebook))
        except ConflictError as error:  # report it after the others are saved
            conflict = error
    if conflict is not None:
        raise conflict
    return tuple(changed)
