"""Accrual: euro-era credits, the hours era, the 2019 conversion, DIF and whole careers.

Sources are those of ``cpf-rules.md`` sections 1 and 2 (cited per table).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation import (
    Account,
    AccountKind,
    CivicEngagementYear,
    Euros,
    InvalidValue,
    PublicServiceYear,
    Rulebook,
    RuleViolation,
    SelfEmployedYear,
    WorkYear,
    annual_credit,
    cec_credit,
    credit_career,
    enter_dif,
    explain_annual_credit,
    hours_credit,
    public_service_credit,
)
from formation.accrual import ceiling_base, convert_hours, hours_to_euros, posting_day
from formation.holders import Holder, HolderStatus, Recognition
from formation.ids import AccountId, EntryId, HolderId
from formation.ledger import EntryKind, Source
from formation.testing import strategies as fst

E = Euros.whole
C = Euros.parse


def new_account(name: str = "A1") -> Account:
    return Account(AccountId(name), HolderId("H1"))


# -- euro era -------------------------------------------------------------------------
# R6323-1, D6323-3-1, service-public F10705; rounding up to the cent: R6323-1 II (F10705).
EURO_ERA = [
    # (work year, balance, expected, why)
    (WorkYear(2024, 1607), E(0), E(500), "full time: 500 €"),
    (WorkYear(2024, 804), E(0), E(500), "at least half of 1 607 h (803,5 h): full amount"),
    (WorkYear(2024, 803), E(0), C("249,85"), "one hour under half: 500 × 803/1607 rounded up"),
    (WorkYear(2024, 800, reference_hours=1600), E(0), E(500), "exactly half the reference"),
    (WorkYear(2024, 799, reference_hours=1600), E(0), C("249,69"),
     "one hour under exactly half: 249,6875 rounded up to the cent"),
    (WorkYear(2024, 0), E(0), E(0), "no work, no credit"),
    (WorkYear(2024, 2500), E(0), E(500), "overtime does not count beyond the reference"),
    (WorkYear(2024, 1607, low_qualified=True), E(0), E(800), "low-qualified: 800 €"),
    (WorkYear(2024, 1607, disabled_worker=True), E(0), E(800), "BOETH: 800 €"),
    (WorkYear(2024, 803, disabled_worker=True), E(0), C("399,76"),
     "reinforced and prorated: 800 × 803/1607 rounded up"),
    (WorkYear(2024, 100, esat_worker=True), E(0), E(800), "ESAT: 800 €, never prorated"),
    (WorkYear(2024, 1607), E(4800), E(200), "the ceiling reached mid-year: only the room left"),
    (WorkYear(2024, 1607), E(5000), E(0), "at the ceiling: nothing"),
    (WorkYear(2024, 1607), E(6200), E(0), "above the ceiling (DIF): nothing, never reduced"),
    (WorkYear(2024, 1607, low_qualified=True), E(7900), E(100), "reinforced ceiling 8 000 €"),
    (WorkYear(2024, 1607, esat_worker=True, low_qualified=True), E(5000), E(800),
     "several statuses: the most favourable amount and ceiling"),
    (WorkYear(2019, 1607), E(3240), E(500), "first euro year"),
]


@pytest.mark.parametrize(("work", "balance", "expected", "why"), EURO_ERA,
                         ids=[row[3] for row in EURO_ERA])
def test_annual_credit_follows_the_published_rules(
    work: WorkYear, balance: Euros, expected: Euros, why: str
) -> None:
    assert annual_credit(work, balance) == expected, why


def test_annual_credit_refuses_a_year_of_the_hours_era() -> None:
    with pytest.raises(InvalidValue, match="hours era"):
        annual_credit(WorkYear(2018, 1607), E(0))


def test_annual_credit_refuses_a_negative_balance_and_floats() -> None:
    with pytest.raises(InvalidValue):
        annual_credit(WorkYear(2024, 1607), Euros(-1))
    with pytest.raises(InvalidValue):
        WorkYear(2024, 803.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        WorkYear(2024, True)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        WorkYear(2024, -1)


def test_work_year_default_reference_is_the_rulebooks() -> None:
    assert WorkYear(2024, 0).reference_hours == Rulebook.default().at(date(2024, 1, 1)).reference_hours


def test_explanation_says_why() -> None:
    explained = explain_annual_credit(WorkYear(2024, 803), E(4900))
    assert explained.prorated and explained.capped
    assert explained.earned == C("249,85") and explained.amount == E(100)
    assert explained.threshold_hours == Fraction(1607, 2)


def test_a_low_qualified_year_below_half_time_gets_the_general_proration() -> None:
    # R6323-3-1 as quoted by F10705 (cpf-rules.md 1.3, corrected 2026-12-02): the 800 € needs
    # half-time work; below it the general 500 € proration applies (803 h → 249,85 €).
    work = WorkYear(2024, 803, low_qualified=True)
    assert annual_credit(work, E(0)) == C("249,85")
    assert annual_credit(work, E(5000)) == E(0)  # the general ceiling then
    assert annual_credit(WorkYear(2024, 804, low_qualified=True), E(0)) == E(800)
    assert annual_credit(WorkYear(2024, 10, esat_worker=True), E(0)) == E(800)
    assert not explain_annual_credit(work, E(0)).reinforced
    # a disabled worker's 800 € below half-time: the decree is silent, a U parameter decides
    disabled = WorkYear(2024, 803, disabled_worker=True)
    assert annual_credit(disabled, E(0)) == C("399,76")
    general = Rulebook.default().with_change(effective=date(2019, 1, 1),
                                             reinforced_prorated_below_threshold=False)
    assert annual_credit(disabled, E(0), general) == C("249,85")
    both = WorkYear(2024, 803, low_qualified=True, disabled_worker=True)
    assert annual_credit(both, E(0)) == C("399,76")  # the most favourable status (F10705)
    old_reading = Rulebook.default().with_change(effective=date(2019, 1, 1),
                                                 low_qualified_reinforced_below_threshold=True)
    assert annual_credit(work, E(0), old_reading) == C("399,76")


def test_a_what_if_rulebook_changes_the_credit_from_its_day() -> None:
    what_if = Rulebook.default().with_change(effective=date(2027, 1, 1), annual_credit=E(600))
    assert annual_credit(WorkYear(2026, 1607), E(0), what_if) == E(500)
    assert annual_credit(WorkYear(2027, 1607), E(0), what_if) == E(600)


@given(fst.work_years(min_year=2019), fst.euros(0, 900_000))
def test_credit_never_takes_the_balance_above_the_ceiling(work: WorkYear, balance: Euros) -> None:
    explained = explain_annual_credit(work, balance)
    assert Euros(0) <= explained.amount <= explained.full_amount
    assert balance + explained.amount <= max(balance, explained.ceiling)


@given(fst.work_years(min_year=2019, reinforced=False))
def test_prorated_credit_is_the_share_rounded_up_to_the_cent(work: WorkYear) -> None:
    amount = annual_credit(work, E(0))
    if 2 * Fraction(work.hours_worked) >= work.reference_hours:
        assert amount == E(500)
    else:
        exact = Fraction(500_00) * Fraction(work.hours_worked) / work.reference_hours
        assert amount.cents - 1 < exact <= amount.cents


@given(fst.work_years(min_year=2019), st.integers(0, 200))
def test_more_hours_never_earn_less(work: WorkYear, more: int) -> None:
    longer = attrs.evolve(work, hours_worked=Fraction(work.hours_worked) + more)
    assert annual_credit(longer, E(0)) >= annual_credit(work, E(0))


@given(fst.work_years(min_year=2019, reinforced=False))
def test_a_reinforced_status_never_earns_less(work: WorkYear) -> None:
    assert annual_credit(attrs.evolve(work, low_qualified=True), E(0)) >= annual_credit(work, E(0))


# -- hours era --------------------------------------------------------------------------
# L6323-11 (2015 version), KALIARTI000030889283; part time: lecpf.com, demos.fr.
HOURS_ERA = [
    (WorkYear(2016, 1607), 0, Fraction(24), "full time: 24 h"),
    (WorkYear(2016, 800, reference_hours=1600), 0, Fraction(12), "half time: 12 h"),
    (WorkYear(2016, 800, reference_hours=1600), 120, Fraction(6), "half time above 120 h: 6 h"),
    (WorkYear(2016, 1607), 120, Fraction(12), "above 120 h: 12 h a year"),
    (WorkYear(2016, 1607), 110, Fraction(17), "crossing 120 h: 10 h, then 12 × 14/24 h"),
    (WorkYear(2016, 1607), 145, Fraction(5), "the 150 h ceiling"),
    (WorkYear(2016, 1607), 150, Fraction(0), "at the ceiling"),
    (WorkYear(2016, 2000), 0, Fraction(24), "overtime not counted"),
]


@pytest.mark.parametrize(("work", "balance", "expected", "why"), HOURS_ERA,
                         ids=[row[3] for row in HOURS_ERA])
def test_hours_credit_follows_the_2015_law(
    work: WorkYear, balance: int, expected: Fraction, why: str
) -> None:
    assert hours_credit(work, balance).hours == expected, why


def test_hours_credit_refuses_a_euro_year() -> None:
    with pytest.raises(InvalidValue, match="hours era"):
        hours_credit(WorkYear(2019, 1607))


def test_hours_convert_at_15_euros() -> None:
    # Décret 2018-1153; worked example 120 h DIF + 96 h CPF = 3 240 € (ecps.fr)
    assert hours_to_euros(216, date(2019, 1, 1)) == E(3240)
    assert hours_to_euros(Fraction(1, 3), date(2019, 1, 1)) == Euros(500)
    with pytest.raises(InvalidValue):
        hours_to_euros(10, date(2018, 12, 31))


def test_posting_day_is_the_spring_of_the_next_year() -> None:
    # F10705: before 15 June of N+1; 15 April chosen (P)
    assert posting_day(2018) == date(2019, 4, 15)


def test_the_2018_to_2019_conversion() -> None:
    # Hours held on 31 Dec 2018 convert on 1 Jan 2019; 2018's hours when credited (axens, P).
    account = new_account()
    credit_career(account, [WorkYear(y, 1607) for y in range(2015, 2019)])
    assert account.hours(as_of=date(2018, 12, 31)).cpf == 72
    assert account.balance(as_of=date(2018, 12, 31)).rights == E(0)
    assert account.hours(as_of=date(2019, 1, 1)).cpf == 0
    assert account.balance(as_of=date(2019, 1, 1)).rights == E(1080)
    assert account.balance(as_of=date(2019, 4, 15)).rights == E(1440)
    kinds = [e.kind for e in account.entries]
    assert kinds.count(EntryKind.HOURS_CONVERSION) == 2


def test_a_whole_career_with_dif_reaches_the_ceiling() -> None:
    account = new_account()
    credit_career(account, [WorkYear(y, 1607) for y in range(2015, 2026)],
                  dif_hours=120, dif_entered_on=date(2016, 3, 1))
    assert account.balance(as_of=date(2019, 4, 15)).rights == E(3240)  # the worked example
    assert account.balance(as_of=date(2022, 4, 15)).rights == E(4740)
    assert account.balance().rights == E(5000)
    assert credit_career(account, [WorkYear(y, 1607) for y in range(2015, 2026)],
                         dif_hours=120, dif_entered_on=date(2016, 3, 1)) == ()


def test_what_if_i_work_40_percent_next_year() -> None:
    account = new_account()
    credit_career(account, [WorkYear(y, 1607) for y in range(2020, 2026)])
    before = account.balance().rights
    credit_career(account, [WorkYear(2026, 1607 * 4 // 10)])
    assert account.balance().rights - before == C("199,76")  # 500 × 642/1607 rounded up
    assert account.balance(as_of=date(2027, 4, 14)).rights == before


def test_a_career_credits_on_the_posting_days_with_a_what_if_rulebook() -> None:
    what_if = Rulebook.default().with_change(
        effective=date(2026, 1, 1), annual_credit_posted_on=(6, 1), annual_credit=E(700))
    account = new_account()
    credit_career(account, [WorkYear(2026, 1607)], rulebook=what_if)
    (entry,) = account.entries
    assert entry.effective == date(2027, 6, 1) and entry.amount == E(700)


def test_a_career_refuses_the_same_year_twice() -> None:
    with pytest.raises(InvalidValue):
        credit_career(new_account(), [WorkYear(2020, 1607), WorkYear(2020, 800)])


# -- DIF --------------------------------------------------------------------------------
# Ordonnance 2019-861, loi 2020-1379 (deadline 30 June 2021), 120 h at 15 €/h (franceinter).
def test_dif_entered_on_the_deadline_day_is_credited() -> None:
    account = new_account()
    enter_dif(account, EntryId("dif"), 120, date(2021, 6, 30))
    assert account.balance().rights == E(1800)
    assert account.ledger.dif_credited() == E(1800)


def test_dif_entered_the_day_after_the_deadline_is_refused() -> None:
    account = new_account()
    with pytest.raises(RuleViolation) as caught:
        enter_dif(account, EntryId("dif"), 10, date(2021, 7, 1))
    assert caught.value.codes == ("dif.deadline_passed",)
    assert "30/06/2021" in str(caught.value)
    assert account.version == 0


def test_dif_above_120_hours_is_refused_in_all() -> None:
    account = new_account()
    enter_dif(account, EntryId("dif-1"), 60, date(2020, 1, 10))
    enter_dif(account, EntryId("dif-2"), 60, date(2020, 2, 10))
    with pytest.raises(RuleViolation) as caught:
        enter_dif(account, EntryId("dif-3"), 1, date(2020, 3, 10))
    assert caught.value.codes == ("dif.too_many_hours",)
    with pytest.raises(RuleViolation):
        enter_dif(new_account(), EntryId("dif"), 121, date(2020, 3, 10))


def test_dif_hours_are_rounded_up_to_a_whole_hour() -> None:
    account = new_account()
    enter_dif(account, EntryId("dif"), Fraction(21, 2), date(2020, 3, 10))
    assert account.balance().rights == E(165)


def test_dif_entered_in_the_hours_era_waits_for_the_conversion() -> None:
    account = new_account()
    enter_dif(account, EntryId("dif"), 100, date(2017, 5, 2))
    assert account.hours().dif == 100 and account.balance().rights == E(0)
    convert_hours(account)
    assert account.balance(as_of=date(2019, 1, 1)).rights == E(1500)
    assert account.balance(as_of=date(2018, 12, 31)).rights == E(0)
    assert convert_hours(account) == ()


def test_dif_before_the_cpf_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        enter_dif(new_account(), EntryId("dif"), 10, date(2014, 12, 31))
    assert "dif.before_cpf" in caught.value.codes


def test_dif_counts_toward_the_ceiling_from_august_2019() -> None:
    account = new_account()
    enter_dif(account, EntryId("dif"), 120, date(2019, 5, 2))
    assert ceiling_base(account, date(2019, 8, 20)) == E(0)
    assert ceiling_base(account, date(2019, 8, 21)) == E(1800)
    entry = account.entries[-1]
    assert entry.kind is EntryKind.HOURS_CONVERSION and entry.source is Source.DIF


# -- holders -----------------------------------------------------------------------------
def test_the_most_favourable_status_of_the_year_applies() -> None:
    # F10705: several statuses in one year, the most favourable amount and ceiling apply.
    holder = (Holder(HolderId("H1"))
              .with_status(HolderStatus.EMPLOYEE, date(2020, 1, 1), date(2023, 3, 31))
              .with_status(HolderStatus.ESAT_WORKER, date(2023, 11, 1))
              .with_recognition(Recognition.LOW_QUALIFIED, date(2021, 12, 31), date(2021, 12, 31)))
    assert holder.work_year(2021, 1607).low_qualified
    assert not holder.work_year(2022, 1607).reinforced
    assert holder.work_year(2023, 100).esat_worker
    assert annual_credit(holder.work_year(2023, 100), E(0)) == E(800)
    assert holder.statuses_on(date(2023, 2, 1)) == {HolderStatus.EMPLOYEE}
    assert not holder.is_job_seeker(date(2023, 2, 1))


def test_a_holder_refuses_overlapping_periods_of_one_status() -> None:
    holder = Holder(HolderId("H1")).with_status(HolderStatus.JOB_SEEKER, date(2020, 1, 1))
    with pytest.raises(InvalidValue, match="overlapping"):
        holder.with_status(HolderStatus.JOB_SEEKER, date(2022, 1, 1), date(2022, 2, 1))
    with pytest.raises(InvalidValue):
        holder.with_status(HolderStatus.EMPLOYEE, date(2022, 1, 1), date(2021, 1, 1))


@given(fst.holders(), st.integers(2015, 2030))
def test_a_work_year_is_reinforced_when_a_status_touches_the_year(holder: Holder, year: int) -> None:
    work = holder.work_year(year, 1000)
    touched = any(
        holder.recognised(r, date.fromordinal(o))
        for r in Recognition
        for o in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1, 7)
    )
    if touched:
        assert work.low_qualified or work.disabled_worker


@given(fst.work_years(min_year=2015, max_year=2018), st.fractions(0, 200, max_denominator=50))
def test_hours_credits_stay_within_the_year_and_the_ceiling(
    work: WorkYear, balance: Fraction
) -> None:
    # L6323-11 (2015): at most 24 h a year, never above 150 h.
    hours = hours_credit(work, balance).hours
    assert 0 <= hours <= 24
    assert balance + hours <= max(Fraction(150), balance)
    if balance >= 120:
        assert hours <= 12


@given(st.lists(fst.work_years(min_year=2015, max_year=2030, reinforced=False), max_size=16,
                unique_by=lambda w: w.year))
def test_a_career_never_credits_above_the_ceiling(years: list[WorkYear]) -> None:
    account = new_account()
    entries = credit_career(account, years)
    assert account.balance().rights <= E(5000)
    for entry in entries:
        if entry.kind is EntryKind.ANNUAL_CREDIT:
            assert Euros(0) < entry.amount <= E(500)
            assert entry.effective == posting_day(entry.year or 0)
    assert account.hours(as_of=date(2019, 1, 1)).cpf == 0


# -- the corrections of 2026-12-02 (cpf-rules.md section 14), at their boundaries ----------
# 14.2 low-qualified below half-time: R6323-3-1 (as quoted by F10705); 14.7 hours rounded up:
# R6323-1 (2015 version); boundaries are the half-time line (803 / 804 h of 1 607 h) and the
# first and last year of each era.
CORRECTED = [
    (WorkYear(2024, 803, low_qualified=True), E(0), C("249,85"),
     "low-qualified one hour under half-time: 500 € prorated, not 800 € (R6323-3-1)"),
    (WorkYear(2024, 804, low_qualified=True), E(0), E(800),
     "low-qualified from half-time: 800 € (R6323-3-1)"),
    (WorkYear(2019, 803, low_qualified=True), E(0), C("249,85"),
     "the first euro year follows the same rule (R6323-3-1)"),
    (WorkYear(2024, 803, low_qualified=True), E(4900), E(100),
     "below half-time, the general 5 000 € ceiling (R6323-1)"),
    (WorkYear(2024, 804, low_qualified=True), E(7500), E(500),
     "from half-time, the 8 000 € ceiling (R6323-3-1)"),
]


@pytest.mark.parametrize(("work", "balance", "expected", "why"), CORRECTED,
                         ids=[row[3] for row in CORRECTED])
def test_the_low_qualified_correction_at_its_boundaries(
    work: WorkYear, balance: Euros, expected: Euros, why: str
) -> None:
    assert annual_credit(work, balance) == expected, why


HOURS_ROUNDED = [
    # (work year, balance, expected whole hours, why) — R6323-1 (2015): rounded up to the hour
    (WorkYear(2015, 1000), 0, Fraction(15), "first hours-era year: 24 × 1000/1607 = 14,93 → 15"),
    (WorkYear(2018, 1000), 0, Fraction(15), "last hours-era year: the same rounding"),
    (WorkYear(2016, 803), 0, Fraction(12), "one hour under half-time: 11,99 → 12"),
    (WorkYear(2016, 1), 0, Fraction(1), "one hour of work: 0,01 h → 1 h"),
    (WorkYear(2016, 0), 0, Fraction(0), "no work: nothing to round"),
    (WorkYear(2016, 1607), 115, Fraction(15), "crossing 120 h: 5 + 12 × 19/24 = 14,5 → 15"),
    (WorkYear(2016, 1000), 145, Fraction(5), "rounded, then held to the 150 h ceiling"),
]


@pytest.mark.parametrize(("work", "balance", "expected", "why"), HOURS_ROUNDED,
                         ids=[row[3] for row in HOURS_ROUNDED])
def test_hours_era_credits_are_whole_hours(
    work: WorkYear, balance: int, expected: Fraction, why: str
) -> None:
    assert hours_credit(work, balance).hours == expected, why


def test_the_hours_rounding_is_a_parameter_of_the_hours_era() -> None:
    exact = Rulebook.default().with_change(effective=date(2015, 1, 1),
                                           hours_era_hours_rounded_up=False)
    assert hours_credit(WorkYear(2016, 1000), 0, exact).hours == Fraction(24_000, 1607)
    with pytest.raises(InvalidValue, match="hours era"):
        hours_credit(WorkYear(2014, 1607))  # the day before: no CPF


# -- item 4: exact hours ------------------------------------------------------------------
def test_hours_worked_and_reference_hours_take_int_fraction_and_decimal() -> None:
    assert annual_credit(WorkYear(2024, Decimal("803.5")), E(0)) == E(500)  # exactly half
    assert annual_credit(WorkYear(2024, Decimal("803.4")), E(0)) == annual_credit(
        WorkYear(2024, Fraction(8034, 10)), E(0))
    assert annual_credit(WorkYear(2024, 800, reference_hours=Decimal("1600")), E(0)) == E(500)
    assert annual_credit(WorkYear(2024, 799, reference_hours=Fraction(1600)), E(0)) == C("249,69")
    assert hours_credit(WorkYear(2016, Decimal("803.5"))).hours == Fraction(12)


@pytest.mark.parametrize("field", ["hours_worked", "reference_hours"])
def test_a_float_of_hours_is_refused_naming_the_accepted_types(field: str) -> None:
    values: dict[str, object] = {"hours_worked": 800, "reference_hours": 1607, field: 803.5}
    with pytest.raises(InvalidValue, match="an int, a Fraction or a Decimal") as refused:
        WorkYear(2024, **values)  # type: ignore[arg-type]
    assert isinstance(refused.value, TypeError)  # like Euros (API.md: floats are TypeError)
    assert field in str(refused.value) and "803.5" in str(refused.value)


@pytest.mark.parametrize("value", [True, "803", Decimal("NaN"), Decimal("-1"), -1])
def test_other_bad_hours_are_invalid_values(value: object) -> None:
    with pytest.raises(InvalidValue):
        WorkYear(2024, value)  # type: ignore[arg-type]


@given(st.integers(0, 3000), st.integers(0, 99))
def test_decimal_int_and_fraction_hours_earn_the_same(whole: int, hundredths: int) -> None:
    exact = Fraction(whole * 100 + hundredths, 100)
    as_decimal = WorkYear(2024, Decimal(whole * 100 + hundredths) / 100)
    assert annual_credit(as_decimal, E(0)) == annual_credit(WorkYear(2024, exact), E(0))


# -- the self-employed (R6323-22; cpf-rules.md 1.3, 14.3) -----------------------------------
SELF_EMPLOYED = [
    (SelfEmployedYear(2024, 7), E(0), C("291,67"), "7 months: 500 × 7/12 rounded up"),
    (SelfEmployedYear(2024, 12), E(0), E(500), "a whole year: 500 €"),
    (SelfEmployedYear(2024, 1), E(0), C("41,67"), "one month, no half-time threshold"),
    (SelfEmployedYear(2024, 0), E(0), E(0), "no activity"),
    (SelfEmployedYear(2024, 12, contribution_paid=False), E(0), E(0), "CFP not paid: nothing"),
    (SelfEmployedYear(2024, 12), E(4900), E(100), "the 5 000 € ceiling"),
    (SelfEmployedYear(2019, 6), E(0), E(250), "the first euro year (2019)"),
    (SelfEmployedYear(2024, Decimal("6.5")), E(0), C("270,84"), "half months: 270,833 → 270,84"),
]


@pytest.mark.parametrize(("work", "balance", "expected", "why"), SELF_EMPLOYED,
                         ids=[row[3] for row in SELF_EMPLOYED])
def test_a_self_employed_year_is_prorated_by_months(
    work: SelfEmployedYear, balance: Euros, expected: Euros, why: str
) -> None:
    assert annual_credit(work, balance) == expected, why


def test_a_self_employed_year_before_2019_and_bad_months_are_refused() -> None:
    with pytest.raises(InvalidValue, match="self-employed"):
        annual_credit(SelfEmployedYear(2018, 12), E(0))  # the day before the euro era
    with pytest.raises(InvalidValue, match="months_active"):
        SelfEmployedYear(2024, 13)
    with pytest.raises(TypeError, match="an int, a Fraction or a Decimal"):
        SelfEmployedYear(2024, 6.5)  # type: ignore[arg-type]
    explained = explain_annual_credit(SelfEmployedYear(2024, 12, contribution_paid=False), E(0))
    assert explained.contribution_missing and explained.amount == E(0)
    assert explained.threshold_hours is None


def test_the_self_employed_rules_are_parameters() -> None:
    whole_year = Rulebook.default().with_change(effective=date(2024, 1, 1),
                                                self_employed_prorated_by_month=False,
                                                self_employed_needs_contribution=False)
    assert annual_credit(SelfEmployedYear(2024, 7), E(0), whole_year) == E(500)
    assert annual_credit(SelfEmployedYear(2024, 7, contribution_paid=False), E(0),
                         whole_year) == E(500)


# -- public servants, in hours (service-public F18090; cpf-rules.md 1.3, 14.9) -------------
PUBLIC = [
    (PublicServiceYear(2017), 0, Fraction(25), "the first year (2017): 25 h"),
    (PublicServiceYear(2024), 140, Fraction(10), "the 150 h ceiling"),
    (PublicServiceYear(2024), 150, Fraction(0), "at the ceiling"),
    (PublicServiceYear(2024, category_c_without_level_3=True), 0, Fraction(50),
     "category C without a level-3 diploma: 50 h"),
    (PublicServiceYear(2024, category_c_without_level_3=True), 380, Fraction(20),
     "their 400 h ceiling"),
    (PublicServiceYear(2024, Fraction(1, 2), reduced_time=True), 0, Fraction(25, 2),
     "reduced time (temps incomplet): prorated"),
    (PublicServiceYear(2024, Fraction(1, 2)), 0, Fraction(25), "part time: counted as full"),
]


@pytest.mark.parametrize(("work", "balance", "expected", "why"), PUBLIC,
                         ids=[row[3] for row in PUBLIC])
def test_a_public_servants_year_earns_hours(
    work: PublicServiceYear, balance: int, expected: Fraction, why: str
) -> None:
    assert public_service_credit(work, balance).hours == expected, why


def test_extra_hours_against_unfitness_are_capped_at_150_over_a_career() -> None:
    got = public_service_credit(PublicServiceYear(2024, unfitness_hours=100), 150, 80)
    assert got.hours == 0 and got.extra_hours == 70  # outside the ceiling, 150 h in all
    with pytest.raises(InvalidValue, match="2017"):
        public_service_credit(PublicServiceYear(2016))  # the day before: no such account


# -- the CEC (cpf-rules.md 1.3, P) -----------------------------------------------------------
def test_the_civic_engagement_account_earns_240_euros_up_to_720() -> None:
    assert cec_credit(CivicEngagementYear(2019), E(0)) == E(240)
    assert cec_credit(CivicEngagementYear(2024), E(600)) == E(120)
    assert cec_credit(CivicEngagementYear(2024), E(720)) == E(0)
    with pytest.raises(InvalidValue, match="CEC"):
        cec_credit(CivicEngagementYear(2018), E(0))


# -- a career of every kind --------------------------------------------------------------
def test_a_career_of_every_kind_credits_each_account() -> None:
    cpf, public, cec = new_account("CPF"), new_account("PUB"), new_account("CEC")
    years = [
        WorkYear(2019, 1607), WorkYear(2020, 803, low_qualified=True),
        SelfEmployedYear(2021, 6), SelfEmployedYear(2022, 12, contribution_paid=False),
        WorkYear(2023, 400), SelfEmployedYear(2023, 12),  # both: the most favourable
        PublicServiceYear(2024), PublicServiceYear(2025, unfitness_hours=60),
        CivicEngagementYear(2022), CivicEngagementYear(2023), CivicEngagementYear(2024),
        CivicEngagementYear(2025),
    ]
    appended = credit_career(cpf, years, public_service_account=public, cec_account=cec)
    assert cpf.balance().rights == E(500) + C("249,85") + E(250) + E(500)
    assert public.hours().cpf == 25 + 25 + 60 and public.balance().rights == E(0)
    assert cec.balance().rights == E(720)  # 3 × 240 €, the fourth year above the ceiling
    assert len(appended) == len(cpf.entries) + len(public.entries) + len(cec.entries)
    assert credit_career(cpf, years, public_service_account=public, cec_account=cec) == ()


def test_a_career_refuses_a_kind_without_its_account_and_appends_nothing() -> None:
    account = new_account()
    with pytest.raises(InvalidValue, match="public_service_account"):
        credit_career(account, [WorkYear(2024, 1607), PublicServiceYear(2024)])
    with pytest.raises(InvalidValue, match="SelfEmployedYear of 2018"):
        credit_career(account, [WorkYear(2024, 1607), SelfEmployedYear(2018, 12)])
    assert account.entries == ()


def test_a_public_servant_always_needs_the_employers_agreement() -> None:
    holder = (Holder(HolderId("H1"))
              .with_status(HolderStatus.EMPLOYEE, date(2015, 1, 1), date(2020, 8, 31))
              .with_status(HolderStatus.PUBLIC_SERVANT, date(2020, 9, 1)))
    assert not holder.needs_employer_agreement(date(2020, 8, 31))
    assert holder.needs_employer_agreement(date(2020, 9, 1))
    lenient = Rulebook.default().with_change(effective=date(2020, 1, 1),
                                             public_service_employer_agreement_required=False)
    assert not holder.needs_employer_agreement(date(2020, 9, 1), lenient)


def test_after_retirement_only_the_cec_is_usable() -> None:
    holder = Holder(HolderId("H1")).with_status(HolderStatus.RETIRED, date(2026, 7, 1))
    assert holder.usable_accounts(date(2026, 6, 30)) == frozenset(AccountKind)
    assert holder.usable_accounts(date(2026, 7, 1)) == frozenset({AccountKind.CEC})


@given(st.integers(2019, 2030), st.fractions(0, 12), st.integers(0, 600_000))
def test_a_self_employed_credit_is_the_month_share_rounded_up_within_the_ceiling(
    year: int, months: Fraction, balance: int
) -> None:
    # R6323-22: 500 € × months / 12, rounded up to the cent (R6323-1 II), under 5 000 €
    explained = explain_annual_credit(SelfEmployedYear(year, months), Euros(balance))
    exact = Fraction(500_00) * months / 12
    assert explained.earned.cents - 1 < exact <= explained.earned.cents
    assert explained.amount.cents == min(explained.earned.cents, max(500_000 - balance, 0))


@given(st.integers(2017, 2030), st.fractions(0, 1), st.booleans(), st.booleans(),
       st.integers(0, 500), st.integers(0, 200), st.integers(0, 200))
def test_a_public_servants_hours_stay_within_the_ceiling_and_the_extra_cap(
    year: int, share: Fraction, reduced: bool, category_c: bool, balance: int, extra: int,
    granted: int,
) -> None:
    work = PublicServiceYear(year, share, reduced_time=reduced,
                             category_c_without_level_3=category_c, unfitness_hours=extra)
    got = public_service_credit(work, balance, granted)
    ceiling = 400 if category_c else 150
    assert 0 <= got.hours <= (50 if category_c else 25)
    assert balance + got.hours <= max(balance, ceiling)
    assert 0 <= got.extra_hours <= extra and granted + got.extra_hours <= max(granted, 150)
    if not reduced and balance + (50 if category_c else 25) <= ceiling:
        assert got.hours == (50 if category_c else 25)  # part time counts as full time


@given(st.lists(st.one_of(fst.work_years(min_year=2019), fst.self_employed_years(),
                          fst.public_service_years(), fst.civic_engagement_years()),
                max_size=12,
                unique_by=lambda w: (type(w).__name__, w.year)))
def test_a_career_of_any_kinds_respects_every_ceiling_and_runs_once(
    years: list[WorkYear | SelfEmployedYear | PublicServiceYear | CivicEngagementYear],
) -> None:
    cpf, public, cec = new_account("CPF"), new_account("PUB"), new_account("CEC")
    credit_career(cpf, years, public_service_account=public, cec_account=cec)
    assert cpf.balance().rights <= E(8000)
    assert cec.balance().rights <= E(720)
    ordinary = sum((e.hours for e in public.entries if ":public-hours:" in e.entry_id),
                   Fraction(0))
    extra = sum((e.hours for e in public.entries if ":unfitness:" in e.entry_id), Fraction(0))
    assert ordinary <= 400 and extra <= 150
    assert credit_career(cpf, years, public_service_account=public, cec_account=cec) == ()
