"""While a flow waits for an answer, what the citizen types is read as that answer first: another flow's text entry
point (or the waiting flow's own, on re-entry) does not take it, unless it is a clear new request (bot/waiting.py).
Driven through the real Application, on several flows' steps."""

from __future__ import annotations

from typing import Any

import pytest

from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of, html_to_text
from bot.waiting import CLEAR_REQUEST
from knowledge.eligibility import question
from knowledge.messages import plain

REGISTERS = {"el": "🇬🇷 Ελληνικά", "el-simple": "🙂 Απλά ελληνικά", "en": "🇬🇧 English"}
NO_CHILDREN = {"el": "κανένα", "el-simple": "kanena", "en": "none"}


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def data_of(chat: LocalChat) -> dict[str, Any]:
    return chat.app.user_data[chat.user_id]


async def flows(chat: LocalChat) -> set[str]:
    return await chat.app.active_flows((chat.user_id, chat.user_id))  # a private chat: chat id = user id


async def request_up_to_household(chat: LocalChat, register: str) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS[register])
    await chat.say("/request")
    await chat.press_data("i:consent:yes")
    await chat.press_data("i:cat:ask_food_aid")
    await chat.press_data("i:next")


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_none_at_the_requests_children_question_is_the_answer(chat: LocalChat, register: str) -> None:
    if register == "el":  # the hazard is real: the NLU reads «κανένα» as "what can I get?", below a sure reading
        parse = await chat.app.services.nlu.parse("κανένα")  # type: ignore[union-attr]
        assert parse.intent == "ask_entitlements" and parse.confidence < CLEAR_REQUEST, parse
    await request_up_to_household(chat, register)
    await chat.press_data("i:skip")
    await chat.press_data("i:ad:2")
    replies = await chat.say(NO_CHILDREN[register])
    assert data_of(chat)["intake"]["children"] == 0
    assert html_to_text(plain("intake_ask_place", register)).split("?")[0] in text_of(replies)
    assert await flows(chat) == {"intake"}  # "what can I get?" did not start
    assert "entitlements" not in data_of(chat)


async def test_a_description_that_mentions_an_appointment_stays_the_description(chat: LocalChat) -> None:
    await request_up_to_household(chat, "el")
    description = "Θέλω ραντεβού για το επίδομα παιδιού, δεν τα βγάζουμε πέρα"
    replies = await chat.say(description)
    assert data_of(chat)["intake"]["description"] == description
    assert await flows(chat) == {"intake"}  # booking's "I want an appointment" did not take the note
    assert "2" in [b["text"] for m in replies for b in buttons_of(m)]  # on to the household question


async def test_a_clear_new_request_still_leaves_with_the_draft_kept(chat: LocalChat) -> None:
    await request_up_to_household(chat, "el")
    await chat.press_data("i:skip")
    await chat.press_data("i:ad:1")
    replies = await chat.say("θέλω να κλείσω ραντεβού")
    assert await flows(chat) == {"booking"}
    assert "intake" in data_of(chat) and data_of(chat)["intake"]["adults"] == 1  # one tap from resuming
    assert replies  # booking asked its first question


async def test_none_at_the_questionnaires_own_question_is_the_answer(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS["el"])
    await chat.say("τι δικαιούμαι;")
    for key in ("needs_food", "bills_unpaid", "low_income"):
        await chat.press_data(f"w:{key}:n")
    replies = await chat.say("κανένα")  # "what can I get?" at 0.72: its own entry point must not re-enter
    assert data_of(chat)["entitlements"]["has_children_under_18"] is False
    assert html_to_text(question("renting", "el")) in text_of(replies)
    assert await flows(chat) == {"entitlements"}
