"""Employer consent: the leave of absence a holder asks for a training during working time.

A holder needs no one's consent to use their CPF for a training entirely outside working time.
For a training (partly) during working time, the employee asks the employer for a leave of
absence at least 60 calendar days before the start, 120 when the training lasts 6 months or
more; the employer has 30 calendar days to answer, and **silence means acceptance**. The
employer approves only the absence and its timing, never the content of the training: a
:class:`ConsentRequest` carries dates and hours, not the training chosen, its price or the
holder's balance. Source: ``cpf-rules.md`` section 6 (opcoep, juritravail; Code du travail
L6323-17 and R6323-4). The four numbers are rulebook parameters (``consent_notice_days``,
``consent_notice_days_long``, ``consent_long_training_months``, ``employer_answer_days``).

>>> from datetime import date
>>> asked = request_consent("H1", "E1", requested_on=date(2026, 1, 5), start=date(2026, 3, 9),
...                         end=date(2026, 4, 30), during_working_time=True)
>>> asked.answer_by
datetime.date(2026, 2, 4)
>>> consent_status(asked, on=date(2026, 2, 4)).value, consent_status(asked, on=date(2026, 2, 5)).value
('pending', 'granted_by_silence')
"""

from __future__ import annotations

import enum
from datetime import date, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from formation.calendar.instants import check_date, date_field
from formation.checks import check_bool, check_id, check_instance, check_text, instance_of
from formation.errors import InvalidValue, NotAuthorized, RuleViolation, Violation
from formation.ids import HolderId
from formation.rules.rulebook import Rulebook, Rules

__all__ = [
    "ConsentAnswer",
    "ConsentRequest",
    "ConsentStatus",
    "answer_consent",
    "consent_notice_due_by",
    "consent_status",
    "consent_violations",
    "request_consent",
]


@enum.unique
class ConsentStatus(enum.Enum):
    """Where a consent request stands on a given day."""

    NOT_REQUIRED = "not_required"  # the training is entirely outside working time
    PENDING = "pending"  # the employer may still answer
    GRANTED = "granted"  # the employer said yes
    REFUSED = "refused"  # the employer said no, in time
    GRANTED_BY_SILENCE = "granted_by_silence"  # no answer within the period: silence means yes

    @property
    def granted(self) -> bool:
        """Whether the holder may follow the training during working time (or needs no leave)."""
        return self in (ConsentStatus.NOT_REQUIRED, ConsentStatus.GRANTED,
                        ConsentStatus.GRANTED_BY_SILENCE)



@attrs.frozen
class ConsentAnswer:
    """The employer's answer: yes or no, on a day, with an optional reason."""

    answered_on: date = attrs.field(validator=date_field)
    granted: bool = attrs.field(validator=instance_of(bool))
    reason: str = ""


@attrs.frozen
class ConsentRequest:
    """A holder's request for leave to follow a training, as the employer sees it.

    Only what the employer approves is here: the dates of the absence. Not the training, its
    organism, its price, nor the holder's balance.

    Attributes:
        holder_id: the employee.
        employer_id: the employer asked.
        requested_on: the day the employer received the request.
        start, end: the first and last days of the training.
        during_working_time: whether any of it happens during working time.
        answer_days: the employer's answer period in force on ``requested_on`` (calendar days).
        answer: the employer's answer, once given.
    """

    holder_id: HolderId
    employer_id: str
    requested_on: date = attrs.field(validator=date_field)
    start: date = attrs.field(validator=date_field)
    end: date = attrs.field(validator=date_field)
    during_working_time: bool = attrs.field(validator=instance_of(bool))
    answer_days: int = 30
    answer: ConsentAnswer | None = None

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValue(f"a training ends on or after its start, got {self.start} to "
                               f"{self.end}")
        if not self.employer_id or not self.holder_id:
            raise InvalidValue("a consent request names the holder and the employer")

    @property
    def answer_by(self) -> date:
        """The last day the employer may answer; after it, silence means yes."""
        return self.requested_on + timedelta(days=self.answer_days)


def _rulebook(rulebook: object) -> Rulebook:
    if rulebook is None:
        return Rulebook.default()
    return check_instance(rulebook, Rulebook, "rulebook")


def _is_long(rules: Rules, start: date, end: date) -> bool:
    return end >= start + relativedelta(months=rules.consent_long_training_months)


