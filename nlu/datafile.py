"""Reading Rasa 3.1 NLU training data (YAML), so the built-in engine and Rasa train on the same files.

Handles `nlu:` items with `intent:` + `examples:` (a `|` block of "- " lines, or a list of
`{text: ...}` mappings), inline entity annotations, `synonym:` and `lookup:` items; `regex:` items
and the other top-level keys of a Rasa project (responses, stories, rules) are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "AnnotatedEntity",
    "Example",
    "NluData",
    "data_files",
    "read_nlu_data",
    "read_nlu_file",
    "strip_annotations",
]


@dataclass(frozen=True)
class AnnotatedEntity:
    """An entity marked up in a training example; start/end index the plain (stripped) text."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    """One training or test message with its intent."""

    text: str
    intent: str
    entities: tuple[AnnotatedEntity, ...] = ()


@dataclass
class NluData:
    """Everything read from one or more Rasa NLU files."""

    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)  # surface form -> canonical value
    lookups: dict[str, list[str]] = field(default_factory=dict)

    def extend(self, other: NluData) -> None:
        self.examples.extend(other.examples)
        self.synonyms.update(other.synonyms)
        for name, items in other.lookups.items():
            self.lookups.setdefault(name, []).extend(items)


# [surface](entity), [surface](entity:value) (Rasa 1 style) or [surface]{"entity": ..., "value": ...}
_ANNOTATION = re.compile(r"\[(?P<surface>[^\[\]]+)\](?:\((?P<short>[^()]+)\)|(?P<json>\{[^{}]*\}))")


def strip_annotations(line: str) -> tuple[str, tuple[AnnotatedEntity, ...]]:
    """The plain text of an annotated example and the entities it marks."""
    out: list[str] = []
    entities: list[AnnotatedEntity] = []
    pos = 0
    length = 0
    for m in _ANNOTATION.finditer(line):
        before = line[pos : m.start()]
        out.append(before)
        length += len(before)
        surface = m.group("surface")
        name, value = _entity_of(m.group("short"), m.group("json"), surface)
        if name:
            entities.append(AnnotatedEntity(name, value, length, length + len(surface)))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(line[pos:])
    return "".join(out), tuple(entities)


def _entity_of(short: str | None, raw_json: str | None, surface: str) -> tuple[str, str]:
    if short is not None:
        name, _, value = short.partition(":")
        return name.strip(), (value.strip() or surface)
    try:
        spec = json.loads(raw_json or "{}")
    except json.JSONDecodeError:
        return "", surface
    if not isinstance(spec, dict):
        return "", surface
    return str(spec.get("entity", "")), str(spec.get("value", surface))


def _example_lines(examples: Any) -> Iterable[str]:
    if isinstance(examples, str):
        for raw in examples.splitlines():
            line = raw.strip()
            if line.startswith("- "):
                yield line[2:].strip()
            elif line == "-":
                continue
    elif isinstance(examples, list):
        for item in examples:
            if isinstance(item, dict) and "text" in item:
                yield str(item["text"]).strip()
            elif isinstance(item, str):
                yield item.strip()


def read_nlu_file(path: Path) -> NluData:
    """Read one Rasa 3.1 YAML file; a file without an `nlu:` section gives empty data."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data = NluData()
    items = doc.get("nlu") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return data
    for item in items:
        if not isinstance(item, dict):
            continue
        if "intent" in item:
            intent = str(item["intent"]).strip()
            for line in _example_lines(item.get("examples")):
                text, entities = strip_annotations(line)
                if text.strip():
                    data.examples.append(Example(text, intent, entities))
        elif "synonym" in item:
            canonical = str(item["synonym"])
            for line in _example_lines(item.get("examples")):
                data.synonyms[line] = canonical
        elif "lookup" in item:
            data.lookups.setdefault(str(item["lookup"]), []).extend(_example_lines(item.get("examples")))
    return data


def data_files(root: Path) -> list[Path]:
    """The YAML files under `root` (or `root` itself if it is a file), in a stable order."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in {".yml", ".yaml"} and p.is_file())


def read_nlu_data(paths: Iterable[Path]) -> NluData:
    """Read every YAML file under the given files or directories."""
    data = NluData()
    for root in paths:
        for path in data_files(root):
            data.extend(read_nlu_file(path))
    return data
