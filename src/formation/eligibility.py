"""Moved to :mod:`formation.catalog.eligibility`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.catalog.eligibility import (
    action_type_violations as action_type_violations,
)
from formation.catalog.eligibility import (
    certification_violations as certification_violations,
)
from formation.catalog.eligibility import (
    eligibility_violations as eligibility_violations,
)
from formation.catalog.eligibility import (
    is_eligible as is_eligible,
)
from formation.catalog.eligibility import (
    is_session_eligible as is_session_eligible,
)
from formation.catalog.eligibility import (
    organism_violations as organism_violations,
)
from formation.catalog.eligibility import (
    session_eligibility_violations as session_eligibility_violations,
)

__all__ = [
    "action_type_violations",
    "certification_violations",
    "eligibility_violations",
    "is_eligible",
    "is_session_eligible",
    "organism_violations",
    "session_eligibility_violations",
]
