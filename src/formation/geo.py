"""Moved to :mod:`formation.catalog.search.geo`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.catalog.search.geo import (
    EARTH_RADIUS_KM as EARTH_RADIUS_KM,
)
from formation.catalog.search.geo import (
    haversine_km as haversine_km,
)
from formation.catalog.search.geo import (
    latitude_span_deg as latitude_span_deg,
)
from formation.catalog.search.geo import (
    longitude_span_deg as longitude_span_deg,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "haversine_km",
    "latitude_span_deg",
    "longitude_span_deg",
]
