"""The rate limiter's pacing on a simulated clock: the bot within `rate` a second, a chat within `chat_rate` after
its burst — checked against the stand-in's own model of Telegram's flood control."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from bot.fault_plan import FloodControl
from bot.rate_limit import Limits, TelegramRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def limiter_on(clock: Clock, **limits: Any) -> TelegramRateLimiter:
    return TelegramRateLimiter(Limits(**limits), clock=clock, sleep=clock.sleep)


async def send_all(limiter: TelegramRateLimiter, clock: Clock, chats: list[int]) -> list[tuple[int, float]]:
    sent: list[tuple[int, float]] = []

    for chat in chats:

        async def call(endpoint: str, data: dict[str, Any], chat: int = chat) -> dict[str, Any]:
            sent.append((chat, clock.now))
            return {"ok": True}

        await limiter.process_request(
            call, ("sendMessage", {"chat_id": chat}), {}, "sendMessage", {"chat_id": chat}, None
        )
    return sent


async def test_the_bot_never_exceeds_its_rate_in_any_second() -> None:
    clock = Clock()
    sent = await send_all(limiter_on(clock, rate=30.0, chat_rate=1.0), clock, list(range(1, 301)))
    times = [t for _, t in sent]
    assert max(sum(1 for u in times if t <= u < t + 1.0) for t in times) <= 30
    assert times[-1] <= 300 / 30 * 1.02  # and hardly slower than the limit: 300 messages in about 10 s
    flood = FloodControl(rate=30, chat_rate=1.0, chat_burst=3)
    assert all(flood.check(chat, t) is None for chat, t in sent)  # Telegram's model agrees


async def test_one_chat_gets_a_short_burst_then_one_a_second() -> None:
    clock = Clock()
    sent = await send_all(limiter_on(clock, rate=30.0, chat_rate=1.0, chat_burst=3), clock, [7] * 6)
    gaps = [round(b - a, 3) for (_, a), (_, b) in itertools.pairwise(sent)]
    assert gaps[:2] == [round(1 / 30, 3)] * 2  # an answer of three messages goes out at once
    assert gaps[2] > 0.9 and all(g >= 0.999 for g in gaps[3:])  # then one a second
    flood = FloodControl(rate=30, chat_rate=1.0, chat_burst=3)
    assert all(flood.check(chat, t) is None for chat, t in sent)


async def test_sending_unpaced_meets_telegrams_flood_control() -> None:
    flood = FloodControl(rate=30, chat_rate=1.0, chat_burst=3)
    refused = [flood.check(chat, 0.0) for chat in range(40)]
    assert refused.count(None) == 30 and refused[30:] == [1] * 10


async def test_a_429_pauses_every_call_not_just_the_one_refused() -> None:
    clock = Clock()
    limiter = limiter_on(clock, rate=None, chat_rate=None)
    from telegram.error import RetryAfter

    calls: list[tuple[int, float]] = []
    refused = {1}

    async def call(endpoint: str, data: dict[str, Any]) -> bool:
        calls.append((data["chat_id"], clock.now))
        if data["chat_id"] in refused:
            refused.clear()
            raise RetryAfter(5)
        return True

    await asyncio.gather(
        *(
            limiter.process_request(call, ("sendMessage", {"chat_id": c}), {}, "sendMessage", {"chat_id": c}, None)
            for c in (1, 2)
        )
    )
    assert calls[0] == (1, 0.0)
    assert sorted(t for _, t in calls[1:]) == [5.0, 5.0]  # both waited the 5 s Telegram asked for


async def test_a_late_caller_catches_up_within_the_window() -> None:
    # The caller is busy 50 ms after every 10th message (a commit, a busy event loop): the missed slots are used
    # later, so the rate stays at the limit, and still no second holds more than `rate` messages.
    clock = Clock()
    limiter = limiter_on(clock, rate=30.0, chat_rate=1.0)
    sent: list[tuple[int, float]] = []
    for chat in range(1, 301):

        async def call(endpoint: str, data: dict[str, Any], chat: int = chat) -> dict[str, Any]:
            sent.append((chat, clock.now))
            return {"ok": True}

        await limiter.process_request(
            call, ("sendMessage", {"chat_id": chat}), {}, "sendMessage", {"chat_id": chat}, None
        )
        if chat % 10 == 0:
            clock.now += 0.05
    times = [t for _, t in sent]
    assert max(sum(1 for u in times if t <= u < t + 1.0) for t in times) <= 30
    assert times[-1] <= 300 / 30 * 1.02  # without catching up: about 10.5 s
    flood = FloodControl(rate=30, chat_rate=1.0, chat_burst=3)
    assert all(flood.check(chat, t) is None for chat, t in sent)


async def test_send_after_waits_in_the_turn_and_before_the_call() -> None:
    from bot.rate_limit import send_after

    clock = Clock()
    limiter = limiter_on(clock, rate=30.0, chat_rate=1.0)
    events: list[tuple[str, float]] = []

    async def ready() -> None:
        events.append(("ready", clock.now))

    async def call(endpoint: str, data: dict[str, Any]) -> bool:
        events.append(("call", clock.now))
        return True

    for chat in (1, 2):
        async with send_after(ready):
            await limiter.process_request(
                call, ("sendMessage", {"chat_id": chat}), {}, "sendMessage", {"chat_id": chat}, None
            )
    await limiter.process_request(call, ("sendMessage", {"chat_id": 3}), {}, "sendMessage", {"chat_id": 3}, None)
    # The second message's wait for its slot happens before `ready` (so a commit there overlaps it), and the
    # call follows `ready` at once; outside the block nothing is waited for.
    assert [e for e, _ in events] == ["ready", "call", "ready", "call", "call"]
    assert events[2][1] >= 1 / 30 and events[3][1] == events[2][1]
