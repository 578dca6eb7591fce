"""Strategies for the anonymous log of demand."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from formation.demand import BudgetBand, DemandEvent, DemandKind, DemandSettings

__all__ = ["demand_events", "demand_settings"]

_REGIONS = (None, "11", "84", "93")
_CODES = ("15234", "70322", "31054")


@st.composite
def demand_events(draw: st.DrawFn) -> DemandEvent:
    """Searches and needs over a few regions, Formacodes and months of 2026, with few or many
    results (so that cells fill up and some stay under the threshold)."""
    start = draw(st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2026, 12, 31))))
    return DemandEvent(
        draw(st.sampled_from(list(DemandKind))),
        draw(st.dates(date(2026, 1, 1), date(2026, 3, 31))),
        draw(st.sampled_from((0, 0, 1, 2, 3, 15))),
        region=draw(st.sampled_from(_REGIONS)),
        words=draw(st.sampled_from(("", "anglais", "excel avancé"))),
        formacodes=tuple(draw(st.lists(st.sampled_from(_CODES), max_size=2, unique=True))),
        start_from=start, start_until=start,
        budget=draw(st.one_of(st.none(), st.sampled_from(list(BudgetBand)))))


def demand_settings() -> st.SearchStrategy[DemandSettings]:
    """Thresholds from 1 to 12, unmet at 0 to 3 results."""
    return st.builds(DemandSettings, st.integers(1, 12), st.integers(0, 3))
