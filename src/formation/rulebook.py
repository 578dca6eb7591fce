"""Moved to :mod:`formation.rules.rulebook`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.rules.rulebook import (
    ORIGIN as ORIGIN,
)
from formation.rules.rulebook import (
    PARAMETER_NAMES as PARAMETER_NAMES,
)
from formation.rules.rulebook import (
    Confidence as Confidence,
)
from formation.rules.rulebook import (
    ParameterValue as ParameterValue,
)
from formation.rules.rulebook import (
    Rulebook as Rulebook,
)
from formation.rules.rulebook import (
    Rules as Rules,
)
from formation.rules.rulebook import (
    check_date as check_date,
)

__all__ = [
    "Confidence",
    "ORIGIN",
    "PARAMETER_NAMES",
    "ParameterValue",
    "Rulebook",
    "Rules",
    "check_date",
]
