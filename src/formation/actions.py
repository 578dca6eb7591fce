"""Moved to :mod:`formation.rules.actions`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.rules.actions import (
    ActionType as ActionType,
)

__all__ = [
    "ActionType",
]
