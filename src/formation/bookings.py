"""The registration folder (*dossier de formation*): its states, who may move it, and its history.

A holder asks to register for a session (``notProcessed``); the organism answers within two
business days with a proposal — dates, price, options — (``validated``) or a refusal with a
reason (``refusedByOrganism``); the holder accepts within four business days and pays what the
rights do not cover (``accepted``), or France Travail first reviews the folder of a job seeker
(``waitingAcceptation``); the organism declares the entry (``inTraining``), the exit
(``terminated``) and the service done with its completion rate (``serviceDoneDeclared``); the
Caisse des dépôts validates it, automatically after five business days
(``serviceDoneValidated``), and pays the organism. Folders leave that path when a party cancels
or refuses, or when a deadline runs out (``rejectedWithoutOfSuite``,
``rejectedWithoutTitulaireSuite``). Sources: ``cpf-rules.md`` sections 5.2 to 5.4 (the EDOF
states as exposed by the Wedof API; the suggested transitions of section 5.4).

Every state change is a named function of this module (:func:`propose`, :func:`accept_proposal`,
:func:`cancel`, …) that takes the acting party, the instant (an aware ``datetime``) and returns a
new :class:`Booking` with one more :class:`Transition` in its history. Each function checks, in
this order: the party's right to act (:data:`PERMISSIONS` and ownership, else
:class:`~formation.errors.NotAuthorized`), the state graph (:data:`TRANSITIONS`, else
:class:`~formation.errors.InvalidTransition` naming the current state, the target and the allowed
targets), then the deadlines (:func:`formation.deadlines.deadlines`, else
:class:`~formation.errors.RuleViolation`). A failed operation changes nothing.

Money is not moved here: the services layer holds, debits, releases and refunds the account's
ledger in the same atomic step as it saves the folder, and records the movements on the
transition (:class:`Movement`).

>>> from datetime import datetime, date
>>> from zoneinfo import ZoneInfo
>>> from formation import Euros
>>> from formation.ids import *
>>> paris = ZoneInfo("Europe/Paris")
>>> folder = request(
...     BookingId("F1"), holder_id=HolderId("H1"), account_id=AccountId("A1"),
...     organism_id=OrganismId("O1"), offer_id=OfferId("OF1"), session_id=SessionId("S1"),
...     price=Euros.whole(1500), requested_at=datetime(2026, 3, 2, 9, 0, tzinfo=paris))
>>> folder.status.value
'notProcessed'
>>> folder = propose(folder, Actor.organism(OrganismId("O1")),
...                  datetime(2026, 3, 3, 10, 0, tzinfo=paris),
...                  Proposal(start=date(2026, 4, 13), end=date(2026, 4, 24),
...                           price=Euros.whole(1500)))
>>> folder.status.value, [t.target.value for t in folder.history]
('validated', ['notProcessed', 'validated'])
>>> cancel(folder, Actor.organism(OrganismId("O2")), datetime(2026, 3, 3, 11, 0, tzinfo=paris))
Traceback (most recent call last):
...
formation.errors.NotAuthorized: organism O2 may not cancel folder F1: it is for an offer of organism O1
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

import attrs

from formation.calendar.business_days import BusinessCalendar
from formation.calendar.instants import (
    check_date,
    check_instant,
    instant_field,
    local_date,
    optional_date_field,
)
from formation.catalog.eligibility import eligibility_violations
from formation.catalog.offers import Offer, Option, Session
from formation.checks import instance_of
from formation.deadlines import Deadlines, deadlines_of
from formation.errors import (
    InvalidTransition,
    InvalidValue,
    NotAuthorized,
    RuleViolation,
    Violation,
)
from formation.funding import FundingPlan
from formation.ids import AccountId, BookingId, HolderId, OfferId, OrganismId, SessionId
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.rules.rulebook import Rulebook

__all__ = [
    "Actor",
    "Booking",
    "BookingStatus",
    "Fault",
    "Movement",
    "MovementKind",
    "Operation",
    "PERMISSIONS",
    "Proposal",
    "Role",
    "TERMINAL_STATUSES",
    "TRANSITIONS",
    "Transition",
    "accept_proposal",
    "acknowledge_prerequisites",
    "authorize",
    "authorize_view",
    "cancel",
    "cancellation_is_free",
    "check_instant",
    "confirm_attendance",
    "declare_entry",
    "declare_exit",
    "declare_no_show",
    "declare_service_done",
    "draft_proposal",
    "funder_accept",
    "funder_refuse",
    "lapse",
    "lapse_overdue",
    "overdue_lapse",
    "proposal_violations",
    "propose",
    "record_movements",
    "record_payment",
    "refuse_proposal",
    "refuse_request",
    "request",
    "request_violations",
    "validate_service_done",
    "withdraw",
]


def _of(kind: type, optional: bool = False) -> Any:
    """A validator: an instance of ``kind`` (or ``None`` when optional), else ``InvalidValue``."""
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            accepted = kind.__name__ + (" or None" if optional else "")
            raise InvalidValue(f"{attribute.name} must be a {accepted}, got {value!r}")
    return check



@enum.unique
class BookingStatus(enum.Enum):
    """A state of the registration folder; the value is the EDOF string (``cpf-rules.md`` 5.4)."""

    NOT_PROCESSED = "notProcessed"  # requested; the organism must answer within 2 bd
    VALIDATED = "validated"  # the organism proposed; the holder must accept within 4 bd
    WAITING_ACCEPTATION = "waitingAcceptation"  # France Travail reviews the folder
    ACCEPTED = "accepted"  # the holder accepted and paid; rights held; awaiting entry
    IN_TRAINING = "inTraining"  # the organism declared the entry; rights debited
    TERMINATED = "terminated"  # the organism declared the exit
    SERVICE_DONE_DECLARED = "serviceDoneDeclared"  # the organism declared the service done
    SERVICE_DONE_VALIDATED = "serviceDoneValidated"  # the CDC validated it (auto after 5 bd)
    CANCELED_BY_ATTENDEE = "canceledByAttendee"  # the holder cancelled in time or withdrew
    CANCELED_BY_ATTENDEE_NOT_REALIZED = "canceledByAttendeeNotRealized"  # late or no-show
    CANCELED_BY_ORGANISM = "canceledByOrganism"  # the organism cancelled
    CANCELED_BY_FINANCER = "canceledByFinancer"  # a funder cancelled
    REFUSED_BY_ATTENDEE = "refusedByAttendee"  # the holder declined the proposal
    REFUSED_BY_ORGANISM = "refusedByOrganism"  # the organism refused the request
    REFUSED_BY_FINANCER = "refusedByFinancer"  # France Travail refused
    REJECTED_WITHOUT_TITULAIRE_SUITE = "rejectedWithoutTitulaireSuite"  # holder let 4 bd pass
    REJECTED_WITHOUT_OF_SUITE = "rejectedWithoutOfSuite"  # the organism let 2 bd pass

    @property
    def terminal(self) -> bool:
        """Whether no operation can move the folder on (the payment record aside)."""
        return self in TERMINAL_STATUSES

    @property
    def label_fr(self) -> str:
        """The French label of the EDOF back office (Wedof labels, ``cpf-rules.md`` 5.4)."""
        return _STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """The English label."""
        return _STATUS_LABELS[self][1]


_S = BookingStatus
_METROPOLE = BusinessCalendar()
_STATUS_LABELS: dict[BookingStatus, tuple[str, str]] = {
    _S.NOT_PROCESSED: ("Non traité", "Not processed"),
    _S.VALIDATED: ("Validé", "Proposed by the organism"),
    _S.WAITING_ACCEPTATION: ("Validé (en cours d'instruction France Travail)",
                            "Under review by France Travail"),
    _S.ACCEPTED: ("Accepté", "Accepted"),
    _S.IN_TRAINING: ("En formation", "In training"),
    _S.TERMINATED: ("Sortie de formation", "Exited"),
    _S.SERVICE_DONE_DECLARED: ("Service fait déclaré", "Service done declared"),
    _S.SERVICE_DONE_VALIDATED: ("Service fait validé", "Service done validated"),
    _S.CANCELED_BY_ATTENDEE: ("Annulé (par le titulaire)", "Cancelled by the holder"),
    _S.CANCELED_BY_ATTENDEE_NOT_REALIZED: ("Annulation titulaire (non réalisé)",
                                          "Cancelled by the holder, not realised"),
    _S.CANCELED_BY_ORGANISM: ("Annulé (par l'organisme)", "Cancelled by the organism"),
    _S.CANCELED_BY_FINANCER: ("Annulé (par le financeur)", "Cancelled by the funder"),
    _S.REFUSED_BY_ATTENDEE: ("Refus titulaire", "Refused by the holder"),
    _S.REFUSED_BY_ORGANISM: ("Refusé (par l'organisme)", "Refused by the organism"),
    _S.REFUSED_BY_FINANCER: ("Refusé (par le financeur)", "Refused by the funder"),
    _S.REJECTED_WITHOUT_TITULAIRE_SUITE: ("Annulé sans suite (titulaire)",
                                         "Lapsed: the holder did not answer"),
    _S.REJECTED_WITHOUT_OF_SUITE: ("Annulé sans suite (organisme)",
                                  "Lapsed: the organism did not answer"),
}

TERMINAL_STATUSES: frozenset[BookingStatus] = frozenset({
    _S.SERVICE_DONE_VALIDATED, _S.CANCELED_BY_ATTENDEE, _S.CANCELED_BY_ATTENDEE_NOT_REALIZED,
    _S.CANCELED_BY_ORGANISM, _S.CANCELED_BY_FINANCER, _S.REFUSED_BY_ATTENDEE,
    _S.REFUSED_BY_ORGANISM, _S.REFUSED_BY_FINANCER, _S.REJECTED_WITHOUT_TITULAIRE_SUITE,
    _S.REJECTED_WITHOUT_OF_SUITE,
})
"""The states a folder never leaves."""


@enum.unique
class Role(enum.Enum):
    """The kind of party acting on a folder."""

    HOLDER = "titulaire"  # the account holder (employee, job seeker…)
    ORGANISM = "organisme"  # the training organism selling the offer
    FUNDER = "financeur"  # a co-funder, France Travail for its reviews
    OPERATOR = "operateur"  # the Caisse des dépôts, which runs the platform
    EMPLOYER = "employeur"  # the holder's employer: sees consent requests only


@attrs.frozen
class Actor:
    """A party acting on a folder: its role and who it is.

    ``party`` is the holder id, the organism id, the funder's value (``"france-travail"``), the
    operator's name, or the employer's id. Build one with the named constructors.
    """

    role: Role = attrs.field(validator=instance_of(Role))
    party: str = attrs.field(validator=instance_of(str))

    def __attrs_post_init__(self) -> None:
        if not self.party:
            raise InvalidValue(f"an actor needs a party identifier, got {self.party!r}")

    @classmethod
    def holder(cls, holder_id: HolderId) -> Actor:
        """The holder ``holder_id``."""
        return cls(Role.HOLDER, holder_id)

    @classmethod
    def organism(cls, organism_id: OrganismId) -> Actor:
        """The training organism ``organism_id``."""
        return cls(Role.ORGANISM, organism_id)

    @classmethod
    def funder(cls, funder: Funder) -> Actor:
        """A co-funder, identified by its :class:`~formation.rules.funders.Funder`."""
        if not isinstance(funder, Funder):
            raise InvalidValue(f"a funder actor needs a Funder, got {funder!r}")
        return cls(Role.FUNDER, funder.value)

    @classmethod
    def operator(cls, name: str = "cdc") -> Actor:
        """The platform operator (the Caisse des dépôts), or one of its automatic jobs."""
        return cls(Role.OPERATOR, name)

    @classmethod
    def employer(cls, employer_id: str) -> Actor:
        """The holder's employer (it may answer a consent request, never act on a folder)."""
        return cls(Role.EMPLOYER, employer_id)

    def __str__(self) -> str:
        names = {Role.HOLDER: "holder", Role.ORGANISM: "organism", Role.FUNDER: "funder",
                 Role.OPERATOR: "operator", Role.EMPLOYER: "employer"}
        return f"{names[self.role]} {self.party}"


