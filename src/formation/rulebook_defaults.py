"""Moved to :mod:`formation.rules.defaults`; this import path keeps working (an alias).

``DEFAULT_RULEBOOK`` is now built in :mod:`formation.rules.rulebook` (the defaults are data
only: that broke the import cycle between the rulebook and its defaults).
"""

from __future__ import annotations

from formation.rules.defaults import (
    DEFAULT_VALUES as DEFAULT_VALUES,
)
from formation.rules.rulebook import (
    DEFAULT_RULEBOOK as DEFAULT_RULEBOOK,
)

__all__ = [
    "DEFAULT_RULEBOOK",
    "DEFAULT_VALUES",
]
