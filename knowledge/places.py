"""Centres and gazetteer: typed, validated views of `data/centres.yaml` and `data/gazetteer.yaml` (the types are in
knowledge/place_model.py and re-exported here).

Both files are seed data taken only from the sourced facts; a missing fact is `None`, never a guess.
Loading validates the two files against each other (every centre id and municipality id must exist
and agree), so a typo in the data fails loudly at start-up rather than misrouting a citizen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.place_model import (
    CENTRE_IDS,
    CentreInfo,
    Contact,
    Fact,
    Gazetteer,
    Localized,
    Municipality,
    MunicipalUnit,
    PlaceDataError,
    PlaceName,
    PlaceTarget,
    Point,
    RegionalUnit,
    Settlement,
    Town,
    place_names,
)

__all__ = [
    "CENTRE_IDS",
    "CentreInfo",
    "Contact",
    "Fact",
    "Gazetteer",
    "Localized",
    "MunicipalUnit",
    "Municipality",
    "PlaceDataError",
    "PlaceName",
    "PlaceTarget",
    "RegionalUnit",
    "Settlement",
    "Town",
    "load_centres",
    "load_gazetteer",
    "place_names",
]

DATA_DIR = Path(__file__).parent / "data"
CENTRES_FILE = DATA_DIR / "centres.yaml"
GAZETTEER_FILE = DATA_DIR / "gazetteer.yaml"

_KINDS: tuple[str, ...] = ("centre", "roma_annex", "regional_unit")


# ---------------------------------------------------------------------------------------------- parsing


def _day(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise PlaceDataError(f"{where}: 'checked' must be a date like 2026-11-25, not {value!r}") from exc


def _text(value: object, where: str) -> Localized:
    if isinstance(value, Mapping):
        if "el" not in value:
            raise PlaceDataError(f"{where}: a text needs at least 'el'")
        return Localized(el=str(value["el"]), en=str(value.get("en", value["el"])))
    return Localized(el=str(value), en=str(value))


def _fact(raw: Any, where: str) -> Fact | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or "value" not in raw or "source" not in raw:
        raise PlaceDataError(f"{where}: a fact needs 'value', 'source' and 'checked' (or null if unknown)")
    return Fact(
        value=_text(raw["value"], where),
        source=str(raw["source"]),
        checked=_day(raw.get("checked"), where),
        uncertain=bool(raw.get("uncertain", False)),
        as_of=raw.get("as_of"),
    )


def _contact(raw: Mapping[str, Any], where: str) -> Contact:
    if "source" not in raw or "phone" not in raw:
        raise PlaceDataError(f"{where}: a related contact needs 'label', 'phone', 'source' and 'checked'")
    return Contact(
        label=_text(raw["label"], where),
        phone=str(raw["phone"]),
        hours=_text(raw["hours"], where) if raw.get("hours") is not None else None,
        source=str(raw["source"]),
        checked=_day(raw.get("checked"), where),
        uncertain=bool(raw.get("uncertain", False)),
        as_of=raw.get("as_of"),
        source_note=raw.get("source_note"),
    )


def _point(raw: Any, where: str) -> Point | None:
    if raw is None:
        return None
    return Point(lat=float(raw["lat"]), lon=float(raw["lon"]), source=str(raw["source"]))


def read_yaml(path: Path) -> dict[str, Any]:
    """A data file of this module (centres.yaml, gazetteer.yaml) as a mapping."""
    return _read(path)


def _read(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the gazetteer is large
    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=loader)  # a safe loader: CSafeLoader or SafeLoader
    if not isinstance(data, dict):
        raise PlaceDataError(f"{path.name}: expected a mapping at the top")
    return data


def parse_gazetteer(data: Mapping[str, Any], source: str = "gazetteer.yaml") -> Gazetteer:
    municipalities: list[Municipality] = []
    seen_settlements: set[str] = set()
    for raw in data.get("municipalities") or []:
        mid = str(raw["id"])
        where = f"{source}: municipality {mid}"
        centre = raw.get("centre")
        if centre is not None and centre not in CENTRE_IDS:
            raise PlaceDataError(f"{where}: unknown centre id {centre!r}")
        units = tuple(
            MunicipalUnit(
                id=str(u["id"]),
                municipality_id=mid,
                name=str(u["name"]),
                nominative=str(u["nominative"]),
                latin=tuple(u.get("latin") or ()),
                seat=u.get("seat"),
                match=bool(u.get("match", True)),
                common_word=bool(u.get("common_word", False)),
                uncertain=bool(u.get("uncertain", False)),
                centroid=_point(u.get("centroid"), where),
            )
            for u in raw.get("units") or []
        )
        unit_ids = {u.id for u in units}
        settlements: list[Settlement] = []
        for s in raw.get("settlements") or []:
            sid = str(s["id"])
            if sid in seen_settlements:
                raise PlaceDataError(f"{where}: settlement id {sid!r} used twice")
            seen_settlements.add(sid)
            if s.get("unit") is not None and s["unit"] not in unit_ids:
                raise PlaceDataError(f"{where}: settlement {sid} names unknown unit {s['unit']!r}")
            lat, lon = s.get("lat"), s.get("lon")
            if (lat is None) != (lon is None) or (lat is not None and not s.get("coord_source")):
                raise PlaceDataError(f"{where}: settlement {sid} needs both lat/lon and a coord_source, or neither")
            settlements.append(
                Settlement(
                    id=sid,
                    municipality_id=mid,
                    name=str(s["name"]),
                    alt_names=tuple(s.get("alt_names") or ()),
                    latin=tuple(s.get("latin") or ()),
                    unit_id=s.get("unit"),
                    lat=None if lat is None else float(lat),
                    lon=None if lon is None else float(lon),
                    coord_source=s.get("coord_source"),
                    common_word=bool(s.get("common_word", False)),
                    ambiguous=bool(s.get("ambiguous", False)),
                    official=s.get("official"),
                    elstat=None if s.get("elstat") is None else str(s["elstat"]),
                    population_2011=s.get("population_2011"),
                    match=bool(s.get("match", True)),
                )
            )
        municipalities.append(
            Municipality(
                id=mid,
                name=str(raw["name"]),
                short_name=str(raw["short_name"]),
                alt_names=tuple(raw.get("alt_names") or ()),
                alt_short_names=tuple(raw.get("alt_short_names") or ()),
                latin=tuple(raw.get("latin") or ()),
                seat=str(raw["seat"]),
                centre_id=centre,
                note=raw.get("note"),
                centroid=_point(raw.get("centroid"), where),
                sources=tuple(raw.get("sources") or ()),
                units=units,
                settlements=tuple(settlements),
            )
        )
    ids = [m.id for m in municipalities]
    if len(set(ids)) != len(ids):
        raise PlaceDataError(f"{source}: a municipality id is used twice")
    regional_units = []
    for raw in data.get("regional_units") or []:
        unknown = [mid for mid in raw.get("municipalities") or [] if mid not in ids]
        if unknown:
            raise PlaceDataError(f"{source}: regional unit {raw.get('id')}: unknown municipalities {unknown}")
        regional_units.append(
            RegionalUnit(
                id=str(raw["id"]),
                name=str(raw["name"]),
                short_name=str(raw["short_name"]),
                genitive=str(raw["genitive"]),
                latin=tuple(raw.get("latin") or ()),
                municipality_ids=tuple(raw.get("municipalities") or ()),
            )
        )
    return Gazetteer(municipalities=tuple(municipalities), regional_units=tuple(regional_units))


def parse_centres(data: Mapping[str, Any], source: str = "centres.yaml") -> list[CentreInfo]:
    centres: list[CentreInfo] = []
    for raw in data.get("centres") or []:
        cid = str(raw["id"])
        where = f"{source}: centre {cid}"
        if cid not in CENTRE_IDS:
            raise PlaceDataError(f"{where}: unknown centre id (DESIGN.md lists the valid ones)")
        kind = raw.get("kind")
        if kind not in _KINDS:
            raise PlaceDataError(f"{where}: kind must be one of {', '.join(_KINDS)}")
        parent = raw.get("parent")
        if (kind == "centre") != (parent is None):
            raise PlaceDataError(f"{where}: annexes and units need a parent centre, centres none")
        town = raw["town"]
        centres.append(
            CentreInfo(
                id=cid,
                kind=kind,
                parent=parent,
                name=_text(raw["name"], where),
                municipalities=tuple(raw.get("municipalities") or ()),
                town=Town(
                    name=_text({"el": town["el"], "en": town["en"]}, where),
                    lat=float(town["lat"]),
                    lon=float(town["lon"]),
                    source=str(town["source"]),
                    checked=_day(town.get("checked"), where),
                    note=town.get("note"),
                ),
                address=_fact(raw.get("address"), f"{where} address"),
                phone=_fact(raw.get("phone"), f"{where} phone"),
                email=_fact(raw.get("email"), f"{where} email"),
                hours=_fact(raw.get("hours"), f"{where} hours"),
                related_contacts=tuple(
                    _contact(c, f"{where} related contact") for c in raw.get("related_contacts") or []
                ),
                sources=tuple(raw.get("sources") or ()),
                operator_note=_text(raw["operator_note"], where) if raw.get("operator_note") else None,
            )
        )
    return centres


def validate(centres: Sequence[CentreInfo], gazetteer: Gazetteer) -> None:
    """Cross-check the two files; raise PlaceDataError with a clear message on the first problem."""
    by_id = {c.id: c for c in centres}
    missing = [cid for cid in CENTRE_IDS if cid not in by_id]
    if missing or len(by_id) != len(centres):
        raise PlaceDataError(f"centres.yaml: missing or repeated centres: {', '.join(missing) or 'a repeated id'}")
    municipality_ids = {m.id for m in gazetteer.municipalities}
    for c in centres:
        if c.parent is not None and (c.parent not in by_id or by_id[c.parent].kind != "centre"):
            raise PlaceDataError(f"centres.yaml: centre {c.id}: parent {c.parent!r} is not a centre")
        if not c.municipalities:
            raise PlaceDataError(f"centres.yaml: centre {c.id}: serves no municipality")
        for mid in c.municipalities:
            if mid not in municipality_ids:
                raise PlaceDataError(f"centres.yaml: centre {c.id}: unknown municipality {mid!r}")
    for m in gazetteer.municipalities:
        if m.centre_id is None:
            continue
        if m.id not in by_id[m.centre_id].municipalities:
            raise PlaceDataError(
                f"gazetteer.yaml: municipality {m.id} is served by {m.centre_id}, whose entry in centres.yaml "
                "does not list it"
            )
    for c in centres:
        if c.kind == "roma_annex":
            continue  # an annex serves part of its parent's municipality; citizens are routed to the parent
        for mid in c.municipalities:
            if gazetteer.municipality(mid).centre_id != c.id:
                raise PlaceDataError(f"centres.yaml: centre {c.id} lists {mid}, but the gazetteer routes it elsewhere")


@cache
def _load(centres_path: Path, gazetteer_path: Path) -> tuple[tuple[CentreInfo, ...], Gazetteer]:
    gazetteer = parse_gazetteer(_read(gazetteer_path), gazetteer_path.name)
    centres = parse_centres(_read(centres_path), centres_path.name)
    validate(centres, gazetteer)
    return tuple(centres), gazetteer


def load_centres(path: Path = CENTRES_FILE, gazetteer_path: Path = GAZETTEER_FILE) -> list[CentreInfo]:
    """All 15 places of service, validated against the gazetteer (cached per path)."""
    return list(_load(path, gazetteer_path)[0])


def load_gazetteer(path: Path = GAZETTEER_FILE, centres_path: Path = CENTRES_FILE) -> Gazetteer:
    """The gazetteer, validated against the centres (cached per path)."""
    return _load(centres_path, path)[1]
