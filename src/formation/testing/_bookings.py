"""Hypothesis strategies for registration folders: every state, with a consistent history.

A folder is built the way the platform builds it: a request at a random instant, then the
domain functions of :mod:`formation.bookings` along a path to the state asked for, each step at
an instant its deadlines allow. The history is therefore always one the state graph, the
permissions and the deadlines accept.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from formation.bookings import (
    Actor,
    Booking,
    BookingStatus,
    Fault,
    Proposal,
    accept_proposal,
    cancel,
    declare_entry,
    declare_exit,
    declare_no_show,
    declare_service_done,
    funder_accept,
    funder_refuse,
    lapse,
    propose,
    refuse_proposal,
    refuse_request,
    request,
    validate_service_done,
)
from formation.deadlines import deadlines
from formation.funding import plan_funding
from formation.ids import AccountId, BookingId, HolderId, OfferId, OrganismId, SessionId
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder

__all__ = ["booking_statuses", "bookings", "paris_instants", "proposals"]

_PARIS = ZoneInfo("Europe/Paris")
_OPERATOR = Actor.operator()
_ORGANISM = OrganismId("73282932000074")
_FRANCE_TRAVAIL = Actor.funder(Funder.FRANCE_TRAVAIL)


def booking_statuses() -> st.SearchStrategy[BookingStatus]:
    """Any folder state."""
    return st.sampled_from(list(BookingStatus))


def paris_instants(min_day: date = date(2022, 1, 1),
                   max_day: date = date(2030, 12, 31)) -> st.SearchStrategy[datetime]:
    """Aware instants in Paris local time, on whole minutes."""
    return st.builds(
        lambda day, minute: datetime.combine(day, time(minute // 60, minute % 60),
                                             tzinfo=_PARIS),
        st.dates(min_day, max_day), st.integers(0, 24 * 60 - 1))


def proposals(after: date = date(2022, 1, 1)) -> st.SearchStrategy[Proposal]:
    """Proposals starting from ``after`` on, lasting up to 4 months, 0 to 20 000 €."""
    return st.builds(
        lambda offset, length, cents: Proposal(
            start=after + timedelta(days=offset),
            end=after + timedelta(days=offset + length),
            price=Euros(cents)),
        st.integers(0, 90), st.integers(0, 120), st.integers(0, 2_000_000))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=_PARIS)


def _a_while_after(draw: st.DrawFn, now: datetime) -> datetime:
    """The instant of a folder's next step by a party: 1 to 600 minutes after ``now``."""
    return now + timedelta(minutes=draw(st.integers(1, 600)))


_PATHS: dict[BookingStatus, tuple[str, ...]] = {
    BookingStatus.NOT_PROCESSED: (),
    BookingStatus.REFUSED_BY_ORGANISM: ("refuse_request",),
    BookingStatus.REJECTED_WITHOUT_OF_SUITE: ("lapse_request",),
    BookingStatus.VALIDATED: ("propose",),
    BookingStatus.REFUSED_BY_ATTENDEE: ("propose", "refuse_proposal"),
    BookingStatus.REJECTED_WITHOUT_TITULAIRE_SUITE: ("propose", "lapse_proposal"),
    BookingStatus.WAITING_ACCEPTATION: ("propose", "accept"),
    BookingStatus.REFUSED_BY_FINANCER: ("propose", "accept", "funder_refuse"),
    BookingStatus.ACCEPTED: ("propose", "accept"),
    BookingStatus.CANCELED_BY_ATTENDEE: ("propose", "accept", "cancel_holder"),
    BookingStatus.CANCELED_BY_ORGANISM: ("propose", "accept", "cancel_organism"),
    BookingStatus.CANCELED_BY_FINANCER: ("propose", "accept", "cancel_funder"),
    BookingStatus.CANCELED_BY_ATTENDEE_NOT_REALIZED: ("propose", "accept", "no_show"),
    BookingStatus.IN_TRAINING: ("propose", "accept", "entry"),
    BookingStatus.TERMINATED: ("propose", "accept", "entry", "exit"),
    BookingStatus.SERVICE_DONE_DECLARED: ("propose", "accept", "entry", "service_done"),
    BookingStatus.SERVICE_DONE_VALIDATED: ("propose", "accept", "entry", "service_done",
                                           "validate"),
}


