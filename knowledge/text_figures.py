"""Figures typed inside sentences, cross-checked against the sourced facts (issue 15: one fact, one place).

A programme's amounts live in its `amounts:` block and sentences can name them with `{key}` placeholders. Some
figures in sentences have no amount of their own (income bands, the ΚΟΤ‑Β table, the 800 € rent refund...). Each of
those is declared in the programme file's `text_figures:` list with the line of the facts that states it:

    text_figures:
      - figure: 4700
        fact: "300 €/yr if 3.000‑4.700 €"

`knowledge check` then finds every money figure typed in the file's sentences (and amount labels) and reports:
- a figure that is neither a declared text figure nor one of the file's own amounts (a typo, or a figure left
  behind when an amount changed);
- a declared figure whose fact quote does not hold it, or — when the facts directory is found — whose quote is no
  longer in the facts (the fact changed: the sentence must be checked);
- a declared figure no sentence uses.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = ["facts_text", "figure_problems", "known_figures", "money_figures"]

# A money figure: next to a € sign (either side, as Greek and English write it) or with thousands separators.
_MONEY = re.compile(
    r"€\s?(?P<a>\d{1,3}(?:[.,]\d{3})+|\d+)"
    r"|(?P<b>\d{1,3}(?:[.,]\d{3})+|\d+)\s?(?:€|ευρώ)"
    r"|(?<![\d/])(?P<c>\d{1,3}(?:[.,]\d{3})+)(?![\d/])"
)
# Parts of a programme file that are not sentences shown to citizens.
_NOT_TEXT = frozenset({"id", "check", "sources", "source", "url", "text_figures", "values", "value", "key"})
_DASHES = str.maketrans({"\u2011": "-", "\u2010": "-", "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u202f": " "})


def money_figures(text: str) -> list[Decimal]:
    """The money figures in a sentence, as numbers (6.001 and €6,001 are both 6001)."""
    found = []
    for match in _MONEY.finditer(text):
        raw = next(g for g in match.groups() if g)
        found.append(Decimal(re.sub(r"[.,]", "", raw)))
    return found


def _sentences(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key not in _NOT_TEXT:
                yield from _sentences(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _sentences(value, f"{where}[{i}]")
    elif isinstance(node, str):
        yield where, node


def _amount_values(raw: Mapping[str, Any]) -> set[Decimal]:
    values: set[Decimal] = set()
    for item in raw.get("amounts") or []:
        if not isinstance(item, Mapping):
            continue
        found = item.get("values", item.get("value"))
        for v in found if isinstance(found, list) else [found]:
            if isinstance(v, int | float | str) and str(v).replace(".", "", 1).isdigit():
                values.add(Decimal(str(v)))
    return values


def _normal(text: str) -> str:
    return " ".join(text.translate(_DASHES).split())


def facts_text(facts_dir: Path | None = None) -> str | None:
    """All of the facts (`KOINOTITA_FACTS_DIR`, else `../shared/facts` beside the project), None when not found."""
    candidates = [Path(os.environ["KOINOTITA_FACTS_DIR"])] if os.environ.get("KOINOTITA_FACTS_DIR") else []
    if facts_dir is not None:
        candidates = [facts_dir]
    candidates.append(Path(__file__).resolve().parents[1].parent / "shared" / "facts")
    for directory in candidates:
        files = sorted(directory.glob("*.md")) if directory.is_dir() else []
        if files:
            return _normal("\n".join(f.read_text(encoding="utf-8") for f in files))
    return None


def figure_problems(name: str, raw: Mapping[str, Any], facts: str | None) -> list[str]:
    """What is wrong with the figures typed in the sentences of one programme file (see the module docstring)."""
    problems: list[str] = []
    declared: dict[Decimal, str] = {}
    for i, item in enumerate(raw.get("text_figures") or []):
        figure, fact = (item.get("figure"), item.get("fact")) if isinstance(item, Mapping) else (None, None)
        if not isinstance(figure, int | float) or not isinstance(fact, str) or not fact.strip():
            problems.append(f"{name}: text_figures[{i}]: needs a figure (a number) and the fact that states it")
            continue
        value = Decimal(str(figure))
        declared[value] = fact
        if value not in money_figures(fact) and value not in [Decimal(d) for d in re.findall(r"\d+", fact)]:
            problems.append(f"{name}: text_figures[{i}]: the fact «{fact}» does not state {figure}")
        elif facts is not None and _normal(fact) not in facts:
            problems.append(
                f"{name}: text_figures[{i}]: the facts no longer say «{fact}»: the figure {figure} in the sentences "
                "may be out of date — check it against the facts and update both"
            )
    own = _amount_values(raw)
    used: set[Decimal] = set()
    for where, sentence in _sentences({k: v for k, v in raw.items() if k != "amounts"}):
        for value in money_figures(sentence):
            used.add(value)
            if value not in declared and value not in own:
                problems.append(
                    f"{name}: {where}: the figure {value} is typed in a sentence but is neither one of the file's "
                    "amounts nor a declared text figure with its fact"
                )
    for a, amount in enumerate(raw.get("amounts") or []):
        label = amount.get("label") if isinstance(amount, Mapping) else None
        for where, sentence in _sentences(label or {}, f"amounts[{a}].label"):
            for value in money_figures(sentence):
                used.add(value)
                if value not in declared and value not in own:
                    problems.append(f"{name}: {where}: the figure {value} is neither an amount nor a declared figure")
    problems += [
        f"{name}: text_figures: {figure} is declared but no sentence uses it"
        for figure in declared
        if figure not in used
    ]
    return problems


def known_figures(raw: Mapping[str, Any]) -> set[Decimal]:
    """The figures a programme file states with a source: its amounts and its declared text figures."""
    declared = {
        Decimal(str(item["figure"]))
        for item in raw.get("text_figures") or []
        if isinstance(item, Mapping) and isinstance(item.get("figure"), int | float)
    }
    return _amount_values(raw) | declared
