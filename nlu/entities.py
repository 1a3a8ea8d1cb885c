"""Dates, times and Greek phone numbers in a message, in Greek, Greeklish or English.

Word expressions ("αύριο", "avrio", "τη Δευτέρα", "to apogevma") are matched on the folded text
(`nlu.normalise`), so accents, capitals and Greeklish conventions do not matter; numeric forms
("25/12", "10:30", "+30 694 123 4567") are matched on the original text, where the punctuation
that tells a date from a time is still there. Offsets always index the original text.

Values: `date` is an ISO date relative to `today` (default: today in Europe/Athens); `time` is
"HH:MM" or a part of the day ("morning", "noon", "afternoon", "evening", "night"); `phone` is E.164.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers

from nlu.normalise import fold, fold_spans
from nlu.types import Entity

__all__ = ["athens_today", "extract_entities", "find_dates", "find_phones", "find_times"]

ATHENS = ZoneInfo("Europe/Athens")


def athens_today() -> date:
    """Today's date where the centres are."""
    return datetime.now(ATHENS).date()


def _alternation(words: Iterable[str]) -> str:
    # Folded forms, longest first so that "μεθαύριο" is not read as "αύριο".
    forms = sorted({fold(w) for w in words if fold(w)}, key=len, reverse=True)
    return "|".join(re.escape(f) for f in forms)


_RELATIVE_DAYS: dict[int, tuple[str, ...]] = {
    0: ("σήμερα", "simera", "today", "απόψε", "apopse", "tonight"),
    1: ("αύριο", "avrio", "aurio", "tomorrow"),
    2: ("μεθαύριο", "methavrio", "methaurio", "day after tomorrow"),
}
# Monday = 0, as in date.weekday(); accusative and genitive forms, Greeklish spellings that the
# fold does not already merge, and English.
_WEEKDAYS: dict[int, tuple[str, ...]] = {
    0: ("Δευτέρα", "Δευτέρας", "deftera", "deutera", "dheftera", "monday"),
    1: ("Τρίτη", "Τρίτης", "triti", "tuesday"),
    2: ("Τετάρτη", "Τετάρτης", "tetarti", "wednesday"),
    3: ("Πέμπτη", "Πέμπτης", "pempti", "pemti", "pefti", "thursday"),
    4: ("Παρασκευή", "Παρασκευής", "paraskevi", "paraskeui", "paraskeyh", "friday"),
    5: ("Σάββατο", "Σαββάτου", "savvato", "sabbato", "saturday"),
    6: ("Κυριακή", "Κυριακής", "kyriaki", "kuriaki", "kiriaki", "sunday"),
}
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("Ιανουαρίου", "Ιανουάριος", "Γενάρη", "ianouariou", "genari", "january"),
    2: ("Φεβρουαρίου", "Φεβρουάριος", "Φλεβάρη", "fevrouariou", "flevari", "february"),
    3: ("Μαρτίου", "Μάρτιος", "Μάρτη", "martiou", "marti", "march"),
    4: ("Απριλίου", "Απρίλιος", "Απρίλη", "apriliou", "aprili", "april"),
    5: ("Μαΐου", "Μάιος", "Μάη", "maiou", "mai", "may"),
    6: ("Ιουνίου", "Ιούνιος", "Ιούνη", "iouniou", "iouni", "june"),
    7: ("Ιουλίου", "Ιούλιος", "Ιούλη", "iouliou", "iouli", "july"),
    8: ("Αυγούστου", "Αύγουστος", "avgoustou", "augoustou", "august"),
    9: ("Σεπτεμβρίου", "Σεπτέμβριος", "Σεπτέμβρη", "septemvriou", "septemvri", "september"),
    10: ("Οκτωβρίου", "Οκτώβριος", "Οκτώβρη", "oktovriou", "oktovri", "october"),
    11: ("Νοεμβρίου", "Νοέμβριος", "Νοέμβρη", "noemvriou", "noemvri", "november"),
    12: ("Δεκεμβρίου", "Δεκέμβριος", "Δεκέμβρη", "dekemvriou", "dekemvri", "december"),
}
_PARTS_OF_DAY: dict[str, tuple[str, ...]] = {
    "morning": ("πρωί", "πρωινό", "proi", "prwi", "morning"),
    "noon": ("μεσημέρι", "mesimeri", "meshmeri", "noon", "midday"),
    "afternoon": ("απόγευμα", "απογευματάκι", "apogevma", "apogeuma", "apoyevma", "afternoon"),
    "evening": ("βράδυ", "βραδάκι", "vradi", "bradi", "vrady", "evening"),
    "night": ("νύχτα", "nyxta", "nixta", "night"),
}


