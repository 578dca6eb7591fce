"""formation: the French personal training account (CPF) and Mon Compte Formation, in Python.

A framework-free domain library: money in whole cents, the legal rules as dated data, and the
entities and services of the CPF (accounts and their ledger, the catalogue and its search,
funding plans, bookings and their deadlines in business days, reviews). Import it as::

    import formation as fm
"""

from __future__ import annotations

import importlib

from formation.accounts import Account, Balance, BookingFunds
from formation.accrual import (
    WorkYear,
    annual_credit,
    credit_career,
    enter_dif,
    explain_annual_credit,
    hours_credit,
)
from formation.bookings import (
    Actor,
    Booking,
    BookingStatus,
    Fault,
    Movement,
    MovementKind,
    Operation,
    Proposal,
    Role,
    Transition,
    lapse_overdue,
)
from formation.calendar.business_days import BusinessCalendar, DayKind
from formation.calendar.territories import Territory, territory_for_department
from formation.catalog.eligibility import eligibility_violations, is_eligible
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Option,
    Organism,
    Place,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.consent import (
    ConsentRequest,
    ConsentStatus,
    answer_consent,
    consent_status,
    request_consent,
)
from formation.deadlines import Deadlines, deadlines
from formation.errors import (
    ConflictError,
    DuplicateEntry,
    FormationError,
    InsufficientCredit,
    InvalidTransition,
    InvalidType,
    InvalidValue,
    NotAuthorized,
    NotFound,
    RuleViolation,
    StorageError,
    Violation,
)
from formation.funding import (
    Exemption,
    FundingLine,
    FundingPlan,
    LineKind,
    funding_violations,
    plan_funding,
)
from formation.holders import Holder, HolderStatus, Recognition
from formation.ledger import Entry, EntryKind, HoursBalance, Ledger, Source
from formation.matching import (
    Fit,
    Needs,
    Period,
    Point,
    RankingWeights,
    Reason,
    Recommendation,
    locate,
    recommend,
)
from formation.money import Euros, allocate
from formation.query import Hit, Near, Query, SearchResults, Sort
from formation.refunds import Ending, Refund, RefundLine, refund_plan
from formation.reviews import (
    Criterion,
    RatingPrior,
    RatingSummary,
    Review,
    ReviewBook,
    Scores,
    review_violations,
)
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.rules.rulebook import Confidence, ParameterValue, Rulebook, Rules
from formation.search import CatalogIndex
from formation.topups import TopUp

__version__ = "0.1.0"

# Adapters sit above the core: they are loaded on first use, so that ``import formation`` (the
# core) never imports them (tests/test_layering.py) while ``fm.MemoryStore`` still works.
_ADAPTERS = {
    "CatalogImport": "formation.adapters.opendata",
    "MemoryStore": "formation.adapters.memory",
    "RejectedRow": "formation.adapters.opendata",
    "SqliteStore": "formation.adapters.sqlite",
    "load_open_data_catalog": "formation.adapters.opendata",
    "load_sample_catalog": "formation.adapters.opendata",
}


def __getattr__(name: str) -> object:
    module = _ADAPTERS.get(name)
    if module is None:
        raise AttributeError(f"module 'formation' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "Account",
    "ActionType",
    "Actor",
    "Balance",
    "Booking",
    "BookingFunds",
    "BookingStatus",
    "BusinessCalendar",
    "CatalogImport",
    "CatalogIndex",
    "Certification",
    "Confidence",
    "ConflictError",
    "ConsentRequest",
    "ConsentStatus",
    "Criterion",
    "DayKind",
    "Deadlines",
    "DuplicateEntry",
    "Ending",
    "Entry",
    "EntryKind",
    "Euros",
    "Exemption",
    "Fault",
    "Fit",
    "FormationError",
    "Funder",
    "FundingLine",
    "FundingPlan",
    "Hit",
    "Holder",
    "HolderStatus",
    "HoursBalance",
    "InsufficientCredit",
    "InvalidTransition",
    "InvalidType",
    "InvalidValue",
    "Ledger",
    "LineKind",
    "MemoryStore",
    "Modality",
    "Movement",
    "MovementKind",
    "Near",
    "Needs",
    "NotAuthorized",
    "NotFound",
    "Offer",
    "Operation",
    "Option",
    "Organism",
    "ParameterValue",
    "Period",
    "Place",
    "Point",
    "Proposal",
    "QualiopiCertification",
    "Query",
    "RankingWeights",
    "RatingPrior",
    "RatingSummary",
    "Reason",
    "Recognition",
    "Recommendation",
    "Refund",
    "RefundLine",
    "Registry",
    "RejectedRow",
    "Review",
    "ReviewBook",
    "Role",
    "RuleViolation",
    "Rulebook",
    "Rules",
    "Scores",
    "SearchResults",
    "Session",
    "Sort",
    "Source",
    "SqliteStore",
    "StorageError",
    "Territory",
    "TopUp",
    "Transition",
    "Violation",
    "WorkYear",
    "__version__",
    "allocate",
    "annual_credit",
    "answer_consent",
    "consent_status",
    "credit_career",
    "deadlines",
    "eligibility_violations",
    "enter_dif",
    "explain_annual_credit",
    "funding_violations",
    "hours_credit",
    "is_eligible",
    "lapse_overdue",
    "load_open_data_catalog",
    "load_sample_catalog",
    "locate",
    "plan_funding",
    "recommend",
    "refund_plan",
    "request_consent",
    "review_violations",
    "territory_for_department",
]
