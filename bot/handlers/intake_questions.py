"""The questions of a request (intake), asked (again, when resuming) by step: `ask(update, context, step)`, with
their buttons and the summary shown before sending. The flow is in bot/handlers/intake.py.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import memory
from bot.contact_share import phone_request_markup, telegram_name
from bot.handlers import emergency
from bot.handlers.intake_steps import (
    ADULTS,
    CATEGORIES_STEP,
    CHILDREN,
    CONFIRM,
    CONSENT,
    CONTACT,
    DESCRIPTION,
    NAME,
    PHONE,
    PLACE,
    TIME,
    behalf_of,
    category_label,
    centre_name_of,
    draft_of,
)
from bot.memory import confirmation_text
from bot.services import services_of
from bot.ui import keyboard, register_of, send_text
from core.citizens import citizen_by_telegram_id, valid_name
from core.intake import CATEGORIES
from core.phones import phone_display
from knowledge.messages import plain, t

# ---- questions ----------------------------------------------------------------------------------------------


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE, step: str) -> str:
    """Ask the question of `step` (again, when resuming) and remember it as the draft's step."""
    register = register_of(context)
    draft = draft_of(context)
    on_behalf = behalf_of(context) is not None
    if on_behalf and step == CONTACT:  # for a person without a phone: no contact-method question
        step = PHONE
    if on_behalf and step == TIME and not draft.get("phone"):
        step = CONFIRM
    draft["step"] = step
    if on_behalf and step in (CONSENT, PLACE, NAME, PHONE):
        await ask_on_behalf(update, step, register)
    elif step == CONSENT:
        await send_text(
            update,
            t("intake_consent", register),
            keyboard(
                [
                    [(plain("btn_consent_yes", register), "i:consent:yes")],
                    [(plain("btn_privacy_more", register), "i:privacy")],
                    [(plain("btn_consent_no", register), "i:consent:no")],
                ]
            ),
        )
    elif step == CATEGORIES_STEP:
        ticked = None if on_behalf else tick_known_topic(context, draft)  # the mediator's chat is not the person's
        text = t("intake_ask_categories", register)
        if ticked is not None:  # what they asked about earlier is ticked, and said so: one tap takes it off
            text += "\n\n" + t("intake_topic_ticked", register, topic=category_label(ticked, register))
        await send_text(update, text, categories_markup(draft, register))
    elif step == DESCRIPTION:
        carried = emergency.carried_text_prompt(draft, register)  # typed before «🚨 Επείγον»: shown, not lost
        if carried is not None:
            await send_text(update, *carried)
        else:
            await send_text(
                update, t("intake_ask_description", register), keyboard([[(plain("btn_skip", register), "i:skip")]])
            )
    elif step == ADULTS:
        known = memory.recall(context.user_data).only(("adults", "minors", "place"))
        if "adults" in known and "minors" in known and not draft.get("household_offered") and not on_behalf:
            # Said earlier in the conversation («μόνη μου με 2 παιδιά», «μένω στη Φλώρινα»): offered back once,
            # with the place when it is known too, never assumed.
            draft["household_offered"] = True
            draft["place_offered"] = draft.get("place_offered") or "place" in known
            restored = memory.restored_among(context.user_data, known)  # from an earlier conversation: "still true?"
            await send_text(
                update, confirmation_text(known, register, restored=restored), _known_markup("hh", register)
            )
        else:
            await send_text(update, t("intake_ask_adults", register), numbers_markup("ad", 1, register))
    elif step == CHILDREN:
        await send_text(update, t("intake_ask_children", register), numbers_markup("ch", 0, register))
    elif step == PLACE:
        place = memory.recall(context.user_data).get("place")
        if isinstance(place, str) and place and not draft.get("place_offered"):
            draft["place_offered"] = True  # said earlier («μένω στη Φλώρινα»): offered back once, like booking's
            restored = memory.restored_among(context.user_data, ["place"])
            text = confirmation_text({"place": place}, register, restored=restored)
            await send_text(update, text, _known_markup("pl", register))
        else:
            await send_text(
                update,
                t("intake_ask_place", register),
                keyboard([[(plain("btn_centre_list_intake", register), "i:list")]]),
            )
    elif step == NAME:
        await ask_name(update, context, draft, register)
    elif step == CONTACT:
        await send_text(
            update,
            t("intake_ask_contact", register),
            keyboard(
                [
                    [(plain("btn_contact_telegram", register), "i:cm:telegram")],
                    [(plain("btn_contact_phone", register), "i:cm:phone")],
                ]
            ),
        )
    elif step == PHONE:
        await send_text(update, t("intake_ask_phone", register), phone_request_markup(register))
    elif step == TIME:
        await send_text(
            update,
            t("intake_ask_time", register),
            keyboard(
                [
                    [(plain("btn_time_morning", register), "i:ct:morning")],
                    [(plain("btn_time_afternoon", register), "i:ct:afternoon")],
                    [(plain("btn_time_any", register), "i:ct:any")],
                ]
            ),
        )
    elif step == CONFIRM:
        await send_text(
            update,
            await request_summary(context, draft, register),
            keyboard(
                [
                    [(plain("btn_send", register), "i:send")],
                    [(plain("btn_restart", register), "i:restart")],
                    [(plain("btn_cancel", register), "i:cancel")],
                ]
            ),
        )
    return step


