"""What the steps of a request (intake) share: the states (one per question), the draft of the answers in
`user_data["intake"]`, and small helpers. The flow is in bot/handlers/intake.py.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import ContextTypes

from bot.attachments import MAX_PER_RECORD
from bot.services import services_of
from core.centres import get_centre
from knowledge.messages import plain

DRAFT = "intake"
# States, one per question; the draft's "step" names the question last asked, for resuming.
RESUME, CONSENT, CATEGORIES_STEP, DESCRIPTION, ADULTS, CHILDREN, PLACE, NAME, CONTACT, PHONE, TIME, CONFIRM = (
    "intake_resume",
    "intake_consent",
    "intake_categories",
    "intake_description",
    "intake_adults",
    "intake_children",
    "intake_place",
    "intake_name",
    "intake_contact",
    "intake_phone",
    "intake_time",
    "intake_confirm",
)
TEXT_STEPS = (DESCRIPTION, NAME, PHONE)
MAX_CHECKLISTS = 3  # documents checklists sent after a request: more would bury the first ones


def draft_of(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(DRAFT)
    if not isinstance(draft, dict):
        draft = {}
        data[DRAFT] = draft
    return draft


def new_draft(context: ContextTypes.DEFAULT_TYPE, *, emergency: bool) -> dict[str, Any]:
    if context.user_data is None:
        return {}
    context.user_data[DRAFT] = {"step": CONSENT, "emergency": emergency, "categories": []}
    return context.user_data[DRAFT]


def behalf_of(context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """The mediator's account id when this request is made for a person without a phone (`md:i`), else None."""
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(DRAFT)
    value = draft.get("behalf") if isinstance(draft, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def add_files(draft: dict[str, Any], refs: list[dict[str, Any]]) -> None:
    kept = [r for r in draft.get("attachments") or [] if isinstance(r, dict)]
    draft["attachments"] = [*kept, *refs][:MAX_PER_RECORD]
    voice = next((r["file_id"] for r in draft["attachments"] if r.get("kind") == "voice"), None)
    if voice and not draft.get("voice"):
        draft["voice"] = voice


def discard_draft(context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def category_label(category: str, register: str) -> str:
    key = f"intake_cat_{category}" if category in ("safety", "other") else f"topic_{category}"
    return plain(key, register)


async def centre_name_of(context: ContextTypes.DEFAULT_TYPE, centre_id: str | None, register: str) -> str:
    if centre_id:
        async with services_of(context).db.session() as session:
            centre = await get_centre(session, centre_id)
        if centre is not None:
            return centre.name_en if register == "en" else centre.name_el
    return plain("intake_unknown_centre", register)
