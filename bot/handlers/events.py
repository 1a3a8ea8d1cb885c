"""ask_events: the events the centres have published, soonest first, after the topic's short intro.

Events come from the database (staff edit them in the console); times are stored in UTC and shown in
Europe/Athens.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.nlu_access import IntentFilter
from bot.services import services_of
from bot.ui import register_of, send_answer, send_text
from core.centres import get_centre
from core.events import upcoming
from core.models.event import Event
from knowledge import answers
from knowledge.messages import plain

ATHENS = ZoneInfo("Europe/Athens")
LIMIT = 5


def when(starts_at: datetime, register: str) -> str:
    """ "Τετάρτη 2/12/2026, 18:00" in Athens time ("Wednesday 2 December 2026, 18:00" in English)."""
    local = starts_at.astimezone(ATHENS)
    weekday = plain("ans_weekdays", register).split(",")[local.weekday()]
    month_name = plain("ans_month_names").split(",")[local.month - 1]
    return plain(
        "ans_event_when",
        register,
        weekday=weekday,
        day=local.day,
        month=local.month,
        month_name=month_name,
        year=local.year,
        time=local.strftime("%H:%M"),
    )


async def _views(session: AsyncSession, events: list[Event], register: str) -> list[dict[str, Any]]:
    """What render_events needs; the place is the one staff gave, else the centre's name."""
    views: list[dict[str, Any]] = []
    for event in events:
        place = event.place
        if place is None and event.centre_id is not None:
            centre = await get_centre(session, event.centre_id)
            if centre is not None:
                place = centre.name_en if register == "en" else centre.name_el
        views.append({"title": event.title, "starts_at": when(event.starts_at, register), "place": place})
    return views


async def show_events(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    register = register_of(context)
    if "ask_events" in answers.topics():
        # The intro without its buttons: the next steps go under the list, the last message.
        for part in answers.render_topic("ask_events", register).parts:
            await send_text(update, part)
    async with services_of(context).db.session() as session:
        views = await _views(session, await upcoming(session, datetime.now(UTC), limit=LIMIT), register)
    await send_answer(update, context, answers.render_events(views, register))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await show_events(update, context)


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    MessageHandler(filters.TEXT & ~filters.COMMAND & IntentFilter("ask_events"), on_text),
]
