"""Moved to :mod:`formation.catalog.search._postings`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.catalog.search._postings import (
    BLOCK as BLOCK,
)
from formation.catalog.search._postings import (
    CELL_DEG as CELL_DEG,
)
from formation.catalog.search._postings import (
    SortedPosting as SortedPosting,
)
from formation.catalog.search._postings import (
    cell_of as cell_of,
)
from formation.catalog.search._postings import (
    cells_near as cells_near,
)
from formation.catalog.search._postings import (
    split_by_code as split_by_code,
)

__all__ = [
    "BLOCK",
    "CELL_DEG",
    "SortedPosting",
    "cell_of",
    "cells_near",
    "split_by_code",
]
