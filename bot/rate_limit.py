"""One gate for every call the bot makes to Telegram: pacing, retry_after, blocked citizens, long texts.

Every outgoing message — replies, reminders, waiting-list offers, staff replies, announcements — goes through
`app.bot`, and `ExtBot` hands each call to its rate limiter; so this one object sees all of them.

Why our own and not PTB's `AIORateLimiter`: that one paces the bot as a whole (30/s) and groups (20/min), but not
a private chat, which is where all our messages go (Telegram: "avoid sending more than one message per second in
a single chat"), and it has no place for the other things that belong at this level. Here:

- **the bot**: at most `rate` messages a second, evenly spaced (no burst, so no one-second window ever holds
  more than `rate`);
- **a chat**: a token bucket, `chat_rate` a second after a burst of `chat_burst` (an answer of two or three
  messages goes out at once; a stream to one chat is paced);
- **retry_after**: a 429 pauses every call (Telegram's flood control is for the whole bot) for the time Telegram
  asks, then the call is tried again, up to `max_retries` times;
- **blocked**: a 403 on a message marks the chat unreachable (`on_blocked`, which records it on the citizen);
  later messages to it fail at once with `Forbidden`, without calling Telegram, until the citizen writes again
  (`mark_reachable`);
- **long texts**: a message over 4,096 characters is sent as several, split at paragraph boundaries (buttons on
  the last);
- **timeouts**: a call that timed out is tried once more after half a second — an
  answer seen twice is better than an answer lost (Telegram may have got the first; it cannot tell us);
- **stale buttons**: "query is too old" when answering a callback query is not an error (the button still
  works; only its little spinner is gone);
- **sending after a record** (`send_after`): a caller may name something to wait for once the call's turn has
  come and before it goes out — announcements wait there for the previous outcome's commit, which so runs while
  the call waits for its slot instead of adding to the time between messages.

Pacing applies to calls that carry a `chat_id` (what Telegram counts); metrics count the waits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from core import metrics
from knowledge.templating import TELEGRAM_LIMIT, split_message

log = logging.getLogger(__name__)
JSON = bool | dict[str, Any] | list[dict[str, Any]]
BLOCKED = "Forbidden: bot was blocked by the user"
WINDOW_S = 1.01  # Telegram's one second, with room for the jitter between a call leaving and arriving
CATCH_UP_S = 0.5  # how far the planned spacing may fall behind and be caught up (15 slots at 30/s)
_SEND_AFTER: ContextVar[Callable[[], Awaitable[None]] | None] = ContextVar("koinotita_send_after", default=None)


@asynccontextmanager
async def send_after(ready: Callable[[], Awaitable[None]]) -> AsyncIterator[None]:
    """Calls made inside the block go out only once `ready()` has returned: after their turn has come (the
    waiting overlaps) and right before Telegram is called."""
    token = _SEND_AFTER.set(ready)
    try:
        yield
    finally:
        _SEND_AFTER.reset(token)


@dataclass(frozen=True)
class Limits:
    rate: float | None = 30.0  # messages a second for the bot; None: not paced (local mode)
    chat_rate: float | None = 1.0  # a second, per chat, after the burst
    chat_burst: int = 3
    max_retries: int = 3  # after a 429
    network_retries: int = 1  # after a timeout
    network_backoff_s: float = 0.5


class TelegramRateLimiter(BaseRateLimiter[int]):
    def __init__(
        self,
        limits: Limits | None = None,
        *,
        on_blocked: Callable[[int], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self.on_blocked = on_blocked
        self.clock = clock
        self.sleep = sleep
        self.unreachable: set[int] = set()
        self.refreshed_at = float("-inf")  # when `unreachable` was last taken from the database (monotonic)
        self._next_slot = 0.0
        self._sent: deque[float] = deque()  # when the last `rate` calls went out (the one-second window)
        self._chats: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._resume = asyncio.Event()
        self._resume.set()
        self.waited_s = 0.0  # total time calls waited for their turn (for benchmarks)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    # -- reachability ----------------------------------------------------------------------------
    def mark_reachable(self, chat_id: int) -> bool:
        """The citizen wrote to us (or unblocked the bot): True when they had been unreachable."""
        if chat_id in self.unreachable:
            self.unreachable.discard(chat_id)
            return True
        return False

    # -- BaseRateLimiter ---------------------------------------------------------------------------
    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        chat_id = _chat_of(data)
        if chat_id is not None and chat_id in self.unreachable and endpoint != "sendChatAction":
            metrics.BLOCKED_SKIPS.inc()
            raise Forbidden(BLOCKED)
        if endpoint == "sendMessage" and len(str(data.get("text") or "")) > TELEGRAM_LIMIT:
            return await self._send_in_parts(callback, args, kwargs, data, chat_id, rate_limit_args)
        return await self._call(callback, args, kwargs, endpoint, chat_id, rate_limit_args)

    async def _send_in_parts(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        data: dict[str, Any],
        chat_id: int | None,
        rate_limit_args: int | None,
    ) -> JSON:
        parts = split_message(str(data["text"]))
        result: JSON = True
        for i, part in enumerate(parts):
            piece = dict(data, text=part)
            if i < len(parts) - 1:
                piece.pop("reply_markup", None)
            result = await self._call(
                callback, (args[0], piece, *args[2:]), kwargs, "sendMessage", chat_id, rate_limit_args
            )
        return result

    async def _call(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        chat_id: int | None,
        rate_limit_args: int | None,
    ) -> JSON:
        retries = self.limits.max_retries if rate_limit_args is None else rate_limit_args
        attempt = 0
        network_attempt = 0
        while True:
            await self._resume.wait()
            paced = chat_id is not None and endpoint != "sendChatAction"
            if paced and chat_id is not None:
                await self._wait_turn(chat_id)
            ready = _SEND_AFTER.get()
            if ready is not None:
                await ready()
            if paced and self.limits.rate:
                await self._within_window(int(self.limits.rate))
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                metrics.TELEGRAM_CALLS.labels(endpoint, "retry_after").inc()
                metrics.RETRY_AFTER.inc()
                if attempt >= retries:
                    raise
                attempt += 1
                # PTB keeps the value as a timedelta here (the public attribute warns of a coming type change).
                await self._pause(_seconds(getattr(exc, "_retry_after", None) or exc.retry_after))
                continue
            except Forbidden:
                metrics.TELEGRAM_CALLS.labels(endpoint, "forbidden").inc()
                if chat_id is not None and chat_id > 0:
                    await self._blocked(chat_id)
                raise
            except BadRequest as exc:
                metrics.TELEGRAM_CALLS.labels(endpoint, "bad_request").inc()
                if endpoint == "answerCallbackQuery" and "query is too old" in exc.message.lower():
                    metrics.STALE_QUERIES.inc()
                    return True
                raise
            except TimedOut:  # no answer in time (other network errors and Telegram's 5xx go to the caller)
                metrics.TELEGRAM_CALLS.labels(endpoint, "timeout").inc()
                if network_attempt >= self.limits.network_retries:
                    raise
                network_attempt += 1
                await self.sleep(self.limits.network_backoff_s)
                continue
            except Exception:
                metrics.TELEGRAM_CALLS.labels(endpoint, "error").inc()
                raise
            metrics.TELEGRAM_CALLS.labels(endpoint, "ok").inc()
            return result

    async def _blocked(self, chat_id: int) -> None:
        if chat_id in self.unreachable:
            return
        self.unreachable.add(chat_id)
        metrics.BLOCKED_FOUND.inc()
        if self.on_blocked is not None:
            try:
                await self.on_blocked(chat_id)
            except Exception as exc:  # recording it must not hide the 403 from the caller
                log.warning("could not record a blocked chat: %s", type(exc).__name__)

    async def _pause(self, seconds: float) -> None:
        """Telegram asked everyone to wait: hold every call for that long."""
        log.info("Telegram asked to wait %.1f s", seconds)
        self._resume.clear()
        try:
            await self.sleep(seconds)
        finally:
            self._resume.set()
        self.waited_s += seconds
        metrics.LIMITER_WAIT.observe(seconds)

    async def _wait_turn(self, chat_id: int) -> None:
        """Reserve this call's slot for the bot and for its chat, then sleep until both are due (what actually
        went out in the last second is checked after, by `_within_window`)."""
        now = self.clock()
        start = now
        if self.limits.rate:
            # A call that comes late (a busy event loop) does not push every later slot back: up to CATCH_UP_S of
            # slots missed may still be used, closer together; the window check keeps every second within the limit.
            slot = max(self._next_slot, now - CATCH_UP_S)
            start = max(start, slot)
            self._next_slot = slot + (1.0 + 1e-6) / self.limits.rate  # a hair over 1/rate: never rate + 1
        if self.limits.chat_rate:
            burst = float(self.limits.chat_burst)
            tokens, at = self._chats.get(chat_id, (burst, now))
            tokens = min(burst, tokens + max(0.0, start - at) * self.limits.chat_rate)
            if tokens < 1.0:
                start += (1.0 - tokens) / self.limits.chat_rate
                tokens = 1.0
            self._chats[chat_id] = (tokens - 1.0, start)
            if len(self._chats) > 10_000:
                self._forget_idle_chats(now)
        delay = start - now
        if delay > 0:
            self.waited_s += delay
            metrics.LIMITER_WAIT.observe(delay)
            await self.sleep(delay)

    async def _within_window(self, rate: int) -> None:
        """The spacing above is planned; this checks what actually went out: a call delayed by a busy event loop
        must not land in the same second as the `rate` calls before it."""
        while True:
            now = self.clock()
            while self._sent and now - self._sent[0] >= WINDOW_S:
                self._sent.popleft()
            if len(self._sent) < rate:
                self._sent.append(now)
                return
            wait = max(WINDOW_S - (now - self._sent[0]), 1e-3)
            self.waited_s += wait
            metrics.LIMITER_WAIT.observe(wait)
            await self.sleep(wait)

    def _forget_idle_chats(self, now: float) -> None:
        rate = self.limits.chat_rate or 1.0
        full = self.limits.chat_burst / rate
        self._chats = {c: v for c, v in self._chats.items() if now - v[1] < full}


def _chat_of(data: dict[str, Any]) -> int | None:
    value = data.get("chat_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _seconds(value: Any) -> float:
    return float(value.total_seconds()) if hasattr(value, "total_seconds") else float(value)
