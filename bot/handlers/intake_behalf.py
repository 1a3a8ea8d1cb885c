"""A request (intake) made by a mediator for a person without a phone: `md:i` from the mediator menu runs the
request flow of bot/handlers/intake.py with an "on behalf of" draft (`draft["behalf"]` = the mediator's account),
the way booking's `md:b` does.

What changes on behalf: the person's ORAL consent, confirmed by the mediator, comes first (nothing is kept before
it); the conversation memory of the mediator's own chat is never offered or fed; the place is the settlement or
neighbourhood, typed; the centre is the mediator's annex; the name is always typed; the phone is optional (no
contact-method question; no call-back time without a phone). At sending, the mediator is checked again (still
linked, active, at that annex), a citizen record without a chat id is made (as mediator bookings do), and the
request is stored with the mediator as creator, consent version `oral-1` and the files given at the description.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.attachments import fetch_refs, store_all
from bot.handlers.intake_questions import ask
from bot.handlers.intake_steps import CONFIRM, CONSENT, NAME, PLACE, behalf_of, discard_draft, draft_of
from bot.handlers.mediator import current_mediator, refuse, show_menu
from bot.services import services_of
from bot.ui import acknowledge, register_of, send_answer, send_text, text_of
from core.booking.mediators import ORAL_CONSENT_VERSION, citizen_with_oral_consent, mediator_by_telegram
from core.intake import IntakeError, create_intake
from core.models import utcnow
from knowledge.messages import t

log = logging.getLogger(__name__)


async def start_on_behalf(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """`md:i`: a new request for someone else, at the mediator's own annex; anyone else is refused."""
    await acknowledge(update)
    mediator = await current_mediator(update, context)
    if mediator is None or mediator.centre_id is None or context.user_data is None:
        await refuse(update, context)
        return ConversationHandler.END
    context.user_data["intake"] = {
        "step": CONSENT,
        "emergency": False,
        "categories": [],
        "behalf": mediator.id,
        "centre_id": mediator.centre_id,
    }
    return await ask(update, context, CONSENT)


async def on_settlement(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The place on behalf: the settlement or neighbourhood, typed (the centre is the mediator's annex)."""
    settlement = " ".join(text_of(update).split())
    if not 2 <= len(settlement) <= 120:
        await send_text(update, t("md_bad_settlement", register_of(context)))
        return PLACE
    draft_of(context)["place"] = settlement
    return await ask(update, context, NAME)


async def on_no_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """`i:np`: the person has no phone; the Centre reaches them through the mediator."""
    await acknowledge(update)
    draft = draft_of(context)
    if behalf_of(context) is None:
        return await ask(update, context, draft.get("step") or CONSENT)
    draft.pop("phone", None)
    draft.pop("contact", None)
    return await ask(update, context, CONFIRM)


async def refused_on_behalf(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The person did not agree: nothing of the request is kept; back to the mediator menu."""
    discard_draft(context)
    await send_text(update, t("md_intake_no_consent", register_of(context)))
    await show_menu(update, context)
    return ConversationHandler.END


async def send_on_behalf(update: Update, context: ContextTypes.DEFAULT_TYPE, checklists: list[Any]) -> int | str:
    """Store the request for the person: their own record (no chat id), the mediator as creator, oral consent."""
    register = register_of(context)
    user, draft = update.effective_user, draft_of(context)
    name, phone = draft.get("name"), draft.get("phone")
    if user is None or not isinstance(name, str):
        discard_draft(context)
        await refuse(update, context)
        return ConversationHandler.END
    consent_at = datetime.fromisoformat(draft["consent_at"])
    files = await fetch_refs(context, list(draft.get("attachments") or []))
    now = utcnow()
    async with services_of(context).db.session() as session:
        mediator = await mediator_by_telegram(session, user.id)
        if mediator is None or mediator.id != behalf_of(context) or mediator.centre_id is None:
            discard_draft(context)  # unlinked or deactivated meanwhile: nothing is stored
            await refuse(update, context)
            return ConversationHandler.END
        phone = phone if isinstance(phone, str) else None
        citizen = await citizen_with_oral_consent(
            session, name=name, phone=phone, now=now, actor_kind="mediator", actor_id=str(mediator.id)
        )
        citizen.consent_at, citizen.home_centre_id = consent_at, mediator.centre_id
        try:
            intake = await create_intake(
                session,
                consent_at=consent_at,
                consent_version=ORAL_CONSENT_VERSION,
                categories=list(draft["categories"]),
                centre_id=mediator.centre_id,
                description=draft.get("description"),
                voice_file_id=draft.get("voice"),
                adults=draft.get("adults"),
                children=draft.get("children"),
                place=draft.get("place"),
                contact_method="phone" if phone else None,
                contact_phone=phone,
                contact_time=draft.get("time") if phone else None,
                language=register,
                citizen_id=citizen.id,
                telegram_chat_id=None,
                created_by_staff_id=mediator.id,
                programme_ids=[pid for pid, _a in checklists],
            )
        except IntakeError as exc:
            log.warning("intake on behalf refused by core: %s", str(exc).split(":", 1)[0])
            await send_text(update, t("error", register))
            return CONFIRM
        await store_all(
            session,
            files,
            intake_id=intake.id,
            citizen_id=citizen.id,
            telegram_chat_id=None,
            centre_id=mediator.centre_id,
        )
        await session.commit()
        intake_id, urgent = intake.id, intake.urgent
    discard_draft(context)
    log.info("intake stored by a mediator (urgent=%s)", urgent)
    await send_text(update, t("md_intake_sent", register, name=name, number=intake_id, urgent=urgent))
    if checklists:  # what to bring, for the mediator to tell the person
        await send_text(update, t("md_intake_checklist_intro", register))
        for _pid, answer in checklists:
            await send_answer(update, context, answer)
    await show_menu(update, context)
    return ConversationHandler.END
