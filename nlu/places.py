"""Finding place names in a message: "μένω στη Σιατιστα", "apo ptolemaida", "ΦΛΩΡΙΝΑ", "Κοζάνης".

Matching runs on the folded text of `nlu.normalise` (accents, capitals, Greeklish and phonetic
spellings all meet there). Each name is indexed in its Greek case forms too (Κοζάνη, Κοζάνης;
Αμύνταιο, Αμυνταίου; Πρέσπες, Πρεσπών), generated on the folded form so that Greeklish
("Kozanhs") gets them as well. Exact matches on whole words come first, longest name wins; then,
for a word of 5+ letters that matched nothing, a conservative fuzzy match (one edit, two for long
words, same first letter) catches misspellings such as "πτολεμαϊδα" or "σιατιστα".

Many villages are named after ordinary words (Καρδιά, Πρώτη, Κλειδί, Λαιμός) or first names
(Δήμητρα, Χλόη). Their keys are "context only": matched only when the message is the name alone
(with an article or preposition), a residence cue comes just before it ("μένω στην Καρδιά",
"χωριό Πρώτη", "είμαι από Κλειδί") or another place is named too ("Ψαράδες Πρεσπών"); never
fuzzily. So "πονάει ο λαιμός μου" is not a place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise, product
from pathlib import Path

from rapidfuzz.distance import OSA

from nlu.normalise import fold, fold_spans
from nlu.types import Entity

__all__ = ["PLACES_FILE", "PlaceMatcher", "load_place_entries"]

PLACES_FILE = Path(__file__).parent / "data" / "places.yml"
# Names of the two lookup tables in places.yml (scripts/export_place_synonyms.py writes them).
LOOKUP_PLACE = "place"
LOOKUP_CONTEXT_ONLY = "place_common_word"

FUZZY_MIN_LENGTH = 6
_MAX_WINDOW = 4  # how many words before a context-only name may hold its cue

# Words that may surround a place in a message that is only the place ("στην Καρδιά", "apo Kardia").
_FILLER = (
    "από",
    "απ",
    "στο",
    "στη",
    "στην",
    "στον",
    "στα",
    "στις",
    "στους",
    "σε",
    "σο",
    "το",
    "τη",
    "την",
    "τον",
    "η",
    "ο",
    "οι",
    "τα",
    "του",
    "της",
    "των",
    "δήμος",
    "δήμου",
    "δήμο",
    "χωριό",
    "κοινότητα",
    "εδώ",
    "κοντά",
    "εγώ",
    "είμαι",
    "μένω",
)
# Words that say "this is where I live / come from" when they come just before a name.
_CUES = (
    "μένω",
    "μένουμε",
    "μένει",
    "μένουν",
    "κατοικώ",
    "κατοικούμε",
    "κατοικία",
    "ζω",
    "ζούμε",
    "χωριό",
    "χωριού",
    "χωριά",
    "κοινότητα",
    "κοινότητας",
    "οικισμό",
    "οικισμός",
    "οικισμού",
    "δήμο",
    "δήμος",
    "δήμου",
    "περιοχή",
    "περιοχής",
    "κοντά",
    "κάτοικος",
    "διεύθυνση",
)
# Not "πόλη": folded it is "πολι", the same as "πολύ" ("έχω πολύ ελεύθερο χρόνο" names no village Ελεύθερο).
# "είμαι από X", "είμαστε από X", "ερχόμαστε από X": from is a cue only after these.
_FROM_VERBS = ("είμαι", "είμαστε", "είναι", "έρχομαι", "ερχόμαστε", "κατάγομαι")
_FROM = ("από", "απ")


def _inflect_word(word: str) -> set[str]:
    """Case forms of one folded word: genitive and accusative endings of Greek place names.

    Works on folded text, where η/ι/υ/οι/ει are all "ι", ω is "ο", ου is "u" and ς is "σ".
    Over-generation is harmless: the forms only ever match this one place.
    """
    forms = {word}
    if len(word) < 3:
        return forms
    if word.endswith("οσ"):  # Βελβεντός -> Βελβεντού, Βελβεντό; Άργος -> Άργους
        stem = word[:-2]
        forms |= {stem + "u", stem + "ο", stem + "uσ"}
    elif word.endswith(("ασ", "ισ")):  # Φιλώτας -> Φιλώτα; Ροδίτης -> Ροδίτη
        forms.add(word[:-1])
    elif word.endswith("εσ"):  # Πρέσπες -> Πρεσπών
        forms.add(word[:-2] + "ον")
    elif word.endswith("α"):  # Φλώρινα -> Φλώρινας; Γρεβενά -> Γρεβενών
        forms |= {word + "σ", word[:-1] + "ον"}
    elif word.endswith("ι"):  # Κοζάνη -> Κοζάνης; Τσοτύλι -> Τσοτυλίου; Πύργοι -> Πύργων
        forms |= {word + "σ", word + "u", word[:-1] + "ον"}
    elif word.endswith("ο"):  # Αμύνταιο -> Αμυνταίου
        forms.add(word[:-1] + "u")
    elif word.endswith("ον"):  # Αλιάκμων -> Αλιάκμονα
        forms |= {word + "α", word + "οσ"}
    return forms


def _forms(name: str) -> set[tuple[str, ...]]:
    words = fold(name).split()
    if not words:
        return set()
    return {tuple(combo) for combo in product(*(sorted(_inflect_word(w)) for w in words))}


_Spans = tuple[str, list[int], list[int]]


class PlaceMatcher:
    """Finds place names in messages. `entries` pairs a key (the entity value) with all its names."""

    def __init__(
        self,
        entries: Iterable[tuple[str, Sequence[str]]],
        *,
        context_only: Iterable[str] = (),
        exact_only: Iterable[str] = (),
    ) -> None:
        self._context_only = frozenset(context_only)
        no_fuzzy = self._context_only | frozenset(exact_only)
        self._index: dict[tuple[str, ...], set[str]] = {}
        fuzzy: dict[str, set[str]] = {}
        for key, names in entries:
            for name in names:
                for form in _forms(name):
                    self._index.setdefault(form, set()).add(key)
                # Fuzzy matching only against names as written, not their generated case forms:
                # those multiply the near misses with ordinary words.
                plain = fold(name)
                if key not in no_fuzzy and " " not in plain and len(plain) >= FUZZY_MIN_LENGTH:
                    fuzzy.setdefault(plain, set()).add(key)
        self._fuzzy = fuzzy
        # A near miss must share its first two letters and its last one with the name (`_fuzzy_key`), so the
        # names are kept in buckets by those letters and a word is compared only with its own bucket.
        self._fuzzy_buckets: dict[tuple[str, str], list[str]] = {}
        for plain in fuzzy:
            self._fuzzy_buckets.setdefault((plain[:2], plain[-1]), []).append(plain)
        # First word of a name -> the lengths (in words) of the names that start with it, longest first.
        lengths: dict[str, set[int]] = {}
        for form in self._index:
            lengths.setdefault(form[0], set()).add(len(form))
        self._lengths = {first: tuple(sorted(n, reverse=True)) for first, n in lengths.items()}
        self._filler = frozenset(fold(w) for w in _FILLER)
        self._cues = frozenset(fold(w) for w in _CUES)
        self._from_verbs = frozenset(fold(w) for w in _FROM_VERBS)
        self._from = frozenset(fold(w) for w in _FROM)

    @classmethod
    def from_nlu_data(cls, path: Path = PLACES_FILE) -> PlaceMatcher:
        """A matcher over `nlu/data/places.yml` (the keys are canonical Greek names)."""
        entries, context_only = load_place_entries(path)
        return cls(entries, context_only=context_only)

    def find(self, text: str, spans: _Spans | None = None) -> list[Entity]:
        """Every place named in `text`, in order; start/end index the original text.

        `spans`: `fold_spans(text)` when the caller has it already (the engine folds each message once).
        """
        words, starts, ends = self._tokens(spans if spans is not None else fold_spans(text))
        found: list[Entity] = []
        pending: list[Entity] = []  # context-only names without a cue of their own
        i = 0
        while i < len(words):
            hit = self._exact_at(words, i)
            if hit is not None:
                length, keys = hit
                start, end = starts[i], ends[i + length - 1]
                context = self._has_context(words, i, length)
                for key in sorted(keys):
                    entity = Entity("place", key, start, end)
                    (found if context or key not in self._context_only else pending).append(entity)
                # The longest name wins, whether found or waiting for context: "Αγία Παρασκευή" is
                # never also the village Παρασκευή.
                i += length
                continue
            else:
                fuzzy = self._fuzzy_key(words[i])
                if fuzzy is not None:
                    found.append(Entity("place", fuzzy, starts[i], ends[i]))
            i += 1
        if found and pending:
            # Another place in the same message is context enough: "Ψαράδες Πρεσπών".
            found.extend(e for e in pending if not any(f.start < e.end and e.start < f.end for f in found))
            found.sort(key=lambda e: (e.start, e.value))
        return found

    # ------------------------------------------------------------------------------------ internals

    @staticmethod
    def _tokens(spans: _Spans) -> tuple[list[str], list[int], list[int]]:
        """The folded words with, for each, the start and end of the original text it came from."""
        folded, starts, ends = spans
        words: list[str] = []
        first: list[int] = []
        last: list[int] = []
        pos = 0
        for word in folded.split(" "):
            if word:
                words.append(word)
                first.append(starts[pos])
                last.append(ends[pos + len(word) - 1])
            pos += len(word) + 1
        return words, first, last

    def _exact_at(self, words: Sequence[str], i: int) -> tuple[int, set[str]] | None:
        for length in self._lengths.get(words[i], ()):
            if length <= len(words) - i:
                keys = self._index.get(tuple(words[i : i + length]))
                if keys:
                    return length, keys
        return None

    def _has_context(self, words: Sequence[str], i: int, length: int) -> bool:
        others = [w for j, w in enumerate(words) if not i <= j < i + length]
        if all(w in self._filler for w in others):
            return True  # the message is the name alone ("Καρδιά", "στην Καρδιά", "apo Kardia")
        before = list(words[max(0, i - _MAX_WINDOW) : i])
        if any(w in self._cues for w in before):
            return True
        # "είμαι από Κλειδί", "είμαι από το Κλειδί"
        return any(a in self._from_verbs and b in self._from for a, b in pairwise(before))

    def _fuzzy_key(self, word: str) -> str | None:
        # Phonetic folding already absorbs the usual misspellings (ο/ω, ι/η/υ/ει/οι, ε/αι, ντ/δ);
        # what is left are typos, so: 6+ letters, one edit (two from 10 letters, a swap counts as
        # one), the same first two letters and the same last letter as the place's form.
        if len(word) < FUZZY_MIN_LENGTH or not word.isalpha():
            return None
        max_edits = 1 if len(word) < 10 else 2
        hits = [
            (choice, dist)
            for choice in self._fuzzy_buckets.get((word[:2], word[-1]), ())
            if abs(len(choice) - len(word)) <= 1
            and (dist := OSA.distance(word, choice, score_cutoff=max_edits)) <= max_edits
        ]
        if not hits:
            return None
        best = min(dist for _, dist in hits)
        keys = {k for choice, dist in hits if dist == best for k in self._fuzzy[choice]}
        # A tie between two places is no answer.
        return next(iter(keys)) if len(keys) == 1 else None


def load_place_entries(path: Path = PLACES_FILE) -> tuple[list[tuple[str, list[str]]], set[str]]:
    """(key, names) pairs and the context-only keys from a places.yml written by the export script.

    Read with the shared Rasa reader so that the built-in engine and Rasa see the same file.
    """
    from nlu.datafile import read_nlu_file  # local: keeps `nlu.places` importable on its own

    data = read_nlu_file(path)
    groups: dict[str, list[str]] = {}
    for surface, canonical in data.synonyms.items():
        groups.setdefault(canonical, [canonical]).append(surface)
    for name in data.lookups.get(LOOKUP_PLACE, []):
        if name not in data.synonyms and name not in groups:
            groups[name] = [name]  # a place listed only in the lookup table
    context_only = {name for name in data.lookups.get(LOOKUP_CONTEXT_ONLY, []) if name in groups}
    return [(key, names) for key, names in groups.items()], context_only
