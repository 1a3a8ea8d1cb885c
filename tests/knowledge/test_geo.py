"""Distances and "where is this location" against the gazetteer."""

from __future__ import annotations

import pytest

from knowledge.geo import REGION_RADIUS_KM, haversine_km, nearest_settlement
from knowledge.places import load_gazetteer


def test_haversine_known_distances() -> None:
    assert haversine_km(40.0, 21.0, 40.0, 21.0) == 0.0
    # one degree of latitude is about 111.2 km everywhere
    assert haversine_km(40.0, 21.0, 41.0, 21.0) == pytest.approx(111.2, abs=0.1)
    # Κοζάνη - Πτολεμαΐδα, from the facts' coordinates: about 25 km as the crow flies
    d = haversine_km(40.30069, 21.78896, 40.51472, 21.67861)
    assert 24.0 < d < 27.0
    assert d == pytest.approx(haversine_km(40.51472, 21.67861, 40.30069, 21.78896))


def test_nearest_settlement_inside_the_region() -> None:
    g = load_gazetteer()
    hit = nearest_settlement(g, 40.305, 21.795)  # a street in Κοζάνη
    assert hit is not None
    settlement, km = hit
    assert settlement.name == "Κοζάνη" and km < 1.0
    hit = nearest_settlement(g, 40.84, 21.15)  # by Λαιμός, Πρέσπες
    assert hit is not None and hit[0].municipality_id == "prespes" and hit[1] < 2.0


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(37.9838, 23.7275), (40.6401, 22.9444), (39.6390, 22.4191), (39.2, 24.5), (0.0, 0.0), (91.0, 21.0)],
    ids=["athens", "thessaloniki", "larissa", "aegean-sea", "null-island", "invalid"],
)
def test_outside_the_region_is_none(lat: float, lon: float) -> None:
    assert nearest_settlement(load_gazetteer(), lat, lon) is None


def test_the_region_radius_is_the_cut_off() -> None:
    g = load_gazetteer()
    # due south of Δεσκάτη, the southernmost known settlement: 0.2° of latitude is ~22 km, 0.3° ~33 km
    assert nearest_settlement(g, 39.92422 - 0.2, 21.81031) is not None
    assert nearest_settlement(g, 39.92422 - 0.3, 21.81031) is None
    assert REGION_RADIUS_KM == 25.0
