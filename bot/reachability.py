"""Citizens who blocked the bot: the rate limiter meets the 403, this module records it and clears it.

- Telegram answers 403 to a message → `TelegramRateLimiter` calls `record_blocked`, which sets
  `citizen.unreachable_at`; later messages to that chat fail at once without calling Telegram.
- The citizen unblocks the bot (Telegram sends a `my_chat_member` update) or simply writes to it again →
  the mark is cleared, in the database and in the limiter.
- On start, the limiter learns who is unreachable from the database (`load_unreachable`), and every
  `REFRESH_S` it takes the database's list again (`refresh_unreachable`, from the outbox job every replica runs):
  with replicas, a citizen marked by another process is known here, and one who wrote to another process is no
  longer refused here.
- Reminders, waiting-list offers and announcements do not rely on the limiter's refusal: their queries skip
  citizens marked unreachable (bot/reminders.py, bot/announcements.py).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import ChatMember, Update
from telegram.ext import Application, ChatMemberHandler, ContextTypes, TypeHandler

from bot.rate_limit import Limits, TelegramRateLimiter
from core.db import Database
from core.models import utcnow
from core.reachability import mark_reachable, mark_unreachable, unreachable_telegram_ids
from core.settings import Settings

GROUP = -100  # before everything else: a citizen who writes is reachable before any answer is sent
REFRESH_S = 30.0


def make_rate_limiter(settings: Settings, db: Database) -> TelegramRateLimiter:
    limits = Limits(rate=settings.bot_rate, chat_rate=settings.chat_rate, chat_burst=settings.telegram_chat_burst)
    return TelegramRateLimiter(limits, on_blocked=record_blocked(db))


def record_blocked(db: Database) -> Callable[[int], Awaitable[None]]:
    async def record(chat_id: int) -> None:
        async with db.write() as session:
            await mark_unreachable(session, telegram_id=chat_id, now=utcnow())

    return record


def limiter_of(app: Application[Any, Any, Any, Any, Any, Any]) -> TelegramRateLimiter | None:
    limiter = getattr(app.bot, "rate_limiter", None)
    return limiter if isinstance(limiter, TelegramRateLimiter) else None


async def load_unreachable(app: Application[Any, Any, Any, Any, Any, Any], db: Database) -> None:
    limiter = limiter_of(app)
    if limiter is None:
        return
    async with db.session() as session:
        limiter.unreachable |= await unreachable_telegram_ids(session)


async def refresh_unreachable(
    app: Application[Any, Any, Any, Any, Any, Any], db: Database, *, every_s: float = REFRESH_S
) -> bool:
    """Take the database's list of unreachable citizens again, at most every `every_s`; True when it did."""
    limiter = limiter_of(app)
    if limiter is None:
        return False
    now = time.monotonic()
    if now - limiter.refreshed_at < every_s:
        return False
    limiter.refreshed_at = now
    async with db.session() as session:
        limiter.unreachable = await unreachable_telegram_ids(session)
    return True


async def _reachable_again(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    limiter = limiter_of(context.application)
    if limiter is not None:
        limiter.mark_reachable(chat_id)
    db: Database = context.application.services.db  # type: ignore[attr-defined]
    async with db.write() as session:
        await mark_reachable(session, telegram_id=chat_id)


async def on_any_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A citizen who writes (or presses a button) can be written to."""
    if not isinstance(update, Update) or update.effective_user is None or update.my_chat_member is not None:
        return
    limiter = limiter_of(context.application)
    if limiter is not None and update.effective_user.id in limiter.unreachable:
        await _reachable_again(context, update.effective_user.id)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = update.my_chat_member
    if member is None or member.chat.type != "private":
        return
    status = member.new_chat_member.status
    chat_id = member.chat.id
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        limiter = limiter_of(context.application)
        if limiter is not None:
            limiter.unreachable.add(chat_id)
        db: Database = context.application.services.db  # type: ignore[attr-defined]
        async with db.write() as session:
            await mark_unreachable(session, telegram_id=chat_id, now=utcnow())
    elif status == ChatMember.MEMBER:
        await _reachable_again(context, chat_id)


def register_reachability(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER), group=GROUP)
    app.add_handler(TypeHandler(Update, on_any_update), group=GROUP - 1)
