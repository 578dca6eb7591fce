"""Moved to :mod:`formation.rules.funders`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.rules.funders import (
    Funder as Funder,
)

__all__ = [
    "Funder",
]
