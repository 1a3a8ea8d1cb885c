"""The one Jinja2 environment for every user-facing text (answers, menus, prompts)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from knowledge import greek

TEMPLATE_DIR = Path(__file__).parent / "templates"
TELEGRAM_LIMIT = 4096


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Autoescaped (Telegram HTML) and strict: a missing variable is an error, not an empty string."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals.update(
        counted=greek.count,
        plural=greek.plural,
        weekday=greek.weekday,
        weekday_article=greek.weekday_article,
        day_month=greek.day_month,
    )
    return env


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split text into Telegram-sized parts at paragraph, then line, then word boundaries.

    Tags in our templates never span a blank line, so splitting on paragraphs keeps HTML valid.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for separator_piece in _pieces(text, limit):
        candidate = f"{current}{separator_piece}" if current else separator_piece.lstrip("\n")
        if len(candidate) > limit and current:
            parts.append(current.rstrip())
            current = separator_piece.lstrip("\n")
        else:
            current = candidate
    if current.strip():
        parts.append(current.rstrip())
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs (with their leading separator) no longer than limit, cut further when needed."""
    out: list[str] = []
    for i, para in enumerate(text.split("\n\n")):
        prefix = "\n\n" if i else ""
        if len(para) + len(prefix) <= limit:
            out.append(prefix + para)
            continue
        for j, line in enumerate(para.split("\n")):
            lprefix = prefix if j == 0 else "\n"
            while len(line) + len(lprefix) > limit:
                cut = line.rfind(" ", 0, limit - len(lprefix))
                cut = cut if cut > 0 else limit - len(lprefix)
                out.append(lprefix + line[:cut])
                line = line[cut:].lstrip()
                lprefix = "\n"
            out.append(lprefix + line)
    return out
