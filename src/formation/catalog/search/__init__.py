"""The catalogue search: what a holder asks (:mod:`formation.catalog.search.query`), the index
that answers (:class:`CatalogIndex`, in :mod:`formation.catalog.search.index`), the plain search
that specifies the answers (:mod:`formation.catalog.search.reference`), and distances on the
Earth (:mod:`formation.catalog.search.geo`).

The sorted postings and the parts of the index (``_postings``, ``_layout``, ``_store``) are
private to the package. Source: ``cpf-rules.md`` section 10.
"""

from __future__ import annotations

from formation.catalog.search.index import CatalogIndex as CatalogIndex
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
    "CatalogIndex",
    "FACETS",
    "Hit",
    "Near",
    "PRICE_BANDS",
    "Query",
    "SearchResults",
    "Sort",
]
