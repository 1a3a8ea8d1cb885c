"""Greek that agrees: the forms a native speaker uses for dates and counted things.

- Weekdays and months: nominative («Παρασκευή»), accusative («την Παρασκευή»), genitive («της Παρασκευής»,
  «4 Δεκεμβρίου»). A date in a sentence is «την Παρασκευή 4 Δεκεμβρίου», its header «Παρασκευή 4 Δεκεμβρίου».
- Counted things: «1 ενήλικας», «2 ενήλικες» (`counted(n, one, many)` in templates), in every register (English too).

Registered in the one Jinja2 environment (`knowledge.templating`) as globals, so catalogue texts and templates
use the same words: `{{ counted(adults, "ενήλικας", "ενήλικες") }}`, `{{ weekday(d, "gen") }}`.
"""

from __future__ import annotations

from datetime import date

__all__ = ["count", "day_month", "month_genitive", "plural", "weekday", "weekday_article"]

_WEEKDAYS: dict[str, tuple[str, ...]] = {
    # Monday = 0, as in date.weekday()
    "nom": ("Δευτέρα", "Τρίτη", "Τετάρτη", "Πέμπτη", "Παρασκευή", "Σάββατο", "Κυριακή"),
    "acc": ("Δευτέρα", "Τρίτη", "Τετάρτη", "Πέμπτη", "Παρασκευή", "Σάββατο", "Κυριακή"),
    "gen": ("Δευτέρας", "Τρίτης", "Τετάρτης", "Πέμπτης", "Παρασκευής", "Σαββάτου", "Κυριακής"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
# The article that goes with each weekday in the accusative («τη Δευτέρα», «το Σάββατο») and genitive.
_ARTICLE = {
    "acc": ("τη", "την", "την", "την", "την", "το", "την"),
    "gen": ("της", "της", "της", "της", "της", "του", "της"),
}
_MONTHS_GEN = (
    "Ιανουαρίου",
    "Φεβρουαρίου",
    "Μαρτίου",
    "Απριλίου",
    "Μαΐου",
    "Ιουνίου",
    "Ιουλίου",
    "Αυγούστου",
    "Σεπτεμβρίου",
    "Οκτωβρίου",
    "Νοεμβρίου",
    "Δεκεμβρίου",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def weekday(day: date, case: str = "nom") -> str:
    """The weekday's name in a case (nom | acc | gen) or in English (en)."""
    return _WEEKDAYS[case][day.weekday()]


def weekday_article(day: date, case: str) -> str:
    """The weekday with its article: «την Παρασκευή», «το Σάββατο», «της Πέμπτης», «του Σαββάτου»."""
    return f"{_ARTICLE[case][day.weekday()]} {weekday(day, case)}"


def month_genitive(day: date) -> str:
    """The month as it follows a day number: «4 Δεκεμβρίου»."""
    return _MONTHS_GEN[day.month - 1]


def day_month(day: date, register: str = "el") -> str:
    """«4 Δεκεμβρίου» / "4 December"."""
    if register == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]}"
    return f"{day.day} {month_genitive(day)}"


def plural(n: int, one: str, many: str) -> str:
    """The word that agrees with n: one for exactly 1, many otherwise (0 and 2+ take the plural in Greek)."""
    return one if n == 1 else many


def count(n: int, one: str, many: str) -> str:
    """«1 ενήλικας», «2 ενήλικες», «0 παιδιά»: the number as digits and the agreeing word."""
    return f"{n} {plural(n, one, many)}"
