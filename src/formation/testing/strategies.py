"""Public Hypothesis strategies for the entities of ``formation``.

Use them in your own property tests::

    from hypothesis import given
    from formation.testing import strategies as fst

    @given(fst.euros())
    def test_my_app_never_loses_a_cent(amount): ...

Each concept keeps its strategies in a module of its own (``formation.testing._<concept>``);
this module re-exports them.
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.testing._accounts import (
    accounts,
    civic_engagement_years,
    credit_entries,
    holders,
    public_service_years,
    self_employed_years,
    work_years,
)
from formation.testing._bookings import booking_statuses, bookings, paris_instants, proposals
from formation.testing._calendar import (
    business_calendars,
    calendar_days,
    day_kinds,
    department_codes,
    territories,
)
from formation.testing._catalog import (
    catalogs,
    certifications,
    modalities,
    offer_options,
    offers,
    organisms,
    places,
    qualiopi_certifications,
    registries,
    sessions,
    sirets,
)
from formation.testing._choices import (
    any_choices,
    choices,
    option_groups,
    personalisable_offers,
    picks,
    valid_choices,
)
from formation.testing._consent import consent_requests
from formation.testing._funding import (
    FundingSituation,
    funding_days,
    funding_situations,
    options,
    prices,
    top_ups,
)
from formation.testing._learning import learning_resources, resource_formacodes, resource_words
from formation.testing._reviews import (
    aware_instants,
    folder_views,
    needs,
    periods,
    points,
    rating_summaries,
    review_scores,
    reviews,
)
from formation.testing._search import nears, queries, query_words

__all__ = [
    "FundingSituation",
    "accounts",
    "action_types",
    "any_choices",
    "aware_instants",
    "booking_statuses",
    "bookings",
    "business_calendars",
    "calendar_days",
    "catalogs",
    "certifications",
    "choices",
    "civic_engagement_years",
    "consent_requests",
    "credit_entries",
    "day_kinds",
    "days",
    "department_codes",
    "euros",
    "folder_views",
    "funders",
    "funding_days",
    "funding_situations",
    "holders",
    "learning_resources",
    "modalities",
    "nears",
    "needs",
    "offer_options",
    "offers",
    "option_groups",
    "options",
    "organisms",
    "paris_instants",
    "periods",
    "personalisable_offers",
    "picks",
    "places",
    "points",
    "prices",
    "proposals",
    "public_service_years",
    "qualiopi_certifications",
    "queries",
    "query_words",
    "rating_summaries",
    "registries",
    "resource_formacodes",
    "resource_words",
    "review_scores",
    "reviews",
    "self_employed_years",
    "sessions",
    "sirets",
    "territories",
    "top_ups",
    "valid_choices",
    "work_years",
]


def euros(min_cents: int = 0, max_cents: int = 10_000_000) -> st.SearchStrategy[Euros]:
    """Amounts between two bounds in cents (default 0 to 100 000 €)."""
    return st.integers(min_cents, max_cents).map(Euros)


def days(min_value: date = date(2015, 1, 1), max_value: date = date(2030, 12, 31)) -> st.SearchStrategy[date]:
    """Dates (never datetimes) in a range; default the CPF era 2015–2030."""
    return st.dates(min_value=min_value, max_value=max_value)


def funders() -> st.SearchStrategy[Funder]:
    """Any top-up funder."""
    return st.sampled_from(list(Funder))


def action_types() -> st.SearchStrategy[ActionType]:
    """Any kind of training action."""
    return st.sampled_from(list(ActionType))
