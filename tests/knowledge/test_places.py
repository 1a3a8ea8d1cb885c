"""Centres and gazetteer data: complete, sourced, unknown kept unknown, and validated against each other."""

from __future__ import annotations

import copy
import functools
from datetime import date
from typing import Any

import pytest
import yaml

from knowledge.places import (
    CENTRE_IDS,
    CENTRES_FILE,
    GAZETTEER_FILE,
    PlaceDataError,
    load_centres,
    load_gazetteer,
    parse_centres,
    parse_gazetteer,
    place_names,
    validate,
)
from nlu.normalise import fold

SERVED = {
    "eordaia": "kk-eordaia",
    "kozani": "kk-kozani",
    "voio": "kk-voio",
    "servia": "kk-servia",
    "grevena": "kk-grevena",
    "deskati": "kk-deskati",
    "kastoria": "kk-kastoria",
    "nestorio": "unit-nestorio",
    "argos-orestiko": "kk-argos-orestiko",
    "florina": "kk-florina",
    "amyntaio": "kk-amyntaio",
    "prespes": "unit-prespes",
}


@functools.cache
def _parsed(path: Any) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _raw(path: Any) -> dict[str, Any]:
    return copy.deepcopy(_parsed(path))


def test_all_fifteen_places_of_service_with_their_kind_and_parent() -> None:
    centres = {c.id: c for c in load_centres()}
    assert set(centres) == set(CENTRE_IDS)
    assert {c.id for c in centres.values() if c.kind == "centre"} == {i for i in CENTRE_IDS if i.startswith("kk-")}
    parents = {c.id: c.parent for c in centres.values() if c.kind != "centre"}
    assert parents == {
        "annex-roma-eordaia": "kk-eordaia",
        "annex-roma-kastoria": "kk-kastoria",
        "annex-roma-florina": "kk-florina",
        "unit-nestorio": "kk-kastoria",
        "unit-prespes": "kk-florina",
    }
    assert centres["unit-nestorio"].town.name.el == "Νεστόριο"
    assert centres["unit-prespes"].town.name.el == "Λαιμός"
    # Annexes have no location of their own in the facts: they sit at the parent's town, and say so.
    for annex in ("annex-roma-eordaia", "annex-roma-kastoria", "annex-roma-florina"):
        parent = centres[centres[annex].parent or ""]
        assert (centres[annex].town.lat, centres[annex].town.lon) == (parent.town.lat, parent.town.lon)
        assert centres[annex].town.note


def test_unknown_facts_stay_unknown_and_the_one_phone_is_marked_uncertain() -> None:
    centres = {c.id: c for c in load_centres()}
    assert all(c.hours is None and c.email is None for c in centres.values())  # none found for any centre
    with_phone = {cid for cid, c in centres.items() if c.phone is not None}
    assert with_phone == {"kk-servia"}
    phone = centres["kk-servia"].phone
    assert phone is not None
    assert (phone.value.el, phone.uncertain, phone.as_of) == ("2464500561", True, 2021)
    # the facts give kozanilife.gr's address cut short: the same notice on mikrovalto.gr is the link
    assert phone.source == "http://mikrovalto.gr/" and phone.checked == date(2026, 11, 25)
    assert {cid for cid, c in centres.items() if c.address is not None} == {"unit-prespes"}


def test_related_contacts_are_labelled_as_not_the_centres_own() -> None:
    centres = {c.id: c for c in load_centres()}
    numbers = {cid: {rc.phone for rc in c.related_contacts} for cid, c in centres.items()}
    assert "2385044511" in numbers["kk-florina"]
    assert "2386350116" in numbers["kk-amyntaio"]
    assert "2463053154" in numbers["kk-eordaia"]
    assert "2465350100" in numbers["kk-voio"]
    for c in centres.values():
        for rc in c.related_contacts:
            assert "όχι του Κέντρου Κοινότητας" in rc.label.el and "not the Community Centre" in rc.label.en
            assert rc.source and rc.checked == date(2026, 11, 25)
            assert c.phone is None or rc.phone != c.phone.value.el


def test_every_fact_and_coordinate_has_a_source_and_a_check_date() -> None:
    for c in load_centres():
        assert c.town.source and c.town.checked == date(2026, 11, 25)
        for fact in (c.address, c.phone, c.email, c.hours):
            assert fact is None or (fact.source and fact.checked == date(2026, 11, 25))
    g = load_gazetteer()
    for s in g.settlements:
        assert (s.lat is None) == (s.lon is None) == (s.coord_source is None)


def test_gazetteer_municipalities_centres_and_velventos() -> None:
    g = load_gazetteer()
    assert {m.id: m.centre_id for m in g.municipalities} == {**SERVED, "velventos": None}
    assert g.municipality("argos-orestiko").alt_names == ("Δήμος Ορεστίδος",)
    assert g.municipality("voio").seat == "Σιάτιστα"
    # ΔΕ Βελβεντού of ΕΛΣΤΑΤ's 2011 list (then in Δήμος Σερβίων-Βελβεντού) is Δήμος Βελβεντού since 2019
    assert next(s.name for s in g.municipality("velventos").settlements) == "Βελβεντός"
    assert {s.unit_id for s in g.municipality("velventos").settlements} == {"velventos:velventos"}
    # every municipality's seat is one of its settlements
    for m in g.municipalities:
        assert m.seat in {s.name for s in m.settlements}, m.id