def _int_lookup(table: dict[int, tuple[str, ...]]) -> dict[str, int]:
    return {fold(word): key for key, words in table.items() for word in words}


_REL_OF = _int_lookup(_RELATIVE_DAYS)
_WEEKDAY_OF = _int_lookup(_WEEKDAYS)
_MONTH_OF = _int_lookup(_MONTHS)
_PART_OF = {fold(word): part for part, words in _PARTS_OF_DAY.items() for word in words}

_B = r"(?<![^\s])"  # start of a folded word
_E = r"(?![^\s])"  # end of a folded word
_WORD_DATE = re.compile(
    rf"{_B}(?:(?P<day>\d{{1,2}}) (?P<month>{_alternation(w for v in _MONTHS.values() for w in v)})"
    rf"|(?P<rel>{_alternation(w for v in _RELATIVE_DAYS.values() for w in v)})"
    rf"|(?P<wd>{_alternation(w for v in _WEEKDAYS.values() for w in v)})){_E}"
)
_PART = _alternation(w for v in _PARTS_OF_DAY.values() for w in v)
_ARTICLE = _alternation(["το", "to", "in the", "the"])
# "στις 10", "stis 10 30" (10.30 / 10:30 folded), "at 10", "ώρα 10", each optionally followed by a
# part of the day; or "10 το πρωί" with no preposition.
_WORD_TIME = re.compile(
    rf"{_B}(?:(?:{_alternation(['στις', 'στη', 'at', 'ώρα', 'ora', 'γύρω στις', 'κατά τις'])}) )?"
    rf"(?P<h>\d{{1,2}})(?: (?P<m>\d{{2}}))?(?P<tail> (?:(?:{_ARTICLE}) )?(?P<part>{_PART}))?{_E}"
)
_PART_ONLY = re.compile(rf"{_B}(?P<part>{_PART}){_E}")

# Cheap tests that skip a pattern on a message it cannot match (most messages name no date or time). The patterns
# begin with a look-behind, so sre tries them at every position; these are a C-speed scan or a set test.
# Every numeric form and "στις 10" need a digit (what `\d` matches, in the original or the folded text).
_DIGIT = re.compile(r"\d")


def _first_words(words: Iterable[str]) -> frozenset[str]:
    return frozenset(fold(w).split(" ")[0] for w in words if fold(w))


# A relative day, weekday or part of the day stands between word boundaries: its first word is a word of the message.
_DAY_WORDS = _first_words(w for table in (_RELATIVE_DAYS, _WEEKDAYS) for v in table.values() for w in v)
_PART_WORDS = _first_words(w for v in _PARTS_OF_DAY.values() for w in v)

# Numeric forms on the original text.
_NUM_DATE = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/\-]|\.\d)")
_NUM_TIME = re.compile(
    r"(?<![\d:.])([01]?\d|2[0-3])(?::([0-5]\d))?\s*"
    r"(?P<ampm>[πΠ]\.?\s?[μΜ]\.?|[μΜ]\.?\s?[μΜ]\.?|[aApP]\.?\s?[mM]\.?)?(?![\w:])"
)


def _next_weekday(today: date, weekday: int) -> date:
    # "τη Δευτέρα" said on a Monday means next week's Monday: today's would not be named.
    ahead = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


def _future_date(today: date, day: int, month: int, year: int | None) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        # A day/month without a year that has passed this year means next year's.
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def _clock(hour: int, minute: int, part: str | None) -> str | None:
    if (part in {"afternoon", "evening", "night"} and hour < 12) or (part == "noon" and hour < 6):
        hour += 12
    elif part is None and 1 <= hour <= 7:
        # With no part of the day, "στις 3" means 15:00: centres are open in working hours.
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


class _Found:
    """Entities found so far; a later, overlapping candidate loses to an earlier one."""

    def __init__(self) -> None:
        self.items: list[Entity] = []

    def add(self, entity: str, value: str | None, start: int, end: int) -> None:
        if value is None or start >= end:
            return
        if any(start < e.end and e.start < end for e in self.items):
            return
        self.items.append(Entity(entity, value, start, end))


def find_phones(text: str, found: _Found | None = None) -> list[Entity]:
    """Greek mobile (69…) and landline (2…) numbers, written with +30/0030, spaces or dashes."""
    found = found or _Found()
    if sum(map(str.isdigit, text)) < 10:
        return found.items
    for match in phonenumbers.PhoneNumberMatcher(text, "GR"):
        number = match.number
        national = str(number.national_number)
        if number.country_code == 30 and (national.startswith("69") or national.startswith("2")):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            found.add("phone", e164, match.start, match.end)
    return found.items


