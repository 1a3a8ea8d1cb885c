"""Centres and gazetteer: typed, validated views of `data/centres.yaml` and `data/gazetteer.yaml`.

Both files are seed data taken only from the sourced facts; a missing fact is `None`, never a guess.
Loading validates the two files against each other (every centre id and municipality id must exist
and agree), so a typo in the data fails loudly at start-up rather than misrouting a citizen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

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

# DESIGN.md "Centre identifiers": other tools rely on exactly these.
CENTRE_IDS: tuple[str, ...] = (
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
    "annex-roma-eordaia",
    "annex-roma-kastoria",
    "annex-roma-florina",
    "unit-nestorio",
    "unit-prespes",
)
CentreKind = Literal["centre", "roma_annex", "regional_unit"]
_KINDS: tuple[str, ...] = ("centre", "roma_annex", "regional_unit")


class PlaceDataError(ValueError):
    """The centres or gazetteer data are inconsistent; the message names the file and the entry."""


@dataclass(frozen=True)
class Localized:
    """A short text in Greek and English (the el-simple register uses the Greek)."""

    el: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.el


@dataclass(frozen=True)
class Fact:
    """One sourced fact about a centre (address, phone, email or hours)."""

    value: Localized
    source: str
    checked: date
    uncertain: bool = False
    as_of: int | None = None  # the year of the source, when the facts doubt it still holds


@dataclass(frozen=True)
class Contact:
    """A useful number near a centre that is NOT the centre's own (e.g. municipal social services)."""

    label: Localized
    phone: str
    hours: Localized | None
    source: str
    checked: date
    uncertain: bool = False
    as_of: int | None = None
    source_note: str | None = None  # for editors ("directory listing, undated"); never shown to citizens


@dataclass(frozen=True)
class Town:
    """Where a place of service is: the town, with the town's (not a building's) coordinates."""

    name: Localized
    lat: float
    lon: float
    source: str
    checked: date
    note: str | None = None


@dataclass(frozen=True)
class CentreInfo:
    id: str
    kind: CentreKind
    parent: str | None
    name: Localized
    municipalities: tuple[str, ...]
    town: Town
    address: Fact | None
    phone: Fact | None
    email: Fact | None
    hours: Fact | None
    related_contacts: tuple[Contact, ...]
    sources: tuple[str, ...]
    operator_note: Localized | None = None  # who runs it, when the facts doubt it (shown on the card)


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    source: str


@dataclass(frozen=True)
class MunicipalUnit:
    id: str  # "<municipality id>:<unit>"
    municipality_id: str
    name: str  # as the law names it, genitive ("Ελλησπόντου")
    nominative: str  # as people say it ("Ελλήσποντος")
    latin: tuple[str, ...]
    seat: str | None
    match: bool  # False: a saint's/person's name common across Greece, never matched in messages
    common_word: bool
    uncertain: bool
    centroid: Point | None


@dataclass(frozen=True)
class Settlement:
    id: str
    municipality_id: str
    name: str  # canonical Greek name
    alt_names: tuple[str, ...]
    latin: tuple[str, ...]
    unit_id: str | None
    lat: float | None
    lon: float | None
    coord_source: str | None
    common_word: bool  # also an ordinary word or first name: match only with a place cue
    ambiguous: bool  # the same name exists in another municipality
    official: str | None = None  # ΕΛΣΤΑΤ's form ("Βατερόν"); None for a settlement only the facts name
    elstat: str | None = None  # ΕΛΣΤΑΤ 2011 settlement code
    population_2011: int | None = None
    match: bool = True  # False: never matched in messages (a word the bot's users say all the time)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.alt_names, *self.latin)

    @property
    def latin_name(self) -> str:
        """The name in Latin script for English answers (ELOT 743, the first `latin` spelling)."""
        return self.latin[0] if self.latin else self.name


@dataclass(frozen=True)
class Municipality:
    id: str
    name: str  # "Δήμος Εορδαίας"
    short_name: str  # "Εορδαία"
    alt_names: tuple[str, ...]
    alt_short_names: tuple[str, ...]
    latin: tuple[str, ...]
    seat: str
    centre_id: str | None  # None: no centre is known to serve it (Βελβεντός)
    note: str | None
    centroid: Point | None
    sources: tuple[str, ...]
    units: tuple[MunicipalUnit, ...]
    settlements: tuple[Settlement, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.short_name, *self.alt_short_names, *self.latin)