def test_settlements_named_in_the_facts_with_coordinates_only_where_given() -> None:
    g = load_gazetteer()
    siatista = g.settlement("siatista")
    assert (siatista.lat, siatista.lon) == (40.26194, 21.54417)
    assert siatista.coord_source is not None and "geodata" not in siatista.coord_source  # the facts' own
    # the facts found none for Νεάπολη: ΕΛΣΤΑΤ's settlement point fills it, and says so
    neapoli = g.settlement("neapoli")
    assert neapoli.lat is not None and "geodata.gov.gr" in (neapoli.coord_source or "")
    assert g.settlement("karpero").municipality_id == "deskati"
    names = {s.name for s in g.settlements}
    for name in ("Ψαράδες", "Διποταμία", "Κωσταράζι", "Ξινό Νερό", "Νέα Τραπεζούντα", "Πλατανόρευμα", "Τρανόβαλτο"):
        assert name in names
    assert len(g.settlements) > 150
    for s in g.settlements:
        assert s.latin, s.name  # at least one Latin spelling each


def test_pentavrysos_is_marked_ambiguous_in_both_municipalities() -> None:
    g = load_gazetteer()
    both = g.settlements_named("Πεντάβρυσος")
    assert {s.municipality_id for s in both} == {"eordaia", "kastoria"}
    assert all(s.ambiguous for s in both)
    # ambiguous = the same name in another municipality, for every settlement
    municipalities_of: dict[str, set[str]] = {}
    for s in g.settlements:
        municipalities_of.setdefault(fold(s.name), set()).add(s.municipality_id)
    for s in g.settlements:
        assert s.ambiguous == (len(municipalities_of[fold(s.name)]) > 1), s.name


def test_place_names_group_one_name_with_all_it_can_mean() -> None:
    groups = {p.canonical: p for p in place_names(load_gazetteer(), fold)}
    kozani = groups["Κοζάνη"]
    assert {t.kind for t in kozani.targets} == {"settlement", "municipality", "unit", "regional_unit"}
    assert {t.municipality_id for t in kozani.targets if t.kind != "regional_unit"} == {"kozani"}
    ru = {t.municipality_id for t in kozani.targets if t.kind == "regional_unit"}
    assert ru == {"kozani", "eordaia", "voio", "servia", "velventos"}
    assert set(groups["Πεντάβρυσος"].municipality_ids) == {"eordaia", "kastoria"}
    assert "Ορεστίδα" in groups["Άργος Ορεστικό"].names
    assert groups["Καρδιά"].common_word and not groups["Σιάτιστα"].common_word
    # a saint's name: the municipal units are never matched; the villages (ΕΛΣΤΑΤ) only with a place cue
    agia = groups["Αγία Παρασκευή"]
    assert agia.common_word and {t.kind for t in agia.targets} == {"settlement"}


def _load_both() -> tuple[dict[str, Any], dict[str, Any]]:
    return copy.deepcopy(_raw(CENTRES_FILE)), copy.deepcopy(_raw(GAZETTEER_FILE))


def test_validation_rejects_an_unknown_centre_id_in_the_gazetteer() -> None:
    _, gaz = _load_both()
    gaz["municipalities"][0]["centre"] = "kk-atlantis"
    with pytest.raises(PlaceDataError, match="unknown centre id 'kk-atlantis'"):
        parse_gazetteer(gaz)


def test_validation_rejects_a_centre_serving_a_missing_municipality() -> None:
    cen, gaz = _load_both()
    cen["centres"][0]["municipalities"] = ["atlantis"]
    with pytest.raises(PlaceDataError, match="unknown municipality 'atlantis'"):
        validate(parse_centres(cen), parse_gazetteer(gaz))


def test_validation_rejects_a_missing_centre_and_disagreeing_files() -> None:
    cen, gaz = _load_both()
    del cen["centres"][-1]
    with pytest.raises(PlaceDataError, match="unit-prespes"):
        validate(parse_centres(cen), parse_gazetteer(gaz))
    cen, gaz = _load_both()
    for m in gaz["municipalities"]:
        if m["id"] == "nestorio":
            m["centre"] = "kk-kastoria"
    with pytest.raises(PlaceDataError, match="nestorio"):
        validate(parse_centres(cen), parse_gazetteer(gaz))


def test_validation_rejects_a_fact_without_a_source() -> None:
    cen, _ = _load_both()
    cen["centres"][0]["phone"] = {"value": "2461000000"}
    with pytest.raises(PlaceDataError, match="kk-kozani phone"):
        parse_centres(cen)
