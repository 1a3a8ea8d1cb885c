"""A flow's answers so far, kept in `context.user_data` under the flow's own key (JSON values only: user data is
written to the database after every update, so an interrupted flow resumes with everything typed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram.ext import ContextTypes


def draft_in(context: ContextTypes.DEFAULT_TYPE, key: str) -> dict[str, Any]:
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(key)
    if not isinstance(draft, dict):
        draft = {}
        data[key] = draft
    return draft


def drop_draft(context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    if context.user_data is not None:
        context.user_data.pop(key, None)


def now_utc() -> datetime:
    return datetime.now(UTC)
