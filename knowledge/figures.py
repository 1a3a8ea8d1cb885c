"""Figures in text: the one formatter (8.000 € in Greek, €8,000 in English) and the `{key}` placeholders.

Every figure a citizen reads — in a programme answer, a pre-check result or a remembered fact — is formatted
here, so the registers write numbers the same way everywhere:

- money: «1.296 €», «21,60 €» (Greek), «€1,296», «€21.60» (English); cents only when there are any;
- percentages: «70%»; plain figures (ages, counts of months or days): «16», «1.328» / «1,328».

Sentences in the data files never type a figure: they name an amount of their programme with a placeholder,
filled per register from the programme's one data block (knowledge/data/programmes/<id>.yaml, `amounts:`):

    {key}          the amount, formatted with its unit          «{kot_b_income_single}» -> «9.000 €» / «€9,000»
    {key[i]}       the i-th value of an amount with several     «{first_second_child[0]}» -> «70 €»
    {key:number}   the bare number, no unit                     «{band_b_max:number}» -> «10.000» / «10,000»
    {key:since}    the date the amount applies from             «{first_child:since}» -> «1/1/2023» / «1 Jan 2023»
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import yaml

__all__ = [
    "MONEY_UNITS",
    "PLACEHOLDER",
    "PlaceholderError",
    "fill",
    "format_date",
    "format_euro",
    "format_figure",
    "format_number",
    "placeholders",
]

CENT = Decimal("0.01")
# Units whose figures are euro (per month, per year, per day, once, per six months, a sum); the rest are
# percentages or plain figures (ages, counts).
MONEY_UNITS: frozenset[str] = frozenset({"month", "year", "day", "once", "six_months", "sum"})
# The English month names are words of the answers' catalogue (templates/answers/strings.yaml, en.months).
STRINGS_FILE = Path(__file__).parent / "templates" / "answers" / "strings.yaml"

# {key}, {key[0]}, {key:number}, {key[1]:number}, {key:since}; outside a programme's own file the key names its
# programme too: {min_income.income_months}
PLACEHOLDER = re.compile(
    r"\{(?P<key>[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?)(?:\[(?P<index>\d+)\])?(?::(?P<form>number|since))?\}"
)


class Figure(Protocol):
    """What a placeholder needs of an amount (knowledge.programmes.Amount)."""

    @property
    def values(self) -> tuple[Decimal, ...]: ...
    @property
    def unit(self) -> str: ...
    @property
    def since(self) -> date | None: ...


class PlaceholderError(KeyError):
    """A placeholder names no amount, an index it does not have, or a date it does not carry."""


def format_number(value: Decimal | int, register: str) -> str:
    """1296 -> «1.296» (Greek) / «1,296» (English); cents only when there are any: «21,60» / «21.60»."""
    value = Decimal(value)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value.quantize(CENT, ROUND_HALF_UP):,.2f}"
    if register == "en":
        return text
    # Greek style swaps the separators: thousands with a dot, decimals with a comma.
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_euro(amount: Decimal | int, register: str = "el", *, cents: bool | None = None) -> str:
    """Greek «1.296 €» / «116,50 €», English «€1,296» / «€116.50»; `cents=True` always shows them («1.296,00 €»)."""
    value = Decimal(amount).quantize(CENT, ROUND_HALF_UP)
    show_cents = cents if cents is not None else value != value.to_integral_value()
    text = f"{value:,.2f}" if show_cents else f"{value:,.0f}"
    if register == "en":
        return f"€{text}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".") + " €"


def format_figure(values: Sequence[Decimal], unit: str, register: str) -> str:
    """An amount as a citizen reads it: «216 €» / «€216», «70%», a plain «16»; several values joined by « / »."""

    def one(v: Decimal) -> str:
        if unit in MONEY_UNITS:
            return format_euro(v, register)
        number = format_number(v, register)
        return f"{number}%" if unit == "percent" else number

    return " / ".join(one(v) for v in values)


def format_date(day: date, register: str) -> str:
    """«1/12/2023» in Greek, «1 Dec 2023» in English."""
    if register == "en":
        return f"{day.day} {_english_months()[day.month - 1]} {day.year}"
    return f"{day.day}/{day.month}/{day.year}"


@lru_cache(maxsize=1)
def _english_months() -> tuple[str, ...]:
    strings = yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))
    return tuple(strings["en"]["months"])


def placeholders(text: str) -> list[re.Match[str]]:
    """The placeholders in a sentence."""
    return list(PLACEHOLDER.finditer(text))


def _placeholder_text(m: re.Match[str], amounts: Mapping[str, Figure], register: str) -> str:
    key, index, form = m.group("key"), m.group("index"), m.group("form")
    a = amounts.get(key)
    if a is None:
        raise PlaceholderError(f"{m.group(0)}: no amount {key!r}")
    if form == "since":
        if a.since is None:
            raise PlaceholderError(f"{m.group(0)}: the amount {key!r} has no 'since' date")
        return format_date(a.since, register)
    values = a.values
    if index is not None:
        if int(index) >= len(values):
            raise PlaceholderError(f"{m.group(0)}: the amount {key!r} has {len(values)} value(s)")
        values = (values[int(index)],)
    if form == "number":
        if len(values) != 1:
            raise PlaceholderError(f"{m.group(0)}: a bare number needs one value (use {{{key}[i]:number}})")
        return format_number(values[0], register)
    return format_figure(values, a.unit, register)


def fill(text: str, amounts: Mapping[str, Figure], register: str) -> str:
    """The sentence with every placeholder replaced by its figure (PlaceholderError if one names nothing)."""
    replace: Callable[[re.Match[str]], str] = lambda m: _placeholder_text(m, amounts, register)  # noqa: E731
    return PLACEHOLDER.sub(replace, text)
