"""Moved to :mod:`formation.rules.defaults`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.rules.defaults import (
    DEFAULT_RULEBOOK as DEFAULT_RULEBOOK,
)
from formation.rules.defaults import (
    DEFAULT_VALUES as DEFAULT_VALUES,
)

__all__ = [
    "DEFAULT_RULEBOOK",
    "DEFAULT_VALUES",
]