@enum.unique
class Operation(enum.Enum):
    """Something a party does to a folder."""

    REQUEST = "request"  # holder: ask to register for a session
    PROPOSE = "propose"  # organism: accept the request with its proposal
    REFUSE_REQUEST = "refuse_request"  # organism: refuse the request, with a reason
    ACKNOWLEDGE_PREREQUISITES = "acknowledge_prerequisites"  # organism: prerequisite check begun
    ACCEPT_PROPOSAL = "accept_proposal"  # holder: accept and pay
    REFUSE_PROPOSAL = "refuse_proposal"  # holder: decline the proposal
    FUNDER_ACCEPT = "funder_accept"  # funder: France Travail accepts after its review
    FUNDER_REFUSE = "funder_refuse"  # funder: France Travail refuses
    CANCEL = "cancel"  # holder, organism or funder: cancel before the training
    WITHDRAW = "withdraw"  # holder: withdraw (rétractation) within the withdrawal period
    DECLARE_NO_SHOW = "declare_no_show"  # organism: the holder did not show up
    DECLARE_ENTRY = "declare_entry"  # organism: effective entry date
    DECLARE_EXIT = "declare_exit"  # organism: effective exit date
    DECLARE_SERVICE_DONE = "declare_service_done"  # organism: service done, completion rate
    CONFIRM_ATTENDANCE = "confirm_attendance"  # holder: confirms the training took place
    VALIDATE_SERVICE_DONE = "validate_service_done"  # operator: validates the service done
    LAPSE = "lapse"  # operator: a deadline ran out
    RECORD_PAYMENT = "record_payment"  # operator: the organism was paid


_O = Operation
_TABLE: dict[Operation, dict[BookingStatus, frozenset[BookingStatus]]] = {
    _O.PROPOSE: {_S.NOT_PROCESSED: frozenset({_S.VALIDATED})},
    _O.REFUSE_REQUEST: {_S.NOT_PROCESSED: frozenset({_S.REFUSED_BY_ORGANISM})},
    _O.ACKNOWLEDGE_PREREQUISITES: {_S.NOT_PROCESSED: frozenset({_S.NOT_PROCESSED})},
    _O.ACCEPT_PROPOSAL: {_S.VALIDATED: frozenset({_S.ACCEPTED, _S.WAITING_ACCEPTATION})},
    _O.REFUSE_PROPOSAL: {_S.VALIDATED: frozenset({_S.REFUSED_BY_ATTENDEE})},
    _O.FUNDER_ACCEPT: {_S.WAITING_ACCEPTATION: frozenset({_S.ACCEPTED})},
    _O.FUNDER_REFUSE: {_S.WAITING_ACCEPTATION: frozenset({_S.REFUSED_BY_FINANCER})},
    _O.CANCEL: {
        _S.NOT_PROCESSED: frozenset({_S.CANCELED_BY_ATTENDEE}),
        _S.VALIDATED: frozenset({_S.CANCELED_BY_ATTENDEE, _S.CANCELED_BY_ORGANISM}),
        _S.WAITING_ACCEPTATION: frozenset({_S.CANCELED_BY_ATTENDEE, _S.CANCELED_BY_ORGANISM,
                                          _S.CANCELED_BY_FINANCER}),
        _S.ACCEPTED: frozenset({_S.CANCELED_BY_ATTENDEE, _S.CANCELED_BY_ATTENDEE_NOT_REALIZED,
                               _S.CANCELED_BY_ORGANISM, _S.CANCELED_BY_FINANCER}),
    },
    _O.WITHDRAW: {_S.ACCEPTED: frozenset({_S.CANCELED_BY_ATTENDEE})},
    _O.DECLARE_NO_SHOW: {_S.ACCEPTED: frozenset({_S.CANCELED_BY_ATTENDEE_NOT_REALIZED})},
    _O.DECLARE_ENTRY: {_S.ACCEPTED: frozenset({_S.IN_TRAINING})},
    _O.DECLARE_EXIT: {_S.IN_TRAINING: frozenset({_S.TERMINATED})},
    _O.DECLARE_SERVICE_DONE: {_S.IN_TRAINING: frozenset({_S.SERVICE_DONE_DECLARED}),
                             _S.TERMINATED: frozenset({_S.SERVICE_DONE_DECLARED})},
    _O.CONFIRM_ATTENDANCE: {s: frozenset({s}) for s in (
        _S.IN_TRAINING, _S.TERMINATED, _S.SERVICE_DONE_DECLARED, _S.SERVICE_DONE_VALIDATED)},
    _O.VALIDATE_SERVICE_DONE: {_S.SERVICE_DONE_DECLARED: frozenset({_S.SERVICE_DONE_VALIDATED})},
    _O.LAPSE: {_S.NOT_PROCESSED: frozenset({_S.REJECTED_WITHOUT_OF_SUITE}),
              _S.VALIDATED: frozenset({_S.REJECTED_WITHOUT_TITULAIRE_SUITE}),
              _S.SERVICE_DONE_DECLARED: frozenset({_S.SERVICE_DONE_VALIDATED})},
    _O.RECORD_PAYMENT: {_S.SERVICE_DONE_VALIDATED: frozenset({_S.SERVICE_DONE_VALIDATED})},
}
TRANSITIONS: Mapping[Operation, Mapping[BookingStatus, frozenset[BookingStatus]]] = (
    MappingProxyType({op: MappingProxyType(table) for op, table in _TABLE.items()}))
