"""The real Application under Telegram's failures, injected by the stand-in's fault plan (bot/fault_plan.py):
no crash, nothing lost, retry_after honoured, blocked citizens marked and no longer written to."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram.error import Forbidden

from bot.app import build_application, start_services, stop_services
from bot.fault_plan import FaultPlan, FaultPlanError
from bot.local_api import RecordingBotApi
from bot.local_chat import LocalChat, buttons_of, html_to_text
from bot.rate_limit import Limits
from bot.reachability import limiter_of
from core.models import Citizen
from tests.bot.conftest import make_settings


class Chat(LocalChat):
    sleeps: list[float]


MakeChat = Callable[..., Awaitable[Chat]]


@pytest.fixture
async def make_chat(sqlite_url: str, nlu_cache_dir: Path) -> AsyncIterator[MakeChat]:
    opened: list[Chat] = []

    async def open_chat(plan: str, *, paced: bool = False) -> Chat:
        api = RecordingBotApi(FaultPlan.parse(plan))
        app = build_application(make_settings(sqlite_url, nlu_cache_dir), request=api)
        await app.initialize()
        await start_services(app)
        chat = Chat(app, api)
        chat.sleeps = []
        limiter = limiter_of(app)
        assert limiter is not None

        now = [1000.0]  # one simulated clock for the limiter and the stand-in's flood control

        async def no_wait(seconds: float) -> None:  # record what the limiter waited, and let that time pass
            chat.sleeps.append(seconds)
            now[0] += seconds

        limiter.sleep = no_wait
        limiter.clock = api.faults.clock = lambda: now[0]
        if paced:  # Telegram's pace, as in production
            limiter.limits = Limits(rate=30.0, chat_rate=1.0, chat_burst=3)
        opened.append(chat)
        return chat

    yield open_chat
    for chat in opened:
        await chat.app.shutdown()
        await stop_services(chat.app)


def texts(messages: list) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


async def start_in_greek(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")


def test_a_plan_is_read_and_a_bad_one_refused() -> None:
    plan = FaultPlan.parse("429 every=2 retry_after=3; 403 chat=5; slow seconds=0.5; flood rate=30")
    assert [r.kind for r in plan.rules] == ["429", "403", "slow", "flood"]
    assert plan.flood is not None and plan.flood.rate == 30
    for bad in ("418", "429 every=x", "429 colour=red", "429 every=0", "slow seconds"):
        with pytest.raises(FaultPlanError):
            FaultPlan.parse(bad)


def test_the_stand_in_answers_like_telegram_under_the_plan() -> None:
    plan = FaultPlan.parse("429 every=3 retry_after=7")
    outcomes = [plan.decide("sendMessage", {"chat_id": 1}).failure for _ in range(6)]
    assert [f.status if f else 200 for f in outcomes] == [200, 200, 429, 200, 200, 429]
    assert outcomes[2] is not None and outcomes[2].body()["parameters"] == {"retry_after": 7}
    assert plan.decide("getMe", {}).failure is None  # only sending methods by default


async def test_429_is_retried_after_the_time_telegram_asks(make_chat: MakeChat) -> None:
    chat = await make_chat("429 times=2 retry_after=4 method=sendMessage")
    replies = await chat.say("/start")
    assert replies and buttons_of(replies[-1])  # the answer arrived, once
    refused = [f.status for _, f in chat.api.refused]
    assert refused == [429, 429]
    assert [s for s in chat.sleeps if s >= 4] == [4.0, 4.0]  # waited what Telegram asked, each time
    assert len(chat.api.calls_to("sendMessage")) == 3  # two refused, one accepted: no duplicate


async def test_a_citizen_who_blocked_the_bot_is_marked_skipped_and_restored(make_chat: MakeChat) -> None:
    chat = await make_chat("")
    await start_in_greek(chat)
    chat.api.faults.block(chat.user_id)
    with pytest.raises(Forbidden):
        await chat.app.bot.send_message(chat.user_id, "υπενθύμιση")
    db = chat.app.services.db
    async with db.session() as session:
        citizen = await session.scalar(select(Citizen).where(Citizen.telegram_id == chat.user_id))
        assert citizen is not None and citizen.unreachable_at is not None
    calls = len(chat.api.calls)
    with pytest.raises(Forbidden):  # no more retries against a wall: Telegram is not even called
        await chat.app.bot.send_message(chat.user_id, "υπενθύμιση")
    assert len(chat.api.calls) == calls
    chat.api.faults.unblock(chat.user_id)
    replies = await chat.say("/menu")  # the citizen writes again: reachable, and answered
    assert replies
    async with db.session() as session:
        citizen = await session.scalar(select(Citizen).where(Citizen.telegram_id == chat.user_id))
        assert citizen is not None and citizen.unreachable_at is None


async def test_blocking_and_unblocking_through_telegrams_membership_updates(make_chat: MakeChat) -> None:
    chat = await make_chat("")
    await start_in_greek(chat)
    db = chat.app.services.db

    async def membership(old: str, new: str) -> None:
        bot = {"id": 7000000001, "is_bot": True, "first_name": "K"}

        def state(status: str) -> dict:
            return {"status": status, "user": bot, **({"until_date": 4102444800} if status == "kicked" else {})}

        member = {
            "chat": chat.chat,
            "from": chat.user,
            "date": 0,
            "old_chat_member": state(old),
            "new_chat_member": state(new),
        }
        await chat._process({"my_chat_member": member})

    async def unreachable() -> bool:
        async with db.session() as session:
            citizen = await session.scalar(select(Citizen).where(Citizen.telegram_id == chat.user_id))
            assert citizen is not None
            return citizen.unreachable_at is not None

    await membership("member", "kicked")
    assert await unreachable()
    await membership("kicked", "member")
    assert not await unreachable()


async def test_a_long_text_goes_out_in_parts_split_at_paragraphs(make_chat: MakeChat) -> None:
    chat = await make_chat("")
    paragraphs = [f"Παράγραφος {i}: " + " ".join(["λέξη"] * 150) for i in range(12)]  # ~9,000 characters
    from bot.ui import keyboard

    await chat.app.bot.send_message(chat.user_id, "\n\n".join(paragraphs), reply_markup=keyboard([[("OK", "m:x")]]))
    sent = chat.api.sent()
    assert len(sent) >= 3 and all(len(m.text) <= 4096 for m in sent)
    assert all(m.text.startswith("Παράγραφος") for m in sent)  # every part begins with a paragraph
    assert [bool(m.reply_markup) for m in sent] == [False] * (len(sent) - 1) + [True]  # buttons on the last
    assert "\n\n".join(m.text for m in sent) == "\n\n".join(paragraphs)
    assert not chat.api.refused


async def test_a_button_pressed_too_late_never_crashes(make_chat: MakeChat) -> None:
    chat = await make_chat("400-query-too-old")
    await chat.say("/start")
    replies = await chat.press("🇬🇷 Ελληνικά")
    assert replies and "Κάτι πήγε στραβά" not in texts(replies)
    assert [f.status for _, f in chat.api.refused] and all(f.status == 400 for _, f in chat.api.refused)


@pytest.mark.parametrize(
    "plan",
    [
        "timeout times=1 method=sendMessage",
        "400-not-modified",
        "slow seconds=0.01",
        "429 every=3 retry_after=1",
        "flood rate=30 chat_rate=1",
    ],
)
async def test_a_conversation_survives_each_failure(make_chat: MakeChat, plan: str) -> None:
    chat = await make_chat(plan, paced=plan.startswith("flood"))
    for line in ("/start", "[🇬🇷 Ελληνικά]", "θέλω να μάθω για το ΚΕΑ", "/menu", "/sos"):
        await chat.act(line)
    # Whatever failed on the way, the citizen's choice was kept and the emergency answer arrived last.
    assert chat.app.user_data[chat.user_id].get("lang") == "el"
    assert "112" in texts(chat.api.sent()[-3:])
    if plan.startswith("flood"):  # paced at Telegram's limits, Telegram's flood control never had to say no
        assert not chat.api.refused


async def test_nlu_outcomes_are_counted_without_the_text(make_chat: MakeChat) -> None:
    from core import metrics

    emergencies = metrics.NLU_RESULTS.labels("emergency")._value.get()
    chat = await make_chat("")
    await start_in_greek(chat)
    await chat.say("με χτυπάει ο άντρας μου")
    assert metrics.NLU_RESULTS.labels("emergency")._value.get() == emergencies + 1
