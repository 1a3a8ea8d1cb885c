"""Fold any message to one canonical, phonetic, Greek-letter form.

Citizens type Greek with or without accents, in capitals, with phonetic misspellings (ο/ω, ε/αι,
ι/η/υ/ει/οι) and in Greeklish of every convention (th/8, x/h/ch, w/o, ou/u). Training examples
and incoming messages both go through `fold`, so every spelling of a word lands on the same string:
"θέλω ραντεβού", "thelw rantevou", "8elo rantebou" and "ΘΕΛΩ ΡΑΝΤΕΒΟΥ" all fold to "θελο ραδεβu".

The folded form is a matching key, not text for people: it merges letters Greek spells apart but
pronounces alike (ω/ο, η/υ/ι, μπ/β, ντ/δ), and keeps "ου" as the single symbol "u".
Every folded character remembers the span of the original text it came from, so entities found
on the folded text can be reported on the original one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

__all__ = ["fold", "fold_spans", "fold_with_offsets", "tokens"]

_DIALYTIKA = "\u0308"
# Greek lowercase letters that survive the character pass; ϊ/ϋ keep their dialytika until the
# diphthong rules have run, because "αϊ" is two sounds while "αι" is one.
_GREEK = "αβγδεζηθικλμνξοπρστυφχψωϊϋ"
_LETTER = f"a-z{_GREEK}"

# A span list pair: for each character of a working string, [start, end) in the original text.
_Spans = tuple[str, list[int], list[int]]


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One original character -> zero or more working characters (Greek/Latin letters, digits, space)."""
    if ch.isascii():
        if ch.isalpha():
            return ch.lower()
        return ch if ch.isdigit() else " "
    decomposed = unicodedata.normalize("NFKD", ch)
    keep_dialytika = _DIALYTIKA in decomposed
    out: list[str] = []
    for part in decomposed:
        if unicodedata.combining(part):
            continue
        low = part.lower()
        for c in low:
            if c == "ς":
                c = "σ"
            if c in _GREEK or "a" <= c <= "z":
                if keep_dialytika and c in "ιυ":
                    c = "ϊ" if c == "ι" else "ϋ"
                out.append(c)
            elif unicodedata.category(c) == "Nd":
                out.append(str(unicodedata.decimal(c, 0)))
            elif not unicodedata.combining(c):
                out.append(" ")
    return "".join(out)


_IRREGULAR = "\0"  # no character folds to this one (NUL folds to a space)
_TABLE_LIMIT = 8_192  # characters remembered; a message of rare ones past that is still folded, just not remembered


class _CharTable(dict[int, str]):
    """`_fold_char` as a `str.translate` table, filled as characters are met.

    A character that folds to none or to several characters maps to `_IRREGULAR`, so that one test sends the
    message to the character-by-character pass.
    """

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        value = folded if len(folded) == 1 else _IRREGULAR
        if len(self) < _TABLE_LIMIT:
            self[code] = value
        return value


_CHARS = _CharTable()


def _char_pass(text: str) -> _Spans:
    if _DIALYTIKA not in text:
        out = text.translate(_CHARS)
        if _IRREGULAR not in out:
            # Every character became exactly one (nearly every message): the spans are the positions.
            return out, list(range(len(text))), list(range(1, len(text) + 1))
    return _char_pass_each(text)