@st.composite
def _booking(draw: st.DrawFn, status: BookingStatus | None) -> Booking:
    target = status if status is not None else draw(booking_statuses())
    assert isinstance(target, BookingStatus)
    path = _PATHS[target]
    number = draw(st.integers(1, 10**6))
    holder = HolderId(f"H{draw(st.integers(1, 5))}")
    requested_at = draw(paris_instants())
    assert isinstance(requested_at, datetime)
    review = target in (BookingStatus.WAITING_ACCEPTATION, BookingStatus.REFUSED_BY_FINANCER)
    if not review and "accept" in path:
        review = bool(draw(st.booleans()))
    folder = request(
        BookingId(f"F{number}"), holder_id=holder, account_id=AccountId(f"A-{holder}"),
        organism_id=_ORGANISM, offer_id=OfferId("OF1"), session_id=SessionId(f"S{number}"),
        price=Euros(draw(st.integers(0, 500_000))), requested_at=requested_at,
        funders=frozenset({Funder.FRANCE_TRAVAIL}) if target is
        BookingStatus.CANCELED_BY_FINANCER else frozenset(),
        funder_review=review, action_type=ActionType.RNCP)
    holder_actor = Actor.holder(holder)
    organism = Actor.organism(_ORGANISM)
    now = requested_at
    for step in path:
        due = deadlines(folder)
        if step == "refuse_request":
            now = _a_while_after(draw, now)
            folder = refuse_request(folder, organism, now, "prérequis non remplis")
        elif step == "lapse_request":
            assert due.organism_answer_by is not None
            now = max(now, _at(due.organism_answer_by + timedelta(days=1), 0))
            folder = lapse(folder, _OPERATOR, now)
        elif step == "propose":
            now = _a_while_after(draw, now)
            proposed_on = now.astimezone(_PARIS).date()
            provisional = propose(folder, organism, now, Proposal(
                start=proposed_on + timedelta(days=400), end=proposed_on + timedelta(days=401),
                price=folder.price))
            earliest = deadlines(provisional).earliest_start or proposed_on
            start = earliest + timedelta(days=draw(st.integers(0, 60)))
            end = start + timedelta(days=draw(st.integers(0, 120)))
            folder = propose(folder, organism, now,
                             Proposal(start=start, end=end, price=folder.price))
        elif step == "refuse_proposal":
            now = _a_while_after(draw, now)
            folder = refuse_proposal(folder, holder_actor, now)
        elif step == "lapse_proposal":
            assert due.holder_acceptance_by is not None
            now = max(now, _at(due.holder_acceptance_by + timedelta(days=1), 0))
            folder = lapse(folder, _OPERATOR, now)
        elif step == "accept":
            now = _a_while_after(draw, now)
            day = now.astimezone(_PARIS).date()
            plan = plan_funding(folder.price, balance=Euros(draw(st.integers(0, 600_000))),
                                on=day, job_seeker=folder.job_seeker)
            folder = accept_proposal(folder, holder_actor, now, plan=plan)
            if folder.status is BookingStatus.WAITING_ACCEPTATION and target not in (
                    BookingStatus.WAITING_ACCEPTATION, BookingStatus.REFUSED_BY_FINANCER):
                now = _a_while_after(draw, now)
                folder = funder_accept(folder, _FRANCE_TRAVAIL, now)
        elif step == "funder_refuse":
            now = _a_while_after(draw, now)
            folder = funder_refuse(folder, _FRANCE_TRAVAIL, now, "projet non validé")
        elif step == "cancel_holder":
            now = _a_while_after(draw, now)
            folder = cancel(folder, holder_actor, now, "empêchement")
        elif step == "cancel_organism":
            now = _a_while_after(draw, now)
            folder = cancel(folder, organism, now, "session annulée")
        elif step == "cancel_funder":
            now = _a_while_after(draw, now)
            folder = cancel(folder, _FRANCE_TRAVAIL, now, "financement retiré")
        elif step in ("no_show", "entry"):
            assert folder.proposal is not None
            now = max(now, _at(folder.proposal.start, 10))
            folder = (declare_no_show(folder, organism, now) if step == "no_show"
                      else declare_entry(folder, organism, now, folder.proposal.start))
        elif step == "exit" or step == "service_done":
            assert folder.proposal is not None
            end = folder.proposal.end
            now = max(now, _at(end, 18))
            if step == "exit":
                folder = declare_exit(folder, organism, now, end)
            else:
                rate = draw(st.sampled_from([100, 100, 75, 50, 0]))
                fault = Fault.NONE if rate == 100 else draw(st.sampled_from(
                    [Fault.HOLDER, Fault.ORGANISM, Fault.FORCE_MAJEURE]))
                folder = declare_service_done(folder, organism, now, rate, fault=fault,
                                              exit_on=end)
        elif step == "validate":
            now = now + timedelta(hours=draw(st.integers(1, 48)))
            folder = validate_service_done(folder, _OPERATOR, now)
    return folder


def bookings(status: BookingStatus | None = None) -> st.SearchStrategy[Booking]:
    """Folders in ``status`` (any state by default), built along a valid path.

    Each folder's history is one the state graph, the permissions and the deadlines of the
    default rulebook accept; instants are in Paris time between 2022 and 2031.
    """
    return _booking(status)
