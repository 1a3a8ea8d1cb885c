"""The content data as typed values: programmes with their sourced amounts, topics, helplines, and `Knowledge`, all
of them. Reading and validating the data files is knowledge/programmes.py's job (which re-exports these)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from knowledge.content_reader import CheckedOn, Label, SourceRef, Text

# Money per month, year, day, once, six months, or a sum; a percentage; an age in years; a count (of months,
# days, nights, people, or a factor such as «6 times»). Money is shown with €, the others as plain numbers.
UNITS: tuple[str, ...] = ("month", "year", "day", "once", "six_months", "percent", "sum", "age", "count")
# benefit: a payment; upto: a payment or discount "up to" (ΚΟΤ‑Α 70%); limit: an income limit ("up to");
# increase: how much a limit rises ("+8.000 €" for a member with a disability). Payments and limits are
# shown under separate headings, so that a limit never reads as money paid.
KINDS: tuple[str, ...] = ("benefit", "upto", "limit", "increase")
MONEY_KINDS: tuple[str, ...] = ("benefit", "upto")
SCHEMES: tuple[str, ...] = ("min_income", "kot_a", "housing")


class ContentError(Exception):
    """The data files have problems; `problems` lists each one as "file: field: what"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Amount:
    """A sum of money (or a percentage) or an income limit, with where and when it holds.

    `since` is the date the amount applies from, when a source says so; otherwise `as_of` is the
    date of the page that states it. Both may be unknown: the check warns about that.
    """

    key: str
    values: tuple[Decimal, ...]
    unit: str
    kind: str
    label: Label
    since: date | None
    as_of: date | None
    source: str | None
    checked: CheckedOn | None
    # Computed, not typed: (the amount it comes from, "key" or "programme.key", and the factor: a number, or
    # the key of a `count` amount of the same programme such as ΕΕΕ's «6 months»).
    derived: tuple[str, Decimal | str] | None = None
    undated: str | None = None  # why no date is known ("the facts give no page date"): shown as undated
    # False: a figure the sentences name by placeholder (and the calculator reads) that is not listed under
    # the amounts' headings (a ΚΟΤ‑Β table row, an income band, an age).
    listed: bool = True
    # A source named without an address (the facts give it cut short): shown unlinked; `source_note` says why.
    source_title: str | None = None
    source_note: str | None = None


@dataclass(frozen=True)
class DocumentItem:
    text: Label
    source: str | None


@dataclass(frozen=True)
class Programme:
    id: str
    name: Label
    short: Label  # the button label
    what: Text
    who: Text
    amounts: tuple[Amount, ...]
    apply: Text
    centre_role: Text
    notes: Text  # what is uncertain or not known: said with care, pointing to the centre
    documents: tuple[DocumentItem, ...]
    documents_source: SourceRef | None
    official: SourceRef | None
    sources: tuple[SourceRef, ...]
    check: str | None
    path: Path
    # "Which one am I?": the income categories that decide which amount applies (child benefit), if any.
    categories: Text | None = None
    categories_source: SourceRef | None = None


@dataclass(frozen=True)
class Topic:
    intent: str
    programmes: tuple[str, ...]
    intro: Text
    body: Text  # for topics without a programme: what the Community Centres offer
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class Helpline:
    number: str
    name: Label
    purpose: Label
    emergency: bool  # shown in the emergency answer (the others are information lines)
    source: SourceRef


@dataclass(frozen=True)
class Knowledge:
    programmes: Mapping[str, Programme]
    topics: Mapping[str, Topic]
    helplines: tuple[Helpline, ...]
    data_dir: Path
    # Answers rendered from this (read-only) knowledge, by what was asked: each is worked out once per process
    # instead of once per question (knowledge/answers.py `_once`). Not part of what the knowledge *is*.
    rendered: dict[tuple[Any, ...], Any] = dataclasses.field(
        default_factory=dict, init=False, compare=False, repr=False
    )
