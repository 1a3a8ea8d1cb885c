"""Which centre serves a citizen: from a place named in a message, or from a shared location.

A citizen is served by the centre of their municipality (DESIGN.md): a settlement resolves to its
municipality through the gazetteer, the municipality to its centre. Roma annexes serve people of
their parent's municipality; `annexes_for` lets the bot offer one without routing anyone there by
default (an annex is a place, never a label on a person).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Centre
from knowledge.geo import nearest_settlement
from knowledge.places import CentreInfo, Gazetteer, PlaceName, load_centres, load_gazetteer, place_names
from knowledge.translit import elot743
from nlu.normalise import fold
from nlu.places import PlaceMatcher

__all__ = ["RouteResult", "Router", "database_routing"]

# When one name fits several things in the same municipality, the most specific one names the place.
FUZZY_MIN_POPULATION = 1000
# A word before a name that makes it the regional unit: "νομός Κοζάνης", "ΠΕ Φλώρινας".
_REGIONAL_UNIT_WORDS = ("νομός", "νομού", "νομό", "νομ", "ΠΕ", "Π.Ε.", "περιφερειακή", "ενότητα", "ενότητας", "nomos")
_KIND_ORDER = {"settlement": 0, "unit": 1, "municipality": 2, "regional_unit": 3}


@dataclass(frozen=True)
class RouteResult:
    """Where a message or location points.

    centre_id is None when no place was found, when the place is in a municipality no centre is
    known to serve (then municipality_id is set: Βελβεντός), or when it is ambiguous (then
    `candidates` lists the possible centre ids and `candidate_municipalities` the municipalities).
    """

    text: str
    centre_id: str | None
    place: str | None  # canonical Greek name of the place found
    municipality_id: str | None
    candidates: list[str] = field(default_factory=list)
    candidate_municipalities: list[str] = field(default_factory=list)
    distance_km: float | None = None  # for a location: how far the nearest known settlement is

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidate_municipalities)

    def as_json(self) -> dict[str, object]:
        """The line `koinotita route` prints (DESIGN.md: {"text","centre_id","place"})."""
        return {"text": self.text, "centre_id": self.centre_id, "place": self.place}


class Router:
    """Routes text and locations to centres; build once (`Router.default()`), use from any thread."""

    def __init__(self, gazetteer: Gazetteer, centres: Sequence[CentreInfo]) -> None:
        self.gazetteer = gazetteer
        # From the database (with_centres): municipality -> serving centre, and -> Roma annexes. None: the YAML seed.
        self._serving: dict[str, str] | None = None
        self._annexes: dict[str, list[str]] | None = None
        self.centres = {c.id: c for c in centres}
        self._names = {p.canonical: p for p in place_names(gazetteer, fold)}
        self.matcher = PlaceMatcher(
            ((p.canonical, p.names) for p in self._names.values()),
            context_only=(p.canonical for p in self._names.values() if p.common_word),
            exact_only=self._hamlet_names(gazetteer),
        )
        self._ru_genitives = {fold(n) for ru in gazetteer.regional_units for n in (ru.genitive, *ru.latin[1:])}
        self._ru_genitives -= {fold(ru.short_name) for ru in gazetteer.regional_units}
        self._ru_words = {fold(w) for w in _REGIONAL_UNIT_WORDS}
        self._municipality_words = {fold(w) for w in ("δήμος", "δήμου", "δήμο", "dimos", "dimou")}

    def _hamlet_names(self, gazetteer: Gazetteer) -> list[str]:
        """Names matched only as spelled (any accents, case or Greeklish), never as a near miss.

        Those of villages under FUZZY_MIN_POPULATION people (ΕΛΣΤΑΤ 2011) that are nothing else:
        with 560 settlements a one-letter typo of an ordinary word ("δηλώσω", "καλοκαίρι") too
        often lands on some hamlet (Δίλοφο, Καλονέρι).
        """
        population = {s.id: s.population_2011 for s in gazetteer.settlements}
        out = []
        for p in self._names.values():
            sizes = [population.get(t.id) if t.kind == "settlement" else None for t in p.targets]
            if all(size is not None and size < FUZZY_MIN_POPULATION for size in sizes):
                out.append(p.canonical)
        return out

    @classmethod
    def default(cls) -> Router:
        """The router over the packaged data (cached: building the index takes a moment)."""
        return _default_router()

    # ------------------------------------------------------------------------------------ routing

    def route_text(self, text: str) -> RouteResult:
        entities = self.matcher.find(text)
        by_name: dict[str, bool] = {}  # canonical -> may it be read as a regional unit here
        for e in entities:
            by_name[e.value] = by_name.get(e.value, False) or self._names_regional_unit(text, e.start, e.end)
        mentions = [self._names[name] for name in by_name]
        if not mentions:
            return RouteResult(text=text, centre_id=None, place=None, municipality_id=None)
        possible = self._narrow(mentions, [by_name[p.canonical] for p in mentions])
        if len(possible) == 1:
            (mid,) = possible
            return RouteResult(
                text=text, centre_id=self.centre_for(mid), place=self._place_in(mentions, mid), municipality_id=mid
            )
        municipalities = sorted(possible)
        return RouteResult(
            text=text,
            centre_id=None,
            place=mentions[0].canonical if len(mentions) == 1 else None,
            municipality_id=None,
            candidates=sorted({c for m in municipalities if (c := self.centre_for(m)) is not None}),
            candidate_municipalities=municipalities,
        )

    def route_location(self, lat: float, lon: float) -> RouteResult | None:
        """The centre for a shared location; None outside the region."""
        hit = nearest_settlement(self.gazetteer, lat, lon)
        if hit is None:
            return None
        settlement, km = hit
        mid = settlement.municipality_id
        return RouteResult(
            text=f"{lat:.5f},{lon:.5f}",
            centre_id=self.centre_for(mid),
            place=settlement.name,
            municipality_id=mid,
            distance_km=round(km, 1),
        )

    # ------------------------------------------------------------------------------------ lookups

    def place_label(self, name: str | None, register: str) -> str | None:
        """A place name as a message in `register` shows it: the Latin spelling (ELOT 743) in English."""
        if name is None or register != "en":
            return name
        for s in self.gazetteer.settlements:
            if s.name == name:
                return s.latin_name
        return elot743(name)

    def with_centres(self, serving: Mapping[str, str], annexes: Mapping[str, Sequence[str]]) -> Router:
        """This router, answering with the database's centres (`database_routing`): the database is the truth at
        run time, the YAML only seeds it. Shares the (costly) place index."""
        clone = copy.copy(self)
        clone._serving = dict(serving)
        clone._annexes = {mid: sorted(ids) for mid, ids in annexes.items()}
        return clone

    def centre_for(self, municipality_id: str) -> str | None:
        """The centre serving a municipality; None if no centre is known (Βελβεντός)."""
        if self._serving is not None:
            return self._serving.get(municipality_id)
        return self.gazetteer.municipality(municipality_id).centre_id

    def centre(self, centre_id: str) -> CentreInfo:
        return self.centres[centre_id]

    def annexes_for(self, municipality_id: str) -> list[str]:
        """Roma annexes that serve people of this municipality (to offer, never to route to)."""
        if self._annexes is not None:
            return list(self._annexes.get(municipality_id, []))
        return sorted(
            c.id for c in self.centres.values() if c.kind == "roma_annex" and municipality_id in c.municipalities
        )

    def _names_regional_unit(self, text: str, start: int, end: int) -> bool:
        """Is this mention written as a regional unit: "Κοζάνης" after a village, "νομός Κοζάνης"?"""
        said = fold(text[start:end])
        before = fold(text[:start]).split()[-1:]
        if before and before[0] in self._municipality_words:
            return False  # "Δήμου Κοζάνης" is the municipality
        return said in self._ru_genitives or bool(before and before[0] in self._ru_words)

    @staticmethod
    def _narrow(mentions: Sequence[PlaceName], as_regional_unit: Sequence[bool]) -> set[str]:
        """The municipalities all the mentions fit.

        One mention: the specific place (the town Κοζάνη, the municipality of Κοζάνη), never the whole
        regional unit. Several: a mention written as a regional unit ("Λευκόβρυση Κοζάνης", "νομός
        Καστοριάς") stands for all its municipalities, so "Σέρβια Κοζάνης" is Σέρβια and "Ανατολικό
        Κοζάνης" (one in Εορδαία, one in Κοζάνη) stays a question; "Πεντάβρυσος Καστοριάς" is the
        Kastoria one. Mentions that fit nowhere together ("μένω στην Κοζάνη, δουλεύω στη Φλώρινα"):
        every place they name, and routing asks.
        """
        specific = [{t.municipality_id for t in p.targets if t.kind != "regional_unit"} for p in mentions]
        if len(mentions) == 1:
            return specific[0] or set(mentions[0].municipality_ids)
        read = [
            set(p.municipality_ids) if ru else (s or set(p.municipality_ids))
            for p, s, ru in zip(mentions, specific, as_regional_unit, strict=True)
        ]
        common = set.intersection(*read)
        return common or set.union(*(s or r for s, r in zip(specific, read, strict=True)))

    def _place_in(self, mentions: Sequence[PlaceName], municipality_id: str) -> str:
        def rank(p: PlaceName) -> int:
            kinds = [t.kind for t in p.targets if t.municipality_id == municipality_id]
            return min((_KIND_ORDER[k] for k in kinds), default=len(_KIND_ORDER))

        return min(mentions, key=rank).canonical


async def database_routing(session: AsyncSession) -> tuple[dict[str, str], dict[str, list[str]]]:
    """From the centres table: municipality -> the centre that serves it, and -> the Roma annexes there."""
    serving: dict[str, str] = {}
    annexes: dict[str, list[str]] = {}
    for centre in (await session.scalars(select(Centre).order_by(Centre.id))).all():
        for mid in centre.municipalities or []:
            if centre.kind == "roma_annex":
                annexes.setdefault(mid, []).append(centre.id)
            else:
                serving[mid] = centre.id
    return serving, annexes


@cache
def _default_router() -> Router:
    return Router(load_gazetteer(), load_centres())
