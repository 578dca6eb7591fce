"""The deadlines of a registration folder, in business days of the territory's calendar.

Mon Compte Formation counts most of its delays in *jours ouvrés* (Monday to Friday, public
holidays excluded; ``cpf-rules.md`` 5.2, 5.3 and 9.5):

==============================  ==========================================  =============
deadline                        rule (default values)                       counted from
==============================  ==========================================  =============
``organism_answer_by``          the organism answers within 2 bd, else the  the request
                                folder lapses (``rejectedWithoutOfSuite``)
``holder_acceptance_by``        the holder accepts within 4 bd, else the    the proposal
                                folder lapses (``rejectedWithoutTitulaire
                                Suite``)
``earliest_start``              at least 11 bd between the proposal and     the proposal
                                the start (since 10 June 2021)
``withdrawal_until``            withdrawal within 11 bd (14 under the 2019  the acceptance
                                terms), never after the start
``free_cancellation_until``     free cancellation while more than 7 bd      the start
                                remain before the start
``entry_declaration_by``        entry declared within 3 bd                  the start (the
                                                                            entry once
                                                                            declared)
``exit_declaration_by``         exit declared within 3 bd                   the end (the
                                                                            exit once
                                                                            declared)
``service_done_validated_on``   validated automatically after 5 bd          the declaration
``payment_by``                  the organism is paid within 30 calendar     the validation
                                days
``prerequisite_…``              acknowledged within 2 bd, decided within    the request,
                                30 days (calendar days by default)          the acknowledg-
                                                                            ement
==============================  ==========================================  =============

Conventions, each a law the tests check:

- "within n business days of day d" is ``calendar.add_business_days(d, n)``: the n-th business
  day strictly after d, so a request sent on a Friday evening is answered by the Tuesday.
- A deadline is an inclusive date and runs to the end of that day in the territory's local
  time (Europe/Paris for the metropole, America/Cayenne for Guyane…). An instant (an aware
  ``datetime``) is turned into a local date once, with ``zoneinfo``: a request sent at 23:30
  UTC on a Sunday in winter is a Monday request in Paris.
- The numbers are those of the rulebook in force on the request date (its ``terms_version``);
  the P and U ones (withdrawal, free cancellation, the prerequisite decision) are dated
  parameters you may override with :meth:`formation.Rulebook.with_change`.
- The calendar is a parameter, the metropole's by default: which holiday list the Caisse des
  dépôts uses is not documented (``cpf-rules.md`` 12.7).

Each field is ``None`` while the event it counts from has not happened.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Protocol

import attrs

from formation.calendar.business_days import BusinessCalendar
from formation.calendar.instants import TIME_ZONES, local_date
from formation.errors import InvalidValue
from formation.rules.rulebook import Rulebook, Rules

__all__ = [
    "DEADLINE_PARAMETERS",
    "Deadlines",
    "Folder",
    "TIME_ZONES",
    "deadlines",
    "deadlines_of",
    "local_date",
]

_METROPOLE = BusinessCalendar()


class _Period(Protocol):
    """The dates of a proposal: the training's first and last day."""

    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...


class Folder(Protocol):
    """What the deadlines read of a registration folder (a :class:`formation.bookings.Booking`).

    The deadlines sit below the bookings: they need only the instants and days a folder
    records, not the folder's class.
    """

    @property
    def requested_at(self) -> datetime: ...

    @property
    def has_prerequisites(self) -> bool: ...

    @property
    def acknowledged_at(self) -> datetime | None: ...

    @property
    def proposed_at(self) -> datetime | None: ...

    @property
    def proposal(self) -> _Period | None: ...

    @property
    def accepted_at(self) -> datetime | None: ...

    @property
    def entry_on(self) -> date | None: ...

    @property
    def exit_on(self) -> date | None: ...

    @property
    def service_done_declared_at(self) -> datetime | None: ...

    @property
    def service_done_validated_at(self) -> datetime | None: ...


DEADLINE_PARAMETERS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "organism_answer_by": ("organism_answer_business_days",),
    "holder_acceptance_by": ("holder_acceptance_business_days",),
    "earliest_start": ("minimum_lead_business_days",),
    "withdrawal_until": ("withdrawal_business_days",),
    "free_cancellation_until": ("free_cancellation_business_days", "free_cancellation_more_than"),
    "entry_declaration_by": ("entry_declaration_business_days",),
    "exit_declaration_by": ("exit_declaration_business_days",),
    "service_done_validated_on": ("service_done_validation_business_days",),
    "payment_by": ("payment_calendar_days",),
    "prerequisite_acknowledgement_by": ("prerequisite_ack_business_days",),
    "prerequisite_decision_by": ("prerequisite_decision_days", "prerequisite_decision_day_kind"),
})
"""For each field of :class:`Deadlines`, the rulebook parameters it reads (for explanations)."""


