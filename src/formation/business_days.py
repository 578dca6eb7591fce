"""Moved to :mod:`formation.calendar.business_days`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.calendar.business_days import (
    BusinessCalendar as BusinessCalendar,
)
from formation.calendar.business_days import (
    DayKind as DayKind,
)

__all__ = [
    "BusinessCalendar",
    "DayKind",
]
