"""Keeping what the citizen told the bot, with its own consent, through the real Application: asked once after the
facts were confirmed, stored minimally on the citizen record (audited, values never in the audit), brought back
in the next conversation as "still true?", shown in /mydata, withdrawn there, erased by /forget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.handlers import eligibility
from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of, html_to_text
from bot.memory import CONVERSATION_HOURS, MEMORY_KEY
from core.models import AuditEvent, BotState, Citizen
from knowledge.eligibility import question
from knowledge.messages import plain

REGISTERS = {"el": "🇬🇷 Ελληνικά", "el-simple": "🙂 Απλά ελληνικά", "en": "🇬🇧 English"}
ALONE_WITH_TWO = {"el": "είμαι μόνη μου με 2 παιδιά", "el-simple": "mono ego me 2 paidia", "en": "just me and 2 kids"}
LIVES_IN_FLORINA = {"el": "μένω στη Φλώρινα", "el-simple": "meno sti florina", "en": "I live in Florina"}


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def labels(messages: list[SentMessage]) -> list[str]:
    return [b["text"] for m in messages for b in buttons_of(m)]


async def citizen_of(chat: LocalChat) -> Citizen | None:
    async with chat.app.services.db.session() as session:
        return await session.scalar(select(Citizen).where(Citizen.telegram_id == chat.user_id))


async def finish_precheck(chat: LocalChat, register: str) -> list[SentMessage]:
    """The pre-check from the confirmation of what is known to its result: «no» and 0 to whatever is left."""
    replies = await chat.press(plain("mem_btn_yes", register))
    for _ in range(12):
        if eligibility.ANSWERS_KEY not in chat.app.user_data[chat.user_id]:
            return replies
        no = plain("ans_btn_no", register)
        replies = await (chat.press(no) if no in labels(replies) else chat.say("0"))
    raise AssertionError("the pre-check did not end")


async def a_new_conversation(chat: LocalChat) -> None:
    """12 hours of silence: the conversation memory is over (as stored: the bot's own row for the user)."""
    async with chat.app.services.db.write() as session:
        row = await session.get(BotState, ("user", str(chat.user_id)))
        assert row is not None
        data: dict[str, Any] = dict(row.data)
        old = datetime.now(UTC) - timedelta(hours=CONVERSATION_HOURS + 1)
        data[MEMORY_KEY] = {**data[MEMORY_KEY], "at": old.isoformat()}
        row.data = data


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_kept_with_consent_and_asked_still_true_next_time(chat: LocalChat, register: str) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS[register])
    await chat.say(ALONE_WITH_TWO[register])
    await chat.say(LIVES_IN_FLORINA[register])
    await chat.press_data("a:check:min_income")
    replies = await finish_precheck(chat, register)
    # After the result: the question, listing what would be kept (the place too), with its own two buttons.
    assert plain("keep_btn_yes", register) in labels(replies) and plain("keep_btn_no", register) in labels(replies)
    assert "Φλώρινα" in text_of(replies) or "Florina" in text_of(replies)
    assert (await citizen_of(chat)) is None or (await citizen_of(chat)).kept_facts is None  # type: ignore[union-attr]
    await chat.press(plain("keep_btn_yes", register))
    citizen = await citizen_of(chat)
    assert citizen is not None and citizen.kept_facts_consent_at is not None
    assert citizen.kept_facts is not None
    # What was said and confirmed, and the pre-check's answers (single parent: said, or answered).
    assert (citizen.kept_facts["adults"], citizen.kept_facts["minors"]) == (1, 2)
    assert isinstance(citizen.kept_facts["single_parent"], bool)
    assert "income_6m" not in citizen.kept_facts  # incomes are never kept
    async with chat.app.services.db.session() as session:
        event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "facts_kept"))
    assert event is not None and "1" not in str(event.details) and "Φλώρινα" not in str(event.details)

    await a_new_conversation(chat)
    replies = await chat.press_data("a:check:min_income")
    assert html_to_text(plain("mem_confirm_kept", register, lines="")).split("\n")[0] in text_of(replies)
    assert html_to_text(question("adults", register)) not in text_of(replies)
    replies = await chat.press(plain("mem_btn_yes", register))
    assert html_to_text(question("adults", register)) not in text_of(replies)  # not asked again


async def test_declined_keeps_nothing_and_is_not_asked_again(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS["el"])
    await chat.say(ALONE_WITH_TWO["el"])
    await chat.press_data("a:check:min_income")
    await finish_precheck(chat, "el")
    replies = await chat.press(plain("keep_btn_no", "el"))
    assert plain("btn_book", "el") in labels(replies) or replies  # the menu follows
    citizen = await citizen_of(chat)
    assert citizen is None or (citizen.kept_facts is None and citizen.kept_facts_consent_at is None)
    await chat.press_data("a:check:min_income")
    replies = await finish_precheck(chat, "el")
    assert plain("keep_btn_yes", "el") not in labels(replies)  # once a conversation


async def test_mydata_shows_them_and_the_consent_is_withdrawn(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS["el"])
    await chat.say(ALONE_WITH_TWO["el"])
    await chat.press_data("a:check:min_income")
    await finish_precheck(chat, "el")
    await chat.press(plain("keep_btn_yes", "el"))
    replies = await chat.say("/mydata")
    assert "2 παιδιά" in text_of(replies) and plain("keep_btn_withdraw", "el") in labels(replies)
    replies = await chat.press(plain("keep_btn_withdraw", "el"))
    assert html_to_text(plain("keep_withdrawn", "el")) in text_of(replies)
    citizen = await citizen_of(chat)
    assert citizen is not None and citizen.kept_facts is None and citizen.kept_facts_consent_at is None
    async with chat.app.services.db.session() as session:
        assert await session.scalar(select(AuditEvent).where(AuditEvent.action == "facts_withdrawn")) is not None
    await a_new_conversation(chat)
    replies = await chat.press_data("a:check:min_income")
    assert html_to_text(question("adults", "el")) in text_of(replies)  # nothing comes back: asked again


async def test_forget_erases_the_kept_facts(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS["el"])
    await chat.say(ALONE_WITH_TWO["el"])
    await chat.press_data("a:check:min_income")
    await finish_precheck(chat, "el")
    await chat.press(plain("keep_btn_yes", "el"))
    assert (await citizen_of(chat)) is not None
    await chat.say("/forget")
    await chat.press_data("p:forget:yes")
    assert await citizen_of(chat) is None
    await chat.say("/start")
    await chat.press(REGISTERS["el"])
    replies = await chat.press_data("a:check:min_income")
    assert html_to_text(question("adults", "el")) in text_of(replies)


async def test_a_request_sent_offers_to_keep_its_household_and_place(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS["el"])
    await chat.say("/request")
    await chat.press_data("i:consent:yes")
    await chat.press_data("i:cat:ask_food_aid")
    await chat.press_data("i:next")
    await chat.press_data("i:skip")
    await chat.press_data("i:ad:2")
    await chat.press_data("i:ch:1")
    await chat.say("Σιάτιστα")
    await chat.say("Μαρία Παπά")
    await chat.press_data("i:cm:telegram")
    await chat.press_data("i:ct:any")
    replies = await chat.press_data("i:send")
    assert plain("keep_btn_yes", "el") in labels(replies)
    await chat.press(plain("keep_btn_yes", "el"))
    citizen = await citizen_of(chat)
    assert citizen is not None and citizen.kept_facts is not None
    assert (citizen.kept_facts["adults"], citizen.kept_facts["minors"]) == (2, 1)
    assert "Σιάτιστα" in str(citizen.kept_facts["place"])