def _known_markup(what: str, register: str) -> InlineKeyboardMarkup:
    """[Yes] [Change] under what the memory knows: `i:<what>:y|n`."""
    return keyboard(
        [[(plain("mem_btn_yes", register), f"i:{what}:y"), (plain("mem_btn_change", register), f"i:{what}:n")]]
    )


def tick_known_topic(context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any]) -> str | None:
    """The topic the citizen asked about in this conversation, ticked once among the request's topics when none
    is chosen yet; the ticked topic, or None."""
    topic = memory.recall(context.user_data).get("topic")
    if draft.get("categories") or draft.get("topic_offered") or not isinstance(topic, str) or topic not in CATEGORIES:
        return None
    draft["topic_offered"] = True
    draft["categories"] = [topic]
    return topic


def categories_markup(draft: dict[str, Any], register: str) -> InlineKeyboardMarkup:
    chosen = set(draft.get("categories") or [])
    rows = [[(("✅ " if c in chosen else "") + category_label(c, register), f"i:cat:{c}")] for c in CATEGORIES]
    rows.append([(plain("btn_continue", register), "i:next")])
    return keyboard(rows)


def numbers_markup(prefix: str, first: int, register: str) -> InlineKeyboardMarkup:
    numbers = list(range(first, first + 6))
    row = [(str(n) if n < first + 5 else f"{n}+", f"i:{prefix}:{n}") for n in numbers]
    return keyboard([row[:3], row[3:]])


async def request_summary(context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any], register: str) -> str:
    categories = ", ".join(category_label(c, register) for c in draft.get("categories", []))
    if draft.get("description"):
        description = draft["description"]
    elif draft.get("attachments"):
        description = plain("intake_files_description", register, count=len(draft["attachments"]))
    else:
        description = plain("intake_no_description", register)
    centre_name = await centre_name_of(context, draft.get("centre_id"), register)
    time = plain(f"intake_time_{draft.get('time') or 'any'}", register)
    if draft.get("behalf") and not draft.get("phone"):
        contact = plain("md_intake_contact_mediator", register)
    elif draft.get("contact") == "phone":
        contact = plain("intake_contact_phone", register, phone=phone_display(draft.get("phone") or ""), time=time)
    else:
        contact = plain("intake_contact_telegram", register, time=time)
    name = draft.get("name") or plain("intake_name_not_given", register)
    return t(
        "intake_summary",
        register,
        name=name,
        categories=categories,
        description=description,
        adults=draft.get("adults"),
        children=draft.get("children"),
        place=draft.get("place") or "—",
        centre=centre_name,
        contact=contact,
        behalf=bool(draft.get("behalf")),
    )


async def ask_name(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any], register: str) -> None:
    """The name: the one saved with the citizen's consent is offered ("is this you?"), else asked."""
    user = update.effective_user
    saved: str | None = None
    if user is not None and not draft.get("name_other"):
        async with services_of(context).db.session() as session:
            citizen = await citizen_by_telegram_id(session, user.id)
        saved = citizen.name if citizen is not None and citizen.consent_at is not None else None
    if saved:
        await send_text(
            update,
            t("intake_name_saved", register, name=saved),
            keyboard(
                [
                    [(plain("btn_name_mine", register), "i:nm:yes")],
                    [(plain("btn_name_other", register), "i:nm:other")],
                ]
            ),
        )
    else:  # the name they have on Telegram, one tap away (typing it works too)
        from_telegram = valid_name(telegram_name(update) or "")
        markup = (
            keyboard([[(plain("btn_use_tg_name", register, name=from_telegram), "i:nm:tg")]]) if from_telegram else None
        )
        await send_text(update, t("intake_ask_name", register), markup)


async def ask_on_behalf(update: Update, step: str, register: str) -> None:
    """The questions that differ when a mediator makes the request for a person without a phone."""
    if step == CONSENT:
        await send_text(
            update,
            t("md_intake_consent", register),
            keyboard(
                [
                    [(plain("btn_md_consent", register), "i:consent:yes")],
                    [(plain("btn_md_intake_no_consent", register), "i:consent:no")],
                ]
            ),
        )
    elif step == PLACE:
        await send_text(update, t("md_ask_settlement", register))
    elif step == NAME:
        await send_text(update, t("md_ask_name", register))
    else:
        await send_text(update, t("md_ask_phone", register), keyboard([[(plain("btn_md_no_phone", register), "i:np")]]))
