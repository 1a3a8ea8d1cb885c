"""The message catalogue of the bot's own screens: every `knowledge/data/messages/*.yaml`, one file per flow."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Template
from markupsafe import Markup

from knowledge.answer import REGISTERS
from knowledge.templating import environment

MESSAGES_DIR = Path(__file__).parent / "data" / "messages"
DEFAULT_REGISTER = "el"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            part: dict[str, dict[str, str]] = yaml.safe_load(fh) or {}
        clash = set(part) & set(data)
        if clash:
            raise ValueError(f"{path.name}: message keys defined twice: {sorted(clash)}")
        data.update(part)
    for key, variants in data.items():
        if "all" not in variants and set(variants) != set(REGISTERS):
            raise ValueError(f"message {key!r} must have 'all' or every register {REGISTERS}")
    return data


def t(key: str, register: str | None = None, **values: Any) -> str:
    """The text for `key` in `register`, rendered as Telegram HTML with values escaped."""
    if not values:
        return _constant(key, register)
    return _render(key, register, values)


@lru_cache(maxsize=8192)
def _constant(key: str, register: str | None) -> str:
    """A text without values is the same every time (the catalogue is read once): rendered once."""
    return _render(key, register, {})


def _render(key: str, register: str | None, values: dict[str, Any]) -> str:
    variants = catalogue()[key]
    source = variants.get("all") or variants.get(register or DEFAULT_REGISTER) or variants[DEFAULT_REGISTER]
    return _compiled(source).render(**values)


@lru_cache(maxsize=4096)
def _compiled(source: str) -> Template:
    """Each catalogue text is compiled once (compiling is most of the cost of a short message)."""
    return environment().from_string(source)


def plain(key: str, register: str | None = None, **values: Any) -> str:
    """For button labels: no HTML escaping (Telegram shows labels verbatim)."""
    if not values:
        return _constant_plain(key, register)
    return str(Markup(t(key, register, **values)).unescape())


@lru_cache(maxsize=8192)
def _constant_plain(key: str, register: str | None) -> str:
    return str(Markup(_constant(key, register)).unescape())
