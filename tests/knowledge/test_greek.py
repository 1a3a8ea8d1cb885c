"""Greek that a native speaker would write: every message template of the catalogue rendered with 1 and with 2+
of each counted thing, and checked for agreement — «1 ενήλικας» / «2 ενήλικες», never «1 ενήλικες»; a weekday
after «της» in the genitive («της Παρασκευής»); the possessive accent («Κοινότητάς μου»)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from jinja2 import meta

from knowledge import greek
from knowledge.messages import catalogue
from knowledge.templating import environment

# Values a template may count: they are given 1, then 2 and 5.
COUNTED = {
    "count",
    "n",
    "total",
    "limit",
    "position",
    "adults",
    "minors",
    "children",
    "members",
    "days",
    "hours",
    "minutes",
    "place",
    "restricted",
    "number",
}
# A date as the code passes it, in the nominative; a template that puts «της» before it would read «της Παρασκευή».
SAMPLES: dict[str, Any] = {
    "when": "Παρασκευή 4 Δεκεμβρίου, 09:00",
    "day": "Πέμπτη 3 Δεκεμβρίου",
    "weekday": "Παρασκευή",
}

# (what must never be rendered, why)
SINGULAR_WORDS = r"(?:ενήλικας|παιδί|ερώτηση|μεγάλος|ώρα|μέρα|άτομο|αίτημα|μήνας|φορά|θέση)"
PLURAL_WORDS = r"(?:ενήλικες|παιδιά|ερωτήσεις|μεγάλοι|ώρες|μέρες|άτομα|αιτήματα|μήνες|φορές|θέσεις|σύντομες)"
WRONG = [
    (re.compile(rf"(?<![\d.,/:])1 {PLURAL_WORDS}\b"), "a plural after 1"),
    (re.compile(rf"(?<![\d.,/:])[2-9] {SINGULAR_WORDS}\b"), "a singular after 2+"),
    (re.compile(r"\bτης (?:Δευτέρα|Τρίτη|Τετάρτη|Πέμπτη|Παρασκευή|Κυριακή)\b"), "a nominative weekday after «της»"),
    (re.compile(r"\bτου Σάββατο\b"), "«του Σάββατο»"),
    (re.compile(r"(?<![\d.,/:])1 (?:questions|adults|children|appointments|days|hours|people)\b"), "1 + plural"),
    (re.compile(r"(?<![\d.,/:])[2-9] (?:question|adult|child|appointment|day|hour|person)\b"), "2+ + singular"),
    (re.compile(r"Κοινότητας μου"), "«Κοινότητας μου» without the possessive accent"),
]


def variables(source: str) -> set[str]:
    return meta.find_undeclared_variables(environment().parse(source))


def render(source: str, n: int) -> str:
    values: dict[str, Any] = {}
    for name in variables(source) - set(environment().globals):
        if name in COUNTED:
            values[name] = n
        elif name in SAMPLES:
            values[name] = SAMPLES[name]
        elif name in ("lines", "items", "names"):
            values[name] = ""
        else:
            values[name] = "Χ"
    return environment().from_string(source).render(**values)


TEMPLATES = sorted((key, register) for key, variants in catalogue().items() for register in variants)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_every_message_agrees_with_its_numbers(n: int) -> None:
    assert len(TEMPLATES) > 300  # the whole catalogue, every register
    wrong: list[str] = []
    for key, register in TEMPLATES:
        source = catalogue()[key][register]
        text = render(source, n)
        for pattern, why in WRONG:
            found = pattern.search(text)
            if found:
                wrong.append(f"{key} [{register}] with {n}: {why}: …{text[max(0, found.start() - 30) : found.end()]}")
    assert not wrong, "\n".join(wrong)


def test_counted_words_and_dates() -> None:
    assert greek.count(1, "ενήλικας", "ενήλικες") == "1 ενήλικας"
    assert greek.count(2, "ενήλικας", "ενήλικες") == "2 ενήλικες"
    assert greek.count(0, "παιδί", "παιδιά") == "0 παιδιά"
    friday, saturday = date(2026, 12, 4), date(2026, 12, 5)
    assert greek.weekday_article(friday, "gen") == "της Παρασκευής"
    assert greek.weekday_article(saturday, "gen") == "του Σαββάτου"
    assert greek.weekday_article(friday, "acc") == "την Παρασκευή"
    assert greek.weekday_article(date(2026, 11, 30), "acc") == "τη Δευτέρα"
    assert greek.day_month(friday) == "4 Δεκεμβρίου"


def test_dates_in_sentences_take_the_case_they_need() -> None:
    from core.booking.display import day_text, when_text
    from core.booking.slots import to_utc

    friday_nine = to_utc(date(2026, 12, 4), __import__("datetime").time(9, 0))
    assert when_text(friday_nine, "el", "gen").startswith("της Παρασκευής 4 Δεκεμβρίου")
    assert day_text(date(2026, 12, 5), "el", "gen") == "του Σαββάτου 5 Δεκεμβρίου"
    assert day_text(date(2026, 12, 4), "el", "acc") == "την Παρασκευή 4 Δεκεμβρίου"
    assert day_text(date(2026, 12, 4), "en", "gen") == "Friday 4 December"
