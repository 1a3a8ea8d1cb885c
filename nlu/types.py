"""The contract between `nlu` and the rest of Koinotita (DESIGN.md: "Intents")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

INTENTS: tuple[str, ...] = (
    "greet", "goodbye", "thank", "affirm", "deny", "help", "human_handoff", "change_language",
    "out_of_scope", "book_appointment", "cancel_appointment", "reschedule_appointment",
    "my_appointments", "centre_info", "inform_place", "ask_entitlements", "ask_min_income",
    "ask_child_benefit", "ask_housing", "ask_disability", "ask_employment", "ask_food_aid",
    "ask_energy_bills", "ask_psychosocial", "ask_child_learning", "ask_legal_info",
    "ask_elderly_care", "ask_documents", "ask_events", "volunteer", "emergency",
)
FALLBACK = "nlu_fallback"


@dataclass(frozen=True)
class Entity:
    """One entity found in a message; start/end index the original text."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Parse:
    """What a message means: the chosen intent (or `nlu_fallback`) and the full ranking."""

    text: str
    intent: str
    confidence: float
    entities: tuple[Entity, ...] = ()
    ranking: tuple[tuple[str, float], ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "entities": [
                {"entity": e.entity, "value": e.value, "start": e.start, "end": e.end}
                for e in self.entities
            ],
        }


class NluEngine(Protocol):
    """Anything that understands a message: the built-in engine or the Rasa sidecar client."""

    async def parse(self, text: str) -> Parse: ...
