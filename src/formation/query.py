"""Moved to :mod:`formation.catalog.search.query`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.catalog.search.query import (
    FACETS as FACETS,
)
from formation.catalog.search.query import (
    PRICE_BANDS as PRICE_BANDS,
)
from formation.catalog.search.query import (
    Hit as Hit,
)
from formation.catalog.search.query import (
    Near as Near,
)
from formation.catalog.search.query import (
    Query as Query,
)
from formation.catalog.search.query import (
    SearchResults as SearchResults,
)
from formation.catalog.search.query import (
    Sort as Sort,
)

__all__ = [
    "FACETS",
    "Hit",
    "Near",
    "PRICE_BANDS",
    "Query",
    "SearchResults",
    "Sort",
]
