"""What the emergency answer adapts to the danger named (issue 12): the order of the helplines and short safety
advice, both from knowledge/data/helplines.yaml (`order:` and `advice:`). Every piece of advice carries its source;
the check (`koinotita knowledge check`) and tests/knowledge fail on advice without one or on an unknown number."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.content_reader import Reader
from knowledge.programmes import ContentError, Label, SourceRef

__all__ = ["TOPICS", "Advice", "EmergencyPlan", "load_plan", "ordered_numbers"]

# The danger categories of nlu/emergency.py (knowledge depends on nothing of ours, so they are named here).
TOPICS: tuple[str, ...] = ("violence", "suicide", "child", "danger", "no_shelter", "medical")


@dataclass(frozen=True)
class Advice:
    text: Label
    source: SourceRef


@dataclass(frozen=True)
class EmergencyPlan:
    order: Mapping[str, tuple[str, ...]]
    advice: Mapping[str, tuple[Advice, ...]]


@lru_cache(maxsize=4)
def load_plan(data_dir: Path) -> EmergencyPlan:
    """The `order` and `advice` sections of helplines.yaml; ContentError when one is malformed."""
    raw: Any = yaml.safe_load((data_dir / "helplines.yaml").read_text(encoding="utf-8")) or {}
    problems: list[str] = []
    known = {str(h.get("number")) for h in raw.get("helplines") or [] if isinstance(h, Mapping)}
    order: dict[str, tuple[str, ...]] = {}
    for topic, numbers in (raw.get("order") or {}).items():
        if topic not in TOPICS:
            problems.append(f"helplines.yaml: order: unknown topic {topic!r}")
        numbers = [str(n) for n in numbers or []]
        problems += [f"helplines.yaml: order.{topic}: unknown number {n}" for n in numbers if n not in known]
        if numbers[:1] != ["112"]:
            problems.append(f"helplines.yaml: order.{topic}: 112 must come first")
        order[str(topic)] = tuple(numbers)
    advice: dict[str, tuple[Advice, ...]] = {}
    for topic, items in (raw.get("advice") or {}).items():
        if topic not in TOPICS:
            problems.append(f"helplines.yaml: advice: unknown topic {topic!r}")
        found: list[Advice] = []
        for i, item in enumerate(items or []):
            r = Reader(f"helplines.yaml: advice.{topic}[{i}]", problems)
            source = r.source(item.get("source") if isinstance(item, Mapping) else None, "source")
            if source is None or not isinstance(item, Mapping):
                problems.append(f"helplines.yaml: advice.{topic}[{i}]: needs text and a source")
                continue
            found.append(Advice(r.label(item, "text"), source))
        advice[str(topic)] = tuple(found)
    if problems:
        raise ContentError(problems)
    return EmergencyPlan(order, advice)


def ordered_numbers(numbers: Sequence[str], topic: str | None, plan: EmergencyPlan) -> list[str]:
    """`numbers` with those the topic names first (in its order), 112 always first, the rest as they were."""
    first = [n for n in plan.order.get(topic or "", ()) if n in numbers]
    rest = [n for n in numbers if n not in first]
    ordered = first + rest
    return sorted(ordered, key=lambda n: n != "112")  # stable: only moves 112 to the top
