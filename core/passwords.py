"""Password rules of NIST SP 800-63B (rev. 4, §3.1.1.2) for accounts that log in with a password alone.

- At least 15 characters (single-factor), at most 256; any characters, spaces and Unicode included; no
  composition rules ("one digit, one symbol") and no periodic expiry.
- Refused when it is on a blocklist of common passwords (core/data/common-passwords.txt, shipped in the repo so
  the check works offline), built only of such passwords, digits and repetition ("password1234567",
  "qwertyqwertyqwerty"), one character or a keyboard/number run repeated ("aaaaaaaaaaaaaaa", "123456789012345"),
  or is context-specific: the username, the service's name or a centre's name in it.
The result is a code; the console and the command line say it in their own words.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import cache
from pathlib import Path

MIN_LENGTH = 15
MAX_LENGTH = 256
BLOCKLIST = Path(__file__).parent / "data" / "common-passwords.txt"
# Words of this service anyone would try first (folded: lower case, no accents, Greeklish as typed).
CONTEXT_WORDS = (
    "koinotita",
    "koinotitas",
    "kentro",
    "kentra",
    "κοινοτητα",
    "κοινοτητας",
    "κεντρο",
    "κεντρα",
    "kozani",
    "eordaia",
    "ptolemaida",
    "voio",
    "servia",
    "grevena",
    "deskati",
    "kastoria",
    "argos",
    "orestiko",
    "florina",
    "amyntaio",
    "nestorio",
    "prespes",
    "κοζανη",
    "καστορια",
    "φλωρινα",
    "γρεβενα",
    "staff",
    "admin",
    "console",
    "welcome",
)
_RUNS = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc",
    "αβγδεζηθικλμνξοπρστυφχψω",
    "ςερτυθιοπ",
    "ασδφγηξκλ",
    "ζχψωβνμ",
)
_PARTS = re.compile(r"[^\W\d_]+|\d+|[\W_]+")


class PasswordRule(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"
    CONTEXT = "context"
    REPETITIVE = "repetitive"


@cache
def blocklist() -> frozenset[str]:
    lines = BLOCKLIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def fold(value: str) -> str:
    """Lower case, NFKC, accents removed: "Κοινότητα" and "koinotita" compare as people type them."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", value).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_run(part: str) -> bool:
    """One character repeated, or a stretch of a keyboard row / the alphabet / the digits, forwards or back."""
    if len(set(part)) <= 1:
        return True
    if len(part) < 3:
        return False
    return any(part in run or part in run[::-1] for run in _RUNS)


def _repeats_unit(value: str) -> bool:
    """ "abcabcabc…": the whole password is one shorter unit repeated."""
    n = len(value)
    return any(n % size == 0 and value[:size] * (n // size) == value for size in range(1, n // 2 + 1))


def _weak_part(part: str, blocked: frozenset[str]) -> bool:
    return part in blocked or _is_run(part) or part.isdigit() or _repeats_unit(part) or len(part) <= 2


def check_password(password: str, *, username: str = "") -> PasswordRule | None:
    """Why this password may not be set, or None when it may."""
    if len(password) < MIN_LENGTH:
        return PasswordRule.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return PasswordRule.TOO_LONG
    folded = fold(password)
    compact = re.sub(r"[\s\W_]+", "", folded)
    name = fold(username.strip())
    if name and (name in folded or (len(compact) >= 4 and compact in re.sub(r"[\W_]+", "", name))):
        return PasswordRule.CONTEXT
    if _is_run(compact or folded) or _repeats_unit(folded) or (compact and _repeats_unit(compact)):
        return PasswordRule.REPETITIVE
    blocked = blocklist()
    if folded in blocked or compact in blocked:
        return PasswordRule.COMMON
    parts = _PARTS.findall(folded)
    words = {p for p in parts if p.isalpha()}
    if len(words) <= 1 and all(_weak_part(part, blocked) for part in parts):
        # One common password padded with digits, runs and separators: "password1234567", "dragon-dragon-2024".
        # Several words are a passphrase, which is fine however common each word is.
        return PasswordRule.COMMON
    if words and all(w in CONTEXT_WORDS or len(w) <= 2 for w in words):
        return PasswordRule.CONTEXT
    return None