@dataclass(frozen=True)
class RegionalUnit:
    """A regional unit (ΠΕ, the old prefecture): "Σέρβια Κοζάνης" names it after the village."""

    id: str
    name: str  # "Περιφερειακή Ενότητα Κοζάνης"
    short_name: str  # "Κοζάνη"
    genitive: str  # "Κοζάνης"
    latin: tuple[str, ...]
    municipality_ids: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    municipalities: tuple[Municipality, ...]
    regional_units: tuple[RegionalUnit, ...] = ()

    def municipality(self, municipality_id: str) -> Municipality:
        for m in self.municipalities:
            if m.id == municipality_id:
                return m
        raise KeyError(municipality_id)

    @property
    def settlements(self) -> tuple[Settlement, ...]:
        return tuple(s for m in self.municipalities for s in m.settlements)

    @property
    def units(self) -> tuple[MunicipalUnit, ...]:
        return tuple(u for m in self.municipalities for u in m.units)

    def settlement(self, settlement_id: str) -> Settlement:
        for s in self.settlements:
            if s.id == settlement_id:
                return s
        raise KeyError(settlement_id)

    def unit(self, unit_id: str) -> MunicipalUnit:
        for u in self.units:
            if u.id == unit_id:
                return u
        raise KeyError(unit_id)

    def settlements_named(self, name: str) -> tuple[Settlement, ...]:
        return tuple(s for s in self.settlements if s.name == name)

    def located_settlements(self) -> tuple[Settlement, ...]:
        """Settlements whose coordinates the facts give."""
        return tuple(s for s in self.settlements if s.lat is not None and s.lon is not None)


@dataclass(frozen=True)
class PlaceTarget:
    """What a place name may refer to."""

    kind: Literal["settlement", "municipality", "unit", "regional_unit"]
    id: str
    municipality_id: str


@dataclass(frozen=True)
class PlaceName:
    """All the ways of writing one place name, and what it may refer to (two settlements: ambiguous)."""

    canonical: str  # the Greek name ("Πεντάβρυσος", "Κοζάνη", "Εορδαία")
    names: tuple[str, ...]  # Greek, alternative and Latin spellings, canonical first
    common_word: bool  # also an ordinary word or first name: match only with a place cue
    targets: tuple[PlaceTarget, ...]

    @property
    def municipality_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.municipality_id for t in self.targets))


def place_names(gazetteer: Gazetteer, fold: Callable[[str], str] = str.casefold) -> list[PlaceName]:
    """The names to look for in messages, grouped by canonical Greek name.

    A name that (after `fold`) is already the name of an earlier group joins that group: the
    settlement Κοζάνη and the municipality Κοζάνη are one name with two targets, and the two
    villages called Πεντάβρυσος are one name with targets in two municipalities. Settlements come
    first, so a group's canonical name is a settlement's where there is one. Units whose name is a
    saint's or person's (match: false) are left out.
    """
    groups: dict[str, dict[str, Any]] = {}
    owner: dict[str, str] = {}  # folded name -> canonical of the group that holds it

    def add(canonical: str, names: Sequence[str], common: bool, target: PlaceTarget) -> None:
        key = owner.get(fold(canonical), canonical)
        group = groups.setdefault(key, {"names": [], "common": False, "targets": []})
        for name in (canonical, *names):
            if name not in group["names"]:
                group["names"].append(name)
            owner.setdefault(fold(name), key)
        group["common"] = group["common"] or common
        if target not in group["targets"]:
            group["targets"].append(target)

    for s in gazetteer.settlements:
        if s.match:
            add(s.name, s.names, s.common_word, PlaceTarget("settlement", s.id, s.municipality_id))
    for m in gazetteer.municipalities:
        add(m.short_name, (*m.names, m.name, *m.alt_names), False, PlaceTarget("municipality", m.id, m.id))
    for u in gazetteer.units:
        if u.match:
            add(u.nominative, (u.nominative, *u.latin), u.common_word, PlaceTarget("unit", u.id, u.municipality_id))
    for ru in gazetteer.regional_units:
        for mid in ru.municipality_ids:
            add(ru.short_name, (ru.genitive, *ru.latin), False, PlaceTarget("regional_unit", ru.id, mid))
    return [
        PlaceName(canonical=k, names=tuple(g["names"]), common_word=g["common"], targets=tuple(g["targets"]))
        for k, g in groups.items()
    ]


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
