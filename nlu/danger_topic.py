"""The danger topic of a message that the classifier (not the lexicon) took for an emergency: which helplines first.

Split out of `nlu.emergency`, whose lexicon decides *whether* a message is an emergency; this only orders the answer.
"""

from __future__ import annotations

from nlu.emergency import detect
from nlu.normalise import fold

__all__ = ["topic_of"]

# What a message is about, for ordering the helplines when the classifier (not the lexicon) found the danger: looser
# words than the lexicon's, never used to decide *whether* a message is an emergency.
_TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "suicide": ("αυτοκτον", "πεθαν", "ζω", "ζησω", "εαυτο", "χαπια", "suicid", "die", "myself", "merav"),
    "child": ("παιδ", "μωρ", "κορη", "γιο", "ανηλικ", "child", "kid", "baby", "son", "daughter", "chav"),
    "violence": (
        "χτυπ",
        "δερν",
        "βια",
        "κακοποι",
        "απειλ",
        "αντρας",
        "συζυγ",
        "abuse",
        "hit",
        "beat",
        "husband",
        "violen",
        "marel",
    ),
    "medical": ("αναπν", "αιμα", "πονο", "λιποθ", "γιατρ", "νοσοκομ", "breath", "blood", "pain", "doctor"),
    "no_shelter": ("δρομο", "κοιμηθ", "σπιτι", "street", "sleep", "shelter", "kher"),
}


def topic_of(text: str) -> str | None:
    """The danger category of a message: the lexicon's if it fires, else a looser guess from its words, else None."""
    folded = fold(text[:1_000])
    found = detect(text[:1_000], folded)
    if found is not None:
        return found
    words = folded.split()
    for category in ("suicide", "child", "violence", "medical", "no_shelter"):
        forms = [fold(w) for w in _TOPIC_WORDS[category]]
        if any(w.startswith(f) for w in words for f in forms):
            return category
    return None
