"""What an update may carry into the bot: cleaned at the edge, before anything stores or reads it.

- Control characters are removed from every string of the update (names, text, captions, contact fields):
  PostgreSQL cannot store NUL in a text or JSON column, and no other control character means anything in a
  message. Line breaks and tabs are kept (a tab becomes a space).
- A text or caption longer than `MAX_TEXT_CHARS` is refused kindly (the longest field the bot stores is a free
  text of 4,000 characters; Telegram's own limit is 4,096): the citizen is asked to send it in parts and nothing
  changes. Shorter fields (a name, a settlement) are checked by their flow, which asks again.
"""

from __future__ import annotations

import re
from typing import Any

MAX_TEXT_CHARS = 4000
# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates can't be stored either.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    if value.isprintable():  # the common case: nothing to do (isprintable is False for \n, so test it first)
        return value
    return _CONTROL.sub("", value.replace("\t", " ").replace("\r\n", "\n"))


def clean_payload(value: Any) -> Any:
    """The update's JSON with every string cleaned (keys are Telegram's own and left alone)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: clean_payload(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_payload(v) for v in value]
    return value


def too_long(payload: dict[str, Any]) -> bool:
    """A message (or edited message) whose text or caption is longer than the bot can keep."""
    for field in ("message", "edited_message"):
        message = payload.get(field)
        if isinstance(message, dict):
            for key in ("text", "caption"):
                value = message.get(key)
                if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
                    return True
    return False
