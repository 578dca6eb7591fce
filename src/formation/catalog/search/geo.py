"""Distances on the Earth, for the search "near a point within a radius".

The great-circle distance by the haversine formula on a sphere of radius 6 371.0088 km (the
mean Earth radius of the IUGG). Over the distances a holder would travel to a training (up to a
few hundred kilometres) it stays within 0.5 % of the ellipsoidal distance, which is well below
the precision of a town's coordinates.

>>> round(haversine_km(48.8566, 2.3522, 43.2965, 5.3698))  # Paris to Marseille
660
"""

from __future__ import annotations

import math

__all__ = ["EARTH_RADIUS_KM", "haversine_km", "latitude_span_deg", "longitude_span_deg"]

EARTH_RADIUS_KM = 6371.0088
"""The mean Earth radius (IUGG), in kilometres."""

_KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points given in degrees, in kilometres.

    >>> haversine_km(45.0, 5.0, 45.0, 5.0)
    0.0
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2.0
    half_dlambda = math.radians(lon2 - lon1) / 2.0
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def latitude_span_deg(radius_km: float) -> float:
    """How many degrees of latitude a distance of ``radius_km`` spans at most."""
    return radius_km / _KM_PER_DEG


def longitude_span_deg(latitude: float, radius_km: float) -> float:
    """How many degrees of longitude a circle of ``radius_km`` around a point at ``latitude``
    spans at most; 360 when the circle reaches a pole."""
    dlat = latitude_span_deg(radius_km)
    if abs(latitude) + dlat >= 90.0:
        return 360.0
    ratio = math.sin(math.radians(dlat)) / math.cos(math.radians(latitude))
    if ratio >= 1.0:
        return 360.0
    return math.degrees(math.asin(ratio))
