"""Loading and validating the content data: programmes, topics and helplines (knowledge/data); their types are in
knowledge/programme_model.py and are re-exported here.

The YAML files are edited by people, so the loader collects every structural problem it finds and
raises them together (`ContentError`), naming the file and the field. Quality rules that are not
structural (an amount without a source, an old check date) are left to `knowledge.check`, so that
the check can report them instead of the loader refusing to start.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.content_reader import CheckedOn, Label, Reader, SourceRef, Text, read_yaml
from knowledge.figures import PlaceholderError, fill, format_figure
from knowledge.programme_model import (
    KINDS,
    MONEY_KINDS,
    SCHEMES,
    UNITS,
    Amount,
    ContentError,
    DocumentItem,
    Helpline,
    Knowledge,
    Programme,
    Topic,
)

__all__ = [
    "DATA_DIR",
    "KINDS",
    "MONEY_KINDS",
    "SCHEMES",
    "UNITS",
    "Amount",
    "CheckedOn",
    "ContentError",
    "DocumentItem",
    "Helpline",
    "Knowledge",
    "Label",
    "Programme",
    "SourceRef",
    "Text",
    "Topic",
    "amount",
    "default_knowledge",
    "figure_text",
    "load_knowledge",
    "load_programme",
    "placeholder_problems",
    "programme_texts",
    "qualified_amounts",
    "resolve_derived",
]

DATA_DIR = Path(__file__).parent / "data"


def _amount(r: Reader, raw: Any, field: str) -> Amount | None:
    if not isinstance(raw, Mapping):
        r.problem(field, "an amount must be a mapping")
        return None
    derived = raw.get("derived")
    value = raw.get("value")
    raw_values = value if isinstance(value, list) else [value]
    values: list[Decimal] = []
    derived_from: tuple[str, Decimal | str] | None = None
    if isinstance(derived, Mapping):
        if value is not None:
            r.problem(f"{field}.value", "a derived amount is computed: give 'derived', not 'value'")
        times = derived.get("times", 1)
        try:
            named = isinstance(times, str) and times.replace(".", "_").isidentifier()
            factor = times if named else Decimal(str(times))
            derived_from = (str(derived["of"]), factor)
        except (KeyError, InvalidOperation, ValueError):
            r.problem(f"{field}.derived", "needs 'of' (an amount key) and 'times' (a number or a count amount's key)")
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
    sub = Reader(f"{r.where}: {field}", r.problems)
    listed = raw.get("listed", True)
    if not isinstance(listed, bool):
        r.problem(f"{field}.listed", "must be true or false")
        listed = True
    return Amount(
        key=str(raw.get("key", "")),
        values=tuple(values),
        unit=str(unit),
        kind=str(kind),
        # A figure used only inside sentences needs no label of its own (the sentence says what it is).
        label=sub.label(raw, "label", required=listed),
        since=sub.day(raw, "since"),
        as_of=sub.day(raw, "as_of"),
        source=raw.get("source"),
        checked=sub.checked(raw),
        derived=derived_from,
        undated=raw.get("undated"),
        listed=listed,
        source_title=raw.get("source_title"),
        source_note=raw.get("source_note"),
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
            if isinstance(times, str):
                factor_owner, _, factor_key = times.rpartition(".")
                factor_prog = programmes.get(factor_owner or pid)
                factor_amount = next(
                    (
                        f
                        for f in (factor_prog.amounts if factor_prog else ())
                        if f.key == factor_key and f.unit == "count"
                    ),
                    None,
                )
                if factor_amount is None or len(factor_amount.values) != 1:
                    problems.append(f"{pid}.yaml: amount {a.key}: 'times' names no count amount {times!r}")
                    continue
                times = factor_amount.values[0]
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


def programme_texts(p: Programme) -> Iterator[tuple[str, str, str]]:
    """Every sentence of a programme a citizen can read, as (field, register, text): where placeholders may be."""
    texts: list[tuple[str, Text | None]] = [
        ("what", p.what),
        ("who", p.who),
        ("apply", p.apply),
        ("centre_role", p.centre_role),
        ("notes", p.notes),
        ("categories", p.categories),
    ]
    for field, text in texts:
        for register, lines in (text or {}).items():
            for i, line in enumerate(lines):
                yield f"{field}[{i}]", register, line
    labels = [(f"amounts.{a.key}.label", a.label) for a in p.amounts]
    labels += [(f"documents[{i}].text", d.text) for i, d in enumerate(p.documents)]
    labels += [("name", p.name), ("short", p.short)]
    for field, label in labels:
        for register, line in label.items():
            yield field, register, line


def placeholder_problems(p: Programme) -> list[str]:
    """A placeholder naming no amount of the programme (or an index or date the amount does not have)."""
    by_key = {a.key: a for a in p.amounts}
    problems = []
    for field, register, line in programme_texts(p):
        try:
            fill(line, by_key, register)
        except PlaceholderError as exc:
            problems.append(f"{p.path.name}: {field}.{register}: {exc.args[0]}")
    return problems


def qualified_amounts(knowledge: Knowledge | None = None) -> dict[str, Amount]:
    """Every amount of every programme by "programme.key": what the pre-check's words name with placeholders."""
    kn = knowledge or default_knowledge()
    return {f"{pid}.{a.key}": a for pid, prog in kn.programmes.items() for a in prog.amounts}


def figure_text(ref: str, register: str) -> str:
    """The amount "programme.key" as a citizen reads it in that register («6», «67%», «9.000 €» / «€9,000»)."""
    a = amount(ref)
    return format_figure(a.values, a.unit, register)


def amount(ref: str, knowledge: Knowledge | None = None) -> Amount:
    """The amount "programme.key" (KeyError if there is none): the one place a figure lives."""
    kn = knowledge or default_knowledge()
    pid, _, key = ref.partition(".")
    for a in kn.programmes[pid].amounts:
        if a.key == key:
            return a
    raise KeyError(ref)


def load_programme(path: Path, problems: list[str]) -> Programme | None:
    raw = read_yaml(path, problems)
    if not isinstance(raw, Mapping):
        problems.append(f"{path.name}: not a YAML mapping")
        return None
    r = Reader(path.name, problems)
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
    for prog in programmes.values():
        problems += placeholder_problems(prog)

    topics: dict[str, Topic] = {}
    raw_topics = read_yaml(data_dir / "topics.yaml", problems) or {}
    for intent, raw in (raw_topics.get("topics") or {}).items():
        r = Reader(f"topics.yaml: {intent}", problems)
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
    raw_lines = read_yaml(data_dir / "helplines.yaml", problems) or {}
    for i, raw in enumerate(raw_lines.get("helplines") or []):
        r = Reader(f"helplines.yaml: [{i}]", problems)
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