_Spans = tuple[str, list[int], list[int]]


def _folded_matches(spans: _Spans, pattern: re.Pattern[str]) -> Iterable[tuple[re.Match[str], int, int]]:
    folded, starts, ends = spans
    for m in pattern.finditer(folded):
        if m.end() > m.start():
            yield m, starts[m.start()], ends[m.end() - 1]


def find_dates(
    text: str, today: date | None = None, found: _Found | None = None, spans: _Spans | None = None
) -> list[Entity]:
    """Dates: "σήμερα", "avrio", "τη Δευτέρα", "25/12", "25 Δεκεμβρίου", … as ISO dates."""
    today = today or athens_today()
    found = found or _Found()
    spans = spans or fold_spans(text)
    for m in _NUM_DATE.finditer(text) if _DIGIT.search(text) else ():
        year = m.group(4)
        full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
        when = _future_date(today, int(m.group(1)), int(m.group(3)), full_year)
        # "10.30" with no year is a time, not the 10th of a 30th month; the date check rejects it.
        found.add("date", when.isoformat() if when else None, m.start(), m.end())
    folded = spans[0]
    # "25 Δεκεμβρίου" has a digit; "αύριο", "τη Δευτέρα" a day word.
    maybe = _DIGIT.search(folded) is not None or not _DAY_WORDS.isdisjoint(folded.split())
    for m, start, end in _folded_matches(spans, _WORD_DATE) if maybe else ():
        if m.group("rel"):
            value: date | None = today + timedelta(days=_REL_OF[m.group("rel")])
        elif m.group("wd"):
            if _is_verb_pefti(text[start:end]):
                continue
            value = _next_weekday(today, _WEEKDAY_OF[m.group("wd")])
        else:
            value = _future_date(today, int(m.group("day")), _MONTH_OF[m.group("month")], None)
        found.add("date", value.isoformat() if value else None, start, end)
    return found.items


_VERB_PEFTI = re.compile(r"^(?:πεφτει|peftei|peftoun|πεφτουν)$")


def _is_verb_pefti(word: str) -> bool:
    """ "Πέμπτη" (Thursday) and "πέφτει" (it falls — "πότε πέφτει το επίδομα") fold alike; the verb's
    written ending tells them apart."""
    bare = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))
    return bool(_VERB_PEFTI.match(bare))


def find_times(text: str, found: _Found | None = None, spans: _Spans | None = None) -> list[Entity]:
    """Times: "10:30", "στις 10", "5 το απόγευμα", "10πμ" as "HH:MM"; "το πρωί" as "morning"."""
    found = found or _Found()
    spans = spans or fold_spans(text)
    for m in _NUM_TIME.finditer(text) if _DIGIT.search(text) else ():
        ampm = m.group("ampm")
        if m.group(2) is None and ampm is None:
            continue  # a bare number is not a time; "στις 10" is handled on the folded text
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if ampm:
            first = ampm.lower()[0]
            pm = first in "pμ"
            if hour > 12:
                continue
            hour = (hour % 12) + (12 if pm else 0)
            found.add("time", f"{hour:02d}:{minute:02d}", m.start(), m.end())
        else:
            found.add("time", f"{hour:02d}:{minute:02d}", m.start(), m.end())
    for m, _, end in _folded_matches(spans, _WORD_TIME) if _DIGIT.search(spans[0]) else ():
        part = _PART_OF[m.group("part")] if m.group("part") else None
        if m.start("h") == m.start() and part is None:
            continue  # a bare number without "στις"/"at" or a part of the day
        start = spans[1][m.start("h")]
        found.add("time", _clock(int(m.group("h")), int(m.group("m") or 0), part), start, end)
    for m, start, end in _folded_matches(spans, _PART_ONLY) if not _PART_WORDS.isdisjoint(spans[0].split()) else ():
        found.add("time", _PART_OF[m.group("part")], start, end)
    return found.items


def extract_entities(text: str, today: date | None = None, spans: _Spans | None = None) -> list[Entity]:
    """Phones, dates and times in `text`, in order of position; spans never overlap.

    `spans` is `fold_spans(text)` when the caller already has it.
    """
    found = _Found()
    find_phones(text, found)
    spans = spans or fold_spans(text)
    find_dates(text, today, found, spans)
    find_times(text, found, spans)
    return sorted(found.items, key=lambda e: (e.start, e.end))
