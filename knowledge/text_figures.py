"""No figure typed in a sentence (issue 15: one fact, one place): `koinotita knowledge check`'s rule.

A programme's amounts, limits, rates and ages live in its `amounts:` block, each with its source and date; the
sentences name them with placeholders (knowledge/figures.py: «{key}», «{key[0]}», «{key:number}», «{key:since}»),
and the pre-check calculator reads the same amounts (eligibility.yaml types none: see `typed_rule_figures`).

The rule, over every sentence a citizen can read (a programme's name, what, who, apply, centre_role, notes,
categories, amount labels, documents; a topic's intro and body), after taking out the placeholders and the
allowed forms below — a *typed figure*, an error, is:
  1. a number next to a currency sign or word: «800 €», «€800», «800 ευρώ», «800 EUR»;
  2. a number with a percent sign: «67%», «8 %»;
  3. a number written with thousands separators: «1.328», «13,500»;
  4. an age: a number (or a range «15–74») before «ετών», «χρονών», «χρόνων», «years old», or after «aged»,
     «Ηλικία», «άνω των», «πάνω από», «over»;
  5. a multiplier: «6πλάσιο», «6 times», «6 φορές»;
  6. a duration or a count of payments: a number (or a range) before «μήνες», «μηνών», «ημέρες», «μέρες», «days»,
     «months», «νύχτες», «διανυκτερεύσεις», «nights», «δόσεις», «instalments», «χρόνια», «ετών», «years» (also with
     «τελευταίων», «προηγούμενα» or «πρώτους» between: «3 τελευταίων ετών»);
  7. a known figure: any other number equal to a value of one of the programme's own amounts (a bare «9000»).
Allowed, and taken out first:
  - dates: «1/12/2023», «30/7–14/8/2025», «1 Dec 2023», «30 Jun 2026»; years 1900–2099 (also «2025‑2026»);
  - ordinals: «1ο», «2η», «3ου», «1st», «2nd», «4th»; a digit glued to letters: form and benefit codes («Ε1»,
    «Ε9», «Α21»), «24ωρο»; keycap list markers «1️⃣»; «Βήμα 1» / «Step 1»;
  - law and article references: «ν. 4837/2021», «law 3226/2004», «άρθρο 93»;
  - phone numbers: the helplines' numbers (3–5 digits) and 10-digit numbers;
  - an example of what to type («π.χ. 1.200», «e.g. 2»), «0 €», and the age of majority («18 ετών», «under 18»);
  - a fraction («2/3 of the minimum wage»: legal aid's limit is a rule, not a sum), and counts of things that are
    not figures of a programme («2 επιδόματα», «Κάνετε 1 αίτηση»).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from knowledge.figures import PLACEHOLDER
from knowledge.programmes import Knowledge, programme_texts

__all__ = ["template_lines", "typed_figure_errors", "typed_figures", "typed_rule_figures"]

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)

_NUM = r"\d+(?:[.,]\d+)*"
_ENGLISH_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_DASH = "[-\u2010\u2011\u2012\u2013\u2014]"
# Allowed forms, removed before the rule looks for figures (order matters: dates before years and ranges).
_ALLOWED = [
    re.compile(rf"\b\d{{1,2}}/\d{{1,2}}(?:/\d{{4}})?(?:\s?{_DASH}\s?\d{{1,2}}/\d{{1,2}}(?:/\d{{4}})?)?(?!\d)"),
    re.compile(rf"\b\d{{1,2}}\s{_ENGLISH_MONTH}(?:\s?{_DASH}\s?\d{{1,2}}\s{_ENGLISH_MONTH})?(?:\s\d{{4}})?\b"),
    re.compile(rf"\b{_ENGLISH_MONTH}\s\d{{4}}\b"),
    re.compile(r"(?:\bν\.|\blaw|\bάρθρο|\bάρθρα|\barticle|ΚΥΑ|ΦΕΚ)\s?\d+(?:/\d{4})?", re.IGNORECASE),
    re.compile(r"\b\d+/\d{4}\b"),
    re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?![\d.,]\d)"),
    re.compile(r"\b\d+(?:ο|η|ου|ης|st|nd|rd|th)\b"),
    re.compile(r"\d\ufe0f?\u20e3"),
    re.compile(r"(?:Βήμα|Step)\s\d+", re.IGNORECASE),
    re.compile(r"(?<![\d.,])\d{10}(?![\d.,])"),
    re.compile(r"\b\d/\d\b"),
    re.compile(r"(?:π\.χ\.|e\.g\.)\s\d+(?:[.,]\d+)*"),  # an example of what to type
    re.compile(r"(?<![\d.,])0\s?€|€0(?![\d.,])"),  # «0 € — no income»
    re.compile(r"\b18\s(?:ετών|χρονών)|(?:under|κάτω των|κάτω από)\s18\b|\b18 or older"),  # the age of majority
    re.compile(r"[^\W\d_]+\d+|\d+(?!πλάσι)[^\W\d_]+"),  # glued to letters (Ε1, Α21, 24ωρο), not «6πλάσιο»
]
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("money", re.compile(rf"€\s?(?P<n>{_NUM})|(?P<m>{_NUM})\s?(?:€|ευρώ|EUR\b)")),
    ("percentage", re.compile(rf"(?P<n>{_NUM})\s?%")),
    ("thousands", re.compile(r"(?<![\d.,])(?P<n>\d{1,3}(?:[.,]\d{3})+)(?![\d.,]?\d)")),
    (
        "age",
        re.compile(
            rf"(?P<n>\d+)(?:\s?{_DASH}\s?|\sέως\s|\sto\s)?(?P<m>\d+)?\s(?:ετών|χρονών|χρόνων|years old|years of age)"
            rf"|(?:[Aa]ged|Ηλικία|άνω των|πάνω από|over)\s(?P<a>\d+)(?:\s?(?:{_DASH}|έως|to)\s?(?P<b>\d+))?"
        ),
    ),
    ("multiplier", re.compile(r"(?P<n>\d+)(?:πλάσι|\stimes\b|\sφορές)")),
    (
        "duration",
        re.compile(
            rf"(?P<n>\d+)(?:\s?{_DASH}\s?(?P<m>\d+))?\s(?:(?:τελευταί|προηγούμεν|πρώτ)\w*\s)?"
            r"(?:μήνες|μηνών|μήνα|months?|ημέρες|ημερών|μέρες|days?|νύχτες|διανυκτερεύσεις|nights?|δόσεις|δόσης|"
            r"instalments?|χρόνια|χρόνων|ετών|years?)\b"
        ),
    ),
]
_ANY_NUMBER = re.compile(rf"(?<![\w.,])(?P<n>{_NUM})(?![\w])")


def _value(raw: str) -> Decimal | None:
    """«13.500» / «13,500» -> 13500; «21,60» / «21.60» -> 21.60."""
    head, *rest = re.split(r"[.,]", raw)
    try:
        if rest and all(len(part) == 3 for part in rest):
            return Decimal(head + "".join(rest))
        return Decimal(f"{head}.{''.join(rest)}") if rest else Decimal(head)
    except InvalidOperation:
        return None


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def typed_figures(text: str, known: Iterable[Decimal] = (), phones: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The figures typed in a sentence, as (what kind, the text), after placeholders and allowed forms."""
    text = _blank(text, PLACEHOLDER)
    for phone in phones:
        text = re.sub(rf"(?<![\d.,]){re.escape(phone)}(?![\d.,]?\d)", " " * len(phone), text)
    for pattern in _ALLOWED:
        text = _blank(text, pattern)
    found: list[tuple[str, str]] = []
    for kind, pattern in _RULES:
        for m in pattern.finditer(text):
            found.append((kind, m.group(0).strip()))
        text = _blank(text, pattern)
    known_values = set(known)
    for m in _ANY_NUMBER.finditer(text):
        if _value(m.group("n")) in known_values:
            found.append(("known figure", m.group(0)))
    return found