@attrs.frozen
class Deadlines:
    """The dates by which each party must act, and the earliest allowed start.

    Every field is an inclusive local date, or ``None`` while the event it counts from has not
    happened (see the module docstring for each rule).

    Attributes:
        organism_answer_by: last day for the organism to answer (with prerequisites: to
            acknowledge, then, once acknowledged, to decide).
        holder_acceptance_by: last day for the holder to accept the proposal.
        earliest_start: the earliest start the minimum lead time allows after the proposal
            (``None`` also before 10 June 2021, when there was no minimum).
        withdrawal_until: last day of the holder's withdrawal period.
        free_cancellation_until: last day the holder may cancel without being debited.
        entry_declaration_by: last day for the organism to declare the entry.
        exit_declaration_by: last day for the organism to declare the exit.
        service_done_validated_on: the day the service done is validated automatically.
        payment_by: last day for the Caisse des dépôts to pay the organism.
        prerequisite_acknowledgement_by: last day to acknowledge a request with prerequisites.
        prerequisite_decision_by: last day to decide on the prerequisites.
    """

    organism_answer_by: date | None = None
    holder_acceptance_by: date | None = None
    earliest_start: date | None = None
    withdrawal_until: date | None = None
    free_cancellation_until: date | None = None
    entry_declaration_by: date | None = None
    exit_declaration_by: date | None = None
    service_done_validated_on: date | None = None
    payment_by: date | None = None
    prerequisite_acknowledgement_by: date | None = None
    prerequisite_decision_by: date | None = None

    def items(self) -> tuple[tuple[str, date], ...]:
        """The known deadlines as ``(field name, date)`` pairs, in field order."""
        return tuple((f.name, getattr(self, f.name)) for f in attrs.fields(Deadlines)
                     if getattr(self, f.name) is not None)


def _decision_by(cal: BusinessCalendar, rules: Rules, acknowledged: date) -> date:
    if rules.prerequisite_decision_day_kind == "business":
        return cal.add_business_days(acknowledged, rules.prerequisite_decision_days)
    if rules.prerequisite_decision_day_kind == "calendar":
        return acknowledged + timedelta(days=rules.prerequisite_decision_days)
    raise InvalidValue(
        "prerequisite_decision_day_kind is 'calendar' or 'business', got "
        f"{rules.prerequisite_decision_day_kind!r}")


def deadlines_of(
    booking: Folder,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Deadlines:
    """The deadlines of ``booking`` (module docstring), from the rules in force on its request.

    Args:
        booking: the folder; its history gives the instants each deadline counts from.
        calendar: the business days to count in; default the metropole's.
        rulebook: the rules; default :meth:`Rulebook.default`. The values in force on the
            request date (local) apply to the whole life of the folder.
    """
    cal = calendar if calendar is not None else _METROPOLE
    if not isinstance(cal, BusinessCalendar):
        raise InvalidValue(f"calendar must be a BusinessCalendar, got {cal!r}")
    book = rulebook if rulebook is not None else Rulebook.default()
    requested_on = local_date(booking.requested_at, cal)
    rules = book.at(requested_on)
    add = cal.add_business_days

    ack_by = decision_by = None
    answer_by = add(requested_on, rules.organism_answer_business_days)
    if booking.has_prerequisites:
        ack_by = add(requested_on, rules.prerequisite_ack_business_days)
        answer_by = ack_by
        acknowledged = booking.acknowledged_at
        if acknowledged is not None:
            decision_by = _decision_by(cal, rules, local_date(acknowledged, cal))
            answer_by = decision_by

    acceptance_by = earliest = free_until = entry_by = exit_by = None
    withdrawal = validated_on = payment_by = None
    proposed_at = booking.proposed_at
    proposal = booking.proposal
    if proposed_at is not None and proposal is not None:
        proposed_on = local_date(proposed_at, cal)
        acceptance_by = add(proposed_on, rules.holder_acceptance_business_days)
        if rules.minimum_lead_business_days is not None:
            earliest = add(proposed_on, rules.minimum_lead_business_days)
        free_until = add(proposal.start, -rules.free_cancellation_business_days
                         - (1 if rules.free_cancellation_more_than else 0))
        entry_by = add(booking.entry_on or proposal.start, rules.entry_declaration_business_days)
        exit_by = add(booking.exit_on or proposal.end, rules.exit_declaration_business_days)
        accepted_at = booking.accepted_at
        if accepted_at is not None:
            accepted_on = local_date(accepted_at, cal)
            withdrawal = min(add(accepted_on, rules.withdrawal_business_days),
                             proposal.start - timedelta(days=1))
    declared_at = booking.service_done_declared_at
    if declared_at is not None:
        validated_on = add(local_date(declared_at, cal),
                           rules.service_done_validation_business_days)
    validated_at = booking.service_done_validated_at
    if validated_at is not None:
        payment_by = local_date(validated_at, cal) + timedelta(days=rules.payment_calendar_days)

    return Deadlines(
        organism_answer_by=answer_by,
        holder_acceptance_by=acceptance_by,
        earliest_start=earliest,
        withdrawal_until=withdrawal,
        free_cancellation_until=free_until,
        entry_declaration_by=entry_by,
        exit_declaration_by=exit_by,
        service_done_validated_on=validated_on,
        payment_by=payment_by,
        prerequisite_acknowledgement_by=ack_by,
        prerequisite_decision_by=decision_by,
    )


deadlines = deadlines_of
"""The former name of :func:`deadlines_of` (``from formation.deadlines import deadlines``)."""


class _DeadlinesModule(types.ModuleType):
    """This module, callable: ``formation.deadlines(booking)`` is :func:`deadlines_of`.

    ``formation.deadlines`` is the module (``import formation.deadlines as m`` gives it), and
    the old spelling ``from formation import deadlines; deadlines(booking)`` keeps working.
    """

    def __call__(
        self,
        booking: Folder,
        calendar: BusinessCalendar | None = None,
        rulebook: Rulebook | None = None,
    ) -> Deadlines:
        return deadlines_of(booking, calendar, rulebook)


sys.modules[__name__].__class__ = _DeadlinesModule
