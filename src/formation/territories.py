"""Moved to :mod:`formation.calendar.territories`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.calendar.territories import (
    Territory as Territory,
)
from formation.calendar.territories import (
    parse_territory as parse_territory,
)
from formation.calendar.territories import (
    territory_for_department as territory_for_department,
)

__all__ = [
    "Territory",
    "parse_territory",
    "territory_for_department",
]
