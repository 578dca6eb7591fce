"""Moved to :mod:`formation.catalog.search`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.catalog.search import (
    FACETS as FACETS,
)
from formation.catalog.search import (
    PRICE_BANDS as PRICE_BANDS,
)
from formation.catalog.search import (
    CatalogIndex as CatalogIndex,
)
from formation.catalog.search import (
    Hit as Hit,
)
from formation.catalog.search import (
    Near as Near,
)
from formation.catalog.search import (
    Query as Query,
)
from formation.catalog.search import (
    SearchResults as SearchResults,
)
from formation.catalog.search import (
    Sort as Sort,
)

__all__ = [
    "CatalogIndex",
    "FACETS",
    "Hit",
    "Near",
    "PRICE_BANDS",
    "Query",
    "SearchResults",
    "Sort",
]
