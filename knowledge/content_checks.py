"""The checks behind issue 15's faults, used by `knowledge.check.run_check` (each has a planted-fault test).

- `misdated_amounts`: a figure shown under another figure's date, or without its own date (or "undated");
- `bad_source`: a source field that is not a plain public address (notes, "?", "…", "...", spaces);
- `greek_in_english`: Greek letters in an English answer outside brackets ("Address: Δημαρχείο" is wrong,
  "Guaranteed Minimum Income (ΕΕΕ)" is right);
- `unexplained_terms`: an easy-to-read answer that uses a glossary word without its explanation;
- `figure_disagreements`: eligibility.yaml stating a figure differently from the programme that owns it;
- `long_first_part`: an easy-to-read topic answer whose first message is longer than EASY_FIRST_PART_LIMIT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from knowledge.glossary import GlossaryTerm
from knowledge.programmes import SourceRef

__all__ = [
    "EASY_FIRST_PART_LIMIT",
    "FIGURE_TWINS",
    "bad_source",
    "figure_disagreements",
    "greek_in_english",
    "long_first_part",
    "misdated_amounts",
    "unexplained_terms",
]

# The first message of an easy-to-read topic answer: what it is, who gets it, how much. About 12 short lines.
EASY_FIRST_PART_LIMIT = 950  # visible characters, source line and caveat included

# Figures the pre-check calculator (eligibility.yaml) uses that a programme file also states:
# (scheme, key in eligibility.yaml) -> "programme.amount key". Both must be the same number.
FIGURE_TWINS: dict[tuple[str, str], str] = {
    ("min_income", "first_adult"): "min_income.single",
    ("min_income", "additional_adult"): "min_income.extra_adult",
    ("min_income", "minor"): "min_income.minor",
    ("min_income", "ceiling"): "min_income.ceiling",
    ("kot_a", "kot_a_max_discount_percent"): "kot.kot_a_discount",
    ("kot_a", "kot_b_first_adult"): "kot.kot_b_income_single",
    ("kot_a", "kot_b_maximum"): "kot.kot_b_income_max",
    ("kot_a", "kot_b_disability_67_supplement"): "kot.kot_b_disability_extra",
    ("kot_a", "kot_b_life_support_supplement"): "kot.kot_b_life_support_extra",
}
_HOUSING_KEYS = ("one_person", "two_members", "three_members", "four_members", "five_members")

_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
_BRACKETS = re.compile(r"\([^()]*\)")
_TAG = re.compile(r"<[^>]+>")
_HREF = re.compile(r"https?://\S+")


def bad_source(value: str | None) -> str | None:
    """Why a source field is not a plain public address a person could open, or None if it is."""
    if value is None:
        return None
    text = str(value)
    if text.strip() in {"?", ""}:
        return "is empty or '?'"
    if any(mark in text for mark in ("…", "...")):
        return "is cut short ('…' or '...'): put the full address"
    if any(c.isspace() for c in text):
        return "holds notes or spaces: keep only the address (notes go in a 'note' field)"
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or "." not in parsed.netloc:
        return "is not an http(s) address"
    if text.endswith("?") or "?" in parsed.netloc:
        return "has a stray '?'"
    return None


def unlinked_source(where: str, source: SourceRef) -> str:
    """The warning for a source named without an address: it stays a warning (a citizen cannot open it), and says
    why, from the data's `note`, so that it explains itself rather than being hidden."""
    why = source.note or "no 'note' says why it has no address: add one, or the full address"
    return (
        f"{where}: the source is named without an address ({source.title!r}): citizens see the name, unlinked. "
        f"Why: {why}. Link it when the full address is found."
    )


def _visible(line: str) -> str:
    return _TAG.sub("", line).strip()


def misdated_amounts(text: str, amounts: Sequence[Mapping[str, Any]], register: str) -> list[str]:
    """Figures whose date in `text` is not their own (amounts are answers._amount_view dictionaries).

    Easy-to-read: the nearest «📅 …» line above the figure's line must be its own date (or the
    undated line). Other registers: the figure's line must end with «(its date)».
    """
    raw = text.splitlines()
    lines = [_visible(line) for line in raw]
    problems: list[str] = []
    for a in amounts:
        heads = (f"• {a['label']}: <b>", f"• {a['label']} <b>")  # a figure's line: its label, then the bold sum
        where = next((i for i, line in enumerate(raw) if line.startswith(heads) and a["money"] in lines[i]), None)
        if where is None:
            continue  # not shown in this answer
        if register == "el-simple":
            above = next((lines[j] for j in range(where - 1, -1, -1) if lines[j].startswith("📅")), None)
            if above != f"📅 {a['when']}":
                problems.append(f"{a['key']} ({a['money']}) is shown under «{above}», not «📅 {a['when']}»")
        elif not lines[where].endswith(f"({a['when']})"):
            problems.append(f"{a['key']} ({a['money']}) is shown without its own date «{a['when']}»")
    return problems


def greek_in_english(text: str) -> list[str]:
    """The lines of an English answer with Greek letters outside brackets and links."""
    found = []
    for line in text.splitlines():
        plain = _HREF.sub("", _TAG.sub("", line))
        previous = None
        while previous != plain:  # nested brackets: remove the innermost first
            previous, plain = plain, _BRACKETS.sub("", plain)
        if _GREEK.search(plain):
            found.append(_visible(line))
    return found


def unexplained_terms(text: str, glossary: Iterable[GlossaryTerm]) -> list[str]:
    """Glossary terms used in an easy-to-read answer without their explanation anywhere in it."""
    plain = _HREF.sub("", text)
    return [term.term for term in glossary if term.used_in(plain) and not term.explained_in(plain)]


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def figure_disagreements(rules: Mapping[str, Any], programme_value: Any) -> list[str]:
    """Where eligibility.yaml (`rules`, references resolved) states a programme's figure differently.

    `programme_value(ref)` returns the programme file's value for "programme.key".
    """
    problems: list[str] = []
    pairs = [((scheme, key), ref, rules.get(scheme, {}).get(key)) for (scheme, key), ref in FIGURE_TWINS.items()]
    for i, tier in enumerate(rules.get("housing", {}).get("tiers") or []):
        if i < len(_HOUSING_KEYS):
            pairs.append(
                (("housing", f"tiers[{i}].monthly"), f"housing_allowance.{_HOUSING_KEYS[i]}", tier.get("monthly"))
            )
            pairs.append(
                (
                    ("housing", f"tiers[{i}].annual_income_limit"),
                    f"housing_allowance.income_limit_{i + 1}",
                    tier.get("annual_income_limit"),
                )
            )
    for (scheme, key), ref, value in pairs:
        ours, theirs = _number(value), _number(programme_value(ref))
        if ours is None or theirs is None or ours != theirs:
            problems.append(f"eligibility.yaml {scheme}.{key} = {value} but programmes/{ref} = {programme_value(ref)}")
    return problems


def long_first_part(parts: Sequence[str], limit: int = EASY_FIRST_PART_LIMIT) -> str | None:
    """Why an easy-to-read answer's first message is too long to take in, or None."""
    if parts and len(_TAG.sub("", parts[0])) > limit:
        return f"its first message has {len(_TAG.sub('', parts[0]))} characters (limit {limit})"
    return None
