"""formation: the French personal training account (CPF) and Mon Compte Formation, in Python.

A framework-free domain library: money in whole cents, the legal rules as dated data, and the
entities and services of the CPF (accounts and their ledger, the catalogue and its search,
funding plans, bookings and their deadlines in business days, reviews). Import it as::

    import formation as fm
"""

from __future__ import annotations

from formation.accounts import Account, Balance, BookingFunds
from formation.accrual import (
    WorkYear,
    annual_credit,
    credit_career,
    enter_dif,
    explain_annual_credit,
    hours_credit,
)
from formation.actions import ActionType
from formation.business_days import BusinessCalendar, DayKind
from formation.catalog import (
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
from formation.errors import (
    ConflictError,
    DuplicateEntry,
    FormationError,
    InsufficientCredit,
    InvalidTransition,
    InvalidValue,
    NotAuthorized,
    NotFound,
    RuleViolation,
    Violation,
)
from formation.funders import Funder
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
from formation.money import Euros, allocate
from formation.refunds import Ending, Refund, RefundLine, refund_plan
from formation.rulebook import Confidence, ParameterValue, Rulebook, Rules
from formation.territories import Territory, territory_for_department
from formation.topups import TopUp

__version__ = "0.1.0"

__all__ = [
    "Account",
    "ActionType",
    "Balance",
    "BookingFunds",
    "BusinessCalendar",
    "Certification",
    "Confidence",
    "ConflictError",
    "DayKind",
    "DuplicateEntry",
    "Ending",
    "Entry",
    "EntryKind",
    "Euros",
    "Exemption",
    "FormationError",
    "Funder",
    "FundingLine",
    "FundingPlan",
    "Holder",
    "HolderStatus",
    "HoursBalance",
    "InsufficientCredit",
    "InvalidTransition",
    "InvalidValue",
    "Ledger",
    "LineKind",
    "Modality",
    "NotAuthorized",
    "NotFound",
    "Offer",
    "Option",
    "Organism",
    "ParameterValue",
    "Place",
    "QualiopiCertification",
    "Recognition",
    "Refund",
    "RefundLine",
    "Registry",
    "RuleViolation",
    "Rulebook",
    "Rules",
    "Session",
    "Source",
    "Territory",
    "TopUp",
    "Violation",
    "WorkYear",
    "__version__",
    "allocate",
    "annual_credit",
    "credit_career",
    "enter_dif",
    "explain_annual_credit",
    "funding_violations",
    "hours_credit",
    "plan_funding",
    "refund_plan",
    "territory_for_department",
]
