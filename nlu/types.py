"""The contract between `nlu` and the rest of Koinotita (DESIGN.md: "Intents").

The list of intents is not kept by hand: it is read from the training data (`nlu/data`, every `- intent:` item),
so the engines, the Rasa client and the bot's dispatch all agree with what the models were trained on.
`INTENTS` is computed on first use (a regex over the YAML files, no YAML parser, no scikit-learn).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

__all__ = ["DATA_DIR", "FALLBACK", "Entity", "NluEngine", "Parse", "intents", "intents_in"]

FALLBACK = "nlu_fallback"
DATA_DIR = Path(__file__).resolve().parent / "data"
_INTENT_LINE = re.compile(r"^\s*-\s*intent:\s*([A-Za-z0-9_]+)\s*$", re.MULTILINE)


def intents_in(data_dir: Path) -> tuple[str, ...]:
    """Every intent named in the Rasa YAML files under `data_dir`, in first-seen order (files sorted)."""
    found: dict[str, None] = {}
    for path in sorted(p for p in data_dir.rglob("*") if p.suffix in {".yml", ".yaml"} and p.is_file()):
        for name in _INTENT_LINE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, None)
    return tuple(found)


@lru_cache(maxsize=1)
def intents() -> tuple[str, ...]:
    """The intents of the contract: those of the training data in `nlu/data`."""
    return intents_in(DATA_DIR)


def __getattr__(name: str) -> Any:
    """`INTENTS`, the same as `intents()` (kept for existing callers)."""
    if name == "INTENTS":
        return intents()
    raise AttributeError(f"module 'nlu.types' has no attribute {name!r}")


@dataclass(frozen=True)
class Entity:
    """One entity found in a message; start/end index the original text."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Parse:
    """What a message means: the chosen intent (or `nlu_fallback`) and the full ranking.

    `danger` is the category the curated danger lexicon (`nlu.emergency`) found ("violence", "suicide", …), or
    None: where the bot waits for typed data (a name, a phone), only that may interrupt, not the classifier.
    """

    text: str
    intent: str
    confidence: float
    entities: tuple[Entity, ...] = ()
    ranking: tuple[tuple[str, float], ...] = field(default=())
    danger: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "entities": [{"entity": e.entity, "value": e.value, "start": e.start, "end": e.end} for e in self.entities],
        }


class NluEngine(Protocol):
    """Anything that understands a message: the built-in engine or the Rasa sidecar client."""

    async def parse(self, text: str) -> Parse: ...
