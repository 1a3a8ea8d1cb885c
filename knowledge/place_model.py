"""The places the bot routes by, as typed values: the centres (`CentreInfo`, with their sourced facts), the
gazetteer (regional units, municipalities, municipal units, settlements) and the place names messages are searched
for (`place_names`). Reading and validating the data files is knowledge/places.py's job."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

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
