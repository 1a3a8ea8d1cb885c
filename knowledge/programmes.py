"""Loading and validating the content data: programmes, topics and helplines (knowledge/data).

The YAML files are edited by people, so the loader collects every structural problem it finds and
raises them together (`ContentError`), naming the file and the field. Quality rules that are not
structural (an amount without a source, an old check date) are left to `knowledge.check`, so that
the check can report them instead of the loader refusing to start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.answer import REGISTERS

DATA_DIR = Path(__file__).parent / "data"
UNITS: tuple[str, ...] = ("month", "year", "day", "once", "six_months", "percent", "sum")
# benefit: a payment; upto: a payment or discount "up to" (ΚΟΤ‑Α 70%); limit: an income limit ("up to");
# increase: how much a limit rises ("+8.000 €" for a member with a disability). Payments and limits are
# shown under separate headings, so that a limit never reads as money paid.
KINDS: tuple[str, ...] = ("benefit", "upto", "limit", "increase")
MONEY_KINDS: tuple[str, ...] = ("benefit", "upto")
SCHEMES: tuple[str, ...] = ("min_income", "kot_a", "housing")

# Text written for one register: a tuple of lines (a plain string in YAML becomes one line).
Text = Mapping[str, tuple[str, ...]]
Label = Mapping[str, str]


class ContentError(Exception):
    """The data files have problems; `problems` lists each one as "file: field: what"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CheckedOn:
    """When a person last checked a source. The facts file often gives only the month."""

    day: date
    day_known: bool

    def display(self) -> str:
        if self.day_known:
            return f"{self.day.day}/{self.day.month}/{self.day.year}"
        return f"{self.day.month}/{self.day.year}"


@dataclass(frozen=True)
class SourceRef:
    """Where a fact comes from. `as_of` is the date the page shows; `title` is for sources without a link."""

    url: str | None
    title: str | None
    as_of: date | None
    checked: CheckedOn | None
    title_en: str | None = None  # the title in English answers (a Greek title would be Greek in English)
    note: str | None = None  # why a source is named without an address, for the check (never shown to citizens)


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
    # Computed, not typed: (the amount it comes from, "key" or "programme.key", and the factor).
    derived: tuple[str, Decimal] | None = None
    undated: str | None = None  # why no date is known ("the facts give no page date"): shown as undated


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


class _Reader:
    """Reads one YAML mapping and records problems with their location instead of stopping."""

    def __init__(self, where: str, problems: list[str]) -> None:
        self.where = where
        self.problems = problems

    def problem(self, field: str, what: str) -> None:
        self.problems.append(f"{self.where}: {field}: {what}")

    def label(self, raw: Mapping[str, Any], field: str, required: bool = True) -> Label:
        value = raw.get(field)
        if value is None and not required:
            return {r: "" for r in REGISTERS}
        if not isinstance(value, Mapping):
            self.problem(field, f"needs a text for each register {REGISTERS}")
            return {r: "" for r in REGISTERS}
        out: dict[str, str] = {}
        for reg in REGISTERS:
            text = value.get(reg)
            if not isinstance(text, str) or not text.strip():
                self.problem(f"{field}.{reg}", "missing or empty")
                text = ""
            out[reg] = text.strip()
        return out

    def text(self, raw: Mapping[str, Any], field: str, required: bool = True) -> Text:
        value = raw.get(field)
        if value is None and not required:
            return {r: () for r in REGISTERS}
        if not isinstance(value, Mapping):
            self.problem(field, f"needs text (a string or a list of lines) for each register {REGISTERS}")
            return {r: () for r in REGISTERS}
        out: dict[str, tuple[str, ...]] = {}
        for reg in REGISTERS:
            lines = value.get(reg)
            if isinstance(lines, str):
                lines = [lines]
            if not isinstance(lines, list) or not lines or not all(isinstance(x, str) for x in lines):
                self.problem(f"{field}.{reg}", "missing, empty or not a list of lines")
                lines = []
            out[reg] = tuple(" ".join(line.split()) for line in lines)
        return out

    def day(self, raw: Mapping[str, Any], field: str) -> date | None:
        value = raw.get(field)
        if value is None or isinstance(value, date):
            return value
        self.problem(field, f"not a date (YYYY-MM-DD): {value!r}")
        return None

    def checked(self, raw: Mapping[str, Any], field: str = "checked") -> CheckedOn | None:
        value = raw.get(field)
        if value is None:
            return None
        if isinstance(value, date):
            return CheckedOn(value, True)
        if isinstance(value, str):
            try:
                year, month = (int(x) for x in value.split("-"))
                return CheckedOn(date(year, month, 1), False)
            except ValueError:
                pass
        self.problem(field, f"not a date (YYYY-MM or YYYY-MM-DD): {value!r}")
        return None

    def source(self, raw: Any, field: str) -> SourceRef | None:
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.problem(field, "a source needs url (or title), as_of, checked")
            return None
        url, title = raw.get("url"), raw.get("title")
        if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
            self.problem(f"{field}.url", f"not a web address: {url!r}")
            url = None
        if url is None and not title:
            self.problem(field, "needs a url or a title")
        note = raw.get("note")
        return SourceRef(
            url,
            title,
            self.day(raw, "as_of"),
            self.checked(raw),
            raw.get("title_en"),
            note if isinstance(note, str) else None,
        )

    def sources(self, raw: Mapping[str, Any], field: str) -> tuple[SourceRef, ...]:
        items = raw.get(field) or []
        if not isinstance(items, list):
            self.problem(field, "must be a list")
            return ()
        refs = (self.source(item, f"{field}[{i}]") for i, item in enumerate(items))
        return tuple(ref for ref in refs if ref is not None)


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{path.name}: cannot read: {exc}")
        return None


