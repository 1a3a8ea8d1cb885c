"""Sending a request (intake): the citizen record updated under the consent, the request stored for the serving
centre (core.intake) with its files, the documents checklists sent. The flow is in bot/handlers/intake.py.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import (
    ContextTypes,
    ConversationHandler,
)

from bot.attachments import fetch_refs, store_all
from bot.handlers import emergency, keeping
from bot.handlers.intake_behalf import send_on_behalf
from bot.handlers.intake_steps import (
    CONFIRM,
    MAX_CHECKLISTS,
    behalf_of,
    centre_name_of,
    discard_draft,
    draft_of,
)
from bot.handlers.menu import main_menu_markup
from bot.local_chat import html_to_text
from bot.services import services_of
from bot.ui import acknowledge, register_of, send_answer, send_text
from core.citizens import get_or_create_citizen
from core.intake import (
    CONSENT_VERSION,
    IntakeError,
    create_intake,
    programmes_for,
)
from knowledge import answers
from knowledge.messages import t
from knowledge.programmes import default_knowledge

log = logging.getLogger(__name__)

# ---- sending --------------------------------------------------------------------------------------------------


def _checklists(programme_ids: list[str], register: str) -> list[tuple[str, Any]]:
    out = []
    programmes = default_knowledge().programmes
    for pid in programme_ids:
        if pid not in programmes or not programmes[pid].documents:
            continue  # no checklist known: the centre will say what is needed
        try:
            answer = answers.render_documents(pid, register)
        except KeyError:
            continue
        out.append((pid, answer))
        if len(out) >= MAX_CHECKLISTS:
            break
    return out


async def on_send(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | str:
    await acknowledge(update)
    register = register_of(context)
    user, chat = update.effective_user, update.effective_chat
    draft = draft_of(context)
    if user is None or chat is None or not draft.get("consent_at") or not draft.get("categories"):
        await send_text(update, t("stale_button", register), main_menu_markup(register))
        return ConversationHandler.END
    categories: list[str] = list(draft["categories"])
    checklists = _checklists(programmes_for(categories), register)
    checklist_text = "\n\n".join(html_to_text("\n\n".join(a.parts)) for _pid, a in checklists) or None
    if behalf_of(context) is not None:  # a mediator's request for a person without a phone
        return await send_on_behalf(update, context, checklists)
    consent_at = datetime.fromisoformat(draft["consent_at"])
    files = await fetch_refs(context, list(draft.get("attachments") or []))
    async with services_of(context).db.session() as session:
        citizen = await get_or_create_citizen(session, telegram_id=user.id)
        citizen.consent_at, citizen.consent_version = consent_at, CONSENT_VERSION
        if isinstance(draft.get("name"), str):  # the consent covers the name: kept on the one citizen record
            citizen.name = draft["name"]
        if draft.get("phone"):
            citizen.phone = draft["phone"]
        if draft.get("centre_id"):
            citizen.home_centre_id = draft["centre_id"]
        try:
            intake = await create_intake(
                session,
                consent_at=consent_at,
                categories=categories,
                centre_id=draft.get("centre_id"),
                description=draft.get("description"),
                voice_file_id=draft.get("voice"),
                adults=draft.get("adults"),
                children=draft.get("children"),
                place=draft.get("place"),
                municipality_id=draft.get("municipality_id"),
                contact_method=draft.get("contact"),
                contact_phone=draft.get("phone"),
                contact_time=draft.get("time"),
                language=register,
                citizen_id=citizen.id,
                telegram_chat_id=chat.id,
                emergency=bool(draft.get("emergency")),
                programme_ids=[pid for pid, _a in checklists],
                checklist_text=checklist_text,
            )
        except IntakeError as exc:
            # The draft stays: nothing typed is lost. Only the field name is logged.
            log.warning("intake refused by core: %s", str(exc).split(":", 1)[0])
            await send_text(update, t("error", register))
            return CONFIRM
        await store_all(
            session,
            files,
            intake_id=intake.id,
            citizen_id=citizen.id,
            telegram_chat_id=chat.id,
            centre_id=intake.centre_id,
        )
        await session.commit()
        intake_id, urgent = intake.id, intake.urgent
    discard_draft(context)
    log.info("intake stored (urgent=%s)", urgent)
    if draft.get("centre_id"):
        centre_name = await centre_name_of(context, draft["centre_id"], register)
        await send_text(update, t("intake_sent", register, centre=centre_name, number=intake_id))
    else:
        await send_text(update, t("intake_sent_coordinator", register, number=intake_id))
    if urgent:
        await send_text(update, t("intake_sent_urgent", register))
    if checklists:
        await send_text(update, t("intake_checklist_intro", register))
        for _pid, answer in checklists:
            await send_answer(update, context, answer)
    # An emergency interrupted another flow (a booking): offer it again, its draft kept.
    resumed = await emergency.offer_resume(update, context, ending="intake")
    if not checklists and not resumed:
        await send_text(update, t("menu", register), main_menu_markup(register))
    await keeping.offer_keeping(update, context)  # the household and place were confirmed: keep them?
    return ConversationHandler.END
