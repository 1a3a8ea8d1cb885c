"""Reading the content YAML files: a reader that records every problem with its place instead of stopping.

Used by knowledge.programmes (programmes, topics, helplines); the problems are raised together as one
`ContentError` by the loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from knowledge.answer import REGISTERS

# Text written for one register: a tuple of lines (a plain string in YAML becomes one line).
Text = Mapping[str, tuple[str, ...]]
Label = Mapping[str, str]


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


class Reader:
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


def read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{path.name}: cannot read: {exc}")
        return None
