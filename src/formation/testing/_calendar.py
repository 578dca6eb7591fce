"""Hypothesis strategies for the calendar: territories, calendars, kinds of day, supported days."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from formation.calendar.business_days import BusinessCalendar, DayKind
from formation.calendar.holiday_rules import FIRST_YEAR, LAST_YEAR
from formation.calendar.territories import Territory

__all__ = [
    "business_calendars",
    "calendar_days",
    "day_kinds",
    "department_codes",
    "territories",
]


def territories() -> st.SearchStrategy[Territory]:
    """Any territory with its own holidays."""
    return st.sampled_from(list(Territory))


def business_calendars(worked_holidays: bool = False) -> st.SearchStrategy[BusinessCalendar]:
    """The calendar of any territory; with ``worked_holidays``, Whit Monday or Ascension worked."""
    if not worked_holidays:
        return territories().map(BusinessCalendar)

    # a few variants only: each one builds its own tables (a few milliseconds, about 1 MB)
    variants = [frozenset(), frozenset({"whit_monday"}), frozenset({"ascension", "whit_monday"})]
    return st.builds(lambda territory, worked: BusinessCalendar(territory, worked_holidays=worked),
                     territories(), st.sampled_from(variants))


def day_kinds() -> st.SearchStrategy[DayKind]:
    """Jour ouvré, jour ouvrable or jour calendaire."""
    return st.sampled_from(list(DayKind))


def calendar_days(min_value: date = date(FIRST_YEAR, 1, 1),
                  max_value: date = date(LAST_YEAR, 12, 31)) -> st.SearchStrategy[date]:
    """Days the calendar supports (1950–2200 by default); never datetimes."""
    return st.dates(min_value=min_value, max_value=max_value)


def department_codes() -> st.SearchStrategy[str]:
    """Every department (or overseas collectivity) code ``territory_for_department`` accepts."""
    metropolitan = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    overseas = ["971", "972", "973", "974", "976", "977", "978"]
    return st.sampled_from(metropolitan + overseas)
