"""Data rights in the chat: /privacy (the notice), /mydata (what is stored, as a message and a JSON file) and
/forget (erase it, after a confirmation) — each also a button (menu «🔒», then `p:mydata`, `p:forget`), so no command
has to be typed. The work is done by core.privacy; here only Telegram's side: the bot's
own in-memory state for the person (user and chat data, conversation states) is dropped too, so nothing is
written back after the erasure."""

from __future__ import annotations

import logging
from typing import Any, cast

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.handlers import keeping
from bot.handlers.menu import main_menu_markup
from bot.services import KoinotitaApplication, services_of
from bot.ui import acknowledge, keyboard, register_of, send_text
from core.models import utcnow
from core.privacy import forget_citizen
from core.privacy_export import export_citizen, export_json
from core.retention import RETENTION
from knowledge.messages import plain, t
from knowledge.templating import environment

log = logging.getLogger(__name__)
_KNOWN_KINDS = (
    "citizen",
    "intake",
    "handoff_conversation",
    "handoff_message",
    "appointment",
    "waitlist_entry",
    "attachment",
    "announcement_subscription",
)


def privacy_notice(register: str) -> str:
    months = {kind: round(period.days / 30.4) for kind, period in RETENTION.items()}
    return environment().get_template(f"privacy/notice.{register}.j2").render(m=months).strip()


def _rights_markup(register: str, *, see: bool = True) -> InlineKeyboardMarkup:
    """The rights as buttons, so they need no typed command: see what is kept, erase it, back to the menu."""
    rows = [[(plain("btn_mydata", register), "p:mydata")]] if see else []
    rows += [[(plain("btn_forget", register), "p:forget")], [(plain("btn_menu", register), "m:menu")]]
    return keyboard(rows)


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    await send_text(update, privacy_notice(register), _rights_markup(register))


async def on_mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    async with services_of(context).db.session() as session:
        data = await export_citizen(session, telegram_id=user.id)
        await session.commit()  # the export is audited
    if data is None:
        await send_text(update, t("mydata_nothing", register), main_menu_markup(register))
        return
    lines = []
    for kind, rows in data.items():
        if kind == "bot_state":
            continue
        what = (
            plain(f"mydata_kind_{kind}", register)
            if kind in _KNOWN_KINDS
            else plain("mydata_kind_other", register, name=kind)
        )
        lines.append(plain("mydata_line", register, what=what, count=len(rows)))
    await send_text(update, t("mydata_summary", register, lines=lines), _rights_markup(register, see=False))
    await chat.send_document(
        InputFile(export_json(data), filename="koinotita-mydata.json"), caption=plain("mydata_file_caption", register)
    )
    kept = await keeping.kept_for_mydata(context, user.id)
    if kept:  # what is kept of the conversations, with the way to withdraw that consent
        await keeping.show_kept(update, context, kept)


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    await send_text(
        update,
        t("forget_confirm", register),
        keyboard(
            [
                [(plain("btn_forget_yes", register), "p:forget:yes")],
                [(plain("btn_forget_no", register), "p:forget:no")],
            ]
        ),
    )


def _drop_in_memory(application: Application[Any, Any, Any, Any, Any, Any], user_id: int, chat_id: int) -> None:
    """Forget the person in the running step too, so that nothing of theirs is written back after the erasure."""
    cast(KoinotitaApplication, application).forget_state(user_id, chat_id)


async def on_forget_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await acknowledge(update)
    register = register_of(context)
    user, chat = update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return
    if query.data != "p:forget:yes":
        await send_text(update, t("forget_kept", register), main_menu_markup(register))
        return
    async with services_of(context).db.write() as session:
        report = await forget_citizen(session, telegram_id=user.id, now=utcnow())
    _drop_in_memory(context.application, user.id, chat.id)
    await services_of(context).db.checkpoint()
    log.info("personal data erased on request (%d tables touched)", len(report.deleted))
    await send_text(update, t("forget_done" if report.found else "forget_nothing", register))
    if report.restricted_intakes:
        await send_text(update, t("forget_restricted", register, count=len(report.restricted_intakes)))
    await send_text(update, t("menu", register), main_menu_markup(register))


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CommandHandler("privacy", on_privacy),
    CommandHandler("mydata", on_mydata),
    CommandHandler("forget", on_forget),
    CallbackQueryHandler(on_privacy, pattern=r"^m:privacy$"),
    CallbackQueryHandler(on_mydata, pattern=r"^p:mydata$"),
    CallbackQueryHandler(on_forget, pattern=r"^p:forget$"),
    CallbackQueryHandler(on_forget_answer, pattern=r"^p:forget:(yes|no)$"),
]
