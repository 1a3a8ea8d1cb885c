"""The built-in NLU engine: intent classifier + emergency net + entities, trained in seconds.

The classifier (TF-IDF n-grams, a linear SVM, calibrated probabilities) is `nlu.classifier`; this module
decides the intent from its probabilities, the danger lexicon (`nlu.emergency`) and the entities
(`nlu.entities`, `nlu.situation`, an injected place finder), and caches trained models on disk.
A parse folds the message once (`nlu.normalise.fold_spans`) and every part reads that one folded text.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

import numpy as np
import sklearn

from nlu import emergency
from nlu.classifier import Model, fit
from nlu.datafile import data_files, read_nlu_data
from nlu.entities import athens_today, extract_entities
from nlu.normalise import fold, fold_spans
from nlu.situation import SITUATION_ENTITIES, find_situation
from nlu.types import FALLBACK, Entity, Parse

__all__ = [
    "MAX_CLASSIFY_CHARS",
    "MAX_ENTITY_CHARS",
    "BuiltinEngine",
    "EngineSettings",
    "PlaceFinder",
    "load_builtin",
    "train",
    "training_hash",
]

log = logging.getLogger(__name__)

_Spans = tuple[str, list[int], list[int]]


class PlaceFinder(Protocol):
    """Finds place names (`nlu.places.PlaceMatcher.find`); `spans` is `fold_spans(text)`, folded once per parse."""

    def __call__(self, text: str, spans: _Spans | None = None, /) -> list[Entity]: ...


# Bump when the model format or training recipe changes in a way the source hash would not show.
MODEL_VERSION = "2"
# Only the first characters of a message are classified: the intent of a message is in its
# opening, and a 100,000-character paste must not cost more than an ordinary message.
MAX_CLASSIFY_CHARS = 1_000
# Entities are looked for in a longer prefix; offsets index the original text either way.
MAX_ENTITY_CHARS = 5_000
SHORT_FACT_WORDS = 5  # up to this many words, a message stating a household fact is that fact
_SOURCES = ("normalise.py", "builtin.py", "classifier.py", "datafile.py")


@dataclass(frozen=True)
class EngineSettings:
    """How the engine decides; defaults chosen on the held-out set (bench/README.md)."""

    # Below this top probability the answer is `nlu_fallback` (the bot offers its best guesses).
    threshold: float = 0.40
    # ... and also when the top two intents are closer than this.
    margin: float = 0.04
    # The classifier's `emergency` counts only from this probability on (the danger lexicon always counts); a
    # weaker guess of danger is `nlu_fallback`, whose guesses still offer the emergency button. Chosen on the
    # held-out set (nlu/test): under the lowest probability the classifier gives a held-out emergency (0.86 with
    # today's data), with a margin for emergencies neither set has seen: the classifier alone still catches every
    # held-out emergency (bench/README.md, "Emergency: false alarms").
    emergency_threshold: float = 0.75
    ranking_size: int = 5
    # Classifier: inverse regularisation strength of the linear SVM.
    c: float = 1.0
    char_ngrams: tuple[int, int] = (2, 4)
    word_ngrams: tuple[int, int] = (1, 2)
    seed: int = 0


def _fit(texts: list[str], intents: list[str], settings: EngineSettings) -> Model:
    folded = [fold(t[:MAX_CLASSIFY_CHARS]) for t in texts]
    return fit(
        folded,
        intents,
        c=settings.c,
        char_ngrams=settings.char_ngrams,
        word_ngrams=settings.word_ngrams,
        seed=settings.seed,
    )


_NUMBER_WORDS = frozenset(
    fold(w)
    for w in (
        "ένα",
        "ένας",
        "μία",
        "μια",
        "δύο",
        "τρία",
        "τρεις",
        "τέσσερα",
        "τέσσερις",
        "πέντε",
        "έξι",
        "επτά",
        "εφτά",
        "οκτώ",
        "οχτώ",
        "εννιά",
        "δέκα",
        "κανένα",
        "κανένας",
        "καμία",
        "μηδέν",
        "ena",
        "enas",
        "mia",
        "dyo",
        "dio",
        "tria",
        "treis",
        "tris",
        "tessera",
        "pente",
        "exi",
        "kanena",
        "kanenas",
        "miden",
        "one",
        "two",
        "three",
        "four",
        "five",
        "none",
        "zero",
    )
)


def _looks_like_an_answer(folded: str) -> bool:
    """A short reply made of a number and a word or two."""
    words = folded.split()
    return len(words) <= 3 and any(w.isdigit() or w in _NUMBER_WORDS for w in words)


def _states_the_household(folded: str, entities: tuple[Entity, ...]) -> bool:
    """A short message whose content is a household fact («δεν έχω παιδιά», «μένω μόνη μου»)."""
    return len(folded.split()) <= SHORT_FACT_WORDS and any(e.entity in SITUATION_ENTITIES for e in entities)


def _ranked(labels: tuple[str, ...], probs: np.ndarray) -> list[tuple[str, float]]:
    """Every intent with its probability, best first, ties in label order (what a stable argsort of -probs gives).

    Sorted as Python floats: one conversion of the 31 values instead of a NumPy call per step.
    """
    values: list[float] = probs.tolist()
    return sorted(zip(labels, values, strict=True), key=lambda pair: -pair[1])


class BuiltinEngine:
    """The embedded NLU engine (implements `nlu.types.NluEngine`)."""

    def __init__(
        self,
        model: Model,
        settings: EngineSettings | None = None,
        place_finder: PlaceFinder | None = None,
        today: Callable[[], date] = athens_today,
    ) -> None:
        self._model = model
        self.settings = settings or EngineSettings()
        self.place_finder = place_finder
        self._today = today
        emergency.detect("warm up")  # compile the lexicon now, not on the first citizen's message

    @property
    def intents(self) -> tuple[str, ...]:
        """The intents the model was trained on."""
        return self._model.labels

    def rank(self, text: str) -> list[tuple[str, float]]:
        """Every intent with its probability, best first (no fallback, no emergency net)."""
        folded = fold(text[:MAX_CLASSIFY_CHARS])
        if not folded:
            return []
        return _ranked(self._model.labels, self._model.probabilities(folded))

    def parse_sync(self, text: str) -> Parse:
        """Understand one message."""
        spans = fold_spans(text[:MAX_ENTITY_CHARS])
        entities = self._entities(text, spans)
        head = text[:MAX_CLASSIFY_CHARS]
        folded = spans[0] if len(text) <= MAX_CLASSIFY_CHARS else fold(head)
        if not folded:
            return Parse(text=text, intent=FALLBACK, confidence=0.0, entities=entities)
        ranking = _ranked(self._model.labels, self._model.probabilities(folded))[: self.settings.ranking_size]
        danger = emergency.detect(head, folded)
        if danger is not None:
            # The net overrides the classifier; the rest of the ranking is kept for the record.
            ranking = [("emergency", 1.0)] + [r for r in ranking if r[0] != "emergency"]
            ranking = ranking[: self.settings.ranking_size]
            return Parse(text, "emergency", 1.0, entities, tuple(ranking), danger=danger)
        if ranking[0][0] == "emergency" and (_looks_like_an_answer(folded) or _states_the_household(folded, entities)):
            # "ένα παιδί", "15", "δεν έχω παιδιά": a reply to a question (how many children?) or a plain fact about
            # the household, not a cry for help. Real danger in so few words is caught by the lexicon above.
            ranking = [r for r in ranking if r[0] != "emergency"]
        elif ranking[0][0] == "emergency" and ranking[0][1] < self.settings.emergency_threshold:
            # A weak guess of danger ("Ζωή", a worry): not answered with the helplines, but the guesses offered
            # instead still start with the emergency button.
            return Parse(text, FALLBACK, ranking[0][1], entities, tuple(ranking))
        top_intent, top = ranking[0]
        second = ranking[1][1] if len(ranking) > 1 else 0.0
        if top < self.settings.threshold or top - second < self.settings.margin:
            return Parse(text, FALLBACK, top, entities, tuple(ranking))
        return Parse(text, top_intent, top, entities, tuple(ranking))

    async def parse(self, text: str) -> Parse:
        """Understand one message (the `NluEngine` protocol); CPU work of well under a millisecond."""
        return self.parse_sync(text)

    def _entities(self, text: str, spans: _Spans) -> tuple[Entity, ...]:
        head = text[:MAX_ENTITY_CHARS]
        found = extract_entities(head, self._today(), spans)
        if self.place_finder is not None:
            for place in self.place_finder(head, spans):
                if not any(place.start < e.end and e.start < place.end for e in found):
                    found.append(place)
        for fact in find_situation(head, spans):
            if not any(fact.start < e.end and e.start < fact.end for e in found if e.entity not in SITUATION_ENTITIES):
                found.append(fact)
        return tuple(sorted(found, key=lambda e: (e.start, e.end)))


def train(
    data_dir: Path,
    settings: EngineSettings | None = None,
    place_finder: PlaceFinder | None = None,
) -> BuiltinEngine:
    """Train a new engine from the Rasa YAML files under `data_dir` (never cached)."""
    settings = settings or EngineSettings()
    data = read_nlu_data([data_dir])
    if not data.examples:
        raise ValueError(f"no training examples under {data_dir}")
    texts = [e.text for e in data.examples]
    intents = [e.intent for e in data.examples]
    if len(set(intents)) < 2:
        raise ValueError("training needs at least two intents")
    started = time.perf_counter()
    model = _fit(texts, intents, settings)
    log.info(
        "trained built-in NLU: %d examples, %d intents, %.2f s",
        len(texts),
        len(model.labels),
        time.perf_counter() - started,
    )
    return BuiltinEngine(model, settings, place_finder)


def training_hash(data_dir: Path, settings: EngineSettings | None = None) -> str:
    """SHA-256 of the training files, the engine's code and settings: the cache key of a model."""
    digest = hashlib.sha256()
    digest.update(f"model={MODEL_VERSION};sklearn={sklearn.__version__};".encode())
    digest.update(repr(settings or EngineSettings()).encode())
    here = Path(__file__).parent
    for name in _SOURCES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    for path in data_files(data_dir):
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_builtin(
    data_dir: Path,
    cache_dir: Path,
    place_finder: PlaceFinder | None = None,
    settings: EngineSettings | None = None,
) -> BuiltinEngine:
    """The engine for `data_dir`: loaded from `cache_dir` when a model of the same hash is there,
    otherwise trained and saved there."""
    settings = settings or EngineSettings()
    key = training_hash(data_dir, settings)
    path = cache_dir / f"builtin-{key[:24]}.pickle"
    if path.exists():
        try:
            with path.open("rb") as fh:
                model = pickle.load(fh)  # our own cache file, written below
            if isinstance(model, Model):
                return BuiltinEngine(model, settings, place_finder)
        except Exception:  # a corrupt or incompatible cache is rebuilt, never fatal
            log.warning("NLU model cache %s unreadable; retraining", path.name)
    engine = train(data_dir, settings, place_finder)
    _save(engine._model, path)
    return engine


def _save(model: Model, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a concurrent reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".builtin-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parse_many(engine: BuiltinEngine, texts: Iterable[str]) -> list[Parse]:
    """Parse several messages (convenience for the CLI and benchmarks)."""
    return [engine.parse_sync(t) for t in texts]