"""For each operation, the states it may start from and the states it may lead to.

``REQUEST`` creates a folder and starts from no state. The graph follows ``cpf-rules.md`` 5.4
(suggested transitions), plus the cancellations every party may make before the training.
"""

PERMISSIONS: Mapping[Operation, frozenset[Role]] = MappingProxyType({
    _O.REQUEST: frozenset({Role.HOLDER}),
    _O.PROPOSE: frozenset({Role.ORGANISM}),
    _O.REFUSE_REQUEST: frozenset({Role.ORGANISM}),
    _O.ACKNOWLEDGE_PREREQUISITES: frozenset({Role.ORGANISM}),
    _O.ACCEPT_PROPOSAL: frozenset({Role.HOLDER}),
    _O.REFUSE_PROPOSAL: frozenset({Role.HOLDER}),
    _O.FUNDER_ACCEPT: frozenset({Role.FUNDER}),
    _O.FUNDER_REFUSE: frozenset({Role.FUNDER}),
    _O.CANCEL: frozenset({Role.HOLDER, Role.ORGANISM, Role.FUNDER}),
    _O.WITHDRAW: frozenset({Role.HOLDER}),
    _O.DECLARE_NO_SHOW: frozenset({Role.ORGANISM}),
    _O.DECLARE_ENTRY: frozenset({Role.ORGANISM}),
    _O.DECLARE_EXIT: frozenset({Role.ORGANISM}),
    _O.DECLARE_SERVICE_DONE: frozenset({Role.ORGANISM}),
    _O.CONFIRM_ATTENDANCE: frozenset({Role.HOLDER}),
    _O.VALIDATE_SERVICE_DONE: frozenset({Role.OPERATOR}),
    _O.LAPSE: frozenset({Role.OPERATOR}),
    _O.RECORD_PAYMENT: frozenset({Role.OPERATOR}),
})
"""Which roles may perform each operation. The employer may perform none: it sees consent
requests only (``formation.consent``), never the holder's folders, choices or balance."""

_CANCEL_TARGET = {
    Role.ORGANISM: _S.CANCELED_BY_ORGANISM,
    Role.FUNDER: _S.CANCELED_BY_FINANCER,
}


@enum.unique
class Fault(enum.Enum):
    """Who caused a partial completion (the EDOF exit reasons, ``cpf-rules.md`` 5.3)."""

    NONE = "none"  # completed in full
    FORCE_MAJEURE = "force_majeure"  # the holder's absence for force majeure
    HOLDER = "holder"  # the holder abandoned or was absent
    ORGANISM = "organism"  # the organism interrupted the training


@enum.unique
class MovementKind(enum.Enum):
    """A movement of money caused by a folder's transition."""

    HOLD = "hold"  # CPF money (rights or a top-up) set aside for the folder
    RELEASE = "release"  # held money given back to the available balance
    DEBIT = "debit"  # held money spent (at entry, or on a late cancellation or no-show)
    REFUND = "refund"  # debited money credited back (partial completion)
    CARD_PAYMENT = "card_payment"  # the holder paid by card (the flat participation included)
    CARD_REFUND = "card_refund"  # a card payment given back


@attrs.frozen
class Movement:
    """One movement of money recorded on a transition.

    Attributes:
        kind: what happened.
        amount: how much (positive).
        funder: whose money: ``None`` for the holder's rights (and for card movements), else the
            top-up's funder.
    """

    kind: MovementKind = attrs.field(validator=instance_of(MovementKind))
    amount: Euros = attrs.field(validator=instance_of(Euros))
    funder: Funder | None = attrs.field(default=None, validator=_of(Funder, optional=True))

    def __attrs_post_init__(self) -> None:
        if self.amount.cents <= 0:
            raise InvalidValue(f"a movement amount is positive, got {self.amount}")


def _movements(value: Iterable[Movement]) -> tuple[Movement, ...]:
    found = tuple(value)
    for movement in found:
        if not isinstance(movement, Movement):
            raise InvalidValue(f"expected Movement records, got {movement!r}")
    return found


@attrs.frozen
class Transition:
    """One entry of a folder's history: who did what, when, why, and the money it moved."""

    operation: Operation = attrs.field(validator=_of(Operation))
    actor: Actor = attrs.field(validator=_of(Actor))
    at: datetime = attrs.field(validator=instant_field)
    source: BookingStatus | None = attrs.field(validator=_of(BookingStatus, optional=True))
    target: BookingStatus = attrs.field(validator=_of(BookingStatus))
    reason: str = attrs.field(default="", validator=_of(str))
    movements: tuple[Movement, ...] = attrs.field(default=(), converter=_movements)


def _options(value: Iterable[Option]) -> tuple[Option, ...]:
    found = tuple(value)
    seen: set[str] = set()
    for option in found:
        if not isinstance(option, Option):
            raise InvalidValue(f"options are catalog Options, got {option!r}")
        if option.option_id in seen:
            raise InvalidValue(f"option {option.option_id!r} is listed twice; each option is "
                               "chosen once")
        seen.add(option.option_id)
    return found


@attrs.frozen
class Proposal:
    """The organism's answer to a request: dates, price and the options it includes.

    Attributes:
        start: the planned first day of training.
        end: the planned last day (on or after ``start``).
        price: the training's price, options excluded.
        options: the priced add-ons included (each says whether CPF rights may fund it).
    """

    start: date = attrs.field(validator=lambda _i, _a, v: check_date(v, "start"))
    end: date = attrs.field(validator=lambda _i, _a, v: check_date(v, "end"))
    price: Euros = attrs.field(validator=instance_of(Euros))
    options: tuple[Option, ...] = attrs.field(default=(), converter=_options)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValue(f"a proposal ends on or after its start, got {self.start} to "
                               f"{self.end}")
        if self.price.cents < 0:
            raise InvalidValue(f"a proposal's price is not negative, got {self.price}")

    @property
    def total(self) -> Euros:
        """The price with every option."""
        return sum((o.price for o in self.options), self.price)

    @property
    def unfundable(self) -> Euros:
        """The part only the card may pay: options CPF rights may not fund."""
        return sum((o.price for o in self.options if not o.cpf_fundable), Euros.zero())