def _amount(r: _Reader, raw: Any, field: str) -> Amount | None:
    if not isinstance(raw, Mapping):
        r.problem(field, "an amount must be a mapping")
        return None
    derived = raw.get("derived")
    value = raw.get("value")
    raw_values = value if isinstance(value, list) else [value]
    values: list[Decimal] = []
    derived_from: tuple[str, Decimal] | None = None
    if isinstance(derived, Mapping):
        if value is not None:
            r.problem(f"{field}.value", "a derived amount is computed: give 'derived', not 'value'")
        try:
            derived_from = (str(derived["of"]), Decimal(str(derived.get("times", 1))))
        except (KeyError, InvalidOperation, ValueError):
            r.problem(f"{field}.derived", "needs 'of' (an amount key) and a number 'times'")
        raw_values = []
    for v in raw_values:
        try:
            # str() first: YAML floats such as 21.6 must not pick up binary noise.
            values.append(Decimal(str(v)))
        except (InvalidOperation, ValueError):
            r.problem(f"{field}.value", f"not a number: {v!r}")
    unit, kind = raw.get("unit"), raw.get("kind", "benefit")
    if unit not in UNITS:
        r.problem(f"{field}.unit", f"must be one of {UNITS}")
    if kind not in KINDS:
        r.problem(f"{field}.kind", f"must be one of {KINDS}")
    sub = _Reader(f"{r.where}: {field}", r.problems)
    return Amount(
        key=str(raw.get("key", "")),
        values=tuple(values),
        unit=str(unit),
        kind=str(kind),
        label=sub.label(raw, "label"),
        since=sub.day(raw, "since"),
        as_of=sub.day(raw, "as_of"),
        source=raw.get("source"),
        checked=sub.checked(raw),
        derived=derived_from,
        undated=raw.get("undated"),
    )


def resolve_derived(programmes: dict[str, Programme], problems: list[str]) -> dict[str, Programme]:
    """Compute every derived amount from the one it comes from (its value, and its date if it has none)."""
    out: dict[str, Programme] = {}
    for pid, prog in programmes.items():
        amounts: list[Amount] = []
        for a in prog.amounts:
            if a.derived is None:
                amounts.append(a)
                continue
            ref, times = a.derived
            owner, _, key = ref.rpartition(".")
            source_prog = programmes.get(owner or pid)
            base = next((b for b in source_prog.amounts if b.key == key), None) if source_prog else None
            if base is None or base.derived is not None:
                problems.append(f"{pid}.yaml: amount {a.key}: derived from unknown or derived amount {ref!r}")
                continue
            amounts.append(
                replace(
                    a,
                    values=tuple(v * times for v in base.values),
                    since=a.since or (base.since if a.as_of is None else None),
                    as_of=a.as_of or base.as_of,
                )
            )
        out[pid] = replace(prog, amounts=tuple(amounts))
    return out


