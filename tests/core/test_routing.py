"""Routing a citizen to a centre from a typed place or a shared location."""

from __future__ import annotations

from typing import Any

import pytest

from core.routing import Router, RouteResult
from knowledge.places import Settlement, load_gazetteer

GAZ = load_gazetteer()
# Every settlement of the 12 served municipalities whose name is unique in the region (a shared name, such as
# Πεντάβρυσος, is tested apart) and matched in messages (not Κέντρο: "κοντά στο κέντρο" is the Centre).
ROUTABLE: list[Settlement] = [
    s for m in GAZ.municipalities if m.centre_id is not None for s in m.settlements if not s.ambiguous and s.match
]


@pytest.fixture(scope="module")
def router() -> Router:
    return Router.default()


def _centre(s: Settlement) -> str:
    centre = GAZ.municipality(s.municipality_id).centre_id
    assert centre is not None
    return centre


def _without_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _variants(s: Settlement) -> list[str]:
    latin = s.latin[0]
    return [
        s.name,
        _without_accents(s.name),
        s.name.upper(),
        latin,
        latin.lower(),
        f"μένω στη {s.name}",
        f"μένω στο {_without_accents(s.name).lower()}",
        f"apo {latin}",
        f"eimai apo {latin.lower()}",
        f"Καλημέρα, είμαι από {s.name} και θέλω ραντεβού",
    ]


@pytest.mark.parametrize("settlement", ROUTABLE, ids=[s.id for s in ROUTABLE])
def test_every_settlement_routes_to_its_centre(router: Router, settlement: Settlement) -> None:
    for text in _variants(settlement):
        result = router.route_text(text)
        assert (result.centre_id, result.municipality_id) == (_centre(settlement), settlement.municipality_id), text
        assert result.place is not None


def test_every_latin_spelling_routes(router: Router) -> None:
    for s in ROUTABLE:
        for latin in s.latin:
            assert router.route_text(latin).centre_id == _centre(s), latin


def test_every_settlement_and_centre_is_covered() -> None:
    assert len(ROUTABLE) > 150
    assert {_centre(s) for s in ROUTABLE} == {
        "kk-kozani",
        "kk-eordaia",
        "kk-voio",
        "kk-servia",
        "kk-grevena",
        "kk-deskati",
        "kk-kastoria",
        "kk-argos-orestiko",
        "kk-florina",
        "kk-amyntaio",
        "unit-nestorio",
        "unit-prespes",
    }


@pytest.mark.parametrize(
    ("text", "centre", "place"),
    [
        ("μένω στη Σιατιστα", "kk-voio", "Σιάτιστα"),
        ("apo ptolemaida", "kk-eordaia", "Πτολεμαΐδα"),
        ("Δήμος Εορδαίας", "kk-eordaia", "Εορδαία"),
        ("Εορδαία", "kk-eordaia", "Εορδαία"),
        ("μένω στον δήμο Βοΐου", "kk-voio", "Βόιο"),
        ("Πρέσπες", "unit-prespes", "Πρέσπες"),
        ("Ψαράδες Πρεσπών", "unit-prespes", "Ψαράδες"),
        ("Νεστόριο", "unit-nestorio", "Νεστόριο"),
        ("Δήμος Ορεστίδος", "kk-argos-orestiko", "Άργος Ορεστικό"),
        ("Ελλήσποντος", "kk-kozani", "Ελλήσποντος"),
        ("Κοζάνης", "kk-kozani", "Κοζάνη"),
        ("Πεντάβρυσος Καστοριάς", "kk-kastoria", "Πεντάβρυσος"),
        ("Πεντάβρυσος Πτολεμαΐδας", "kk-eordaia", "Πεντάβρυσος"),
        ("Σαμαρίνα", "kk-grevena", "Σαμαρίνα"),
        ("μένω στον Λαιμό", "unit-prespes", "Λαιμός"),
    ],
)
def test_places_and_municipalities(router: Router, text: str, centre: str, place: str) -> None:
    result = router.route_text(text)
    assert (result.centre_id, result.place) == (centre, place)


