"""Hypothesis strategies for searches: points with a radius, and queries.

The value pools are small on purpose (a few words of the catalogue strategies' titles, a few
regions, Formacodes and round prices), so that random queries over random catalogues from
:func:`formation.testing.strategies.catalogs` match something and have ties to break.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from hypothesis import strategies as st

from formation.catalog.offers import Modality, Registry
from formation.catalog.search.query import FACETS, Near, Query, Sort
from formation.money import Euros
from formation.rules.actions import ActionType

__all__ = ["nears", "queries", "query_words"]

_QUERY_WORDS = ("anglais", "Comptabilité", "comptabilite", "compta", "excel", "Python",
                "permis b", "bilan", "niveau", "b1", "debutant", "gestion paie", "oeuvre",
                "l ete", "caces", "management", "equipe", "toeic", "tosa", "tp", "pat", "a", "e")
T = TypeVar("T")
_REGIONS = ("11", "84", "93", "76", "04", "94", "53")
_DEPARTMENTS = ("75", "69", "06", "13", "974", "2A", "35", "31")
_FORMACODES = ("15234", "15235", "70322", "31054", "32663", "31812", "44591", "15081", "99999")


def query_words() -> st.SearchStrategy[str]:
    """Search texts: words and beginnings of words of the catalogue strategies' titles."""
    return st.lists(st.sampled_from(_QUERY_WORDS), min_size=1, max_size=2).map(" ".join)


def nears() -> st.SearchStrategy[Near]:
    """A point in or near metropolitan France or a DROM, with a radius of 1 to 1 000 km."""
    return st.builds(
        Near,
        st.floats(-22.0, 52.0, allow_nan=False),
        st.floats(-62.0, 56.0, allow_nan=False),
        st.sampled_from((1.0, 25.0, 50.0, 150.0, 1000.0)) | st.floats(0.5, 2000.0),
    )


def _days() -> st.SearchStrategy[date | None]:
    return st.none() | st.dates(date(2024, 6, 1), date(2029, 12, 31))


def _amount() -> st.SearchStrategy[Euros | None]:
    return st.none() | st.sampled_from((0, 8000, 50000, 129000, 150000, 249000, 500000)).map(
        Euros) | st.integers(0, 2_000_000).map(Euros)


@st.composite
def queries(draw: st.DrawFn, max_page: int = 3) -> Query:
    """Valid queries over every field; bounds come in order, ``DISTANCE`` comes with ``near``.

    Args:
        max_page: the highest page drawn (page sizes are 1 to 100, mostly small).
    """
    low_day, high_day = sorted(draw(_days()) or date.min for _ in range(2))
    start_from = None if low_day == date.min or draw(st.booleans()) else low_day
    start_until = None if high_day == date.min or draw(st.booleans()) else high_day
    prices = sorted((draw(_amount()) for _ in range(2)), key=lambda e: -1 if e is None else e.cents)
    hours = sorted(draw(st.none() | st.integers(0, 1300)) or 0 for _ in range(2))
    near = draw(nears()) if draw(st.integers(0, 3)) == 0 else None
    sorts = list(Sort) if near is not None else [s for s in Sort if s is not Sort.DISTANCE]
    def some(strategy: st.SearchStrategy[T], empty: T) -> T:
        # each filter is present one time in three, so that queries still match something
        return draw(strategy) if draw(st.integers(0, 2)) == 0 else empty

    return Query(
        text=some(query_words(), None),
        regions=some(st.lists(st.sampled_from(_REGIONS), min_size=1, max_size=2, unique=True)
                     .map(tuple), ()),
        departments=some(st.lists(st.sampled_from(_DEPARTMENTS), min_size=1, max_size=3,
                                  unique=True).map(tuple), ()),
        near=near,
        start_from=start_from,
        start_until=start_until,
        price_min=prices[0] if draw(st.integers(0, 2)) == 0 else None,
        price_max=prices[1] if draw(st.integers(0, 2)) == 0 else None,
        duration_min=hours[0] if draw(st.integers(0, 3)) == 0 else None,
        duration_max=hours[1] if draw(st.integers(0, 3)) == 0 else None,
        formacodes=some(st.lists(st.sampled_from(_FORMACODES), min_size=1, max_size=3,
                                 unique=True).map(tuple), ()),
        modalities=some(st.lists(st.sampled_from(list(Modality)), min_size=1, max_size=2,
                                 unique=True).map(tuple), ()),
        registries=some(st.lists(st.sampled_from(list(Registry)), min_size=1, max_size=1)
                        .map(tuple), ()),
        min_rating=some(st.sampled_from((1.0, 3.5, 4.0, 4.5, 5.0)), None),
        action_types=some(st.lists(st.sampled_from(list(ActionType)), min_size=1, max_size=4,
                                   unique=True).map(tuple), ()),
        eligible_only=draw(st.integers(0, 4)) == 0,
        sort=draw(st.sampled_from(sorts)),
        page=draw(st.integers(1, max_page)),
        page_size=draw(st.sampled_from((1, 2, 3, 5, 20, 100))),
        facets=tuple(draw(st.lists(st.sampled_from(FACETS), max_size=5, unique=True))),
    )
