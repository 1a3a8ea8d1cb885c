"""The pre-check's rules (knowledge/data/eligibility.yaml) with every figure read from the programme files.

eligibility.yaml types no figure a programme states: it refers to the amount (`{amount: programme.key}`) or to
the date it applies from (`{since: programme.key}`), so the calculator and every answer read the same number.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.answer import REGISTERS
from knowledge.eligibility_model import EligibilityResult, Source
from knowledge.programmes import amount as programme_amount

RULES_FILE = Path(__file__).parent / "data" / "eligibility.yaml"
CATALOGUE_FILE = Path(__file__).parent / "templates" / "eligibility" / "catalogue.yaml"
SCHEMES: tuple[str, ...] = ("min_income", "kot_a", "housing")
QUESTIONS: tuple[str, ...] = ("adults", "minors", "single_parent", "income_6m", "income_year", "rents_home")

# ---------------------------------------------------------------------------------------------
# Rules and catalogue


def raw_rules(path: Path = RULES_FILE) -> dict[str, Any]:
    """eligibility.yaml as written: figures a programme states are references {amount: programme.key}."""
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def resolve_amounts(value: Any) -> Any:
    """Replace every {amount: programme.key} by that amount's value and every {since: programme.key} by the date
    it applies from (knowledge/data/programmes): the calculator types no figure of its own."""
    if isinstance(value, dict):
        if set(value) == {"amount"}:
            values = programme_amount(str(value["amount"])).values
            return values[0] if len(values) == 1 else list(values)
        if set(value) == {"since"}:
            return programme_amount(str(value["since"])).since
        return {k: resolve_amounts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_amounts(v) for v in value]
    return value


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    data: dict[str, Any] = resolve_amounts(raw_rules())
    missing = [s for s in SCHEMES if s not in data]
    if missing:
        raise ValueError(f"{RULES_FILE.name}: missing schemes {missing}")
    for scheme in SCHEMES:
        if not data[scheme].get("sources"):
            raise ValueError(f"{RULES_FILE.name}: {scheme} has no sources")
    return data


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, dict[str, str]]]:
    with CATALOGUE_FILE.open(encoding="utf-8") as fh:
        data: dict[str, dict[str, dict[str, str]]] = yaml.safe_load(fh)
    for section, entries in data.items():
        for key, texts in entries.items():
            if set(texts) != set(REGISTERS):
                raise ValueError(f"{CATALOGUE_FILE.name}: {section}.{key} needs every register {REGISTERS}")
    return data


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


def _sources(scheme: str) -> list[Source]:
    return [
        Source(url=s["url"], title=s["title"], as_of=s.get("as_of"), official=bool(s.get("official")))
        for s in rules()[scheme]["sources"]
    ]


def _result(scheme: str, **values: Any) -> EligibilityResult:
    rule = rules()[scheme]
    checked = rule.get("checked")
    return EligibilityResult(
        scheme=scheme,
        sources=_sources(scheme),
        applies_from=rule.get("applies_from"),
        checked=None if checked is None else str(checked),
        **values,
    )


def _likely(*verdicts: bool | None) -> bool | None:
    """All conditions must hold: one failure decides; otherwise one unknown leaves it open."""
    if any(v is False for v in verdicts):
        return False
    if any(v is None for v in verdicts):
        return None
    return True
