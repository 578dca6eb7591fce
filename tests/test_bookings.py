"""The registration folder: states, transitions, permissions, deadlines and lapses.

Sources: ``cpf-rules.md`` 5.2 (pre-training deadlines), 5.3 (entry, exit, service done),
5.4 (EDOF states and suggested transitions), 9 (holidays), 12.7 (which calendar: the
metropole's by default).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formation import bookings as bk
from formation.bookings import (
    PERMISSIONS,
    TERMINAL_STATUSES,
    TRANSITIONS,
    Actor,
    Booking,
    BookingStatus,
    Fault,
    Operation,
    Proposal,
    Role,
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
from formation.deadlines import Deadlines, deadlines, local_date
from formation.errors import InvalidTransition, InvalidValue, NotAuthorized, RuleViolation
from formation.ids import AccountId, BookingId, HolderId, OfferId, OrganismId, SessionId
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.rules.rulebook import Rulebook
from formation.testing._bookings import bookings

PARIS = ZoneInfo("Europe/Paris")
METROPOLE = BusinessCalendar()
ALSACE = BusinessCalendar(Territory.ALSACE_MOSELLE)
HOLDER = Actor.holder(HolderId("H1"))
ORGANISM = Actor.organism(OrganismId("O1"))
OPERATOR = Actor.operator()
FRANCE_TRAVAIL = Actor.funder(Funder.FRANCE_TRAVAIL)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def folder(requested_at: datetime, **kwargs: object) -> Booking:
    values: dict[str, object] = {
        "holder_id": HolderId("H1"), "account_id": AccountId("A1"), "organism_id": OrganismId("O1"),
        "offer_id": OfferId("OF1"), "session_id": SessionId("S1"), "price": Euros.whole(1500),
        "requested_at": requested_at}
    values.update(kwargs)
    return bk.request(BookingId("F1"), **values)  # type: ignore[arg-type]


def proposed(requested_at: datetime, proposed_at: datetime, start: date, end: date | None = None,
             **kwargs: object) -> Booking:
    return bk.propose(folder(requested_at, **kwargs), ORGANISM, proposed_at,
                      Proposal(start=start, end=end or start + timedelta(days=4),
                               price=Euros.whole(1500)))


def accepted(**kwargs: object) -> Booking:
    """Requested Mon 2 March 2026, proposed Tue 3, accepted Wed 4, start Mon 13 April 2026."""
    done = proposed(at(2026, 3, 2), at(2026, 3, 3), date(2026, 4, 13), date(2026, 4, 24),
                    **kwargs)
    return bk.accept_proposal(done, HOLDER, at(2026, 3, 4))


# -- states -------------------------------------------------------------------------------

def test_every_edof_state_is_a_member_with_its_string_value() -> None:
    # API.md and cpf-rules.md 5.4 (Wedof states)
    assert {s.value for s in BookingStatus} == {
        "notProcessed", "validated", "waitingAcceptation", "accepted", "inTraining",
        "terminated", "serviceDoneDeclared", "serviceDoneValidated", "canceledByAttendee",
        "canceledByAttendeeNotRealized", "canceledByOrganism", "canceledByFinancer",
        "refusedByAttendee", "refusedByOrganism", "refusedByFinancer",
        "rejectedWithoutTitulaireSuite", "rejectedWithoutOfSuite"}
    assert all(s.label_fr and s.label_en for s in BookingStatus)


def test_terminal_states_have_no_way_out_but_the_payment_record() -> None:
    for status in TERMINAL_STATUSES:
        leaving = [op for op, table in TRANSITIONS.items()
                   if status in table and table[status] != frozenset({status})]
        assert leaving == [], status


def test_every_state_is_reachable_from_the_request() -> None:
    reached = {BookingStatus.NOT_PROCESSED}
    frontier = [BookingStatus.NOT_PROCESSED]
    while frontier:
        current = frontier.pop()
        for table in TRANSITIONS.values():
            for target in table.get(current, ()):
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
    assert reached == set(BookingStatus)


def test_a_request_records_the_terms_in_force_on_its_day() -> None:
    # cpf-rules.md 5.1: v14 from 4 December 2025
    assert folder(at(2025, 12, 3)).terms_version == "v13"
    assert folder(at(2025, 12, 4)).terms_version == "v14"


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(InvalidValue, match="timezone-aware"):
        folder(datetime(2026, 3, 2, 10, 0))  # noqa: DTZ001


# -- transitions ------------------------------------------------------------------------------

def test_an_invalid_transition_names_both_states_and_the_allowed_ones() -> None:
    started = bk.declare_entry(accepted(), ORGANISM, at(2026, 4, 13), date(2026, 4, 13))
    with pytest.raises(InvalidTransition) as caught:
        bk.propose(started, ORGANISM, at(2026, 4, 14),
                   Proposal(start=date(2026, 6, 1), end=date(2026, 6, 2), price=Euros(1)))
    message = str(caught.value)
    assert "from inTraining to validated" in message
    assert "allowed from inTraining: inTraining, serviceDoneDeclared, terminated" in message


def test_a_final_state_says_so_when_asked_to_move() -> None:
    refused = bk.refuse_request(folder(at(2026, 3, 2)), ORGANISM, at(2026, 3, 2, 11),
                                "prérequis")
    with pytest.raises(InvalidTransition, match="none, refusedByOrganism is final"):
        bk.cancel(refused, HOLDER, at(2026, 3, 3))


def test_a_failed_operation_leaves_the_folder_unchanged() -> None:
    original = accepted()
    copy = attrs.evolve(original)
    with pytest.raises(InvalidTransition):
        bk.declare_exit(original, ORGANISM, at(2026, 4, 20), date(2026, 4, 20))
    assert original == copy


def test_history_records_actor_instant_and_reason() -> None:
    refused = bk.refuse_request(folder(at(2026, 3, 2)), ORGANISM, at(2026, 3, 2, 11),
                                "session complète")
    last = refused.history[-1]
    assert (last.operation, last.actor, last.at, last.reason) == (
        Operation.REFUSE_REQUEST, ORGANISM, at(2026, 3, 2, 11), "session complète")
    assert (last.source, last.target) == (BookingStatus.NOT_PROCESSED,
                                          BookingStatus.REFUSED_BY_ORGANISM)


def test_a_refusal_by_the_organism_needs_a_reason() -> None:
    # cpf-rules.md 5.2: refusals must state a reason
    with pytest.raises(InvalidValue, match="reason"):
        bk.refuse_request(folder(at(2026, 3, 2)), ORGANISM, at(2026, 3, 2, 11), " ")


def test_history_only_moves_forward() -> None:
    with pytest.raises(InvalidValue, match="before its last transition"):
        bk.refuse_request(folder(at(2026, 3, 2)), ORGANISM, at(2026, 3, 1), "trop tôt")


def test_a_folder_france_travail_reviews_waits_for_its_acceptance() -> None:
    waiting = accepted(funder_review=True)
    assert waiting.status is BookingStatus.WAITING_ACCEPTATION
    assert bk.funder_accept(waiting, FRANCE_TRAVAIL, at(2026, 3, 5)).status is \
        BookingStatus.ACCEPTED
    refused = bk.funder_refuse(waiting, FRANCE_TRAVAIL, at(2026, 3, 5), "projet incohérent")
    assert refused.status is BookingStatus.REFUSED_BY_FINANCER


def test_service_done_from_training_implies_the_exit() -> None:
    started = bk.declare_entry(accepted(), ORGANISM, at(2026, 4, 13), date(2026, 4, 13))
    done = bk.declare_service_done(started, ORGANISM, at(2026, 4, 24, 18), 80,
                                   fault=Fault.HOLDER, exit_on=date(2026, 4, 22))
    assert (done.status, done.exit_on, done.completion_rate) == (
        BookingStatus.SERVICE_DONE_DECLARED, date(2026, 4, 22), 80)
    with pytest.raises(InvalidValue, match="fault"):
        bk.declare_service_done(started, ORGANISM, at(2026, 4, 24, 18), 80,
                                exit_on=date(2026, 4, 22))


def test_entry_is_declared_from_the_planned_start_on() -> None:
    # cpf-rules.md 5.3: "from the session start date onward"
    with pytest.raises(RuleViolation) as caught:
        bk.declare_entry(accepted(), ORGANISM, at(2026, 4, 10), date(2026, 4, 10))
    assert caught.value.codes == ("booking.entry_date",)


def test_attendance_is_confirmed_once_without_moving_the_state() -> None:
    started = bk.declare_entry(accepted(), ORGANISM, at(2026, 4, 13), date(2026, 4, 13))
    confirmed = bk.confirm_attendance(started, HOLDER, at(2026, 4, 14))
    assert confirmed.status is BookingStatus.IN_TRAINING and confirmed.attendance_confirmed
    with pytest.raises(RuleViolation):
        bk.confirm_attendance(confirmed, HOLDER, at(2026, 4, 15))


# -- permissions: every (role, operation) pair -----------------------------------------------

def _ready_for(operation: Operation) -> tuple[Booking, datetime]:
    """A folder in which the state graph allows ``operation``, and an instant to do it at."""
    base = accepted(funders=frozenset({Funder.FRANCE_TRAVAIL}))
    started = bk.declare_entry(base, ORGANISM, at(2026, 4, 13), date(2026, 4, 13))
    declared = bk.declare_service_done(started, ORGANISM, at(2026, 4, 24, 18), 100,
                                       exit_on=date(2026, 4, 24))
    validated = bk.validate_service_done(declared, OPERATOR, at(2026, 4, 25))
    waiting = accepted(funder_review=True)
    table = {
        Operation.PROPOSE: (folder(at(2026, 3, 2)), at(2026, 3, 3)),
        Operation.REFUSE_REQUEST: (folder(at(2026, 3, 2)), at(2026, 3, 3)),
        Operation.ACKNOWLEDGE_PREREQUISITES: (folder(at(2026, 3, 2), has_prerequisites=True),
                                              at(2026, 3, 3)),
        Operation.ACCEPT_PROPOSAL: (proposed(at(2026, 3, 2), at(2026, 3, 3),
                                             date(2026, 4, 13)), at(2026, 3, 4)),
        Operation.REFUSE_PROPOSAL: (proposed(at(2026, 3, 2), at(2026, 3, 3),
                                             date(2026, 4, 13)), at(2026, 3, 4)),
        Operation.FUNDER_ACCEPT: (waiting, at(2026, 3, 5)),
        Operation.FUNDER_REFUSE: (waiting, at(2026, 3, 5)),
        Operation.CANCEL: (base, at(2026, 3, 5)),
        Operation.WITHDRAW: (base, at(2026, 3, 5)),
        Operation.DECLARE_NO_SHOW: (base, at(2026, 4, 13)),
        Operation.DECLARE_ENTRY: (base, at(2026, 4, 13)),
        Operation.DECLARE_EXIT: (started, at(2026, 4, 24, 18)),
        Operation.DECLARE_SERVICE_DONE: (started, at(2026, 4, 24, 18)),
        Operation.CONFIRM_ATTENDANCE: (started, at(2026, 4, 14)),
        Operation.VALIDATE_SERVICE_DONE: (declared, at(2026, 4, 25)),
        Operation.LAPSE: (declared, at(2026, 5, 20)),
        Operation.RECORD_PAYMENT: (validated, at(2026, 5, 2)),
    }
    return table[operation]


def _perform(operation: Operation, booking: Booking, actor: Actor, when: datetime) -> Booking:
    calls = {
        Operation.PROPOSE: lambda: bk.propose(booking, actor, when, Proposal(
            start=date(2026, 4, 20), end=date(2026, 4, 24), price=Euros.whole(1500))),
        Operation.REFUSE_REQUEST: lambda: bk.refuse_request(booking, actor, when, "complet"),
        Operation.ACKNOWLEDGE_PREREQUISITES: lambda: bk.acknowledge_prerequisites(
            booking, actor, when),
        Operation.ACCEPT_PROPOSAL: lambda: bk.accept_proposal(booking, actor, when),
        Operation.REFUSE_PROPOSAL: lambda: bk.refuse_proposal(booking, actor, when),
        Operation.FUNDER_ACCEPT: lambda: bk.funder_accept(booking, actor, when),
        Operation.FUNDER_REFUSE: lambda: bk.funder_refuse(booking, actor, when, "non"),
        Operation.CANCEL: lambda: bk.cancel(booking, actor, when),
        Operation.WITHDRAW: lambda: bk.withdraw(booking, actor, when),
        Operation.DECLARE_NO_SHOW: lambda: bk.declare_no_show(booking, actor, when),
        Operation.DECLARE_ENTRY: lambda: bk.declare_entry(booking, actor, when,
                                                          date(2026, 4, 13)),
        Operation.DECLARE_EXIT: lambda: bk.declare_exit(booking, actor, when,
                                                        date(2026, 4, 24)),
        Operation.DECLARE_SERVICE_DONE: lambda: bk.declare_service_done(
            booking, actor, when, 100, exit_on=date(2026, 4, 24)),
        Operation.CONFIRM_ATTENDANCE: lambda: bk.confirm_attendance(booking, actor, when),
        Operation.VALIDATE_SERVICE_DONE: lambda: bk.validate_service_done(booking, actor, when),
        Operation.LAPSE: lambda: bk.lapse(booking, actor, when),
        Operation.RECORD_PAYMENT: lambda: bk.record_payment(booking, actor, when),
    }
    return calls[operation]()


OWNERS = {
    Role.HOLDER: HOLDER,
    Role.ORGANISM: ORGANISM,
    Role.FUNDER: FRANCE_TRAVAIL,
    Role.OPERATOR: OPERATOR,
    Role.EMPLOYER: Actor.employer("E1"),
}
STRANGERS = {
    Role.HOLDER: Actor.holder(HolderId("H2")),
    Role.ORGANISM: Actor.organism(OrganismId("O2")),
    Role.FUNDER: Actor.funder(Funder.REGION),
}
PAIRS = [(role, op) for op in Operation if op is not Operation.REQUEST for role in Role]


@pytest.mark.parametrize(("role", "operation"), PAIRS,
                         ids=[f"{r.name.lower()}-{o.value}" for r, o in PAIRS])
def test_every_role_and_operation_pair_is_allowed_or_not_authorized(
        role: Role, operation: Operation) -> None:
    booking, when = _ready_for(operation)
    actor = OWNERS[role]
    if role in PERMISSIONS[operation]:
        moved = _perform(operation, booking, actor, when)
        assert moved.history[-1].operation is operation
        assert moved.history[-1].actor == actor
        stranger = STRANGERS.get(role)
        if stranger is not None:
            with pytest.raises(NotAuthorized):
                _perform(operation, booking, stranger, when)
    else:
        with pytest.raises(NotAuthorized):
            _perform(operation, booking, actor, when)


def test_the_employer_may_perform_no_operation() -> None:
    assert all(Role.EMPLOYER not in roles for roles in PERMISSIONS.values())


def test_a_funder_acts_only_on_the_folders_it_funds() -> None:
    base = accepted()
    with pytest.raises(NotAuthorized, match="does not fund it"):
        bk.cancel(base, FRANCE_TRAVAIL, at(2026, 3, 5))
    funded = accepted(funders=frozenset({Funder.REGION}))
    assert bk.cancel(funded, Actor.funder(Funder.REGION), at(2026, 3, 5)).status is \
        BookingStatus.CANCELED_BY_FINANCER


# -- deadlines: table tests ---------------------------------------------------------------------

@pytest.mark.parametrize(("requested", "calendar", "answer_by"), [
    # Friday evening before Easter Monday (L3133-1): Tuesday 7, Wednesday 8 April 2026
    (at(2026, 4, 3, 19, 30), METROPOLE, date(2026, 4, 8)),
    # Thursday before Good Friday: a business day in the metropole, a holiday in
    # Alsace-Moselle (L3134-13)
    (at(2026, 4, 2, 18), METROPOLE, date(2026, 4, 7)),
    (at(2026, 4, 2, 18), ALSACE, date(2026, 4, 8)),
    # Friday before Whit Monday 2026 (25 May)
    (at(2026, 5, 22, 20), METROPOLE, date(2026, 5, 27)),
    # across 31 December: Thursday 31, then Monday 4 January (1 January a holiday)
    (at(2026, 12, 30, 22), METROPOLE, date(2027, 1, 4)),
    # Christmas Eve 2025: 26 December is Saint-Étienne in Alsace-Moselle only
    (at(2025, 12, 24, 17), METROPOLE, date(2025, 12, 29)),
    (at(2025, 12, 24, 17), ALSACE, date(2025, 12, 30)),
    # an instant in UTC: Sunday 23:30 UTC is Monday 00:30 in Paris
    (datetime(2026, 1, 4, 23, 30, tzinfo=timezone.utc), METROPOLE, date(2026, 1, 7)),
    # …but still Sunday evening in Guyane
    (datetime(2026, 1, 4, 23, 30, tzinfo=timezone.utc), BusinessCalendar(Territory.GUYANE),
     date(2026, 1, 6)),
])
def test_the_organism_answers_within_two_business_days(
        requested: datetime, calendar: BusinessCalendar, answer_by: date) -> None:
    # cpf-rules.md 5.2: the OF answers within 2 bd of the request
    assert deadlines(folder(requested), calendar).organism_answer_by == answer_by


def test_the_deadlines_of_a_folder_proposed_on_31_december() -> None:
    # requested Wed 30 Dec 2026, proposed Thu 31 Dec, start Mon 18 Jan 2027
    done = proposed(at(2026, 12, 30, 22), at(2026, 12, 31, 10), date(2027, 1, 18),
                    date(2027, 1, 29))
    got = deadlines(done)
    assert got.holder_acceptance_by == date(2027, 1, 7)  # 4 bd (5.2)
    assert got.earliest_start == date(2027, 1, 18)  # 11 bd (5.2, since 10 June 2021)
    assert got.free_cancellation_until == date(2027, 1, 6)  # more than 7 bd before (P)
    assert got.entry_declaration_by == date(2027, 1, 21)  # 3 bd after the start (5.3)
    assert got.exit_declaration_by == date(2027, 2, 3)  # 3 bd after the end (5.3)
    assert got.withdrawal_until is None and got.service_done_validated_on is None


def test_the_minimum_lead_time_refuses_an_early_start() -> None:
    with pytest.raises(RuleViolation) as caught:
        proposed(at(2026, 12, 30, 22), at(2026, 12, 31, 10), date(2027, 1, 15))
    assert caught.value.codes == ("booking.minimum_lead_time",)


def test_there_was_no_minimum_lead_time_before_10_june_2021() -> None:
    early = proposed(at(2021, 6, 1), at(2021, 6, 2), date(2021, 6, 3))
    assert deadlines(early).earliest_start is None


def test_the_withdrawal_period_follows_the_terms_of_the_request_day() -> None:
    # 14 bd under the 2019 terms, 11 bd from terms v12 (11 July 2024), cpf-rules.md 5.2
    old = bk.accept_proposal(proposed(at(2024, 7, 8), at(2024, 7, 9), date(2024, 9, 30)),
                             HOLDER, at(2024, 7, 10))
    new = bk.accept_proposal(proposed(at(2024, 7, 11), at(2024, 7, 12), date(2024, 9, 30)),
                             HOLDER, at(2024, 7, 15))
    assert METROPOLE.count_business_days(date(2024, 7, 10), deadlines(old).withdrawal_until) \
        == 14
    assert METROPOLE.count_business_days(date(2024, 7, 15), deadlines(new).withdrawal_until) \
        == 11


def test_the_withdrawal_period_ends_before_the_start() -> None:
    done = bk.accept_proposal(proposed(at(2026, 3, 2), at(2026, 3, 2, 11), date(2026, 3, 17)),
                              HOLDER, at(2026, 3, 6))
    assert deadlines(done).withdrawal_until == date(2026, 3, 16)


def test_service_done_is_validated_five_business_days_after_its_declaration() -> None:
    started = bk.declare_entry(accepted(), ORGANISM, at(2026, 4, 13), date(2026, 4, 13))
    declared = bk.declare_service_done(started, ORGANISM, at(2026, 4, 30, 18), 100,
                                       exit_on=date(2026, 4, 24))
    # Thursday 30 April; 1 May and 8 May are holidays: 4, 5, 6, 7, 11 May
    assert deadlines(declared).service_done_validated_on == date(2026, 5, 11)
    validated = bk.validate_service_done(declared, OPERATOR, at(2026, 5, 4))
    assert deadlines(validated).payment_by == date(2026, 6, 3)  # 30 calendar days (5.3)


def test_prerequisites_are_acknowledged_in_two_business_days_then_decided_in_thirty_days() -> None:
    asked = folder(at(2026, 3, 2), has_prerequisites=True)
    assert deadlines(asked).prerequisite_acknowledgement_by == date(2026, 3, 4)
    assert deadlines(asked).organism_answer_by == date(2026, 3, 4)
    acknowledged = bk.acknowledge_prerequisites(asked, ORGANISM, at(2026, 3, 3))
    assert deadlines(acknowledged).prerequisite_decision_by == date(2026, 4, 2)
    assert deadlines(acknowledged).organism_answer_by == date(2026, 4, 2)
    # the kind of days is an unverified parameter (cpf-rules.md 12.6)
    business = Rulebook.default().with_change(effective=date(2020, 1, 1),
                                              prerequisite_decision_day_kind="business")
    assert deadlines(acknowledged, rulebook=business).prerequisite_decision_by == \
        METROPOLE.add_business_days(date(2026, 3, 3), 30)


def test_a_deadline_runs_to_the_end_of_its_day_in_local_time() -> None:
    asked = folder(at(2026, 3, 2))  # answer by Wednesday 4 March
    assert bk.overdue_lapse(asked, at(2026, 3, 4, 23, 59)) is None
    assert bk.overdue_lapse(asked, at(2026, 3, 5, 0, 0)) is BookingStatus.REJECTED_WITHOUT_OF_SUITE
    # 23:30 UTC on 4 March is already 5 March in Paris
    utc = datetime(2026, 3, 4, 23, 30, tzinfo=timezone.utc)
    assert bk.overdue_lapse(asked, utc) is BookingStatus.REJECTED_WITHOUT_OF_SUITE
    with pytest.raises(RuleViolation) as caught:
        bk.propose(asked, ORGANISM, utc, Proposal(start=date(2026, 4, 1), end=date(2026, 4, 2),
                                                  price=Euros(1)))
    assert caught.value.codes == ("booking.organism_answer_overdue",)


def test_withdrawal_is_refused_after_its_period() -> None:
    done = accepted()
    until = deadlines(done).withdrawal_until
    assert until is not None
    late = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=PARIS)
    with pytest.raises(RuleViolation) as caught:
        bk.withdraw(done, HOLDER, late)
    assert caught.value.codes == ("booking.withdrawal_period_over",)


def test_a_late_holder_cancellation_is_not_realized() -> None:
    # free while more than 7 bd remain (P, 2019 terms art. 4.2, cpf-rules.md 14.6): start
    # Mon 13 April 2026 → Tue 31 March; on Wed 1 April exactly 7 bd remain: late
    done = accepted()
    assert deadlines(done).free_cancellation_until == date(2026, 3, 31)
    assert bk.cancel(done, HOLDER, at(2026, 3, 31, 23)).status is \
        BookingStatus.CANCELED_BY_ATTENDEE
    assert bk.cancel(done, HOLDER, at(2026, 4, 1, 9)).status is \
        BookingStatus.CANCELED_BY_ATTENDEE_NOT_REALIZED


# -- lapses ---------------------------------------------------------------------------------------

def test_lapse_overdue_moves_each_overdue_folder_to_its_lapsed_state() -> None:
    asked = folder(at(2026, 3, 2))
    offered = proposed(at(2026, 3, 2), at(2026, 3, 3), date(2026, 4, 13))
    started = bk.declare_entry(accepted(), ORGANISM, at(2026, 4, 13), date(2026, 4, 13))
    declared = bk.declare_service_done(started, ORGANISM, at(2026, 4, 24, 18), 100,
                                       exit_on=date(2026, 4, 24))
    changed = bk.lapse_overdue([asked, offered, declared, accepted()], at(2026, 5, 4))
    assert [(b.status, b.history[-1].actor.role) for b in changed] == [
        (BookingStatus.REJECTED_WITHOUT_OF_SUITE, Role.OPERATOR),
        (BookingStatus.REJECTED_WITHOUT_TITULAIRE_SUITE, Role.OPERATOR),
        (BookingStatus.SERVICE_DONE_VALIDATED, Role.OPERATOR)]
    assert bk.lapse_overdue(changed, at(2026, 5, 4)) == ()


def test_a_folder_whose_deadline_has_not_run_out_does_not_lapse() -> None:
    with pytest.raises(RuleViolation) as caught:
        bk.lapse(folder(at(2026, 3, 2)), OPERATOR, at(2026, 3, 4, 12))
    assert caught.value.codes == ("booking.not_overdue",)


# -- laws -----------------------------------------------------------------------------------------

@given(bookings())
def test_every_history_follows_the_state_graph(booking: Booking) -> None:
    first, *rest = booking.history
    assert first.operation is Operation.REQUEST and first.target is BookingStatus.NOT_PROCESSED
    for transition in rest:
        assert transition.source is not None
        assert transition.target in TRANSITIONS[transition.operation][transition.source]
        assert transition.actor.role in PERMISSIONS[transition.operation]
    assert all(a.at <= b.at for a, b in zip(booking.history, booking.history[1:], strict=False))
    assert booking.history[-1].target is booking.status


@given(bookings())
def test_deadlines_count_the_rules_business_days(booking: Booking) -> None:
    got = deadlines(booking)
    requested_on = local_date(booking.requested_at)
    assert got.organism_answer_by is not None
    assert METROPOLE.count_business_days(requested_on, got.organism_answer_by) == 2
    if booking.proposed_at is not None:
        proposed_on = local_date(booking.proposed_at)
        assert got.holder_acceptance_by is not None and got.earliest_start is not None
        assert METROPOLE.count_business_days(proposed_on, got.holder_acceptance_by) == 4
        assert METROPOLE.count_business_days(proposed_on, got.earliest_start) == 11
        assert booking.proposal is not None and got.earliest_start <= booking.proposal.start
    if got.withdrawal_until is not None:
        assert booking.proposal is not None and got.withdrawal_until < booking.proposal.start
    for name, day in got.items():
        if name not in ("withdrawal_until", "payment_by", "prerequisite_decision_by"):
            assert METROPOLE.is_business_day(day), name


@settings(max_examples=60)
@given(bookings(), st.integers(0, 60 * 24 * 40))
def test_lapse_overdue_honours_every_deadline_and_is_idempotent(booking: Booking,
                                                                minutes: int) -> None:
    now = booking.last_at + timedelta(minutes=minutes)
    changed = bk.lapse_overdue([booking], now)
    assert bk.lapse_overdue(changed, now) == ()
    after = changed[0] if changed else booking
    assert bk.overdue_lapse(after, now) is None
    due = deadlines(booking)
    today = local_date(now)
    if booking.status is BookingStatus.NOT_PROCESSED:
        assert bool(changed) == (today > due.organism_answer_by)  # type: ignore[operator]
    if booking.status is BookingStatus.VALIDATED:
        assert bool(changed) == (today > due.holder_acceptance_by)  # type: ignore[operator]
    if booking.status is BookingStatus.SERVICE_DONE_DECLARED:
        assert bool(changed) == (today >= due.service_done_validated_on)  # type: ignore[operator]
    if booking.status not in (BookingStatus.NOT_PROCESSED, BookingStatus.VALIDATED,
                              BookingStatus.SERVICE_DONE_DECLARED):
        assert changed == ()


def test_deadlines_are_none_until_their_event() -> None:
    assert deadlines(folder(at(2026, 3, 2))) == Deadlines(organism_answer_by=date(2026, 3, 4))


@given(bookings(), st.sampled_from(list(Territory)))
def test_deadlines_follow_the_calendar_they_are_given(booking: Booking,
                                                      territory: Territory) -> None:
    calendar = BusinessCalendar(territory)
    got = deadlines(booking, calendar)
    requested_on = local_date(booking.requested_at, calendar)
    assert got.organism_answer_by is not None
    assert calendar.count_business_days(requested_on, got.organism_answer_by) == 2
    assert calendar.is_business_day(got.organism_answer_by)
    if booking.proposal is not None and got.free_cancellation_until is not None:
        # the 8th business day strictly before the start: more than 7 remain (14.6)
        assert calendar.count_business_days(booking.proposal.start,
                                            got.free_cancellation_until) == -8
    if got.service_done_validated_on is not None:
        declared = booking.service_done_declared_at
        assert declared is not None
        assert calendar.count_business_days(local_date(declared, calendar),
                                            got.service_done_validated_on) == 5


# -- the checkout's rules on the folder (issue 15) -------------------------------------------

_SIRET = "73282932000074"
_OPTIONS = (Option("examen", "Passage de la certification", Euros.whole(90)),
            Option("support", "Support imprimé", Euros.whole(45), cpf_fundable=False))


def _offer(**kwargs: object) -> Offer:
    values: dict[str, object] = {
        "offer_id": OfferId("OF1"),
        "organism": Organism(_SIRET, "Formations Exemple", qualiopi=QualiopiCertification(
            date(2022, 1, 1), date(2030, 12, 31))),
        "title": "Anglais des affaires",
        "certification": Certification(Registry.RS, "5000", "TOEIC", None, date(2030, 1, 1)),
        "formacodes": ("15254",), "price": Euros.whole(1500), "duration_hours": 35,
        "modality": Modality.IN_PERSON, "action_type": ActionType.RS, "options": _OPTIONS}
    values.update(kwargs)
    return Offer(**values)  # type: ignore[arg-type]


def _session(start: date | None = date(2026, 4, 13), seats: int | None = 2) -> Session:
    return Session(session_id=SessionId("S1"), offer_id=OfferId("OF1"), start=start,
                      end=None if start is None else start + timedelta(days=11), seats=seats)


def test_a_request_for_a_bookable_session_breaks_no_rule() -> None:
    assert bk.request_violations(_offer(), _session(), at=at(2026, 3, 2)) == ()


def test_every_rule_that_forbids_a_request_is_reported_at_once() -> None:
    # cpf-rules.md 7.1 (Qualiopi), 5.2 (pending requests, minimum lead time of 11 bd)
    uncertified = _offer(organism=Organism(_SIRET, "Formations Exemple"))
    found = bk.request_violations(uncertified, _session(start=date(2026, 3, 10), seats=2),
                                  at=at(2026, 3, 2), pending=5, seats_taken=2)
    assert [v.code for v in found] == [
        "eligibility.qualiopi_missing", "booking.session_full",
        "booking.too_many_pending_requests", "booking.minimum_lead_time"]
    assert "2 seats and 2 are taken" in found[1].message


def test_a_session_already_started_cannot_be_requested() -> None:
    found = bk.request_violations(_offer(), _session(start=date(2026, 3, 2)), at=at(2026, 3, 2))
    assert [v.code for v in found] == ["booking.session_started"]


def test_the_minimum_lead_time_is_counted_in_business_days_from_the_request_day() -> None:
    # Mon 2 March 2026 + 11 bd = Tue 17 March: a session that day is fine, the day before not
    assert bk.request_violations(_offer(), _session(start=date(2026, 3, 17)),
                                 at=at(2026, 3, 2)) == ()
    assert [v.code for v in bk.request_violations(_offer(), _session(start=date(2026, 3, 16)),
                                                  at=at(2026, 3, 2))] == [
        "booking.minimum_lead_time"]


def test_an_unlimited_or_undated_session_is_never_full_nor_too_soon() -> None:
    assert bk.request_violations(_offer(), _session(start=None, seats=None), at=at(2026, 3, 2),
                                 seats_taken=10_000) == ()


def test_request_violations_refuses_bad_counts_and_another_offers_session() -> None:
    with pytest.raises(InvalidValue, match="pending is a count"):
        bk.request_violations(_offer(), _session(), at=at(2026, 3, 2), pending=-1)
    with pytest.raises(InvalidValue, match="runs offer OF1, not OF2"):
        bk.request_violations(_offer(offer_id=OfferId("OF2")), _session(), at=at(2026, 3, 2))


def _chosen_folder() -> Booking:
    return folder(at(2026, 3, 2), price=Euros.whole(1635), options=_OPTIONS)


def test_the_folder_keeps_the_options_chosen_and_the_listed_price() -> None:
    chosen = _chosen_folder()
    assert chosen.options == _OPTIONS and chosen.listed_price == Euros.whole(1635)


def test_a_proposal_drafted_from_the_folder_keeps_its_options_and_its_price() -> None:
    chosen = _chosen_folder()
    draft = bk.draft_proposal(chosen, start=date(2026, 4, 13), end=date(2026, 4, 24))
    assert draft.options == _OPTIONS and draft.price == Euros.whole(1500)
    assert draft.total == chosen.price
    done = bk.propose(chosen, ORGANISM, at(2026, 3, 3), draft)
    assert done.options_added == done.options_dropped == ()
    assert done.price == done.proposal.total == Euros.whole(1635)  # type: ignore[union-attr]


def test_an_option_dropped_or_added_shows_on_the_folder() -> None:
    chosen = _chosen_folder()
    extra = Option("heures", "Heures supplémentaires", Euros.whole(200))
    draft = bk.draft_proposal(chosen, start=date(2026, 4, 13), end=date(2026, 4, 24),
                              drop=("support",), add=(extra,))
    done = bk.propose(chosen, ORGANISM, at(2026, 3, 3), draft)
    assert [o.option_id for o in done.options_dropped] == ["support"]
    assert [o.option_id for o in done.options_added] == ["heures"]
    assert done.price == Euros.whole(1500 + 90 + 200)
    with pytest.raises(InvalidValue, match="no option 'heures' to drop"):
        bk.draft_proposal(chosen, start=date(2026, 4, 13), end=date(2026, 4, 24),
                          drop=("heures",))


def test_a_proposal_above_the_listed_price_is_refused_and_a_lower_one_allowed() -> None:
    # issue 15: 9 999 € proposed on a 2 330 € request; unverified rule, 0 % by default
    requested = folder(at(2026, 3, 2), price=Euros.whole(2330))
    high = Proposal(start=date(2026, 4, 13), end=date(2026, 4, 24), price=Euros.whole(9999))
    with pytest.raises(RuleViolation) as caught:
        bk.propose(requested, ORGANISM, at(2026, 3, 3), high)
    assert caught.value.codes == ("booking.proposal_price_too_high",)
    assert "9 999,00 €" in caught.value.violations[0].message
    one_cent = attrs.evolve(high, price=Euros(233001))
    with pytest.raises(RuleViolation):
        bk.propose(requested, ORGANISM, at(2026, 3, 3), one_cent)
    low = attrs.evolve(high, price=Euros.whole(2000))
    assert bk.propose(requested, ORGANISM, at(2026, 3, 3), low).price == Euros.whole(2000)


def test_the_rulebook_may_allow_a_proposal_somewhat_above_the_listed_price() -> None:
    rules = Rulebook.default().with_change(effective=date(2020, 1, 1),
                                           proposal_price_tolerance=Fraction(1, 10))
    requested = folder(at(2026, 3, 2), price=Euros.whole(1000))
    ten = Proposal(start=date(2026, 4, 13), end=date(2026, 4, 24), price=Euros.whole(1100))
    assert bk.propose(requested, ORGANISM, at(2026, 3, 3), ten, rulebook=rules).price == \
        Euros.whole(1100)
    with pytest.raises(RuleViolation, match="at most 1 100,00 €"):
        bk.propose(requested, ORGANISM, at(2026, 3, 3),
                   attrs.evolve(ten, price=Euros(110001)), rulebook=rules)


def test_an_option_added_is_priced_as_the_catalogue_lists_it() -> None:
    chosen = folder(at(2026, 3, 2), price=Euros.whole(1500))
    inflated = Option("examen", "Passage de la certification", Euros.whole(900))
    draft = bk.draft_proposal(chosen, start=date(2026, 4, 13), end=date(2026, 4, 24),
                              add=(inflated,))
    with pytest.raises(RuleViolation) as caught:
        bk.propose(chosen, ORGANISM, at(2026, 3, 3), draft, offer=_offer())
    assert caught.value.codes == ("booking.proposal_price_too_high",)
    unknown = Option("voyage", "Voyage d'études", Euros.whole(10))
    with pytest.raises(RuleViolation) as caught:
        bk.propose(chosen, ORGANISM, at(2026, 3, 3),
                   attrs.evolve(draft, options=(unknown,)), offer=_offer())
    # the unknown option has no listed price: its 10 € are above the listed total too
    assert caught.value.codes == ("booking.proposal_option_unknown",
                                  "booking.proposal_price_too_high")


def test_a_late_and_overpriced_proposal_gets_both_violations_and_changes_nothing() -> None:
    requested = folder(at(2026, 3, 2))
    bad = Proposal(start=date(2026, 3, 5), end=date(2026, 3, 6), price=Euros.whole(1501))
    with pytest.raises(RuleViolation) as caught:
        bk.propose(requested, ORGANISM, at(2026, 3, 3), bad)
    assert caught.value.codes == ("booking.minimum_lead_time", "booking.proposal_price_too_high")
    assert requested.status is BookingStatus.NOT_PROCESSED and requested.proposal is None


def test_a_refused_reading_names_the_reading_not_another_operation() -> None:
    requested = folder(at(2026, 3, 2))
    with pytest.raises(NotAuthorized, match="may not view folder F1: it belongs to holder H1"):
        bk.authorize_view(Actor.holder(HolderId("H2")), requested)
    with pytest.raises(NotAuthorized, match="employer E1 may not view folder F1"):
        bk.authorize_view(Actor.employer("E1"), requested)
    bk.authorize_view(OPERATOR, requested)


def test_a_partial_completion_without_a_fault_lists_the_faults_accepted() -> None:
    done = bk.declare_entry(accepted(), ORGANISM, at(2026, 4, 13), date(2026, 4, 13))
    with pytest.raises(InvalidValue, match="one of the faults FORCE_MAJEURE, HOLDER, ORGANISM"):
        bk.declare_service_done(done, ORGANISM, at(2026, 4, 24, 18), 50,
                                exit_on=date(2026, 4, 24))