def test_ambiguous_name_gives_no_centre_but_the_candidates(router: Router) -> None:
    result = router.route_text("μένω στην Πεντάβρυσο")
    assert result.centre_id is None and result.ambiguous
    assert result.candidates == ["kk-eordaia", "kk-kastoria"]
    assert result.candidate_municipalities == ["eordaia", "kastoria"]
    assert result.place == "Πεντάβρυσος"


def test_two_places_in_different_municipalities_are_ambiguous(router: Router) -> None:
    result = router.route_text("μένω στην Κοζάνη αλλά δουλεύω στη Φλώρινα")
    assert result.centre_id is None and result.candidates == ["kk-florina", "kk-kozani"]


@pytest.mark.parametrize("text", ["Βελβεντός", "μένω στο Βελβεντό", "Δήμος Βελβεντού", "Velvento"])
def test_velventos_has_no_known_centre_but_a_municipality(router: Router, text: str) -> None:
    result = router.route_text(text)
    assert (result.centre_id, result.municipality_id, result.place) == (None, "velventos", "Βελβεντός")
    assert result.candidates == []


@pytest.mark.parametrize(
    "text",
    [
        "μένω στην Αθήνα",
        "Θεσσαλονίκη",
        "apo Larisa",
        "θέλω ραντεβού",
        "καλημέρα",
        "επίδομα παιδιών",
        "πονάει ο λαιμός μου",
        "είναι η πρώτη φορά",
        "",
        "   ",
        "12345",
        "Ζωγράφου",
        "Παλλήνη",
    ],
)
def test_unknown_places_and_plain_sentences_give_no_centre(router: Router, text: str) -> None:
    result = router.route_text(text)
    assert result == RouteResult(text=text, centre_id=None, place=None, municipality_id=None)


def test_as_json_is_what_the_route_command_prints(router: Router) -> None:
    assert router.route_text("Siatista").as_json() == {"text": "Siatista", "centre_id": "kk-voio", "place": "Σιάτιστα"}
    assert router.route_text("Atlantis").as_json() == {"text": "Atlantis", "centre_id": None, "place": None}


def test_locations_near_each_town_route_to_its_centre(router: Router) -> None:
    for m in GAZ.municipalities:
        seat = next(s for s in m.settlements if s.name == m.seat)
        if seat.lat is None or seat.lon is None:
            continue
        result = router.route_location(seat.lat + 0.01, seat.lon - 0.01)  # ~1.4 km away
        assert result is not None, m.id
        assert (result.centre_id, result.municipality_id) == (m.centre_id, m.id)
        assert result.place in {s.name for s in m.settlements}
        assert result.distance_km is not None and result.distance_km < 2


def test_every_centre_town_routes_back_to_a_centre_of_that_municipality(router: Router) -> None:
    for centre in router.centres.values():
        result = router.route_location(centre.town.lat, centre.town.lon)
        assert result is not None and result.municipality_id in centre.municipalities


@pytest.mark.parametrize(
    ("lat", "lon"), [(37.9838, 23.7275), (39.2, 24.5), (40.6401, 22.9444)], ids=["athens", "aegean-sea", "thessaloniki"]
)
def test_locations_outside_the_region_are_none(router: Router, lat: float, lon: float) -> None:
    assert router.route_location(lat, lon) is None


def test_roma_annexes_are_offered_not_routed(router: Router) -> None:
    assert router.annexes_for("eordaia") == ["annex-roma-eordaia"]
    assert router.annexes_for("kastoria") == ["annex-roma-kastoria"]
    assert router.annexes_for("florina") == ["annex-roma-florina"]
    assert router.annexes_for("kozani") == []
    assert router.annexes_for("nestorio") == []
    assert router.route_text("Πτολεμαΐδα").centre_id == "kk-eordaia"


def test_default_router_is_cached() -> None:
    assert Router.default() is Router.default()


