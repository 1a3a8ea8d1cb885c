"""Which centre serves a citizen: from a place named in a message, or from a shared location.

A citizen is served by the centre of their municipality (DESIGN.md): a settlement resolves to its
municipality through the gazetteer, the municipality to its centre. Roma annexes serve people of
their parent's municipality; `annexes_for` lets the bot offer one without routing anyone there by
default (an annex is a place, never a label on a person).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from knowledge.geo import nearest_settlement
from knowledge.places import CentreInfo, Gazetteer, PlaceName, load_centres, load_gazetteer, place_names
from nlu.normalise import fold
from nlu.places import PlaceMatcher

__all__ = ["RouteResult", "Router"]

# When one name fits several things in the same municipality, the most specific one names the place.
_KIND_ORDER = {"settlement": 0, "unit": 1, "municipality": 2}


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
        self.centres = {c.id: c for c in centres}
        self._names = {p.canonical: p for p in place_names(gazetteer, fold)}
        self.matcher = PlaceMatcher(
            ((p.canonical, p.names) for p in self._names.values()),
            context_only=(p.canonical for p in self._names.values() if p.common_word),
        )

    @classmethod
    def default(cls) -> Router:
        """The router over the packaged data (cached: building the index takes a moment)."""
        return _default_router()

    # ------------------------------------------------------------------------------------ routing

    def route_text(self, text: str) -> RouteResult:
        mentions = [self._names[e.value] for e in self.matcher.find(text)]
        mentions = list({p.canonical: p for p in mentions}.values())
        if not mentions:
            return RouteResult(text=text, centre_id=None, place=None, municipality_id=None)
        # Each mention narrows the municipalities: "Πεντάβρυσος Καστοριάς" is the Kastoria one.
        possible: set[str] | None = None
        for p in mentions:
            ids = set(p.municipality_ids)
            possible = ids if possible is None else (possible & ids or possible | ids)
        assert possible is not None
        if len(possible) == 1:
            (mid,) = possible
            return RouteResult(
                text=text, centre_id=self.centre_for(mid), place=self._place_in(mentions, mid), municipality_id=mid
            )
        municipalities = sorted(possible)
        return RouteResult(
            text=text, centre_id=None,
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
            text=f"{lat:.5f},{lon:.5f}", centre_id=self.centre_for(mid), place=settlement.name,
            municipality_id=mid, distance_km=round(km, 1),
        )

    # ------------------------------------------------------------------------------------ lookups

    def centre_for(self, municipality_id: str) -> str | None:
        """The centre serving a municipality; None if no centre is known (Βελβεντός)."""
        return self.gazetteer.municipality(municipality_id).centre_id

    def centre(self, centre_id: str) -> CentreInfo:
        return self.centres[centre_id]

    def annexes_for(self, municipality_id: str) -> list[str]:
        """Roma annexes that serve people of this municipality (to offer, never to route to)."""
        return sorted(
            c.id for c in self.centres.values() if c.kind == "roma_annex" and municipality_id in c.municipalities
        )

    def _place_in(self, mentions: Sequence[PlaceName], municipality_id: str) -> str:
        def rank(p: PlaceName) -> int:
            kinds = [t.kind for t in p.targets if t.municipality_id == municipality_id]
            return min((_KIND_ORDER[k] for k in kinds), default=len(_KIND_ORDER))

        return min(mentions, key=rank).canonical


@cache
def _default_router() -> Router:
    return Router(load_gazetteer(), load_centres())