def _strings(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{where}[{i}]")
    elif isinstance(node, str):
        yield where, node


def _numbers(node: Any, where: str, structural: frozenset[str]) -> Iterator[tuple[str, Any]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key not in structural:
                yield from _numbers(value, f"{where}.{key}" if where else str(key), structural)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _numbers(value, f"{where}[{i}]", structural)
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield where, node


# Keys of eligibility.yaml that describe a household, not a figure of a programme.
_HOUSEHOLD_KEYS = frozenset({"adults", "minors", "members", "single_parent_minors", "checked", "as_of", "facts"})


def typed_rule_figures(rules: Mapping[str, Any]) -> list[str]:
    """Figures the calculator's data (eligibility.yaml, as written) types instead of `{amount: programme.key}`."""
    return [
        f"eligibility.yaml {where} = {value}: a figure typed in the calculator's data; make it an amount of the "
        "programme file and refer to it as {amount: programme.key}"
        for where, value in _numbers(rules, "", _HOUSEHOLD_KEYS)
    ]


def template_lines(source: str) -> list[str]:
    """The words of a Jinja template, its expressions and statements blanked: what the rule reads in a template."""
    return [line for line in _JINJA.sub(" ", source).splitlines() if line.strip()]


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def typed_figure_errors(
    kn: Knowledge, words: Path, catalogue: Mapping[str, Mapping[str, Mapping[str, str]]]
) -> list[str]:
    """Every figure typed in a programme's or topic's sentences, in the pre-check's templates (`words`) and in its
    catalogue (questions, buttons, errors), each as an error for `koinotita knowledge check`."""
    errors: list[str] = []
    phones = [h.number for h in kn.helplines]
    for prog in kn.programmes.values():
        known = {v for a in prog.amounts for v in a.values}
        for where, register, line in programme_texts(prog):
            for kind, figure in typed_figures(line, known, phones):
                errors.append(
                    f"programmes/{prog.path.name}: {where}.{register}: «{figure}» is {_a(kind)} typed in the sentence; "
                    "make it an amount of the programme and write its placeholder ({key})"
                )
    # The pre-check's words (result, reasons, suggestions, questions) name the programmes' figures too.
    for template in sorted(words.glob("*.j2")):
        for line in template_lines(template.read_text(encoding="utf-8")):
            for kind, figure in typed_figures(line, (), phones):
                errors.append(f"templates/eligibility/{template.name}: «{figure}» is {_a(kind)} typed")
    for section, entries in catalogue.items():
        for key, texts in entries.items():
            for register, line in texts.items():
                for kind, figure in typed_figures(line, (), phones):
                    where = f"templates/eligibility/catalogue.yaml: {section}.{key}.{register}"
                    errors.append(f"{where}: «{figure}» is {_a(kind)} typed")
    # The bot's message catalogues (knowledge/data/messages): Jinja left out, as in the templates.
    for path in sorted((kn.data_dir / "messages").glob("*.yaml")):
        for where, message in _strings(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, ""):
            for line in template_lines(message):
                for kind, figure in typed_figures(line, (), phones):
                    errors.append(f"messages/{path.name}: {where}: «{figure}» is {_a(kind)} typed")
    for intent, topic in kn.topics.items():
        for part, text in (("intro", topic.intro), ("body", topic.body)):
            for register, lines in text.items():
                for line in lines:
                    for kind, figure in typed_figures(line, (), phones):
                        errors.append(
                            f"topics.yaml: {intent}.{part}.{register}: «{figure}» is {_a(kind)} typed in the sentence"
                        )
    return errors