@pytest.mark.parametrize(
    "text",
    [
        "Σέρβια Κοζάνης",
        "servia kozanis",
        "ΣΕΡΒΙΑ ΚΟΖΑΝΗΣ",
        "Σερβια νομου Κοζανης",
        "μένω στα Σέρβια Κοζάνης",
        "Servia Kozanhs",
        "σερβια ν. κοζανης",
    ],
)
def test_a_village_with_its_regional_unit_in_every_spelling(router: Router, text: str) -> None:
    result = router.route_text(text)
    assert (result.centre_id, result.municipality_id, result.place) == ("kk-servia", "servia", "Σέρβια"), text


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("Λευκόβρυση Κοζάνης", "kozani"),
        ("lefkovrisi kozanis", "kozani"),
        ("Πεντάβρυσος Καστοριάς", "kastoria"),
        ("Ανατολικό Εορδαίας", "eordaia"),
        ("Αγία Κυριακή Δήμου Κοζάνης", "kozani"),
        ("Αγία Κυριακή Βελβεντού", "velventos"),
        ("Ψαράδες Φλώρινας", "prespes"),
        ("Δοτσικό Γρεβενών", "grevena"),
    ],
)
def test_the_regional_unit_or_municipality_settles_which_village(router: Router, text: str, municipality: str) -> None:
    assert router.route_text(text).municipality_id == municipality, text


def test_a_name_twice_in_one_regional_unit_stays_a_question(router: Router) -> None:
    result = router.route_text("Ανατολικό Κοζάνης")  # one in Εορδαία, one in Κοζάνη: both in ΠΕ Κοζάνης
    assert result.centre_id is None and result.candidate_municipalities == ["eordaia", "kozani"]


def test_a_town_named_alone_is_never_its_whole_regional_unit(router: Router) -> None:
    assert router.route_text("Κοζάνης").municipality_id == "kozani"
    assert router.route_text("Φλώρινα").municipality_id == "florina"
    # two towns: the citizen is asked, the regional unit does not swallow one of them
    result = router.route_text("μένω στην Κοζάνη αλλά δουλεύω στην Πτολεμαΐδα")
    assert result.centre_id is None and set(result.candidate_municipalities) == {"kozani", "eordaia"}


def test_every_elstat_settlement_is_in_the_gazetteer_with_its_municipality() -> None:
    import csv
    from pathlib import Path

    source = Path(__file__).parents[2] / "knowledge" / "data" / "sources" / "elstat-2011-settlements.csv"
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 557
    by_code = {s.elstat: s for s in GAZ.settlements if s.elstat}
    municipality_of = {
        "1401": "kozani",
        "1402": "voio",
        "1403": "eordaia",
        "1404": "servia",
        "1501": "grevena",
        "1502": "deskati",
        "1601": "kastoria",
        "1602": "nestorio",
        "1603": "argos-orestiko",
        "1701": "florina",
        "1702": "amyntaio",
        "1703": "prespes",
    }
    for row in rows:
        s = by_code[row["code"]]
        expected = "velventos" if row["unit_code"] == "140402" else municipality_of[row["municipality_code"]]
        assert s.municipality_id == expected, row["name"]
        assert s.official == row["name"].split(",")[0].strip()
        assert s.latin and s.latin[0].isascii()


def test_the_village_named_like_the_centre_is_never_matched(router: Router) -> None:
    assert router.route_text("Έχει πάρκινγκ κοντά στο κέντρο;").place is None
    assert not next(s for s in GAZ.settlements if s.name == "Κέντρο").match


async def test_the_database_is_the_truth_for_routing(database: Any) -> None:
    from sqlalchemy import select

    from core.models import Centre
    from core.routing import database_routing

    async with database.session() as session:
        serving, annexes = await database_routing(session)
    router = Router.default().with_centres(serving, annexes)
    assert router.route_text("Σιάτιστα").centre_id == "kk-voio"  # the seed, as the database holds it
    assert router.annexes_for("florina") == ["annex-roma-florina"]
    assert router.route_text("Βελβεντός").centre_id is None
    # an admin says Κοζάνη's centre also serves Βελβεντός: routing follows the database, not the YAML
    async with database.session() as session:
        kozani = await session.scalar(select(Centre).where(Centre.id == "kk-kozani"))
        assert kozani is not None
        kozani.municipalities = ["kozani", "velventos"]
        await session.commit()
    async with database.session() as session:
        serving, annexes = await database_routing(session)
    moved = Router.default().with_centres(serving, annexes)
    assert moved.route_text("μένω στον Βελβεντό").centre_id == "kk-kozani"
    assert Router.default().route_text("μένω στον Βελβεντό").centre_id is None  # the shared default is untouched
