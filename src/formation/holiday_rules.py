"""Moved to :mod:`formation.calendar.holiday_rules`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.calendar.holiday_rules import (
    ALL_TERRITORIES as ALL_TERRITORIES,
)
from formation.calendar.holiday_rules import (
    FIRST_YEAR as FIRST_YEAR,
)
from formation.calendar.holiday_rules import (
    HOLIDAY_RULES as HOLIDAY_RULES,
)
from formation.calendar.holiday_rules import (
    LAST_YEAR as LAST_YEAR,
)
from formation.calendar.holiday_rules import (
    EasterOffset as EasterOffset,
)
from formation.calendar.holiday_rules import (
    FixedDay as FixedDay,
)
from formation.calendar.holiday_rules import (
    HolidayRule as HolidayRule,
)
from formation.calendar.holiday_rules import (
    check_year as check_year,
)
from formation.calendar.holiday_rules import (
    holidays_in as holidays_in,
)
from formation.calendar.holiday_rules import (
    rule_keys as rule_keys,
)

__all__ = [
    "ALL_TERRITORIES",
    "EasterOffset",
    "FIRST_YEAR",
    "FixedDay",
    "HOLIDAY_RULES",
    "HolidayRule",
    "LAST_YEAR",
    "check_year",
    "holidays_in",
    "rule_keys",
]
