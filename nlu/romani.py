"""Romani greetings, so the bot can answer one warmly, with the greeting echoed (issue 12).

The words and their sources are in nlu/data/romani.yml. Matched on the folded text (`nlu.normalise.fold`), so
Latin and Greek script, accents and x/h/kh spellings all match: "te aves baxtalo", "τε άβες μπαχταλό",
"Sar san?", "lache aviljen", "sastipe".
"""

from __future__ import annotations

from functools import lru_cache

from nlu.normalise import fold

__all__ = ["is_romani_greeting"]

_STEMS = ("baxtal", "bahtal", "bachtal", "μπαχταλ", "sastipe", "σαστιπε", "aviljen", "αβιλιεν")
_PHRASES = ("sar san", "sar sen", "σαρ σαν", "σαρ σεν", "te aves", "te aven", "τε αβες", "τε αβεν")


@lru_cache(maxsize=1)
def _folded() -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(fold(s) for s in _STEMS), tuple(fold(p) for p in _PHRASES)


def is_romani_greeting(text: str) -> bool:
    """True when a short message greets in Romani."""
    folded = fold(text[:200])
    stems, phrases = _folded()
    words = folded.split()
    return any(w.startswith(s) for w in words for s in stems) or any(f" {p} " in f" {folded} " for p in phrases)