def _transitions(value: Iterable[Transition]) -> tuple[Transition, ...]:
    found = tuple(value)
    for transition in found:
        if not isinstance(transition, Transition):
            raise InvalidValue(f"a history holds Transition records, got {transition!r}")
    return found


def _funders(value: Iterable[Funder]) -> frozenset[Funder]:
    found = frozenset(value)
    for funder in found:
        if not isinstance(funder, Funder):
            raise InvalidValue(f"funders are Funder members, got {funder!r}")
    return found


def _non_empty(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidValue(f"{attribute.name} must be a non-empty string, got {value!r}")


def _completion(_instance: object, _attribute: attrs.Attribute[Any] | None,
                value: object) -> None:
    if value is not None and (type(value) is not int or not 0 <= value <= 100):
        raise InvalidValue(f"a completion rate is a whole percentage 0–100, got {value!r}")


@attrs.frozen
class Booking:
    """A registration folder (*dossier de formation*) and its whole history.

    The instants of each step (:attr:`proposed_at`, :attr:`accepted_at`…) are read from the
    history, never stored twice. Create one with :func:`request`; move it with the functions of
    this module.

    Attributes:
        booking_id: the folder's identifier.
        holder_id, account_id: whose folder, and the account it draws on.
        organism_id, offer_id, session_id: what it is for.
        price: the folder's price: the one asked for (the session's, with the options
            chosen) until the organism's proposal, then the proposal's total — the price the
            funding plan splits.
        requested_at: when the holder sent the request (aware).
        terms_version: the platform's terms in force on the request date; its deadlines apply.
        action_type: the kind of training (for the funding rules).
        certification_code: the RNCP or RS code, for earmarked top-ups.
        funders: the third parties funding it; each may act on it as a funder.
        funder_review: whether France Travail reviews the folder after the holder accepts
            (a job seeker's folder, or one it co-funds).
        job_seeker: whether the holder is a job seeker (no flat participation).
        has_prerequisites: whether the organism checks prerequisites (2 bd to acknowledge, then
            a longer period to decide).
        options: the options the holder chose when asking (the proposal starts from them).
        listed_price: the price listed in the catalogue for the session and the options chosen,
            when the holder asked (``None`` on folders stored before it was recorded: then
            :attr:`price` until the proposal).
        status: the current state.
        proposal: the organism's proposal, once made.
        entry_on, exit_on: the effective entry and exit dates the organism declared.
        completion_rate: the whole percentage of hours done, from the service-done declaration.
        fault: who caused a partial completion.
        attendance_confirmed: the holder confirmed the training took place.
        plan: the funding plan agreed when the holder accepted (who pays what).
        history: every transition, oldest first.
        version: the optimistic-concurrency version the store saw (0 before the first save).
    """

    booking_id: BookingId = attrs.field(validator=_non_empty)
    holder_id: HolderId = attrs.field(validator=_non_empty)
    account_id: AccountId = attrs.field(validator=_non_empty)
    organism_id: OrganismId = attrs.field(validator=_non_empty)
    offer_id: OfferId = attrs.field(validator=_non_empty)
    session_id: SessionId = attrs.field(validator=_non_empty)
    price: Euros = attrs.field(validator=instance_of(Euros))
    requested_at: datetime = attrs.field(validator=instant_field)
    terms_version: str | None = attrs.field(default=None, validator=_of(str, optional=True))
    action_type: ActionType = attrs.field(default=ActionType.RNCP, validator=_of(ActionType))
    certification_code: str | None = attrs.field(default=None,
                                                 validator=_of(str, optional=True))
    funders: frozenset[Funder] = attrs.field(default=frozenset(), converter=_funders)
    funder_review: bool = attrs.field(default=False, validator=_of(bool))
    job_seeker: bool = attrs.field(default=False, validator=_of(bool))
    has_prerequisites: bool = attrs.field(default=False, validator=_of(bool))
    options: tuple[Option, ...] = attrs.field(default=(), converter=_options)
    listed_price: Euros | None = attrs.field(default=None, validator=_of(Euros, optional=True))
    status: BookingStatus = attrs.field(default=BookingStatus.NOT_PROCESSED,
                                        validator=_of(BookingStatus))
    proposal: Proposal | None = attrs.field(default=None, validator=_of(Proposal, optional=True))
    entry_on: date | None = attrs.field(default=None, validator=optional_date_field)
    exit_on: date | None = attrs.field(default=None, validator=optional_date_field)
    completion_rate: int | None = attrs.field(default=None, validator=_completion)
    fault: Fault = attrs.field(default=Fault.NONE, validator=_of(Fault))
    attendance_confirmed: bool = attrs.field(default=False, validator=_of(bool))
    plan: FundingPlan | None = attrs.field(default=None,
                                           validator=_of(FundingPlan, optional=True))
    history: tuple[Transition, ...] = attrs.field(default=(), converter=_transitions)
    version: int = attrs.field(default=0, validator=_of(int))

    def __attrs_post_init__(self) -> None:
        if self.price.cents < 0:
            raise InvalidValue(f"a folder's price is not negative, got {self.price}")
        if self.history and self.history[-1].target is not self.status:
            raise InvalidValue(
                f"folder {self.booking_id}: status {self.status.value} differs from the last "
                f"transition's target {self.history[-1].target.value}")

    # -- instants read from the history --------------------------------------------------
    def _last_at(self, *operations: Operation) -> datetime | None:
        for transition in reversed(self.history):
            if transition.operation in operations:
                return transition.at
        return None

    @property
    def proposed_at(self) -> datetime | None:
        """When the organism sent its proposal."""
        return self._last_at(_O.PROPOSE)

    @property
    def accepted_at(self) -> datetime | None:
        """When the holder accepted the proposal (and paid)."""
        return self._last_at(_O.ACCEPT_PROPOSAL)

    @property
    def acknowledged_at(self) -> datetime | None:
        """When the organism acknowledged a request with prerequisites."""
        return self._last_at(_O.ACKNOWLEDGE_PREREQUISITES)

    @property
    def service_done_declared_at(self) -> datetime | None:
        """When the organism declared the service done."""
        return self._last_at(_O.DECLARE_SERVICE_DONE)

    @property
    def service_done_validated_at(self) -> datetime | None:
        """When the service done was validated (by the operator or automatically)."""
        for transition in reversed(self.history):
            if transition.target is _S.SERVICE_DONE_VALIDATED and transition.source is not \
                    _S.SERVICE_DONE_VALIDATED:
                return transition.at
        return None

    @property
    def paid_at(self) -> datetime | None:
        """When the organism was paid."""
        return self._last_at(_O.RECORD_PAYMENT)

    @property
    def last_at(self) -> datetime:
        """The instant of the latest transition (the request at least)."""
        return self.history[-1].at if self.history else self.requested_at

    @property
    def movements(self) -> tuple[Movement, ...]:
        """Every movement of money recorded in the history, oldest first."""
        return tuple(m for t in self.history for m in t.movements)

    @property
    def options_added(self) -> tuple[Option, ...]:
        """The options the proposal includes that the holder did not choose (shown to them)."""
        if self.proposal is None:
            return ()
        chosen = {o.option_id for o in self.options}
        return tuple(o for o in self.proposal.options if o.option_id not in chosen)

    @property
    def options_dropped(self) -> tuple[Option, ...]:
        """The options the holder chose that the proposal leaves out (shown to them)."""
        if self.proposal is None:
            return ()
        proposed = {o.option_id for o in self.proposal.options}
        return tuple(o for o in self.options if o.option_id not in proposed)

    def allowed_operations(self) -> tuple[Operation, ...]:
        """The operations the state graph allows from the current state."""
        return tuple(op for op, table in TRANSITIONS.items() if self.status in table)


# -- permissions ----------------------------------------------------------------------------

def authorize(actor: Actor, operation: Operation, booking: Booking) -> None:
    """Check that ``actor`` may perform ``operation`` on ``booking``; raise ``NotAuthorized``.

    The role must be in :data:`PERMISSIONS` for the operation, and the party must own the
    folder: a holder only their own folders, an organism only folders for its own offers, a
    funder only the folders it funds (France Travail also those it reviews). The operator may
    act on every folder; the employer on none.
    """
    if not isinstance(actor, Actor):
        raise InvalidValue(f"the acting party must be an Actor, got {actor!r}")
    if actor.role not in PERMISSIONS[operation]:
        allowed = ", ".join(sorted(r.name.lower() for r in PERMISSIONS[operation]))
        raise NotAuthorized(
            f"{actor} may not {operation.value.replace('_', ' ')} folder {booking.booking_id}: "
            f"only {allowed} may")
    _check_owner(actor, booking, operation.value.replace("_", " "))


def authorize_view(actor: Actor, booking: Booking) -> None:
    """Check that ``actor`` may see ``booking``; raise ``NotAuthorized`` naming the reading.

    The operator sees every folder; the holder, the organism and a funder the folders they
    could act on (the ownership rules of :func:`authorize`); an employer none (it sees consent
    requests only, never the holder's choice of training).
    """
    if not isinstance(actor, Actor):
        raise InvalidValue(f"the acting party must be an Actor, got {actor!r}")
    if actor.role is Role.OPERATOR:
        return
    if actor.role is Role.EMPLOYER:
        raise NotAuthorized(f"{actor} may not view folder {booking.booking_id}: an employer "
                            "sees consent requests only, never the holder's choice of training; "
                            "the holder, the organism, its funders and the operator may")
    _check_owner(actor, booking, "view")


def _check_owner(actor: Actor, booking: Booking, verb: str) -> None:
    if actor.role is Role.HOLDER and actor.party != booking.holder_id:
        raise NotAuthorized(
            f"{actor} may not {verb} folder {booking.booking_id}: it belongs to holder "
            f"{booking.holder_id}")
    if actor.role is Role.ORGANISM and actor.party != booking.organism_id:
        raise NotAuthorized(
            f"{actor} may not {verb} folder {booking.booking_id}: it is for an offer of "
            f"organism {booking.organism_id}")
    if actor.role is Role.FUNDER and actor.party not in _funder_parties(booking):
        funders = ", ".join(sorted(_funder_parties(booking))) or "none"
        raise NotAuthorized(
            f"{actor} may not {verb} folder {booking.booking_id}: it does not fund it (its "
            f"funders: {funders})")


def _funder_parties(booking: Booking) -> frozenset[str]:
    parties = {f.value for f in booking.funders}
    if booking.funder_review:
        parties.add(Funder.FRANCE_TRAVAIL.value)
    return frozenset(parties)


# -- the primitive move ------------------------------------------------------------------------

def _check_target(booking: Booking, operation: Operation, target: BookingStatus) -> None:
    table = TRANSITIONS[operation]
    if target in table.get(booking.status, frozenset()):
        return
    allowed = sorted({t.value for targets in TRANSITIONS.values()
                      for t in targets.get(booking.status, frozenset())})
    shown = ", ".join(allowed) if allowed else f"none, {booking.status.value} is final"
    raise InvalidTransition(
        f"folder {booking.booking_id}: cannot {operation.value.replace('_', ' ')} from "
        f"{booking.status.value} to {target.value}; allowed from {booking.status.value}: {shown}")


def _default_target(booking: Booking, operation: Operation) -> BookingStatus:
    targets = TRANSITIONS[operation].get(booking.status)
    if targets is None:
        # any target of the operation, for the error message
        return sorted({t for ts in TRANSITIONS[operation].values() for t in ts},
                      key=lambda s: s.value)[0]
    return sorted(targets, key=lambda s: s.value)[0]


def _move(
    booking: Booking,
    operation: Operation,
    actor: Actor,
    at: datetime,
    target: BookingStatus,
    reason: str = "",
    **changes: object,
) -> Booking:
    check_instant(at)
    if at < booking.last_at:
        raise InvalidValue(
            f"folder {booking.booking_id}: {at.isoformat()} is before its last transition "
            f"({booking.last_at.isoformat()}); a history only moves forward")
    transition = Transition(operation, actor, at, booking.status, target, reason)
    return attrs.evolve(booking, status=target, history=(*booking.history, transition),
                        **changes)  # type: ignore[arg-type]


def _begin(booking: Booking, operation: Operation, actor: Actor, at: datetime,
           target: BookingStatus | None = None) -> BookingStatus:
    """Permission first, then the state graph; returns the target."""
    if not isinstance(booking, Booking):
        raise InvalidValue(f"expected a Booking, got {booking!r}")
    authorize(actor, operation, booking)
    chosen = target if target is not None else _default_target(booking, operation)
    _check_target(booking, operation, chosen)
    check_instant(at)
    return chosen


def _violation(code: str, message: str, booking: Booking) -> RuleViolation:
    return RuleViolation([Violation(code, message, booking.booking_id)])


def _deadlines(booking: Booking, calendar: BusinessCalendar | None,
               rulebook: Rulebook | None) -> Deadlines:
    return deadlines_of(booking, calendar=calendar, rulebook=rulebook)


# -- the operations ----------------------------------------------------------------------------

def request(
    booking_id: BookingId,
    *,
    holder_id: HolderId,
    account_id: AccountId,
    organism_id: OrganismId,
    offer_id: OfferId,
    session_id: SessionId,
    price: Euros,
    requested_at: datetime,
    action_type: ActionType = ActionType.RNCP,
    certification_code: str | None = None,
    funders: Iterable[Funder] = (),
    funder_review: bool = False,
    job_seeker: bool = False,
    has_prerequisites: bool = False,
    options: Iterable[Option] = (),
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """A holder's request to register for a session: a new folder in ``notProcessed``.

    The terms version in force on the request date (local to the calendar's territory) is
    recorded: the folder's deadlines follow it (``cpf-rules.md`` 5.1). ``price`` is the listed
    price of the session with the ``options`` chosen (kept as :attr:`Booking.listed_price`);
    the services check the request first (:func:`request_violations`).
    """
    check_instant(requested_at, "requested_at")
    book = rulebook or Rulebook.default()
    day = local_date(requested_at, calendar)
    actor = Actor.holder(holder_id)
    transition = Transition(_O.REQUEST, actor, requested_at, None, _S.NOT_PROCESSED)
    return Booking(
        booking_id=booking_id, holder_id=holder_id, account_id=account_id,
        organism_id=organism_id, offer_id=offer_id, session_id=session_id, price=price,
        requested_at=requested_at, terms_version=book.at(day).terms_version,
        action_type=action_type, certification_code=certification_code,
        funders=frozenset(funders), funder_review=funder_review, job_seeker=job_seeker,
        has_prerequisites=has_prerequisites, options=tuple(options), listed_price=price,
        history=(transition,),
    )


def request_violations(
    offer: Offer,
    session: Session,
    *,
    at: datetime,
    pending: int = 0,
    seats_taken: int = 0,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> tuple[Violation, ...]:
    """Every rule that forbids asking at ``at`` for ``session`` of ``offer``; empty when none.

    Checked together, so that a screen shows them all at once:

    - the offer is eligible on the request day (:func:`formation.catalog.eligibility
      .eligibility_violations`, codes ``eligibility.*``: Qualiopi, the certification in force,
      the action type; ``cpf-rules.md`` 7.1);
    - a seat is left: ``seats_taken`` below :attr:`Session.seats` (``None``: unlimited),
      ``booking.session_full``;
    - the holder has fewer than ``max_pending_requests`` pending requests for the offer
      (``pending``; 5 under the 2019 terms, plausible), ``booking.too_many_pending_requests``;
    - a dated session has not started (``booking.session_started``) and starts no sooner than
      the minimum lead time allows after a proposal sent today (11 business days since 10 June
      2021, ``booking.minimum_lead_time``).

    Raises:
        InvalidValue: ``session`` runs another offer, a naive ``at``, negative counts.
    """
    check_instant(at, "at")
    if not isinstance(offer, Offer):
        raise InvalidValue(f"request_violations needs the Offer, got {offer!r}")
    if not isinstance(session, Session):
        raise InvalidValue(f"request_violations needs the Session, got {session!r}")
    if session.offer_id != offer.offer_id:
        raise InvalidValue(f"session {session.session_id} runs offer {session.offer_id}, not "
                           f"{offer.offer_id}: pass the session's own offer")
    for name, count in (("pending", pending), ("seats_taken", seats_taken)):
        if type(count) is not int or count < 0:
            raise InvalidValue(f"{name} is a count (an int, 0 or more), got {count!r}")
    book = rulebook if rulebook is not None else Rulebook.default()
    today = local_date(at, calendar)
    rules = book.at(today)
    found = list(eligibility_violations(offer, today, book))
    if session.seats is not None and seats_taken >= session.seats:
        found.append(Violation(
            "booking.session_full",
            f"session {session.session_id} has {session.seats} seats and {seats_taken} are "
            "taken: none is left", session.session_id))
    if pending >= rules.max_pending_requests:
        found.append(Violation(
            "booking.too_many_pending_requests",
            f"the holder already has {pending} pending requests for offer {offer.offer_id}; "
            f"at most {rules.max_pending_requests} are allowed at once", offer.offer_id))
    if session.start is not None:
        if session.start <= today:
            found.append(Violation(
                "booking.session_started",
                f"session {session.session_id} starts on {session.start}; on {today} it is too "
                "late to ask for it (only sessions starting after today may be booked)",
                session.session_id))
        elif rules.minimum_lead_business_days is not None:
            earliest = (calendar or _METROPOLE).add_business_days(
                today, rules.minimum_lead_business_days)
            if session.start < earliest:
                found.append(Violation(
                    "booking.minimum_lead_time",
                    f"session {session.session_id} starts on {session.start}, sooner than the "
                    f"minimum lead time of {rules.minimum_lead_business_days} business days "
                    f"after a proposal sent on {today} allows (earliest start {earliest})",
                    session.session_id))
    return tuple(found)


def draft_proposal(
    booking: Booking,
    *,
    start: date,
    end: date,
    price: Euros | None = None,
    add: Iterable[Option] = (),
    drop: Iterable[str] = (),
) -> Proposal:
    """The organism's proposal, starting from what the holder asked for.

    The options are the folder's, less those whose ids are in ``drop``, plus ``add``; the
    price (options excluded) is the one listed when the holder asked, unless ``price`` says
    otherwise. What is dropped or added shows on the folder once proposed
    (:attr:`Booking.options_dropped`, :attr:`Booking.options_added`).

    Raises:
        InvalidValue: ``drop`` names an option the folder does not have, or ``add`` one it has.
    """
    if not isinstance(booking, Booking):
        raise InvalidValue(f"draft_proposal needs a Booking, got {booking!r}")
    dropped = set(drop)
    chosen = {o.option_id for o in booking.options}
    unknown = sorted(dropped - chosen)
    if unknown:
        raise InvalidValue(f"folder {booking.booking_id} has no option {unknown[0]!r} to drop; "
                           f"its options are {sorted(chosen)!r}")
    added = tuple(add)
    options = (*(o for o in booking.options if o.option_id not in dropped), *added)
    if price is None:
        price = _training_price(booking)
    return Proposal(start=start, end=end, price=price, options=options)


def _training_price(booking: Booking) -> Euros:
    """The listed price of the training alone (the options chosen taken off)."""
    listed = booking.listed_price if booking.listed_price is not None else booking.price
    return listed - sum((o.price for o in booking.options), Euros.zero())


def proposal_violations(
    booking: Booking,
    proposal: Proposal,
    *,
    on: date,
    offer: Offer | None = None,
    rulebook: Rulebook | None = None,
) -> tuple[Violation, ...]:
    """The rules the organism's ``proposal`` for ``booking`` breaks on ``on``; empty when none.

    The proposal's total may exceed the listed price of the session and of the options it
    includes by at most the rulebook's ``proposal_price_tolerance`` (an unverified rule,
    0 % by default; a lower price is always allowed), ``booking.proposal_price_too_high``.
    An option's listed price is the catalogue's (``offer``) when given, else the one the holder
    chose; with ``offer``, an option the offer does not list is ``booking.proposal_option_unknown``.
    """
    check_date(on, "on")
    book = rulebook if rulebook is not None else Rulebook.default()
    tolerance = book.at(on).proposal_price_tolerance
    listed_options = {o.option_id: o.price for o in (offer.options if offer is not None else ())}
    for option in booking.options:
        listed_options.setdefault(option.option_id, option.price)
    found: list[Violation] = []
    listed = _training_price(booking)
    for option in proposal.options:
        known = listed_options.get(option.option_id)
        if known is None and offer is not None:
            found.append(Violation(
                "booking.proposal_option_unknown",
                f"the proposal includes option {option.option_id!r}, which offer "
                f"{offer.offer_id} does not list; its options are "
                f"{sorted(o.option_id for o in offer.options)!r}", booking.booking_id))
            continue
        listed = listed + (known if known is not None else option.price)
    most = Euros(listed.cents + (listed.cents * tolerance.numerator) // tolerance.denominator)
    if proposal.total > most:
        allowed = ("no more than the listed price" if tolerance == 0
                   else f"at most {most} ({float(tolerance) * 100:g} % above it)")
        found.append(Violation(
            "booking.proposal_price_too_high",
            f"the proposal's total of {proposal.total} exceeds the listed price of the session "
            f"and its options, {listed}; the rules allow {allowed} (a lower price is always "
            "allowed)", booking.booking_id))
    return tuple(found)


def _check_organism_in_time(booking: Booking, at: datetime, calendar: BusinessCalendar | None,
                            rulebook: Rulebook | None) -> Deadlines:
    due = _deadlines(booking, calendar, rulebook)
    today = local_date(at, calendar)
    if due.organism_answer_by is not None and today > due.organism_answer_by:
        raise _violation(
            "booking.organism_answer_overdue",
            f"the organism had to answer by {due.organism_answer_by} and it is {today}; the "
            "folder lapses (rejectedWithoutOfSuite)", booking)
    return due


def propose(
    booking: Booking,
    actor: Actor,
    at: datetime,
    proposal: Proposal,
    *,
    reason: str = "",
    offer: Offer | None = None,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """The organism accepts the request with its proposal: ``notProcessed`` → ``validated``.

    Refused (``RuleViolation``, every broken rule at once) when the answer period is over,
    when the start is sooner than the minimum lead time after the proposal (11 business days
    since 10 June 2021), or when the price is too high (:func:`proposal_violations`, with the
    catalogue's ``offer`` when given). The folder's :attr:`~Booking.price` becomes the
    proposal's total: the price the holder accepts and the funding plan splits.
    """
    target = _begin(booking, _O.PROPOSE, actor, at)
    if not isinstance(proposal, Proposal):
        raise InvalidValue(f"propose needs a Proposal, got {proposal!r}")
    _check_organism_in_time(booking, at, calendar, rulebook)
    moved = _move(booking, _O.PROPOSE, actor, at, target, reason, proposal=proposal,
                  price=proposal.total)
    due = _deadlines(moved, calendar, rulebook)
    found = list(proposal_violations(booking, proposal, on=local_date(at, calendar),
                                     offer=offer, rulebook=rulebook))
    if due.earliest_start is not None and proposal.start < due.earliest_start:
        found.insert(0, Violation(
            "booking.minimum_lead_time",
            f"the training starts on {proposal.start}, sooner than the minimum lead time "
            f"after the proposal allows (earliest start {due.earliest_start})",
            booking.booking_id))
    if found:
        raise RuleViolation(found)
    return moved


def refuse_request(booking: Booking, actor: Actor, at: datetime, reason: str) -> Booking:
    """The organism refuses the request, with a reason: ``notProcessed`` → ``refusedByOrganism``."""
    target = _begin(booking, _O.REFUSE_REQUEST, actor, at)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidValue("a refusal must state a reason (cpf-rules.md 5.2), got "
                           f"{reason!r}")
    return _move(booking, _O.REFUSE_REQUEST, actor, at, target, reason)


def acknowledge_prerequisites(
    booking: Booking,
    actor: Actor,
    at: datetime,
    *,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """The organism acknowledges a request with prerequisites; its decision period begins."""
    target = _begin(booking, _O.ACKNOWLEDGE_PREREQUISITES, actor, at)
    if not booking.has_prerequisites:
        raise _violation("booking.no_prerequisites",
                         "this training has no prerequisites to acknowledge", booking)
    if booking.acknowledged_at is not None:
        raise _violation("booking.already_acknowledged",
                         "the prerequisites were already acknowledged", booking)
    _check_organism_in_time(booking, at, calendar, rulebook)
    return _move(booking, _O.ACKNOWLEDGE_PREREQUISITES, actor, at, target)


def accept_proposal(
    booking: Booking,
    actor: Actor,
    at: datetime,
    *,
    plan: FundingPlan | None = None,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """The holder accepts the proposal and pays: ``validated`` → ``accepted``.

    A folder France Travail reviews goes to ``waitingAcceptation`` instead. Refused
    (``RuleViolation``) after the holder's acceptance period (4 business days). ``plan`` is
    the funding plan the holder accepted (the services compute it from the account).
    """
    target = _S.WAITING_ACCEPTATION if booking.funder_review else _S.ACCEPTED
    _begin(booking, _O.ACCEPT_PROPOSAL, actor, at, target)
    due = _deadlines(booking, calendar, rulebook)
    today = local_date(at, calendar)
    if due.holder_acceptance_by is not None and today > due.holder_acceptance_by:
        raise _violation(
            "booking.holder_acceptance_overdue",
            f"the proposal had to be accepted by {due.holder_acceptance_by} and it is {today}; "
            "the folder lapses (rejectedWithoutTitulaireSuite)", booking)
    if plan is not None and not isinstance(plan, FundingPlan):
        raise InvalidValue(f"plan must be a FundingPlan, got {plan!r}")
    return _move(booking, _O.ACCEPT_PROPOSAL, actor, at, target, plan=plan)


def refuse_proposal(booking: Booking, actor: Actor, at: datetime, reason: str = "") -> Booking:
    """The holder declines the proposal: ``validated`` → ``refusedByAttendee``."""
    target = _begin(booking, _O.REFUSE_PROPOSAL, actor, at)
    return _move(booking, _O.REFUSE_PROPOSAL, actor, at, target, reason)


def funder_accept(booking: Booking, actor: Actor, at: datetime, reason: str = "") -> Booking:
    """France Travail accepts after its review: ``waitingAcceptation`` → ``accepted``."""
    target = _begin(booking, _O.FUNDER_ACCEPT, actor, at)
    return _move(booking, _O.FUNDER_ACCEPT, actor, at, target, reason)


def funder_refuse(booking: Booking, actor: Actor, at: datetime, reason: str) -> Booking:
    """France Travail refuses: ``waitingAcceptation`` → ``refusedByFinancer``."""
    target = _begin(booking, _O.FUNDER_REFUSE, actor, at)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidValue(f"a refusal must state a reason, got {reason!r}")
    return _move(booking, _O.FUNDER_REFUSE, actor, at, target, reason)


def cancellation_is_free(
    booking: Booking,
    at: datetime,
    *,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> bool:
    """Whether the holder may cancel an accepted folder at ``at`` without being debited.

    Free within the withdrawal period, or while more than 7 business days remain before the
    start (a plausible rule of the 2019 terms, ``cpf-rules.md`` 5.2, overridable in the
    rulebook: ``free_cancellation_business_days`` and ``free_cancellation_more_than``).
    """
    due = _deadlines(booking, calendar, rulebook)
    today = local_date(at, calendar)
    return any(limit is not None and today <= limit
               for limit in (due.withdrawal_until, due.free_cancellation_until))


def cancel(
    booking: Booking,
    actor: Actor,
    at: datetime,
    reason: str = "",
    *,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """A party cancels the folder before the training.

    The target depends on who cancels: ``canceledByOrganism``, ``canceledByFinancer``, or for
    the holder ``canceledByAttendee`` — except an accepted folder cancelled after the
    free-cancellation day and outside the withdrawal period, which becomes
    ``canceledByAttendeeNotRealized`` (its rights are debited as the rulebook says). Nobody
    cancels once the training has begun: a training interrupted is a service-done declaration
    with its completion rate.
    """
    if actor.role is Role.HOLDER:
        target = _S.CANCELED_BY_ATTENDEE
        if booking.status is _S.ACCEPTED and not cancellation_is_free(
                booking, at, calendar=calendar, rulebook=rulebook):
            target = _S.CANCELED_BY_ATTENDEE_NOT_REALIZED
    else:
        target = _CANCEL_TARGET.get(actor.role, _S.CANCELED_BY_ATTENDEE)
    _begin(booking, _O.CANCEL, actor, at, target)
    return _move(booking, _O.CANCEL, actor, at, target, reason)


def withdraw(
    booking: Booking,
    actor: Actor,
    at: datetime,
    reason: str = "",
    *,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """The holder withdraws (*rétractation*): ``accepted`` → ``canceledByAttendee``.

    Only within the withdrawal period, which ends at the latest the day before the start
    (11 business days from the acceptance under the current terms, 14 under the 2019 terms;
    ``cpf-rules.md`` 5.2, overridable). Otherwise a ``RuleViolation``.
    """
    target = _begin(booking, _O.WITHDRAW, actor, at)
    due = _deadlines(booking, calendar, rulebook)
    today = local_date(at, calendar)
    if due.withdrawal_until is None or today > due.withdrawal_until:
        raise _violation(
            "booking.withdrawal_period_over",
            f"the withdrawal period ended on {due.withdrawal_until} and it is {today}; "
            "cancel the folder instead", booking)
    return _move(booking, _O.WITHDRAW, actor, at, target, reason)


def declare_no_show(booking: Booking, actor: Actor, at: datetime, reason: str = "",
                    *, calendar: BusinessCalendar | None = None) -> Booking:
    """The organism declares that the holder did not show up: ``canceledByAttendeeNotRealized``.

    Only from the planned start on.
    """
    target = _begin(booking, _O.DECLARE_NO_SHOW, actor, at)
    today = local_date(at, calendar)
    start = booking.proposal.start if booking.proposal else None
    if start is None or today < start:
        raise _violation("booking.no_show_before_start",
                         f"a no-show is declared from the start ({start}) on, it is {today}",
                         booking)
    return _move(booking, _O.DECLARE_NO_SHOW, actor, at, target, reason)


def declare_entry(booking: Booking, actor: Actor, at: datetime, entry_on: date,
                  *, calendar: BusinessCalendar | None = None) -> Booking:
    """The organism declares the effective entry: ``accepted`` → ``inTraining``.

    The entry date is on or after the planned start and not after the declaration (the EDOF
    help: "from the session start date onward"; a declaration cannot be undone).
    """
    target = _begin(booking, _O.DECLARE_ENTRY, actor, at)
    check_date(entry_on, "entry_on")
    today = local_date(at, calendar)
    start = booking.proposal.start if booking.proposal is not None else entry_on
    if entry_on < start or entry_on > today:
        raise _violation(
            "booking.entry_date",
            f"the entry date {entry_on} must be between the planned start {start} and the "
            f"declaration day {today}", booking)
    return _move(booking, _O.DECLARE_ENTRY, actor, at, target, entry_on=entry_on)


def declare_exit(booking: Booking, actor: Actor, at: datetime, exit_on: date,
                 reason: str = "", *, calendar: BusinessCalendar | None = None) -> Booking:
    """The organism declares the effective exit: ``inTraining`` → ``terminated``."""
    target = _begin(booking, _O.DECLARE_EXIT, actor, at)
    _check_exit(booking, at, exit_on, calendar)
    return _move(booking, _O.DECLARE_EXIT, actor, at, target, reason, exit_on=exit_on)


def _check_exit(booking: Booking, at: datetime, exit_on: date,
                calendar: BusinessCalendar | None) -> None:
    check_date(exit_on, "exit_on")
    today = local_date(at, calendar)
    entry_on = booking.entry_on if booking.entry_on is not None else exit_on
    if exit_on < entry_on or exit_on > today:
        raise _violation(
            "booking.exit_date",
            f"the exit date {exit_on} must be between the entry {entry_on} and the "
            f"declaration day {today}", booking)


def declare_service_done(
    booking: Booking,
    actor: Actor,
    at: datetime,
    completion_rate: int,
    *,
    fault: Fault = Fault.NONE,
    exit_on: date | None = None,
    reason: str = "",
    calendar: BusinessCalendar | None = None,
) -> Booking:
    """The organism declares the service done, with the completion rate (whole percent).

    From ``inTraining`` the exit is implied (``exit_on`` is then required) — as EDOF does, the
    folder passes through ``terminated``. A rate under 100 needs a :class:`Fault` other than
    ``NONE``; a rate of 100 takes ``NONE``.
    """
    target = _begin(booking, _O.DECLARE_SERVICE_DONE, actor, at)
    _completion(None, None, completion_rate)
    if completion_rate is None:
        raise InvalidValue("a service-done declaration needs a completion rate")
    if not isinstance(fault, Fault):
        raise InvalidValue(f"fault must be a Fault, got {fault!r}")
    if (completion_rate == 100) != (fault is Fault.NONE):
        faults = ", ".join(f.name for f in Fault if f is not Fault.NONE)
        raise InvalidValue(
            f"declare service done: a completion rate of {completion_rate} % with fault "
            f"{fault.name} is refused; it takes "
            + ("fault NONE" if completion_rate == 100 else f"one of the faults {faults}"))
    if booking.status is _S.IN_TRAINING:
        if exit_on is None:
            raise InvalidValue("declaring the service done from inTraining needs exit_on")
        _check_exit(booking, at, exit_on, calendar)
    else:
        exit_on = booking.exit_on
    return _move(booking, _O.DECLARE_SERVICE_DONE, actor, at, target, reason,
                 completion_rate=completion_rate, fault=fault, exit_on=exit_on)


def confirm_attendance(booking: Booking, actor: Actor, at: datetime) -> Booking:
    """The holder confirms the training took place (the state does not change)."""
    target = _begin(booking, _O.CONFIRM_ATTENDANCE, actor, at, booking.status)
    if booking.attendance_confirmed:
        raise _violation("booking.attendance_already_confirmed",
                         "the attendance was already confirmed", booking)
    return _move(booking, _O.CONFIRM_ATTENDANCE, actor, at, target, attendance_confirmed=True)


def validate_service_done(booking: Booking, actor: Actor, at: datetime,
                          reason: str = "") -> Booking:
    """The operator validates the service done: ``serviceDoneDeclared`` → ``serviceDoneValidated``."""
    target = _begin(booking, _O.VALIDATE_SERVICE_DONE, actor, at)
    return _move(booking, _O.VALIDATE_SERVICE_DONE, actor, at, target, reason)


def record_payment(booking: Booking, actor: Actor, at: datetime) -> Booking:
    """The operator records that the organism was paid (once; the state does not change)."""
    target = _begin(booking, _O.RECORD_PAYMENT, actor, at)
    if booking.paid_at is not None:
        raise _violation("booking.already_paid", "the organism was already paid", booking)
    return _move(booking, _O.RECORD_PAYMENT, actor, at, target)


def record_movements(booking: Booking, movements: Iterable[Movement]) -> Booking:
    """Attach the money ``movements`` to the folder's latest transition (the services do it).

    Raises:
        InvalidValue: a folder without history, a non-:class:`Movement`, or a latest transition
            that already carries movements.
    """
    found = tuple(movements)
    for movement in found:
        if not isinstance(movement, Movement):
            raise InvalidValue(f"expected Movement records, got {movement!r}")
    if not booking.history:
        raise InvalidValue(f"folder {booking.booking_id} has no transition to attach money to")
    last = booking.history[-1]
    if last.movements:
        raise InvalidValue(f"folder {booking.booking_id}: its latest transition already moved "
                           "money")
    if not found:
        return booking
    return attrs.evolve(booking,
                        history=(*booking.history[:-1], attrs.evolve(last, movements=found)))


# -- lapses ------------------------------------------------------------------------------------

_LAPSE_REASONS = {
    _S.NOT_PROCESSED: "the organism did not answer in time",
    _S.VALIDATED: "the holder did not accept the proposal in time",
    _S.SERVICE_DONE_DECLARED: "service done validated automatically",
}


def overdue_lapse(
    booking: Booking,
    now: datetime,
    *,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> BookingStatus | None:
    """The state ``booking`` lapses to at ``now``, or ``None`` if no deadline has run out.

    A deadline runs to the end of its day in the territory's local time: a folder requested on
    Monday must be answered by the end of Wednesday, and lapses from Thursday 00:00. The
    automatic service-done validation happens on its day (``service_done_validated_on``).
    """
    check_instant(now, "now")
    if booking.status not in TRANSITIONS[_O.LAPSE]:
        return None
    due = _deadlines(booking, calendar, rulebook)
    today = local_date(now, calendar)
    if booking.status is _S.NOT_PROCESSED:
        limit = due.organism_answer_by
        late = limit is not None and today > limit
    elif booking.status is _S.VALIDATED:
        limit = due.holder_acceptance_by
        late = limit is not None and today > limit
    else:
        limit = due.service_done_validated_on
        late = limit is not None and today >= limit
    if not late:
        return None
    (target,) = TRANSITIONS[_O.LAPSE][booking.status]
    return target


def lapse(
    booking: Booking,
    actor: Actor,
    now: datetime,
    *,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
) -> Booking:
    """The operator lapses an overdue folder; ``RuleViolation`` if no deadline ran out."""
    _begin(booking, _O.LAPSE, actor, now)
    target = overdue_lapse(booking, now, calendar=calendar, rulebook=rulebook)
    if target is None:
        raise _violation("booking.not_overdue",
                         f"no deadline of folder {booking.booking_id} ({booking.status.value}) "
                         f"has run out at {now.isoformat()}", booking)
    return _move(booking, _O.LAPSE, actor, now, target, _LAPSE_REASONS[booking.status])


def lapse_overdue(
    bookings: Iterable[Booking],
    now: datetime,
    *,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
    actor: Actor | None = None,
) -> tuple[Booking, ...]:
    """Move every overdue folder to its lapsed state; return the folders that changed.

    ``notProcessed`` past the organism's answer period → ``rejectedWithoutOfSuite``;
    ``validated`` past the holder's acceptance period → ``rejectedWithoutTitulaireSuite``;
    ``serviceDoneDeclared`` on its automatic validation day → ``serviceDoneValidated``.
    Idempotent: running it again at the same ``now`` on the result changes nothing. None of
    these lapses moves money (nothing is held before the holder accepts; refunds of a partial
    completion happen at the service-done declaration).
    """
    check_instant(now, "now")
    who = actor if actor is not None else Actor.operator("cdc-automatic")
    changed = []
    for booking in bookings:
        if overdue_lapse(booking, now, calendar=calendar, rulebook=rulebook) is None:
            continue
        at = max(now, booking.last_at)
        changed.append(lapse(booking, who, at, calendar=calendar, rulebook=rulebook))
    return tuple(changed)
