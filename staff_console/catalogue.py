"""The console's one catalogue of words (staff_console/catalogue/el.yaml), loaded once.

- `label(kind, code)`: what a code means to people (an intake status, a topic, a role, an audit action…). An
  unknown code is shown as itself rather than failing a page, and the catalogue test keeps every known code
  of the domain covered.
- `t(key, **values)`: a sentence of the console, by dotted key (`"login.bad"`); `{name}` placeholders are
  filled from `values`. A missing key is a programming error and raises KeyError.
Templates get both as globals; routes import them. No Greek is written inline in staff_console's Python.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE = Path(__file__).parent / "catalogue" / "el.yaml"
NONE = "—"


@cache
def _catalogue() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    data: dict[str, Any] = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    labels = {kind: {str(code): str(text) for code, text in codes.items()} for kind, codes in data["labels"].items()}
    texts: dict[str, str] = {}

    def flatten(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flatten(name, value)
            else:
                texts[name] = str(value)

    flatten("", data["texts"])
    return labels, texts


def labels_of(kind: str) -> dict[str, str]:
    """Every code of a kind with its label, in catalogue order (for select boxes)."""
    return dict(_catalogue()[0][kind])


def has_label(kind: str, code: str) -> bool:
    return code in _catalogue()[0].get(kind, {})


def label(kind: str, code: object) -> str:
    if code is None or (code == "" and kind != "assigned"):
        return NONE
    return _catalogue()[0].get(kind, {}).get(str(code), str(code))


def t(key: str, **values: object) -> str:
    text = _catalogue()[1][key]
    return text.format(**values) if values else text


def text_keys() -> frozenset[str]:
    return frozenset(_catalogue()[1])


def urgency_reason(code: str) -> str:
    """core.intake.urgency_reasons codes: "emergency", "category:<topic>", "words:<danger>"."""
    kind, _, value = code.partition(":")
    if kind == "category" and value:
        return t("intakes.urgency_category", topic=label("category", value))
    if kind == "words" and value:
        return t("intakes.urgency_words", danger=label("danger", value))
    return label("urgency", code)