def amount(ref: str, knowledge: Knowledge | None = None) -> Amount:
    """The amount "programme.key" (KeyError if there is none): the one place a figure lives."""
    kn = knowledge or default_knowledge()
    pid, _, key = ref.partition(".")
    for a in kn.programmes[pid].amounts:
        if a.key == key:
            return a
    raise KeyError(ref)


def load_programme(path: Path, problems: list[str]) -> Programme | None:
    raw = _read_yaml(path, problems)
    if not isinstance(raw, Mapping):
        problems.append(f"{path.name}: not a YAML mapping")
        return None
    r = _Reader(path.name, problems)
    pid = raw.get("id")
    if pid != path.stem:
        r.problem("id", f"must equal the file name {path.stem!r}")
    amounts = tuple(a for i, item in enumerate(raw.get("amounts") or []) if (a := _amount(r, item, f"amounts[{i}]")))
    documents: list[DocumentItem] = []
    for i, item in enumerate(raw.get("documents") or []):
        if isinstance(item, Mapping):
            documents.append(DocumentItem(r.label(item, "text"), item.get("source")))
        else:
            r.problem(f"documents[{i}]", "must have text (per register) and source")
    check = raw.get("check")
    if check is not None and check not in SCHEMES:
        r.problem("check", f"must be one of {SCHEMES}")
    return Programme(
        id=str(pid or path.stem),
        name=r.label(raw, "name"),
        short=r.label(raw, "short"),
        what=r.text(raw, "what"),
        who=r.text(raw, "who"),
        amounts=amounts,
        apply=r.text(raw, "apply"),
        centre_role=r.text(raw, "centre_role"),
        notes=r.text(raw, "notes", required=False),
        documents=tuple(documents),
        documents_source=r.source(raw.get("documents_source"), "documents_source"),
        official=r.source(raw.get("official"), "official"),
        sources=r.sources(raw, "sources"),
        check=check,
        path=path,
        categories=r.text(raw, "categories") if raw.get("categories") else None,
        categories_source=r.source(raw.get("categories_source"), "categories_source"),
    )


def load_knowledge(data_dir: Path | None = None) -> Knowledge:
    """Read every data file under data_dir (default: the package's data) or raise ContentError."""
    data_dir = data_dir or DATA_DIR
    problems: list[str] = []
    programmes: dict[str, Programme] = {}
    for path in sorted((data_dir / "programmes").glob("*.yaml")):
        prog = load_programme(path, problems)
        if prog is not None:
            programmes[prog.id] = prog

    programmes = resolve_derived(programmes, problems)

    topics: dict[str, Topic] = {}
    raw_topics = _read_yaml(data_dir / "topics.yaml", problems) or {}
    for intent, raw in (raw_topics.get("topics") or {}).items():
        r = _Reader(f"topics.yaml: {intent}", problems)
        progs = tuple(raw.get("programmes") or [])
        for pid in progs:
            if pid not in programmes:
                r.problem("programmes", f"unknown programme {pid!r}")
        topics[intent] = Topic(
            intent=intent,
            programmes=progs,
            intro=r.text(raw, "intro"),
            # A topic with no programme must say what the centres offer, or it says nothing.
            body=r.text(raw, "body", required=not progs),
            sources=r.sources(raw, "sources"),
        )

    helplines: list[Helpline] = []
    raw_lines = _read_yaml(data_dir / "helplines.yaml", problems) or {}
    for i, raw in enumerate(raw_lines.get("helplines") or []):
        r = _Reader(f"helplines.yaml: [{i}]", problems)
        source = r.source(raw.get("source"), "source")
        if source is None:
            r.problem("source", "missing")
            continue
        helplines.append(
            Helpline(
                number=str(raw.get("number", "")),
                name=r.label(raw, "name"),
                purpose=r.label(raw, "purpose"),
                emergency=bool(raw.get("emergency", True)),
                source=source,
            )
        )
    if problems:
        raise ContentError(problems)
    return Knowledge(programmes, topics, tuple(helplines), data_dir)


@lru_cache(maxsize=1)
def default_knowledge() -> Knowledge:
    """The package's own data, read once per process."""
    return load_knowledge()
