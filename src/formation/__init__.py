"""formation: the French personal training account (CPF) and Mon Compte Formation, in Python.

A framework-free domain library: money in whole cents, the legal rules as dated data, and the
entities and services of the CPF (accounts and their ledger, the catalogue and its search,
funding plans, bookings and their deadlines in business days, reviews). Import it as::

    import formation as fm
"""

from __future__ import annotations

import importlib

from formation import deadlines  # the module, callable as the function (deadlines_of)
from formation.accounts import Account, Balance, BookingFunds
from formation.accrual import (
    CareerYear,
    CivicEngagementYear,
    PublicServiceCredit,
    PublicServiceYear,
    SelfEmployedYear,
    WorkYear,
    annual_credit,
    cec_credit,
    credit_career,
    enter_dif,
    explain_annual_credit,
    hours_credit,
    public_service_credit,
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
from formation.catalog.choices import PricedChoice, choice_violations, price_choice
from formation.catalog.eligibility import eligibility_violations, is_eligible
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Option,
    OptionGroup,
    Organism,
    Pick,
    Place,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.catalog.search import CatalogIndex
from formation.catalog.search.query import Hit, Near, Query, SearchResults, Sort
from formation.consent import (
    ConsentRequest,
    ConsentStatus,
    answer_consent,
    consent_status,
    request_consent,
)
from formation.deadlines import Deadlines, deadlines_of
from formation.demand import (
    BudgetBand,
    DemandEvent,
    DemandKind,
    DemandSettings,
    PricePosition,
    RatingPeriod,
    UnmetDemand,
    budget_band,
    price_position,
    rating_trend,
    unmet_demand,
)
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
from formation.holders import AccountKind, Holder, HolderStatus, Recognition
from formation.learning import LearningResource, ResourceIndex
from formation.ledger import Entry, EntryKind, HoursBalance, Ledger, Source
from formation.matching import (
    Fit,
    Needs,
    Period,
    Point,
    RankingWeights,
    Reason,
    Recommendation,
    Recommendations,
    ResourceMatch,
    locate,
    match_resources,
    recommend,
)
from formation.money import Euros, allocate
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
from formation.rules.funders import Funder, FundingSource
from formation.rules.rulebook import (
    Confidence,
    ParameterDifference,
    ParameterValue,
    Rulebook,
    Rules,
)
from formation.topups import TopUp, TopUpKind

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
    "AccountKind",
    "ActionType",
    "Actor",
    "Balance",
    "Booking",
    "BookingFunds",
    "BookingStatus",
    "BudgetBand",
    "BusinessCalendar",
    "CareerYear",
    "CatalogImport",
    "CatalogIndex",
    "Certification",
    "CivicEngagementYear",
    "Confidence",
    "ConflictError",
    "ConsentRequest",
    "ConsentStatus",
    "Criterion",
    "DayKind",
    "Deadlines",
    "DemandEvent",
    "DemandKind",
    "DemandSettings",
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
    "FundingSource",
    "Hit",
    "Holder",
    "HolderStatus",
    "HoursBalance",
    "InsufficientCredit",
    "InvalidTransition",
    "InvalidType",
    "InvalidValue",
    "LearningResource",
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
    "OptionGroup",
    "Organism",
    "ParameterDifference",
    "ParameterValue",
    "Period",
    "Pick",
    "Place",
    "Point",
    "PricePosition",
    "PricedChoice",
    "Proposal",
    "PublicServiceCredit",
    "PublicServiceYear",
    "QualiopiCertification",
    "Query",
    "RankingWeights",
    "RatingPeriod",
    "RatingPrior",
    "RatingSummary",
    "Reason",
    "Recognition",
    "Recommendation",
    "Recommendations",
    "Refund",
    "RefundLine",
    "Registry",
    "RejectedRow",
    "ResourceIndex",
    "ResourceMatch",
    "Review",
    "ReviewBook",
    "Role",
    "RuleViolation",
    "Rulebook",
    "Rules",
    "Scores",
    "SearchResults",
    "SelfEmployedYear",
    "Session",
    "Sort",
    "Source",
    "SqliteStore",
    "StorageError",
    "Territory",
    "TopUp",
    "TopUpKind",
    "Transition",
    "UnmetDemand",
    "Violation",
    "WorkYear",
    "__version__",
    "allocate",
    "annual_credit",
    "answer_consent",
    "budget_band",
    "cec_credit",
    "choice_violations",
    "consent_status",
    "credit_career",
    "deadlines",
    "deadlines_of",
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
    "match_resources",
    "plan_funding",
    "price_choice",
    "price_position",
    "public_service_credit",
    "rating_trend",
    "recommend",
    "refund_plan",
    "request_consent",
    "review_violations",
    "territory_for_department",
    "unmet_demand",
]