def _char_pass_each(text: str) -> _Spans:
    """The character pass, one character at a time (a character that folds to none or several, a dialytika)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        if ch == _DIALYTIKA and out and out[-1] in "ιυ":
            # A decomposed dialytika ("ι" + U+0308) still blocks the diphthong.
            out[-1] = "ϊ" if out[-1] == "ι" else "ϋ"
            ends[-1] = i + 1
            continue
        piece = _fold_char(ch)
        for c in piece:
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
    return "".join(out), starts, ends


def _sub(spans: _Spans, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> _Spans:
    """`re.sub` that carries the original spans along; a replacement spans everything it replaced."""
    s, st, en = spans
    out: list[str] = []
    ost: list[int] = []
    oen: list[int] = []
    pos = 0
    for m in pattern.finditer(s):
        a, b = m.span()
        if a == b:
            continue
        if a > pos:
            out.append(s[pos:a])
            ost.extend(st[pos:a])
            oen.extend(en[pos:a])
        r = repl(m)
        if r:
            out.append(r)
            ost.extend([st[a]] * len(r))
            oen.extend([en[b - 1]] * len(r))
        pos = b
    if pos == 0:
        return spans
    out.append(s[pos:])
    ost.extend(st[pos:])
    oen.extend(en[pos:])
    return "".join(out), ost, oen


def _shrink(spans: _Spans, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> _Spans:
    """`_sub` for a pattern whose every match becomes one character (ου -> u, αι -> ε, λλ -> λ, two spaces -> one).

    The spans are whole slices of the old ones: the one character starts where its match started and ends where it
    ended, so the starts skip the rest of each match and the ends skip all of it but its last.
    """
    s, st, en = spans
    out: list[str] = []
    ost: list[int] = []
    oen: list[int] = []
    pos = last = 0  # next character of `s` to copy; next end to copy (the end of a match's last character)
    for m in pattern.finditer(s):
        a, b = m.span()
        out.append(s[pos:a])
        out.append(repl(m))
        ost += st[pos : a + 1]
        oen += en[last:a]
        pos, last = b, b - 1
    if pos == 0:
        return spans
    out.append(s[pos:])
    ost += st[pos:]
    oen += en[last:]
    return "".join(out), ost, oen


def _same_length(spans: _Spans, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> _Spans:
    """`_sub` for a pattern that matches one character and puts one character in its place: no span moves."""
    s, st, en = spans
    return pattern.sub(repl, s), st, en


def _replace(spans: _Spans, pairs: tuple[tuple[str, str], ...]) -> _Spans:
    """`_sub` of single letters by single letters that are not replaced themselves: no span moves, and for
    non-ASCII text `str.replace` is several times faster than `str.translate`, which looks up every character."""
    s, st, en = spans
    for old, new in pairs:
        s = s.replace(old, new)
    return s, st, en


def _table(mapping: dict[str, str]) -> tuple[re.Pattern[str], Callable[[re.Match[str]], str]]:
    # Longest keys first so that digraphs win over their single letters.
    keys = sorted(mapping, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(k) for k in keys))
    return pattern, lambda m: mapping[m.group(0)]


# Greeklish digits: 8 = θ ("8elo"), 3 = ξ ("3erw"), only inside a word of letters, so that
# numbers such as "18", "10:30" or "25/12" stay numbers.
_DIGIT_LETTER = re.compile(rf"(?<![0-9])(?:(?<=[{_LETTER}])[83]|[83](?=[{_LETTER}]))(?![0-9])")

# "h" at the start of a word before a vowel or "r" is χ ("hartia", "hreiazomai"); anywhere else
# it is η ("h", "hlektriko", "kalh", "mhtera"). On the held-out set this scored 0.9725, the same as
# "initial h is always χ" and above "h is always η" (0.9711); it also keeps "hlektriko" right.
_H_INITIAL = re.compile(rf"(?<![{_LETTER}])h(?=[aeiouywr])")
# Greeklish writes the article "τη(ν/ς)" and "στη(ν/ς)" with an "h" that follows a "t", so "th"
# there is τη, not θ: "sthn", "sth", "ths", "thn"; Greek words hardly ever begin with σθ.
_TH_ARTICLE = re.compile(rf"(?<![{_LETTER}])(?:sth|th(?=[ns]?(?![{_LETTER}])))")

_GREEKLISH_MAP = {
    "th": "θ",
    "ch": "χ",
    "kh": "χ",
    "ph": "φ",
    "ps": "ψ",
    "ks": "ξ",
    "sh": "σ",
    "gh": "γ",
    "ck": "κ",
    "ou": "ου",
    "au": "αυ",
    "eu": "ευ",
    "a": "α",
    "b": "β",
    "c": "κ",
    "d": "δ",
    "e": "ε",
    "f": "φ",
    "g": "γ",
    "h": "η",
    "i": "ι",
    "j": "τζ",
    "k": "κ",
    "l": "λ",
    "m": "μ",
    "n": "ν",
    "o": "ο",
    "p": "π",
    "q": "κ",
    "r": "ρ",
    "s": "σ",
    "t": "τ",
    "u": "ου",
    "v": "β",
    "w": "ω",
    "x": "χ",
    "y": "υ",
    "z": "ζ",
}
# The table runs as one left-to-right scan, a two-letter key winning at its position. Every Latin letter is a key,
# so a scan of the two-letter keys alone stops at the same positions; what it leaves are single letters, nearly all
# replaced by single (Greek) letters (`str.replace`), and "j" and "u", which become two.
_GREEKLISH_PAIRS = _table({k: v for k, v in _GREEKLISH_MAP.items() if len(k) == 2})
_GREEKLISH_LETTERS = tuple((k, v) for k, v in _GREEKLISH_MAP.items() if len(k) == 1 and len(v) == 1)
_GREEKLISH_LONGER = _table({k: v for k, v in _GREEKLISH_MAP.items() if len(k) == 1 and len(v) > 1})

# Phonetic folding of Greek, in order. "ου" becomes the one symbol "u" first, so its υ is never
# read as the υ of αυ/ευ.
_OU = re.compile("ου")
# αυ/ευ/ηυ sound av/ev before voiced sounds and af/ef before voiceless ones; β is folded to φ
# before a voiceless consonant below, so "αυτό", "afto", "avto" and "auto" all meet.
_AV = re.compile("(?<=[αεη])υ")
# η and ω fold before the pairs: Greeklish "voitheia" cannot tell οι from οη ("βοήθεια").
_EARLY_VOWELS = (("ω", "ο"), ("η", "ι"))
_VOWEL_PAIRS = _table({"αι": "ε", "ει": "ι", "οι": "ι", "υι": "ι"})
_LATE_VOWELS = (("υ", "ι"), ("ϊ", "ι"), ("ϋ", "ι"))
# Written pairs that are one sound: μπ/β ("mporo"/"boro"), ντ/νδ/δ ("rantevou"/"randevou"),
# γκ/νγ/γ ("anglika"/"agglika"), κσ/ξ, πσ/ψ.
_CLUSTERS = _table(
    {
        "μπ": "β",
        "μβ": "β",
        "ντ": "δ",
        "νδ": "δ",
        "γκ": "γ",
        "νγ": "γ",
        "κσ": "ξ",
        "πσ": "ψ",
    }
)
_V_VOICELESS = re.compile("β(?=[κπτχφθσξψ])")
# Doubled letters are spelling, not sound ("αλλά"/"ala"); digits are never collapsed.
_DOUBLE = re.compile(f"([{_GREEK}u])\\1+")
_SPACE = re.compile(r" {2,}")
# Every Greeklish pass replaces a Latin letter; most messages are written in Greek letters and skip them all.
_LATIN = re.compile("[a-z]")


def fold_spans(text: str) -> _Spans:
    """Folded text and, per folded character, the [start, end) span in `text` it came from."""
    # A pass runs only when the string has what its pattern needs (a substring test costs next to nothing; a
    # pass, however little it finds, costs a function call and a regex scan). `tests/nlu/test_fold_reference.py`
    # compares with every pass run unconditionally.
    spans = _char_pass(text)
    if "8" in spans[0] or "3" in spans[0]:
        spans = _same_length(spans, _DIGIT_LETTER, lambda m: "θ" if m.group(0) == "8" else "ξ")
    if _LATIN.search(spans[0]):
        spans = _same_length(spans, _H_INITIAL, lambda m: "χ")
        spans = _sub(spans, _TH_ARTICLE, lambda m: "στη" if m.group(0) == "sth" else "τη")
        spans = _sub(spans, *_GREEKLISH_PAIRS)
        spans = _replace(spans, _GREEKLISH_LETTERS)
        spans = _sub(spans, *_GREEKLISH_LONGER)
    if "ου" in spans[0]:
        spans = _shrink(spans, _OU, lambda m: "u")
    if "υ" in spans[0]:
        spans = _same_length(spans, _AV, lambda m: "β")
    spans = _replace(spans, _EARLY_VOWELS)
    if "ι" in spans[0]:  # every vowel pair ends in ι
        spans = _shrink(spans, *_VOWEL_PAIRS)
    spans = _replace(spans, _LATE_VOWELS)
    spans = _shrink(spans, *_CLUSTERS)
    if "β" in spans[0]:
        spans = _same_length(spans, _V_VOICELESS, lambda m: "φ")
    spans = _shrink(spans, _DOUBLE, lambda m: m.group(1))
    if "  " in spans[0]:
        spans = _shrink(spans, _SPACE, lambda m: " ")
    s, st, en = spans
    lead = len(s) - len(s.lstrip(" "))
    trail = len(s.rstrip(" "))
    if lead == 0 and trail == len(s):
        return spans  # nothing to strip: no copies
    return s[lead:trail], st[lead:trail], en[lead:trail]


def fold(text: str) -> str:
    """The canonical folded form of `text` (see the module docstring)."""
    return fold_spans(text)[0]


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index in `text` it came from."""
    s, starts, _ = fold_spans(text)
    return s, starts


def tokens(text: str) -> list[str]:
    """The folded words of `text`."""
    return fold(text).split()
