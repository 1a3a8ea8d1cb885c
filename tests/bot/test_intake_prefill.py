"""The request (intake) asks nothing the conversation memory already holds without saying it back once: the topic
asked about is ticked (and said so), the household and the place are offered for confirmation, like booking's
place. Driven through the real Application in the three registers."""

from __future__ import annotations

from typing import Any

import pytest

from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of, html_to_text
from knowledge.messages import plain

REGISTERS = {"el": "🇬🇷 Ελληνικά", "el-simple": "🙂 Απλά ελληνικά", "en": "🇬🇧 English"}
LIVES_IN_FLORINA = {"el": "μένω στη Φλώρινα", "el-simple": "meno sti florina", "en": "I live in Florina"}
ALONE_WITH_TWO = {"el": "είμαι μόνη μου με 2 παιδιά", "el-simple": "mono ego me 2 paidia", "en": "just me and 2 kids"}
CHILD_BENEFIT = {
    "el": "θέλω να μάθω για το επίδομα παιδιού",
    "el-simple": "epidoma paidiou",
    "en": "tell me about the child benefit",
}


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def labels(messages: list[SentMessage]) -> list[str]:
    return [b["text"] for m in messages for b in buttons_of(m)]


def draft_of(chat: LocalChat) -> dict[str, Any]:
    return dict(chat.app.user_data[chat.user_id]["intake"])


async def start_in(chat: LocalChat, register: str) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS[register])


async def request_to_description(chat: LocalChat) -> None:
    await chat.say("/request")
    await chat.press_data("i:consent:yes")
    await chat.press_data("i:cat:ask_food_aid")
    await chat.press_data("i:next")


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_household_and_place_said_earlier_are_confirmed_together(chat: LocalChat, register: str) -> None:
    await start_in(chat, register)
    await chat.say(LIVES_IN_FLORINA[register])
    await chat.say(ALONE_WITH_TWO[register])
    await request_to_description(chat)
    replies = await chat.press_data("i:skip")
    shown = text_of(replies)
    assert "Φλώρινα" in shown or "Florina" in shown  # the place is in the one confirmation
    assert plain("mem_btn_yes", register) in labels(replies)
    replies = await chat.press(plain("mem_btn_yes", register))
    draft = draft_of(chat)
    assert (draft["adults"], draft["children"], draft["centre_id"]) == (1, 2, "kk-florina")
    assert html_to_text(plain("intake_ask_place", register)).split("?")[0] not in text_of(replies)  # not asked
    assert draft["step"] == "intake_name"


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_a_place_said_earlier_is_offered_at_the_place_question(chat: LocalChat, register: str) -> None:
    await start_in(chat, register)
    await chat.say(LIVES_IN_FLORINA[register])
    await request_to_description(chat)
    await chat.press_data("i:skip")
    await chat.press_data("i:ad:2")
    replies = await chat.press_data("i:ch:0")
    assert plain("mem_btn_yes", register) in labels(replies)
    assert html_to_text(plain("intake_ask_place", register)).split("?")[0] not in text_of(replies)
    await chat.press(plain("mem_btn_yes", register))
    assert draft_of(chat)["centre_id"] == "kk-florina"


async def test_change_asks_the_place_and_a_typed_one_is_used(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await chat.say("μένω στη Φλώρινα")
    await request_to_description(chat)
    await chat.press_data("i:skip")
    await chat.press_data("i:ad:1")
    await chat.press_data("i:ch:0")
    replies = await chat.press(plain("mem_btn_change", "el"))
    assert html_to_text(plain("intake_ask_place", "el")).split("?")[0] in text_of(replies)
    await chat.say("Σιάτιστα")
    assert draft_of(chat)["centre_id"] == "kk-voio"


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_the_topic_asked_about_is_ticked_and_said(chat: LocalChat, register: str) -> None:
    await start_in(chat, register)
    await chat.say(CHILD_BENEFIT[register])
    await chat.say("/request")
    replies = await chat.press_data("i:consent:yes")
    topic = plain("topic_ask_child_benefit", register)
    assert "✅ " + topic in labels(replies)
    assert topic in text_of(replies)  # said, not silently assumed
    assert draft_of(chat)["categories"] == ["ask_child_benefit"]
    await chat.press("✅ " + topic)  # one tap takes it off
    assert draft_of(chat)["categories"] == []
