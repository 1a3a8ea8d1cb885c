"""Distances on the Earth and "where is this location" against the gazetteer.

Only settlements whose coordinates the facts give take part, so a point is placed by the nearest
*known* settlement. The region check is deliberately simple: farther than `REGION_RADIUS_KM` from
every known settlement means "outside the region" (Athens, the sea), with no polygon to maintain.
"""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

from knowledge.places import Gazetteer, Settlement

__all__ = ["EARTH_RADIUS_KM", "REGION_RADIUS_KM", "haversine_km", "nearest_settlement"]

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
# About the distance from a town to the farthest villages it serves: enough to cover the region
# between the known settlements, small enough to exclude Thessaloniki, Larissa or the Aegean.
REGION_RADIUS_KM = 25.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in decimal degrees."""
    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lon2 - lon1)
    h = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def nearest_settlement(
    gazetteer: Gazetteer, lat: float, lon: float, max_km: float = REGION_RADIUS_KM
) -> tuple[Settlement, float] | None:
    """The nearest settlement with known coordinates and its distance in km; None outside the region."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    best: tuple[Settlement, float] | None = None
    for s in gazetteer.located_settlements():
        assert s.lat is not None and s.lon is not None  # located_settlements() guarantees it
        km = haversine_km(lat, lon, s.lat, s.lon)
        if best is None or km < best[1]:
            best = (s, km)
    if best is None or best[1] > max_km:
        return None
    return best
