"""Greek to Latin script: ELOT 743 (ISO 843 type 1, the Greek state's transliteration) and Greeklish.

`elot743("Πτολεμαΐδα") == "Ptolemaida"`, `elot743("Άργος Ορεστικό") == "Argos Orestiko"`,
`elot743("Μπούφαρι") == "Boufari"`, `elot743("Ευκαρπία") == "Efkarpia"`, `elot743("Αυγή") == "Avgi"`.

Rules (ELOT 743:1982, table 1): αυ/ευ/ηυ are av/ev/iv before a vowel or a voiced consonant and
af/ef/if before a voiceless one or at the end of a word; μπ is b at the start or end of a word and
mp inside it; γγ = ng, γξ = nx, γχ = nch, γκ = gk (ng inside a word is also common, not ELOT);
ου = ou; θ = th, χ = ch, ψ = ps, ξ = x, η = i, υ = y, ω = o. Accents and diaeresis are dropped.
Capitals follow the Greek: "ΚΟΖΑΝΗ" -> "KOZANI", "Θεσσαλονίκη" -> "Thessaloniki".

`greeklish_variants(name)` adds the spellings people type on a phone (phonetic i for η/υ/ει/οι,
u for ου, h or x for χ, 8 for θ, w for ω): used for the gazetteer's `latin` lists.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "elot743",
    "greeklish_variants",
    "latin_label",
    "latinise_acronyms",
    "sound_key",
    "strip_accents",
    "visual_greeklish",
]

_SINGLE = {
    "α": "a",
    "β": "v",
    "γ": "g",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "i",
    "θ": "th",
    "ι": "i",
    "κ": "k",
    "λ": "l",
    "μ": "m",
    "ν": "n",
    "ξ": "x",
    "ο": "o",
    "π": "p",
    "ρ": "r",
    "σ": "s",
    "ς": "s",
    "τ": "t",
    "υ": "y",
    "φ": "f",
    "χ": "ch",
    "ψ": "ps",
    "ω": "o",
}
_PAIRS = {"ου": "ou", "γγ": "ng", "γξ": "nx", "γχ": "nch", "γκ": "gk", "ντ": "nt"}
_VOICELESS = frozenset("θκξπσςτφχψ")
_GREEK_LETTERS = frozenset(_SINGLE)


def strip_accents(text: str) -> str:
    """ "Πτολεμαΐδα" -> "Πτολεμαιδα" (tonos and diaeresis removed, case kept)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _diaeresis_positions(text: str) -> set[int]:
    """Indexes of ϊ/ϋ (or ΐ/ΰ): a vowel pair before them is two vowels ("Πτολεμαΐδα": a-i, not ai)."""
    return {i for i, c in enumerate(text) if "\u0308" in unicodedata.normalize("NFD", c)}


def _word(word: str) -> str:
    lower = strip_accents(word).lower()
    split = _diaeresis_positions(word)
    out: list[str] = []
    i = 0
    n = len(lower)
    while i < n:
        c = lower[i]
        nxt = lower[i + 1] if i + 1 < n else ""
        if c in "αεη" and nxt == "υ" and i + 1 not in split:
            after = lower[i + 2] if i + 2 < n else ""
            base = _SINGLE[c]
            out.append(base + ("f" if not after or after in _VOICELESS or after not in _GREEK_LETTERS else "v"))
            i += 2
            continue
        if c == "μ" and nxt == "π":
            at_edge = i == 0 or i + 2 >= n
            out.append("b" if at_edge else "mp")
            i += 2
            continue
        pair = c + nxt
        if pair in _PAIRS and i + 1 not in split:
            out.append(_PAIRS[pair])
            i += 2
            continue
        out.append(_SINGLE.get(c, c))
        i += 1
    latin = "".join(out)
    if word[:1].isupper():
        if len(word) > 1 and word.isupper():
            return latin.upper()
        return latin[:1].upper() + latin[1:]
    return latin


def elot743(text: str) -> str:
    """The ELOT 743 transliteration of Greek text; other characters pass unchanged."""
    out: list[str] = []
    word: list[str] = []
    for c in text:
        if strip_accents(c).lower() in _GREEK_LETTERS:
            word.append(c)
            continue
        if word:
            out.append(_word("".join(word)))
            word = []
        out.append(c)
    if word:
        out.append(_word("".join(word)))
    return "".join(out)


def _phonetic(text: str) -> str:
    """Greeklish as typed phonetically: "Λευκόβρυση" -> "Lefkovrisi", "Κοίλα" -> "Kila"."""
    # ϊ/ΐ/ϋ/ΰ keep their vowel apart from the one before it: hide them from the pair rules.
    lower = strip_accents(text.replace("ϊ", "\x00").replace("ΐ", "\x00").replace("ϋ", "\x01").replace("ΰ", "\x01"))
    for greek, latin in (("ει", "i"), ("οι", "i"), ("υι", "i"), ("αι", "e"), ("ου", "ou"), ("Ου", "Ou")):
        lower = lower.replace(greek, latin)
    latin = elot743(lower.replace("\x00", "ι").replace("\x01", "υ"))
    return latin.replace("y", "i").replace("Y", "I")


