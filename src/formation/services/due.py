"""What is due: the folders a party must act on, each with its last day, soonest first.

An organism's inbox and the operator's watch list are the same question: which folders wait
for someone, and by when? (``cpf-rules.md`` 5.2 and 5.3; the days are those of
:func:`formation.deadlines.deadlines`, counted in the store's calendar under its rulebook):

===================  ==========================  =====================================  ======
:class:`DueKind`      the folder is               due by                                 lapses
===================  ==========================  =====================================  ======
``ANSWER_REQUEST``   ``notProcessed``            ``organism_answer_by`` (the organism)  yes
``ACCEPT_PROPOSAL``  ``validated``               ``holder_acceptance_by`` (the holder)  yes
``DECLARE_ENTRY``    ``accepted``                ``entry_declaration_by`` (the organism) no
``DECLARE_EXIT``     ``inTraining``              ``exit_declaration_by`` (the organism)  no
===================  ==========================  =====================================  ======

A folder whose deadline *lapses* it (``DueItem.lapses``) ends without its training when the day
is over (the operator's :func:`formation.services.bookings.lapse_overdue`): those are the
folders about to lapse. Entries and exits have no automatic end: past their day they stay due,
marked ``overdue``.

An organism sees its own folders; the operator sees every folder, or one organism's.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import attrs

from formation.bookings import Actor, Booking, BookingStatus, Role, check_instant
from formation.deadlines import Deadlines, deadlines, local_date
from formation.errors import InvalidValue, NotAuthorized
from formation.ids import BookingId, OrganismId
from formation.ports import Store

__all__ = ["DueItem", "DueKind", "what_is_due"]


@enum.unique
class DueKind(enum.Enum):
    """What a folder waits for."""

    ANSWER_REQUEST = "answer_request"  # the organism answers the holder's request
    ACCEPT_PROPOSAL = "accept_proposal"  # the holder accepts the organism's proposal
    DECLARE_ENTRY = "declare_entry"  # the organism declares the holder's entry in training
    DECLARE_EXIT = "declare_exit"  # the organism declares the holder's exit


_WAITING: dict[BookingStatus, tuple[DueKind, str, bool]] = {
    BookingStatus.NOT_PROCESSED: (DueKind.ANSWER_REQUEST, "organism_answer_by", True),
    BookingStatus.VALIDATED: (DueKind.ACCEPT_PROPOSAL, "holder_acceptance_by", True),
    BookingStatus.ACCEPTED: (DueKind.DECLARE_ENTRY, "entry_declaration_by", False),
    BookingStatus.IN_TRAINING: (DueKind.DECLARE_EXIT, "exit_declaration_by", False),
}
"""Each waiting state: what it waits for, the deadline that says by when, whether it lapses."""


@attrs.frozen
class DueItem:
    """One folder waiting for someone.

    Attributes:
        kind: what it waits for.
        booking_id: the folder.
        organism_id: its organism.
        due_by: the last day (inclusive, local) to act.
        overdue: whether that day is past.
        lapses: whether the folder lapses once the day is past (else it stays due).
    """

    kind: DueKind = attrs.field(validator=attrs.validators.instance_of(DueKind))
    booking_id: BookingId
    organism_id: OrganismId
    due_by: date = attrs.field(validator=attrs.validators.instance_of(date))
    overdue: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    lapses: bool = attrs.field(validator=attrs.validators.instance_of(bool))


def _organism_of(actor: Actor, organism_id: OrganismId | None) -> OrganismId | None:
    if not isinstance(actor, Actor):
        raise InvalidValue(f"actor must be an Actor, got {actor!r}")
    if actor.role is Role.ORGANISM:
        if organism_id is not None and organism_id != actor.party:
            raise NotAuthorized(f"{actor} may not see what is due to organism {organism_id}")
        return OrganismId(actor.party)
    if actor.role is Role.OPERATOR:
        return organism_id
    raise NotAuthorized(f"{actor} may not see what is due: only an organism (its own folders) "
                        "or the operator may")


def what_is_due(store: Store, actor: Actor, now: datetime, *,
                organism_id: OrganismId | None = None, until: date | None = None,
                lapsing_only: bool = False, page_size: int = 500) -> tuple[DueItem, ...]:
    """The folders waiting for someone, soonest deadline first (then by folder id).

    Args:
        store: the store; its calendar and rulebook count the days.
        actor: an organism (its own folders) or the operator (every organism's, or
            ``organism_id``'s).
        now: the instant asked at (aware); a deadline before its local day is ``overdue``.
        organism_id: for the operator, one organism only.
        until: only what is due by that day (inclusive); ``None``: everything.
        lapsing_only: only the folders that lapse when their day is past.
        page_size: how many folders are read at a time (memory stays bounded by it and the
            answer).

    Raises:
        NotAuthorized: another party than an organism or the operator, or an organism asking
            about another one.
        InvalidValue: a naive ``now``, or a bad ``until``.
    """
    check_instant(now, "now")
    if until is not None and (not isinstance(until, date) or isinstance(until, datetime)):
        raise InvalidValue(f"until must be a date or None, got {until!r}")
    organism = _organism_of(actor, organism_id)
    calendar, rulebook = store.calendar, store.rulebook
    today = local_date(now, calendar)
    statuses = [s for s, (_, _, lapses) in _WAITING.items() if lapses or not lapsing_only]
    found: list[DueItem] = []
    after: BookingId | None = None
    while True:
        with store.unit_of_work() as uow:
            page = uow.bookings.find(statuses=statuses, organism_id=organism, limit=page_size,
                                     after=after)
        for booking in page:
            item = _due(booking, deadlines(booking, calendar, rulebook), today)
            if item is not None and (until is None or item.due_by <= until):
                found.append(item)
        if len(page) < page_size:
            break
        after = page[-1].booking_id
    return tuple(sorted(found, key=lambda item: (item.due_by, item.booking_id)))


def _due(booking: Booking, due: Deadlines, today: date) -> DueItem | None:
    kind, field, lapses = _WAITING[booking.status]
    by = getattr(due, field)
    if by is None:
        return None
    return DueItem(kind, booking.booking_id, booking.organism_id, by, by < today, lapses)
