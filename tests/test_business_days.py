"""BusinessCalendar: the API.md conventions, the laws as properties, examples from the sources."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation import BusinessCalendar, DayKind, InvalidValue, Territory
from formation.calendar.holiday_rules import HOLIDAY_RULES
from formation.testing import strategies as fst

FIRST, LAST = date(1950, 1, 1), date(2200, 12, 31)
METROPOLE = BusinessCalendar()


def days_off(cal: BusinessCalendar, year: int) -> set[date]:
    """The holidays of the year that are not worked, straight from the rules."""
    return {rule.date_in(year) for rule in HOLIDAY_RULES
            if rule.applies(year, cal.territory) and rule.key not in cal.worked_holidays}


def counted(cal: BusinessCalendar, day: date, kind: DayKind) -> bool:
    """The plain definition of each kind of day, from the holidays alone (cpf-rules.md 9.5)."""
    if kind is DayKind.JOUR_CALENDAIRE:
        return True
    last_weekday = 4 if kind is DayKind.JOUR_OUVRE else 5
    return day.weekday() <= last_weekday and day not in days_off(cal, day.year)


def loop_count(cal: BusinessCalendar, start: date, end: date, kind: DayKind) -> int:
    """Count day by day: (start, end] forward, minus [end, start) backward."""
    step = timedelta(days=1)
    total = 0
    if end >= start:
        day = start + step
        while day <= end:
            total += counted(cal, day, kind)
            day += step
        return total
    day = end
    while day < start:
        total -= counted(cal, day, kind)
        day += step
    return total


def loop_add(cal: BusinessCalendar, start: date, n: int, kind: DayKind) -> date:
    """Walk n counted days from start, one day at a time."""
    step = timedelta(days=1 if n > 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        left -= counted(cal, day, kind)
    return day


# -- examples from the sources --------------------------------------------------------------

@pytest.mark.parametrize(("n", "expected"), [
    (0, date(2013, 10, 30)), (1, date(2013, 10, 31)), (2, date(2013, 11, 4)),
    (3, date(2013, 11, 5)),
])
def test_workalendar_examples_of_cpf_rules_section_13(n: int, expected: date) -> None:
    # cpf-rules.md section 13, from workalendar/tests/test_europe.py: 1 Nov 2013 is a holiday
    assert METROPOLE.add_business_days(date(2013, 10, 30), n) == expected


def test_a_deadline_of_two_business_days_skips_a_weekend_and_a_holiday() -> None:
    # Thursday 24 Dec 2026: Friday 25 is Christmas, then the weekend
    assert METROPOLE.add_business_days(date(2026, 12, 24), 2) == date(2026, 12, 29)


def test_zero_days_leaves_any_day_unchanged() -> None:
    saturday = date(2026, 11, 28)
    assert METROPOLE.add_business_days(saturday, 0) == saturday


def test_adding_from_a_weekend_counts_from_the_next_business_day() -> None:
    saturday = date(2026, 11, 28)
    assert METROPOLE.add_business_days(saturday, 1) == date(2026, 11, 30)
    assert METROPOLE.add_business_days(saturday, -1) == date(2026, 11, 27)


def test_counting_backward_from_a_weekend_counts_the_friday_before() -> None:
    saturday, friday = date(2026, 11, 28), date(2026, 11, 27)
    assert METROPOLE.count_business_days(saturday, friday) == -1
    assert METROPOLE.count_business_days(friday, saturday) == 0


def test_next_business_day_is_the_day_itself_when_it_is_one() -> None:
    assert METROPOLE.next_business_day(date(2026, 11, 26)) == date(2026, 11, 26)
    assert METROPOLE.next_business_day(date(2026, 5, 1)) == date(2026, 5, 4)
    assert METROPOLE.previous_business_day(date(2026, 5, 1)) == date(2026, 4, 30)


def test_good_friday_is_a_business_day_in_the_metropole_but_not_in_alsace_moselle() -> None:
    good_friday = date(2026, 4, 3)
    assert METROPOLE.is_business_day(good_friday)
    assert not BusinessCalendar(Territory.ALSACE_MOSELLE).is_business_day(good_friday)


def test_a_holiday_on_a_sunday_is_still_a_holiday() -> None:
    assert METROPOLE.is_holiday(date(2026, 11, 1))  # Toussaint 2026 is a Sunday
    assert not METROPOLE.is_business_day(date(2026, 11, 1))


def test_jours_ouvrables_include_saturday_but_not_sunday_nor_holidays() -> None:
    cal = METROPOLE
    assert cal.is_day_of_kind(date(2026, 11, 28), DayKind.JOUR_OUVRABLE)
    assert not cal.is_day_of_kind(date(2026, 11, 29), DayKind.JOUR_OUVRABLE)
    assert not cal.is_day_of_kind(date(2026, 12, 25), DayKind.JOUR_OUVRABLE)
    assert cal.is_day_of_kind(date(2026, 12, 25), DayKind.JOUR_CALENDAIRE)
    # Thursday 24 Dec 2026 + 2 jours ouvrables: Saturday 26, then Monday 28
    assert cal.add_days(date(2026, 12, 24), 2, DayKind.JOUR_OUVRABLE) == date(2026, 12, 28)


def test_calendar_days_are_plain_date_arithmetic() -> None:
    assert METROPOLE.add_days(date(2026, 2, 20), 14, DayKind.JOUR_CALENDAIRE) == date(2026, 3, 6)
    assert METROPOLE.count_days(date(2026, 3, 6), date(2026, 2, 20),
                                DayKind.JOUR_CALENDAIRE) == -14


def test_calendars_are_frozen_hashable_and_equal_per_territory() -> None:
    assert BusinessCalendar() == BusinessCalendar(Territory.METROPOLE)
    assert hash(BusinessCalendar()) == hash(METROPOLE)
    assert BusinessCalendar(Territory.GUYANE) != METROPOLE
    with pytest.raises(AttributeError):
        METROPOLE.territory = Territory.GUYANE  # type: ignore[misc]


def test_holidays_are_a_read_only_mapping() -> None:
    found = METROPOLE.holidays(2026)
    with pytest.raises(TypeError):
        found[date(2026, 1, 2)] = "x"  # type: ignore[index]


def test_an_employer_working_whit_monday_counts_it_as_a_business_day() -> None:
    # cpf-rules.md 9.4: the journée de solidarité may be Whit Monday; it stays a holiday
    cal = BusinessCalendar(worked_holidays={"whit_monday"})
    whit_monday = date(2026, 5, 25)
    assert cal.is_holiday(whit_monday)
    assert cal.is_business_day(whit_monday)
    assert cal.add_business_days(date(2026, 5, 22), 1) == whit_monday
    assert METROPOLE.add_business_days(date(2026, 5, 22), 1) == date(2026, 5, 26)
    assert cal != METROPOLE
    assert cal == BusinessCalendar(worked_holidays=frozenset({"whit_monday"}))


def test_a_worked_holiday_on_the_same_day_as_another_leaves_the_day_off() -> None:
    # Ascension fell on 1 May in 2008: working Ascension does not open 1 May
    cal = BusinessCalendar(worked_holidays={"ascension"})
    assert not cal.is_business_day(date(2008, 5, 1))
    assert cal.is_business_day(date(2026, 5, 14))


@pytest.mark.parametrize("worked", [{"labour_day"}, {"good_friday"}, {"nope"}, "whit_monday",
                                    {1}, None])
def test_worked_holidays_must_be_known_keys_of_the_territory_and_not_1_may(worked: object) -> None:
    with pytest.raises(InvalidValue):
        BusinessCalendar(worked_holidays=worked)  # type: ignore[arg-type]


# -- refused input --------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: METROPOLE.add_business_days(datetime(2026, 1, 5, 9), 1),  # noqa: DTZ001
    lambda: METROPOLE.count_business_days(date(2026, 1, 5), datetime(2026, 1, 9)),  # noqa: DTZ001
    lambda: METROPOLE.is_business_day(datetime(2026, 1, 5)),  # noqa: DTZ001
    lambda: METROPOLE.next_business_day("2026-01-05"),
    lambda: METROPOLE.add_business_days(date(2026, 1, 5), 1.0),
    lambda: METROPOLE.add_business_days(date(2026, 1, 5), True),
    lambda: METROPOLE.add_business_days(date(1949, 12, 31), 1),
    lambda: METROPOLE.add_business_days(date(2201, 1, 1), 0),
    lambda: METROPOLE.add_business_days(date(2200, 12, 29), 5),
    lambda: METROPOLE.add_business_days(date(1950, 1, 3), -5),
    lambda: METROPOLE.count_business_days(date(1949, 12, 31), date(2026, 1, 1)),
    lambda: METROPOLE.holidays(1949),
    lambda: METROPOLE.holidays(2201),
    lambda: METROPOLE.holidays(True),
    lambda: METROPOLE.holidays("2026"),
    lambda: METROPOLE.add_days(date(2026, 1, 1), 1, "jour ouvré"),
    lambda: METROPOLE.add_days(date(2200, 12, 31), 1, DayKind.JOUR_CALENDAIRE),
    lambda: BusinessCalendar("metropole"),
], ids=lambda _: "")
def test_bad_input_is_an_invalid_value(call: object) -> None:
    with pytest.raises(InvalidValue):
        call()  # type: ignore[operator]


def test_the_first_and_last_supported_days_work() -> None:
    assert METROPOLE.next_business_day(FIRST) == date(1950, 1, 2)
    assert METROPOLE.previous_business_day(LAST) == LAST  # a Friday
    assert METROPOLE.count_business_days(FIRST, LAST) > 60_000


# -- laws -----------------------------------------------------------------------------------

calendars = fst.business_calendars(worked_holidays=True)
any_day = fst.calendar_days(FIRST + timedelta(days=400), LAST - timedelta(days=400))
offsets = st.integers(-250, 250)
kinds = fst.day_kinds()


@given(calendars, any_day, offsets)
def test_counting_to_the_day_added_gives_back_n(cal: BusinessCalendar, day: date, n: int) -> None:
    assert cal.count_business_days(day, cal.add_business_days(day, n)) == n


@given(calendars, fst.calendar_days(), st.integers(-100_000, 100_000), kinds)
def test_the_law_holds_for_any_n_up_to_the_ends_of_the_supported_years(
        cal: BusinessCalendar, day: date, n: int, kind: DayKind) -> None:
    try:
        result = cal.add_days(day, n, kind)
    except InvalidValue:
        # only when the result would fall outside 1950–2200
        first, last = cal.count_days(day, FIRST, kind), cal.count_days(day, LAST, kind)
        assert n < first or n > last
    else:
        assert FIRST <= result <= LAST
        assert cal.count_days(day, result, kind) == n


@given(calendars, any_day, offsets, kinds)
def test_the_law_holds_for_every_kind_of_day(cal: BusinessCalendar, day: date, n: int,
                                             kind: DayKind) -> None:
    assert cal.count_days(day, cal.add_days(day, n, kind), kind) == n


@given(calendars, any_day, offsets)
def test_adding_is_strictly_monotonic_in_n(cal: BusinessCalendar, day: date, n: int) -> None:
    assert cal.add_business_days(day, n) < cal.add_business_days(day, n + 1)


@given(calendars, any_day, offsets.filter(bool))
def test_a_nonzero_addition_lands_on_a_business_day(cal: BusinessCalendar, day: date,
                                                    n: int) -> None:
    result = cal.add_business_days(day, n)
    assert cal.is_business_day(result)
    assert result.weekday() < 5
    assert result not in days_off(cal, result.year)
    assert (result > day) if n > 0 else (result < day)


@given(fst.business_calendars(), any_day)
def test_weekends_and_holidays_are_never_business_days(cal: BusinessCalendar, day: date) -> None:
    expected = day.weekday() < 5 and day not in cal.holidays(day.year)
    assert cal.is_business_day(day) is expected
    assert cal.is_holiday(day) is (day in cal.holidays(day.year))


@given(calendars, any_day)
def test_worked_holidays_stay_holidays_but_count_as_business_days(cal: BusinessCalendar,
                                                                  day: date) -> None:
    assert cal.is_holiday(day) is (day in cal.holidays(day.year))
    assert cal.is_business_day(day) is (day.weekday() < 5 and day not in days_off(cal, day.year))


@given(calendars, any_day, st.integers(-60, 60), kinds)
def test_results_agree_with_a_day_by_day_loop(cal: BusinessCalendar, day: date, span: int,
                                              kind: DayKind) -> None:
    end = day + timedelta(days=span)
    assert cal.count_days(day, end, kind) == loop_count(cal, day, end, kind)
    assert cal.add_days(day, span // 3, kind) == loop_add(cal, day, span // 3, kind)


@given(calendars, any_day, st.integers(-40, 40))
def test_business_day_methods_agree_with_the_general_ones(cal: BusinessCalendar, day: date,
                                                          n: int) -> None:
    end = day + timedelta(days=n)
    assert cal.add_business_days(day, n) == cal.add_days(day, n, DayKind.JOUR_OUVRE)
    assert cal.count_business_days(day, end) == cal.count_days(day, end, DayKind.JOUR_OUVRE)
    assert cal.is_business_day(day) is cal.is_day_of_kind(day, DayKind.JOUR_OUVRE)


@given(calendars, any_day)
def test_next_business_day_is_never_before_the_day_and_is_a_business_day(
        cal: BusinessCalendar, day: date) -> None:
    found = cal.next_business_day(day)
    assert found >= day
    assert cal.is_business_day(found)
    assert cal.count_business_days(day, found) == (0 if found == day else 1)


# -- pickling, copying, evolving ------------------------------------------------------------

def test_a_calendar_pickles_and_copies_small_and_shares_its_tables() -> None:
    import copy
    import pickle

    import attrs

    cal = BusinessCalendar(Territory.GUYANE)
    data = pickle.dumps(cal)
    assert len(data) < 1_000
    assert pickle.loads(data) == cal
    assert copy.deepcopy(cal) == cal
    moved = attrs.evolve(cal, territory=Territory.MAYOTTE)
    assert moved.is_holiday(date(2026, 4, 27))
    assert not cal.is_holiday(date(2026, 4, 27))
