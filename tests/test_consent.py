"""Employer consent for a training during working time (cpf-rules.md section 6).

Sources: opcoep ("l'employeur est-il tenu d'accepter…"), juritravail (CPF, répondre à une
demande): 60 calendar days' notice (120 for 6 months or more), 30 days to answer, silence
means acceptance; no consent for a training entirely outside working time.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation.consent import (
    ConsentRequest,
    ConsentStatus,
    answer_consent,
    consent_notice_due_by,
    consent_status,
    request_consent,
)
from formation.errors import InvalidValue, NotAuthorized, RuleViolation
from formation.rules.rulebook import Rulebook


def asked(requested_on: date = date(2026, 1, 5), start: date = date(2026, 3, 9),
          end: date = date(2026, 4, 30), during: bool = True) -> ConsentRequest:
    return request_consent("H1", "E1", requested_on=requested_on, start=start, end=end,
                           during_working_time=during)


@pytest.mark.parametrize(("start", "end", "due"), [
    (date(2026, 3, 9), date(2026, 4, 30), date(2026, 1, 8)),  # under 6 months: 60 days
    (date(2026, 3, 9), date(2026, 9, 8), date(2026, 1, 8)),  # one day short of 6 months
    (date(2026, 3, 9), date(2026, 9, 9), date(2025, 11, 9)),  # 6 months: 120 days
])
def test_the_notice_is_60_days_or_120_for_six_months_or_more(start: date, end: date,
                                                              due: date) -> None:
    assert consent_notice_due_by(start, end) == due


def test_a_request_on_the_last_day_is_in_time_and_the_next_day_is_late() -> None:
    assert asked(requested_on=date(2026, 1, 8)).requested_on == date(2026, 1, 8)
    with pytest.raises(RuleViolation) as caught:
        asked(requested_on=date(2026, 1, 9))
    assert caught.value.codes == ("consent.notice_too_short",)


def test_no_consent_is_needed_outside_working_time() -> None:
    outside = asked(requested_on=date(2026, 3, 1), during=False)  # late does not matter
    assert consent_status(outside, on=date(2026, 3, 2)) is ConsentStatus.NOT_REQUIRED
    assert ConsentStatus.NOT_REQUIRED.granted
    with pytest.raises(RuleViolation) as caught:
        answer_consent(outside, "E1", answered_on=date(2026, 3, 2), granted=False)
    assert "consent.not_required" in caught.value.codes


def test_silence_means_yes_after_thirty_days() -> None:
    request = asked()
    assert request.answer_by == date(2026, 2, 4)
    assert consent_status(request, on=date(2026, 2, 4)) is ConsentStatus.PENDING
    assert consent_status(request, on=date(2026, 2, 5)) is ConsentStatus.GRANTED_BY_SILENCE
    assert consent_status(request, on=date(2026, 2, 5)).granted


def test_an_answer_in_time_decides_and_a_late_one_is_refused() -> None:
    request = asked()
    refused = answer_consent(request, "E1", answered_on=date(2026, 2, 4), granted=False,
                             reason="pic d'activité")
    assert consent_status(refused, on=date(2026, 2, 3)) is ConsentStatus.PENDING
    assert consent_status(refused, on=date(2026, 2, 4)) is ConsentStatus.REFUSED
    assert consent_status(refused, on=date(2026, 12, 31)) is ConsentStatus.REFUSED
    with pytest.raises(RuleViolation) as caught:
        answer_consent(request, "E1", answered_on=date(2026, 2, 5), granted=False)
    assert caught.value.codes == ("consent.answer_too_late",)
    with pytest.raises(RuleViolation):
        answer_consent(refused, "E1", answered_on=date(2026, 2, 4), granted=True)


def test_only_the_employer_asked_may_answer() -> None:
    with pytest.raises(NotAuthorized):
        answer_consent(asked(), "E2", answered_on=date(2026, 1, 10), granted=True)


def test_the_employer_sees_dates_not_the_training_nor_the_balance() -> None:
    fields = {f.name for f in attrs.fields(ConsentRequest)}
    assert fields == {"holder_id", "employer_id", "requested_on", "start", "end",
                      "during_working_time", "answer_days", "answer"}


def test_the_numbers_are_rulebook_parameters() -> None:
    longer = Rulebook.default().with_change(effective=date(2020, 1, 1), consent_notice_days=90,
                                            employer_answer_days=45)
    request = request_consent("H1", "E1", requested_on=date(2025, 12, 1), start=date(2026, 3, 9),
                              end=date(2026, 4, 30), during_working_time=True, rulebook=longer)
    assert request.answer_by == date(2026, 1, 15)
    with pytest.raises(RuleViolation):
        request_consent("H1", "E1", requested_on=date(2026, 1, 5), start=date(2026, 3, 9),
                        end=date(2026, 4, 30), during_working_time=True, rulebook=longer)


def test_bad_dates_are_refused() -> None:
    with pytest.raises(InvalidValue):
        asked(start=date(2026, 3, 9), end=date(2026, 3, 1))


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(0, 400),
       st.integers(0, 200))
def test_status_is_pending_then_granted_by_silence_without_an_answer(
        start: date, length: int, offset: int) -> None:
    end = start + timedelta(days=length)
    due = consent_notice_due_by(start, end)
    request = request_consent("H1", "E1", requested_on=due - timedelta(days=offset % 30),
                              start=start, end=end, during_working_time=True)
    days = (request.answer_by - request.requested_on).days
    assert days == 30
    for day in (request.requested_on, request.answer_by):
        assert consent_status(request, on=day) is ConsentStatus.PENDING
    assert consent_status(request, on=request.answer_by + timedelta(days=1)) is \
        ConsentStatus.GRANTED_BY_SILENCE
