"""The easy-to-read glossary (`data/glossary.yaml`): each technical word explained at its first use.

`explain_terms(text)` adds, after the line where a glossary word first appears in an el-simple
answer, the line «💬 <its explanation>» — once per answer, and not when the answer already says it.
The source line and links are left alone. `koinotita knowledge check` checks no answer misses one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml

__all__ = ["GLOSSARY_FILE", "GlossaryTerm", "explain_terms", "glossary", "load_glossary"]

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary.yaml"
_SOURCE_LINE = re.compile(r"^(Πηγή|Πηγές|Source|Sources):")
_LINK = re.compile(r"<a [^>]*>.*?</a>|https?://\S+")
MARK = "💬"


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    forms: tuple[str, ...]
    explanation: str
    explained_by: tuple[str, ...] = ()

    def explained_in(self, text: str) -> bool:
        return any(e in text for e in (self.explanation, *self.explained_by))

    @cached_property  # read for every line of every el-simple answer rendered: built once per term
    def pattern(self) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True))
        return re.compile(rf"(?<![\w‑-])(?:{alternatives})(?![\w‑-])")

    def used_in(self, text: str) -> bool:
        return any(self.pattern.search(line) for line in _readable_lines(text))


def _readable_lines(text: str) -> list[str]:
    return [
        _LINK.sub("", line) for line in text.splitlines() if not _SOURCE_LINE.match(line) and not line.startswith(MARK)
    ]


def load_glossary(path: Path = GLOSSARY_FILE) -> tuple[GlossaryTerm, ...]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    terms = []
    for raw in data.get("terms") or []:
        forms = tuple(str(f) for f in raw.get("forms") or [raw["term"]])
        terms.append(
            GlossaryTerm(
                term=str(raw["term"]),
                forms=forms,
                explanation=str(raw["explanation"]).strip(),
                explained_by=tuple(str(e) for e in raw.get("explained_by") or ()),
            )
        )
    return tuple(terms)


@cache
def glossary() -> tuple[GlossaryTerm, ...]:
    return load_glossary()


def explain_terms(text: str, terms: tuple[GlossaryTerm, ...] | None = None) -> str:
    """`text` with each glossary word explained on the line after its first use (el-simple answers)."""
    terms = glossary() if terms is None else terms
    lines = text.split("\n")
    # Each line as the terms are looked for in it (links left out), or None where none is (a source line, an
    # explanation): worked out once, not once per term.
    readable: list[str | None] = [
        None if _SOURCE_LINE.match(line) or line.startswith(MARK) else _LINK.sub("", line) for line in lines
    ]
    # A term's words never span lines, and a line's ends look like "\n" to its pattern: no match in the lines
    # joined is no match in any line (most terms are in no answer; this skips the line-by-line look for them).
    joined = "\n".join(line for line in readable if line)
    for term in terms:
        pattern = term.pattern
        if not pattern.search(joined) or term.explained_in(text):
            continue
        for i, line in enumerate(readable):
            if line is not None and pattern.search(line):
                lines.insert(i + 1, f"{MARK} {term.explanation}")
                readable.insert(i + 1, None)
                text = "\n".join(lines)
                break
    return "\n".join(lines)
