"""Keeping what the citizen told the bot for next time — only with its own consent.

- **Asked once a conversation, after the facts were confirmed**: at the end of the pre-check, of "what can I
  get?" and of a request sent (`offer_keeping`), when the memory holds something that may be kept
  (`core.citizens.KEPT_FACTS`: household, work, rent, place — never incomes, topics or free text). The question
  lists exactly what would be kept. [Yes] stores it on the citizen record (`core.citizens.keep_facts`, audited);
  [No] keeps it for this conversation only. Once given, later answers update the record without asking again.
- **Used next time**: at the first update of a new conversation the record is read once (`restore_kept`, group
  -8, after the memory's ears; for every citizen of a batch of steps in one query, `read_kept_ahead`) and the
  facts come back marked as restored: their confirmation asks «Ισχύουν ακόμα;».
- **Seen, withdrawn and erased**: /mydata lists them with a [withdraw] button (`kp:w`): the facts and the consent
  are erased from the record; /forget erases the record with everything else.

Callback data: `kp:y` / `kp:n` (the question), `kp:w` (withdraw).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, TypeHandler

from bot import memory
from bot.flow_state import NOT_READ, StateStore, current_store
from bot.handlers.menu import main_menu_markup
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text
from core.citizens import (
    citizen_by_telegram_id,
    keep_facts,
    keepable_facts,
    kept_facts_by_telegram_id,
    kept_facts_for,
    kept_facts_of,
    withdraw_kept_facts,
)
from knowledge.messages import plain, t

log = logging.getLogger(__name__)

GROUP = -8  # after the emergency check (-10) and the memory's ears (-9), before the flows (0)


def _to_keep(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    return keepable_facts(memory.recall(context.user_data).values)


KEPT_AHEAD = "kept_facts"


async def read_kept_ahead(session: Any, store: StateStore, users: list[int]) -> None:
    """Before a batch's steps: the kept facts of its citizens whose conversation starts, in one query (a batch of
    200 first messages would otherwise read the citizen table 200 times). `restore_kept` takes them."""
    starting = [u for u in set(users) if memory.needs_restore(store.user_data(u))]
    if starting:
        store.keep_read_ahead(KEPT_AHEAD, await kept_facts_by_telegram_id(session, starting))


async def restore_kept(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Once a conversation: what the citizen let us keep comes back into the memory. Answers nothing."""
    user = update.effective_user
    if user is None or user.is_bot or not memory.needs_restore(context.user_data):
        return
    store = current_store()
    ahead = store.take_read_ahead(KEPT_AHEAD, user.id) if store is not None else NOT_READ
    if isinstance(ahead, dict):
        kept: dict[str, Any] = ahead
    else:
        async with services_of(context).db.read() as session:
            kept = await kept_facts_for(session, user.id)
    if kept:
        memory.restore(context.user_data, kept)
    else:
        memory.mark_checked(context.user_data)


async def offer_keeping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """At the end of a flow that used the memory: ask once whether to keep it (True when asked); with the consent
    already given, the record gets what was said now, silently."""
    user = update.effective_user
    facts = _to_keep(context)
    if user is None or not facts:
        return False
    if memory.is_kept(context.user_data):
        async with services_of(context).db.write() as session:
            citizen = await citizen_by_telegram_id(session, user.id)
            if kept_facts_of(citizen) and kept_facts_of(citizen) != facts:
                await keep_facts(session, telegram_id=user.id, facts=facts)
        return False
    if memory.keep_asked(context.user_data):
        return False
    memory.mark_keep_asked(context.user_data)
    register = register_of(context)
    await send_text(
        update,
        t("keep_ask", register, lines=memory.bullet_lines(facts, register)),
        keyboard([[(plain("keep_btn_yes", register), "kp:y")], [(plain("keep_btn_no", register), "kp:n")]]),
    )
    return True


async def on_keep_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await acknowledge(update)
    register = register_of(context)
    user = update.effective_user
    facts = _to_keep(context)
    if query is None or user is None:
        return
    if query.data != "kp:y":
        await send_text(update, t("keep_declined", register), main_menu_markup(register))
        return
    if not facts:  # the conversation ended (or /forget) since the question: nothing to keep
        await send_text(update, t("stale_button", register), main_menu_markup(register))
        return
    async with services_of(context).db.write() as session:
        await keep_facts(session, telegram_id=user.id, facts=facts)
    memory.keep_with_consent(context.user_data)
    log.info("conversation facts kept with consent (%d facts)", len(facts))
    await send_text(update, t("keep_done", register), main_menu_markup(register))


async def on_withdraw(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    user = update.effective_user
    if user is None:
        return
    async with services_of(context).db.write() as session:
        withdrawn = await withdraw_kept_facts(session, telegram_id=user.id)
    memory.withdraw(context.user_data)
    log.info("kept conversation facts withdrawn (found=%s)", withdrawn)
    await send_text(update, t("keep_withdrawn" if withdrawn else "keep_nothing", register), main_menu_markup(register))


async def kept_for_mydata(context: ContextTypes.DEFAULT_TYPE, telegram_id: int) -> dict[str, Any]:
    async with services_of(context).db.session() as session:
        return kept_facts_of(await citizen_by_telegram_id(session, telegram_id))


async def show_kept(update: Update, context: ContextTypes.DEFAULT_TYPE, kept: dict[str, Any]) -> None:
    """/mydata: what is kept of the conversations, with the way to withdraw the consent."""
    register = register_of(context)
    await send_text(
        update,
        t("keep_mydata", register, lines=memory.bullet_lines(kept, register)),
        keyboard([[(plain("keep_btn_withdraw", register), "kp:w")]]),
    )


RESTORE_HANDLERS: list[BaseHandler[Update, Any, Any]] = [TypeHandler(Update, restore_kept)]
HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CallbackQueryHandler(on_keep_answer, pattern=r"^kp:(y|n)$"),
    CallbackQueryHandler(on_withdraw, pattern=r"^kp:w$"),
]
