"""Every NLU output for every message the project has, as one JSON file: to prove that a speed-up changes nothing.

    python scripts/nlu_snapshot.py write /tmp/nlu-before.json    # on the old tree
    python scripts/nlu_snapshot.py compare /tmp/nlu-before.json  # on the new tree: prints every difference

Covered, for every training, held-out and look-alike message plus random messy text (a fixed seed) and long pastes:
the engine's parse alone and as the bot builds it (with the place finder): intent, confidence and every ranked
probability as exact hexadecimal floats, entities, danger category; the fold with its spans; the classifier's raw
scores; the danger lexicon and the situation finder on their own. The date is fixed, so relative dates compare.
`compare` exits 1 when any output differs or is missing on either side.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path
from typing import Any

from nlu import emergency
from nlu.builtin import MAX_CLASSIFY_CHARS, BuiltinEngine, load_builtin
from nlu.datafile import data_files, read_nlu_data, read_nlu_file
from nlu.evaluate import FALSE_ALARMS
from nlu.normalise import fold, fold_spans
from nlu.situation import find_situation
from nlu.types import Entity, Parse

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 12, 2)
# Letters, digits and signs citizens type, weighted towards what the fold treats specially.
_ALPHABET = "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩabcdefghijklmnopqrstuvwxyz83 0123456789.,:/-+"


def messages() -> list[str]:
    """The project's messages, then messy random text and long pastes (deterministic)."""
    texts = [e.text for e in read_nlu_data([ROOT / "nlu" / "data"]).examples]
    texts += [e.text for p in [*data_files(ROOT / "nlu" / "test"), FALSE_ALARMS] for e in read_nlu_file(p).examples]
    rng = random.Random(12)
    words = " ".join(texts).split()
    for _ in range(400):
        texts.append("".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 80))))
        texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))))
    texts += ["", " ", "θέλω ραντεβού " * 100, "με χτυπάει " * 600, "a" * 1_200]
    return texts


def _entities(entities: tuple[Entity, ...] | list[Entity]) -> list[list[object]]:
    return [[e.entity, e.value, e.start, e.end] for e in entities]


def _parse(p: Parse) -> dict[str, Any]:
    return {
        "intent": p.intent,
        "confidence": float(p.confidence).hex(),
        "ranking": [[name, float(prob).hex()] for name, prob in p.ranking],
        "entities": _entities(p.entities),
        "danger": p.danger,
    }


def snapshot() -> dict[str, Any]:
    from core.routing import Router

    engine = load_builtin(ROOT / "nlu" / "data", Path("/tmp/nlu-snapshot-cache"))
    alone = BuiltinEngine(engine._model, engine.settings, None, today=lambda: TODAY)
    in_bot = BuiltinEngine(engine._model, engine.settings, Router.default().matcher.find, today=lambda: TODAY)
    out: dict[str, Any] = {}
    for text in messages():
        folded, starts, ends = fold_spans(text)
        head = fold(text[:MAX_CLASSIFY_CHARS])
        out[text] = {
            "fold": [folded, starts, ends],
            "scores": [float(x).hex() for x in engine._model.scores(head)] if head else [],
            "danger": emergency.detect(text),
            "situation": _entities(find_situation(text)),
            "alone": _parse(alone.parse_sync(text)),
            "in_bot": _parse(in_bot.parse_sync(text)),
        }
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"write", "compare"}:
        print(__doc__)
        return 2
    now = snapshot()
    path = Path(argv[1])
    if argv[0] == "write":
        path.write_text(json.dumps(now, ensure_ascii=False), encoding="utf-8")
        print(f"{len(now)} messages written to {path}")
        return 0
    before: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    differences = 0
    for text in sorted(before.keys() | now.keys()):
        if before.get(text) != now.get(text):
            differences += 1
            if differences <= 20:
                print(f"DIFFERENT: {text[:80]!r}")
                print(f"  before: {str(before.get(text))[:400]}\n  now:    {str(now.get(text))[:400]}")
    print(f"{len(now)} messages compared, {differences} different")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