def consent_notice_due_by(start: date, end: date, *, on: date | None = None,
                          rulebook: Rulebook | None = None) -> date:
    """The last day to ask the employer: 60 calendar days before the start, 120 for a long one.

    A training is long when it lasts ``consent_long_training_months`` (6) months or more
    (``end`` on or after the same day 6 months after ``start``). ``on`` is the day whose rules
    apply (default: the start).
    """
    check_date(start, "start")
    check_date(end, "end")
    rules = _rulebook(rulebook).at(on if on is not None else start)
    notice = (rules.consent_notice_days_long if _is_long(rules, start, end)
              else rules.consent_notice_days)
    return start - timedelta(days=notice)


def consent_violations(request: ConsentRequest, *,
                       rulebook: Rulebook | None = None) -> tuple[Violation, ...]:
    """The rules a consent request breaks: asked too late before the start."""
    check_instance(request, ConsentRequest, "request")
    if not request.during_working_time:
        return ()
    due = consent_notice_due_by(request.start, request.end, on=request.requested_on,
                                rulebook=rulebook)
    if request.requested_on > due:
        return (Violation(
            "consent.notice_too_short",
            f"a leave for a training starting on {request.start} is asked by {due}; it was "
            f"asked on {request.requested_on}", request.holder_id),)
    return ()


def request_consent(
    holder_id: str,
    employer_id: str,
    *,
    requested_on: date,
    start: date,
    end: date,
    during_working_time: bool,
    rulebook: Rulebook | None = None,
) -> ConsentRequest:
    """A holder asks their employer for leave; ``RuleViolation`` if asked too late.

    A training entirely outside working time needs no consent: the request is recorded and its
    status is ``NOT_REQUIRED``.
    """
    check_id(holder_id, "holder_id")
    check_id(employer_id, "employer_id")
    check_date(requested_on, "requested_on")
    check_bool(during_working_time, "during_working_time")
    rules = _rulebook(rulebook).at(requested_on)
    request = ConsentRequest(HolderId(holder_id), employer_id, requested_on, start, end,
                             during_working_time, rules.employer_answer_days)
    found = consent_violations(request, rulebook=rulebook)
    if found:
        raise RuleViolation(found)
    return request


def answer_consent(request: ConsentRequest, employer_id: str, *, answered_on: date,
                   granted: bool, reason: str = "") -> ConsentRequest:
    """The employer answers. Only the employer asked may; only once, and within the period.

    Raises:
        NotAuthorized: another employer.
        RuleViolation: no consent needed, already answered, or the period is over (silence
            already meant yes).
    """
    check_instance(request, ConsentRequest, "request")
    check_id(employer_id, "employer_id")
    check_date(answered_on, "answered_on")
    check_bool(granted, "granted")
    check_text(reason, "reason", empty=True)
    if employer_id != request.employer_id:
        raise NotAuthorized(f"employer {employer_id} may not answer a request made to "
                            f"employer {request.employer_id}")
    problems = []
    if not request.during_working_time:
        problems.append(Violation("consent.not_required",
                                  "the training is outside working time: no consent is needed"))
    if request.answer is not None:
        problems.append(Violation("consent.already_answered",
                                  f"the employer already answered on "
                                  f"{request.answer.answered_on}"))
    if answered_on < request.requested_on:
        raise InvalidValue(f"an answer ({answered_on}) comes after the request "
                           f"({request.requested_on})")
    if answered_on > request.answer_by:
        problems.append(Violation(
            "consent.answer_too_late",
            f"the employer had until {request.answer_by} to answer; silence meant yes"))
    if problems:
        raise RuleViolation(problems)
    return attrs.evolve(request, answer=ConsentAnswer(answered_on, granted, reason))


def consent_status(request: ConsentRequest, *, on: date) -> ConsentStatus:
    """Where ``request`` stands on day ``on`` (an answer counts from its day)."""
    check_instance(request, ConsentRequest, "request")
    check_date(on, "on")
    if not request.during_working_time:
        return ConsentStatus.NOT_REQUIRED
    if request.answer is not None and request.answer.answered_on <= on:
        return ConsentStatus.GRANTED if request.answer.granted else ConsentStatus.REFUSED
    if on > request.answer_by:
        return ConsentStatus.GRANTED_BY_SILENCE
    return ConsentStatus.PENDING