def greeklish_variants(name: str) -> list[str]:
    """ELOT 743 first, then the common Greeklish spellings of `name`, without repeats."""
    elot = elot743(name)
    phonetic = _phonetic(name)
    variants = [
        elot,
        phonetic,
        phonetic.replace("ou", "u").replace("Ou", "U"),
        elot.replace("ch", "h").replace("Ch", "H"),
        elot.replace("ch", "x").replace("Ch", "X"),
    ]
    return list(dict.fromkeys(v for v in variants if v))


_VISUAL = (
    ("ου", "ou"),
    ("θ", "8"),
    ("χ", "x"),
    ("ψ", "ps"),
    ("ξ", "ks"),
    ("η", "h"),
    ("υ", "y"),
    ("ω", "w"),
    ("β", "b"),
    ("φ", "f"),
)


def visual_greeklish(name: str) -> str:
    """Greeklish that copies the letters' looks: η = h, ω = w, υ = y, θ = 8, β = b ("Λευκόβρυση" -> "leykobrysh")."""
    out = strip_accents(name).lower()
    for greek, latin in _VISUAL:
        out = out.replace(greek, latin)
    return elot743(out)


_GREEK_CHAR = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
# A Greek acronym: capitals (and digits, hyphens) only, at least two characters: ΟΠΕΚΑ, ΚΟΤ‑Α, Ε9, Α21.
_ACRONYM = re.compile(r"(?<![\w‑-])(?=[\w‑-]*[Α-ΩΆΈΉΊΌΎΏ])[Α-ΩΆΈΉΊΌΎΏ0-9][Α-ΩΆΈΉΊΌΎΏ0-9‑-]*[Α-ΩΆΈΉΊΌΎΏ0-9](?![\w‑-])")
_SKIP = re.compile(r"<a [^>]*>.*?</a>|<[^>]+>|https?://\S+|\([^()]*\)")


def latin_label(text: str) -> str:
    """For English: "Δημαρχείο Πρεσπών" -> "Dimarcheio Prespon (Δημαρχείο Πρεσπών)"; Latin text unchanged."""
    if not _GREEK_CHAR.search(text):
        return text
    return f"{elot743(text)} ({text})"


def latinise_acronyms(text: str) -> str:
    """English answers: each Greek acronym in Latin letters (ELOT 743), the Greek in brackets the first time.

    "ΟΠΕΚΑ pays … ΟΠΕΚΑ" -> "OPEKA (ΟΠΕΚΑ) pays … OPEKA". Text in brackets, tags and links is left alone.
    """
    seen: set[str] = set()
    out: list[str] = []
    pos = 0
    for skip in [*_SKIP.finditer(text), None]:
        end = skip.start() if skip else len(text)
        chunk = text[pos:end]

        def swap(m: re.Match[str]) -> str:
            word = m.group(0)
            # a one-letter category after a hyphen reads as the usual A, B, C (ΚΟΤ‑Β -> KOT‑B)
            latin = re.sub(r"(?<=[‑-])[ΑΒΓ]$", lambda c: "ABC"["ΑΒΓ".index(c.group(0))], word)
            latin = elot743(latin)
            if word in seen:
                return latin
            seen.add(word)
            return f"{latin} ({word})"

        out.append(_ACRONYM.sub(swap, chunk))
        if skip:
            out.append(skip.group(0))
            pos = skip.end()
    # "OPEKA (ΟΠΕΚΑ) (the agency…)" reads better as "OPEKA (ΟΠΕΚΑ, the agency…)"
    return re.sub(r"\(([^()<>]+)\) \((?!http)", r"(\1, ", "".join(out))


# How a name sounds, in one spelling for both scripts (search: «Παπαδοπούλου», "papadopoulou" and «Παπαδοπουλου»
# meet). Greek is first written in plain Latin letters (αυ/ευ/ηυ as av/ev/iv, ου as u), then every rule acts alike
# on what was typed in Greek and in Latin letters: Greeklish digits and letters, the vowels written in several ways,
# b/mp, d/nt, g/gg/ng, ch/h/x/ks (χ and ξ collapse: a search may find a little more, never less), doubled letters.
_GREEK_U_AFTER_VOWEL = re.compile("([αεη])υ")
_GREEK_TO_LATIN = str.maketrans({**_SINGLE, "η": "i", "υ": "y", "ω": "o", "ξ": "ks", "χ": "ch"})
_SOUND_RULES = tuple(
    (re.compile(pattern), sound)
    for pattern, sound in (
        ("8", "th"),
        ("w", "o"),
        ("ou", "u"),
        ("ei|oi|yi", "i"),
        ("ai", "e"),
        ("y", "i"),
        ("ph", "f"),
        ("th", "Q"),
        ("ps", "P"),
        ("ch|kh|ks|x|h", "X"),
        ("mp|b", "v"),
        ("nt", "d"),
        ("gk|gg|ng", "g"),
        ("([ae])[uf]", r"\1v"),
        ("c", "k"),
        (r"(.)\1+", r"\1"),
    )
)


@functools.lru_cache(maxsize=65536)  # names repeat (first names above all): each word is worked out once
def sound_key(text: str) -> str:
    """ "Χρήστος", "Christos", "hristos" and "xristos" -> "Xristos"; "Μπακάλης" and "Mpakalis" -> "vakalis"."""
    key = _GREEK_U_AFTER_VOWEL.sub(r"\1β", strip_accents(text).lower()).replace("ου", "u").translate(_GREEK_TO_LATIN)
    for pattern, sound in _SOUND_RULES:
        key = pattern.sub(sound, key)
    return key
