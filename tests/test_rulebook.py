"""The rulebook: dated parameters with sources, exact boundaries, what-if copies."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation import ActionType, Confidence, Euros, InvalidValue, ParameterValue, Rulebook
from formation.rules.rulebook import ORIGIN, PARAMETER_NAMES, Rules

BOOK = Rulebook.default()


def test_every_parameter_has_a_value_and_a_source_every_day() -> None:
    for name in PARAMETER_NAMES:
        timeline = BOOK.history(name)
        assert timeline[0].since == ORIGIN
        for value in timeline:
            assert value.source.strip(), name
            assert isinstance(value.confidence, Confidence)


def test_timelines_are_contiguous() -> None:
    for name in PARAMETER_NAMES:
        timeline = BOOK.history(name)
        for before, after in itertools.pairwise(timeline):
            assert before.until == after.since - timedelta(days=1)
        assert timeline[-1].until is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Décret 2024-394: in force on 2 May 2024; arrêtés of 26 Dec 2024 and 30 Dec 2025.
        (date(2024, 5, 1), Euros(0)),
        (date(2024, 5, 2), Euros(10000)),
        (date(2024, 12, 31), Euros(10000)),
        (date(2025, 1, 1), Euros(10223)),
        (date(2025, 12, 31), Euros(10223)),
        (date(2026, 1, 1), Euros(10320)),
    ],
)
def test_flat_participation_switches_on_its_boundary_days(day: date, expected: Euros) -> None:
    assert BOOK.at(day).flat_participation == expected


def test_per_action_caps_start_on_26_february_2026() -> None:
    # Décret n° 2026-127 of 24 Feb 2026, in force 26 Feb 2026.
    before, on = BOOK.at(date(2026, 2, 25)), BOOK.at(date(2026, 2, 26))
    assert before.rights_cap_rs is None and before.rights_cap_skills_assessment is None
    assert on.rights_cap_rs == Euros.whole(1500)
    assert on.rights_cap_skills_assessment == Euros.whole(1600)
    assert on.rights_cap_light_driving_licence == Euros.whole(900)
    assert on.light_driving_licence_min_cofunding == Euros.whole(100)


def test_amounts_of_the_euro_era() -> None:
    rules = BOOK.at(date(2019, 1, 1))
    assert rules.annual_credit == Euros.whole(500)
    assert rules.annual_credit_ceiling == Euros.whole(5000)
    assert rules.reinforced_annual_credit == Euros.whole(800)
    assert rules.reinforced_ceiling == Euros.whole(8000)
    assert rules.hours_conversion_rate == Euros.whole(15)
    assert rules.full_rights_threshold == Fraction(1, 2)
    assert rules.hours_era_annual_hours is None


def test_hours_era_until_31_december_2018() -> None:
    rules = BOOK.at(date(2018, 12, 31))
    assert (rules.hours_era_annual_hours, rules.hours_era_threshold_hours,
            rules.hours_era_reduced_annual_hours, rules.hours_era_ceiling_hours) == (24, 120, 12, 150)
    assert rules.annual_credit is None


def test_dif_deadline_moved_to_30_june_2021() -> None:
    assert BOOK.at(date(2020, 11, 13)).dif_registration_deadline == date(2020, 12, 31)
    assert BOOK.at(date(2020, 11, 14)).dif_registration_deadline == date(2021, 6, 30)
    assert BOOK.at(date(2021, 1, 1)).dif_max_hours == 120


def test_minimum_lead_time_from_10_june_2021() -> None:
    assert BOOK.at(date(2021, 6, 9)).minimum_lead_business_days is None
    assert BOOK.at(date(2021, 6, 10)).minimum_lead_business_days == 11


def test_business_creation_leaves_the_eligible_actions_in_2025() -> None:
    assert ActionType.BUSINESS_CREATION in BOOK.at(date(2025, 2, 15)).eligible_action_types
    assert ActionType.BUSINESS_CREATION not in BOOK.at(date(2025, 2, 16)).eligible_action_types


def test_terms_versions_by_date() -> None:
    assert BOOK.at(date(2024, 7, 10)).terms_version == "v11"
    assert BOOK.at(date(2024, 7, 11)).terms_version == "v12"
    assert BOOK.at(date(2025, 12, 4)).terms_version == "v14"


def test_with_change_leaves_the_default_untouched() -> None:
    before = BOOK.values
    changed = BOOK.with_change(effective=date(2027, 1, 1), flat_participation=Euros.whole(150),
                               annual_credit_ceiling=Euros.whole(4000))
    assert changed.at(date(2027, 1, 1)).flat_participation == Euros.whole(150)
    assert changed.at(date(2026, 12, 31)).flat_participation == Euros(10320)
    assert changed.at(date(2030, 1, 1)).annual_credit_ceiling == Euros.whole(4000)
    assert BOOK.at(date(2027, 1, 1)).flat_participation == Euros(10320)
    assert BOOK.values == before
    assert Rulebook.default() is BOOK


def test_with_change_replaces_later_scheduled_values() -> None:
    changed = BOOK.with_change(effective=date(2024, 6, 1), flat_participation=Euros.whole(50))
    assert changed.at(date(2024, 5, 2)).flat_participation == Euros.whole(100)
    assert changed.at(date(2026, 6, 1)).flat_participation == Euros.whole(50)
    assert changed.history("flat_participation")[-1].confidence is Confidence.UNVERIFIED


def test_unknown_parameter_is_an_invalid_value() -> None:
    with pytest.raises(InvalidValue, match="flat_participaton"):
        BOOK.with_change(effective=date(2027, 1, 1), flat_participaton=Euros(1))
    with pytest.raises(InvalidValue):
        BOOK.history("nope")


@pytest.mark.parametrize(
    ("name", "value"),
    [("flat_participation", 150), ("flat_participation", 1.5), ("reference_hours", True),
     ("reference_hours", "1607"), ("full_rights_threshold", 0.5), ("top_up_priority", ["x"]),
     ("flat_participation", None), ("hours_conversion_on", datetime(2019, 1, 1, tzinfo=timezone.utc))],
)
def test_a_value_of_the_wrong_type_is_an_invalid_value(name: str, value: object) -> None:
    with pytest.raises(InvalidValue, match=name):
        BOOK.with_change(effective=date(2027, 1, 1), **{name: value})


def test_at_refuses_datetimes_and_days_before_the_origin() -> None:
    with pytest.raises(InvalidValue):
        BOOK.at(datetime(2026, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(InvalidValue):
        BOOK.at(date(1899, 12, 31))
    with pytest.raises(InvalidValue):
        BOOK.at("2026-01-01")  # type: ignore[arg-type]


def test_a_parameter_without_a_value_from_the_origin_is_refused() -> None:
    values = [v for v in BOOK.values if v.name != "reference_hours"]
    values.append(ParameterValue("reference_hours", 1607, date(2000, 1, 1), "test"))
    with pytest.raises(InvalidValue, match="reference_hours"):
        Rulebook(values=values)


def test_parameters_at_agrees_with_at() -> None:
    day = date(2025, 6, 1)
    rules = BOOK.at(day)
    for value in BOOK.parameters_at(day):
        assert getattr(rules, value.name) == value.value
        assert value.since <= day and (value.until is None or day <= value.until)
        assert value.label_fr and value.label_en


@given(st.dates(min_value=ORIGIN, max_value=date(2100, 12, 31)))
def test_at_returns_for_each_parameter_the_value_whose_period_holds_the_day(day: date) -> None:
    rules = BOOK.at(day)
    for field in attrs.fields(Rules):
        holding = [v for v in BOOK.history(field.name)
                   if v.since <= day and (v.until is None or day <= v.until)]
        assert len(holding) == 1
        assert getattr(rules, field.name) == holding[0].value


# -- the corrections of 2026-12-02 (cpf-rules.md section 14), at their boundaries ----------
def _d(text: str) -> date:
    return date.fromisoformat(text)


CORRECTIONS = [
    # (parameter, day, expected value, expected mark, source of the rule)
    # 14.7 hours era: prorated hours rounded up (R6323-1, 2015 version), 2015-2018 only
    ("hours_era_hours_rounded_up", "2014-12-31", None, Confidence.CONFIRMED, "R6323-1"),
    ("hours_era_hours_rounded_up", "2015-01-01", True, Confidence.CONFIRMED, "R6323-1"),
    ("hours_era_hours_rounded_up", "2018-12-31", True, Confidence.CONFIRMED, "R6323-1"),
    ("hours_era_hours_rounded_up", "2019-01-01", None, Confidence.CONFIRMED, "2018-1153"),
    # 14.2 low-qualified below half-time: the general 500 € proration (R6323-3-1)
    ("low_qualified_reinforced_below_threshold", "2019-01-01", False, Confidence.CONFIRMED,
     "R6323-3-1"),
    # disabled workers below half-time: the decree is silent, a U choice (décret 2019-566)
    ("reinforced_prorated_below_threshold", "2024-01-01", True, Confidence.UNVERIFIED,
     "2019-566"),
    # 14.3 the self-employed (R6323-22): euro amounts from 2019
    ("self_employed_annual_credit", "2018-12-31", None, Confidence.CONFIRMED, "R6323-22"),
    ("self_employed_annual_credit", "2019-01-01", Euros(50000), Confidence.CONFIRMED, "R6323-22"),
    ("self_employed_ceiling", "2019-01-01", Euros(500000), Confidence.CONFIRMED, "R6323-22"),
    ("self_employed_prorated_by_month", "2024-01-01", True, Confidence.PLAUSIBLE, "R6323-22"),
    ("self_employed_needs_contribution", "2024-01-01", True, Confidence.PLAUSIBLE, "CFP"),
    # 14.9 public servants (F18090), from the end of the public sector's DIF
    ("public_service_annual_hours", "2016-12-31", None, Confidence.CONFIRMED, "F18090"),
    ("public_service_annual_hours", "2017-01-01", 25, Confidence.CONFIRMED, "F18090"),
    ("public_service_ceiling_hours", "2017-01-01", 150, Confidence.CONFIRMED, "F18090"),
    ("public_service_low_qualified_annual_hours", "2017-01-01", 50, Confidence.CONFIRMED,
     "F18090"),
    ("public_service_low_qualified_ceiling_hours", "2017-01-01", 400, Confidence.CONFIRMED,
     "F18090"),
    ("public_service_unfitness_extra_hours", "2017-01-01", 150, Confidence.CONFIRMED, "F18090"),
    ("public_service_employer_agreement_required", "2026-01-01", True, Confidence.CONFIRMED,
     "F18090"),
    # 14.9 the CEC (P): euro amounts from 2019
    ("cec_annual_credit", "2018-12-31", None, Confidence.PLAUSIBLE, "engagement citoyen"),
    ("cec_annual_credit", "2019-01-01", Euros(24000), Confidence.PLAUSIBLE, "engagement citoyen"),
    ("cec_ceiling", "2019-01-01", Euros(72000), Confidence.PLAUSIBLE, "720"),
    ("cec_usable_after_retirement", "2026-01-01", True, Confidence.PLAUSIBLE, "retirement"),
    ("cpf_usable_after_retirement", "2026-01-01", False, Confidence.PLAUSIBLE, "retirement"),
    # 14.6 free cancellation while *more than* 7 bd remain (CGU 2019 art. 4.2)
    ("free_cancellation_business_days", "2026-01-01", 7, Confidence.PLAUSIBLE, "7 business"),
    ("free_cancellation_more_than", "2019-11-21", True, Confidence.PLAUSIBLE, "plus de 7"),
    # 14.4 the light-vehicle licence's 100 € minimum co-funding is only a draft: U
    ("light_driving_licence_min_cofunding", "2026-02-26", Euros(10000), Confidence.UNVERIFIED,
     "100 €"),
    # 14.8 citations: consent is D6323-4; the BOETH 800 € is décret 2019-566 (D6323-3-3)
    ("employer_answer_days", "2026-01-01", 30, Confidence.CONFIRMED, "D6323-4"),
    ("reinforced_annual_credit", "2019-01-01", Euros(80000), Confidence.CONFIRMED, "2019-566"),
]


@pytest.mark.parametrize(("name", "day", "value", "mark", "source"), CORRECTIONS,
                         ids=[f"{row[0]}@{row[1]}" for row in CORRECTIONS])
def test_the_corrections_of_the_second_audit_are_dated_data(
    name: str, day: str, value: object, mark: Confidence, source: str
) -> None:
    found = {v.name: v for v in BOOK.parameters_at(_d(day))}[name]
    assert found.value == value and type(found.value) is type(value)
    assert found.confidence is mark
    assert source in found.source


def test_the_wrong_citations_are_gone() -> None:
    # cpf-rules.md 14.8: consent is D6323-4 (not R6323-4); BOETH 800 € is décret 2019-566
    for value in BOOK.values:
        assert "R6323-4" not in value.source, value.name
        assert "D6323-3-1" not in value.source, value.name


# -- Rulebook.diff ------------------------------------------------------------------------
def test_diff_lists_every_parameter_that_differs_as_typed_records() -> None:
    what_if = BOOK.with_change(effective=date(2027, 1, 1), flat_participation=Euros(15000),
                               annual_credit=Euros(60000), free_cancellation_more_than=False)
    found = BOOK.diff(what_if, on=date(2027, 6, 1))
    assert [d.name for d in found] == ["annual_credit", "flat_participation",
                                       "free_cancellation_more_than"]  # field order
    pfo = found[1]
    assert pfo.on == date(2027, 6, 1)
    assert pfo.before.value == Euros(10320) and pfo.before.since == date(2026, 1, 1)
    assert pfo.after.value == Euros(15000) and pfo.after.confidence is Confidence.UNVERIFIED
    assert pfo.label_en == "Compulsory flat participation"
    assert BOOK.diff(what_if, on=date(2026, 12, 31)) == ()  # before the change: the same law
    assert [d.name for d in what_if.diff(BOOK, on=date(2027, 6, 1))][1] == "flat_participation"


def test_diff_ignores_a_new_source_for_the_same_value_and_compares_types() -> None:
    resourced = BOOK.with_change(effective=date(2026, 1, 1), source="re-read",
                                 flat_participation=Euros(10320))
    assert BOOK.diff(resourced, on=date(2026, 6, 1)) == ()
    assert BOOK.diff(BOOK, on=date(2026, 6, 1)) == ()
    with pytest.raises(InvalidValue):
        BOOK.diff("default", on=date(2026, 6, 1))  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        BOOK.diff(BOOK, on=datetime(2026, 6, 1, tzinfo=timezone.utc))


@given(st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.integers(0, 100_000))
def test_diff_is_empty_exactly_when_the_days_rules_agree(day: date, cents: int) -> None:
    what_if = BOOK.with_change(effective=date(2020, 1, 1), flat_participation=Euros(cents))
    found = BOOK.diff(what_if, on=day)
    assert (found == ()) == (BOOK.at(day) == what_if.at(day))
    assert all(d.name == "flat_participation" for d in found)


# -- item 7: a rulebook update is data only -------------------------------------------------
def test_a_2027_participation_added_as_data_is_used_by_every_plan_dated_2027() -> None:
    from formation import plan_funding

    # a hypothetical arrêté of December 2026 (R6323-2 indexation), added as one more value
    arrete = ParameterValue("flat_participation", Euros(10500), date(2027, 1, 1),
                            "Arrêté d'indexation pour 2027 (test data)", Confidence.PLAUSIBLE)
    book_2027 = Rulebook(values=(*BOOK.values, arrete))
    price, balance = Euros(100000), Euros(200000)
    for day in (date(2027, 1, 1), date(2027, 6, 30), date(2027, 12, 31)):
        plan = plan_funding(price, balance=balance, on=day, rulebook=book_2027)
        assert plan.participation == Euros(10500)
        assert plan.rights_used + plan.card_payment == price
    last_day = plan_funding(price, balance=balance, on=date(2026, 12, 31), rulebook=book_2027)
    assert last_day.participation == Euros(10320)
    assert book_2027.history("flat_participation")[-2].until == date(2026, 12, 31)
