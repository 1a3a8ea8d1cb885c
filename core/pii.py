"""Personal numbers in free text: ΑΜΚΑ, ΑΦΜ, police ID card numbers (ΑΔΤ) and IBANs.

Citizens sometimes type these into the chat although the bot never asks for them. They are recognised so that
they can be masked before anything is logged or stored (intake descriptions and handed-over messages are stored
masked: staff never need these numbers from a chat, and a number that is not stored cannot leak), and so the
citizen can be told not to send them.

Recognition prefers masking too much to too little: a false positive hides a harmless number, a false negative
stores someone's tax number. Bare numbers are checked (ΑΜΚΑ: a date and the Luhn digit; ΑΦΜ: its mod-11 check
digit; IBAN: mod-97); after a keyword ("ΑΜΚΑ", "afm", "IBAN"...) any number of the right length is masked.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

__all__ = [
    "PiiLogFilter",
    "PiiMatch",
    "contains_pii",
    "find_pii",
    "is_valid_afm",
    "is_valid_amka",
    "is_valid_iban",
    "mask_log_line",
    "mask_pii",
]

KINDS = ("amka", "afm", "id_card", "iban")
# What replaces a number: the same in every register, so a masked text reads the same to staff and citizen.
LABELS = {"amka": "[ΑΜΚΑ]", "afm": "[ΑΦΜ]", "id_card": "[ΑΔΤ]", "iban": "[IBAN]"}

# A run of 9 to 11 digits, allowing one space, dot or dash between digits ("010190 12345", "123.456.789").
_DIGITS = re.compile(r"(?<![\d\w])\d(?:[ .\-]?\d){8,10}(?![\d\w])")
# A keyword, then at most three words ("το ΑΜΚΑ μου είναι 0101…"), right before the number.
_UP_TO_3_WORDS = r"(?:\W+\w+){0,3}\W*$"
_KEYWORD_BEFORE = {
    "amka": re.compile(r"(?:αμκα|amka|a\.?m\.?k\.?a)" + _UP_TO_3_WORDS, re.IGNORECASE),
    "afm": re.compile(r"(?:αφμ|afm|a\.?f\.?m|tax\s*(?:id|number)|vat)" + _UP_TO_3_WORDS, re.IGNORECASE),
}
# Police ID cards: one or two capital letters from the alphabet Greek and Latin share, then six digits
# ("ΑΚ 123456", "AB-123456", "Χ 123456"). After "ταυτότητα"/"ΑΔΤ"/"ID" lower case is accepted too.
_ID_LETTERS = "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧABEZHIKMNOPTYX"
_ID_CARD = re.compile(rf"(?<![\w])[{_ID_LETTERS}]{{1,2}}[ \-]?\d{{6}}(?![\d\w])")
_ID_CARD_AFTER_KEYWORD = re.compile(
    r"(?:ταυτοτητα|ταυτότητα|ταυτοτητας|ταυτότητας|αδτ|α\.δ\.τ\.?|id(?:\s*card)?|tautotita)\W{0,12}"
    r"([a-zα-ω]{1,2}[ \-]?\d{6})(?![\d\w])",
    re.IGNORECASE,
)
_IBAN = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}")


@dataclass(frozen=True)
class PiiMatch:
    kind: str  # one of KINDS
    start: int
    end: int


def is_valid_amka(digits: str) -> bool:
    """11 digits: a birth date DDMMYY, then 5 digits, the last a Luhn check digit."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    try:
        date(2000 + year, month, day)
    except ValueError:
        return False
    return _luhn(digits)


def is_valid_afm(digits: str) -> bool:
    """9 digits, the last a mod-11 check digit over the first eight (weights 2^8 .. 2^1)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "0" * 9:
        return False
    total = sum(int(d) << (8 - i) for i, d in enumerate(digits[:8]))
    return total % 11 % 10 == int(digits[8])


def is_valid_iban(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    if compact.startswith("GR") and len(compact) != 27:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _keyword_before(text: str, start: int, kind: str) -> bool:
    return bool(_KEYWORD_BEFORE[kind].search(text[max(0, start - 40) : start]))


def _iban_matches(text: str) -> list[PiiMatch]:
    """The longest prefix of each candidate that is a valid IBAN (the regex may run into the next word)."""
    out: list[PiiMatch] = []
    for m in _IBAN.finditer(text):
        candidate = m.group(0)
        for end in range(len(candidate), 14, -1):
            piece = candidate[:end].rstrip()
            if piece and is_valid_iban(piece):
                out.append(PiiMatch("iban", m.start(), m.start() + len(piece)))
                break
        else:
            if _keyword_iban(text, m.start()):
                out.append(PiiMatch("iban", m.start(), m.end()))
    return out


def _keyword_iban(text: str, start: int) -> bool:
    return "iban" in text[max(0, start - 12) : start].lower()


def find_pii(text: str) -> list[PiiMatch]:
    """Every personal number in `text`, in order, without overlaps (the first found wins)."""
    found: list[PiiMatch] = _iban_matches(text)
    for m in _DIGITS.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        kind: str | None = None
        if len(digits) == 11 and (is_valid_amka(digits) or _keyword_before(text, m.start(), "amka")):
            kind = "amka"
        elif len(digits) == 9 and (is_valid_afm(digits) or _keyword_before(text, m.start(), "afm")):
            kind = "afm"
        if kind:
            found.append(PiiMatch(kind, m.start(), m.end()))
    for m in _ID_CARD.finditer(text):
        found.append(PiiMatch("id_card", m.start(), m.end()))
    for m in _ID_CARD_AFTER_KEYWORD.finditer(text):
        found.append(PiiMatch("id_card", m.start(1), m.end(1)))
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    result: list[PiiMatch] = []
    for match in found:
        if not result or match.start >= result[-1].end:
            result.append(match)
    return result


def contains_pii(text: str) -> bool:
    return bool(find_pii(text))


def mask_pii(text: str) -> str:
    """`text` with every personal number replaced by its label ("[ΑΜΚΑ]", "[ΑΦΜ]", "[ΑΔΤ]", "[IBAN]")."""
    matches = find_pii(text)
    if not matches:
        return text
    parts: list[str] = []
    position = 0
    for match in matches:
        parts.append(text[position : match.start])
        parts.append(LABELS[match.kind])
        position = match.end
    parts.append(text[position:])
    return "".join(parts)


class PiiLogFilter(logging.Filter):
    """Masks personal numbers in every log record it sees (install it on the handlers).

    Our own log lines never carry message text; this is the safety net for a library that logs a payload.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logging module's problem, not ours
            return True
        masked = mask_log_line(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


# Our own identifiers in log lines ("update 166596927", "outbox 12", "delivery_id=…"): numbers, not people's.
# A 9-digit Telegram update id passes the ΑΦΜ check digit one time in eleven; it must not become "[ΑΦΜ]".
_OWN_ID_BEFORE = re.compile(
    r"(?:update|update_id|outbox|delivery|reminder|entry|intake|appointment|announcement|job|message_id)"
    r"[\s#:=_-]*(?:id[\s#:=]*)?$",
    re.IGNORECASE,
)


def mask_log_line(text: str) -> str:
    """`mask_pii` for log lines: the same, except numbers that our own log lines name as an id of ours."""
    parts: list[str] = []
    position = 0
    for match in find_pii(text):
        if match.kind == "afm" and _OWN_ID_BEFORE.search(text[: match.start]):
            continue
        parts.append(text[position : match.start])
        parts.append(LABELS[match.kind])
        position = match.end
    parts.append(text[position:])
    return "".join(parts)
