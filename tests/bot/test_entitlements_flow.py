""" "What can I get?": from free text or the topic button, yes/no questions (typed or tapped), then the topics
worth a look, each one tap away."""

from __future__ import annotations

from typing import Any

import pytest

from bot.handlers.entitlements import ANSWERS_KEY
from bot.local_chat import LocalChat, buttons_of, html_to_text
from knowledge.eligibility import catalogue_text, question
from knowledge.entitlements import ENTITLEMENT_QUESTIONS
from knowledge.messages import plain

REGISTERS = {"el": "🇬🇷 Ελληνικά", "el-simple": "🙂 Απλά ελληνικά", "en": "🇬🇧 English"}


def user_data(chat: LocalChat) -> dict[str, Any]:
    return dict(chat.app.user_data.get(int(str(chat.user["id"]))) or {})


def text_of(messages: list) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def labels(messages: list) -> list[str]:
    return [b["text"] for m in messages for b in buttons_of(m)]


async def start_in(chat: LocalChat, register: str) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS[register])


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_questions_then_suggestions_with_topic_buttons(chat: LocalChat, register: str) -> None:
    await start_in(chat, register)
    replies = await chat.say("ti voitheia mporo na paro" if register != "en" else "what help can I get")
    assert html_to_text(question(ENTITLEMENT_QUESTIONS[0], register)) in text_of(replies)
    # Needs food: yes (tapped); unpaid bills: "oxi" (typed); the rest: no, except children: yes (typed).
    await chat.press(plain("ans_btn_yes", register))
    await chat.say("oxi" if register != "en" else "no")
    replies = []
    for key in ENTITLEMENT_QUESTIONS[2:]:
        if key == "has_children_under_18":
            replies = await chat.say("ναι" if register != "en" else "yes")
        else:
            replies = await chat.press(plain("ans_btn_no", register))
    buttons = labels(replies)
    # Food first (the most pressing need), then child benefit; nothing suggested for what was answered "no".
    assert buttons[:2] == [
        catalogue_text("intents", "ask_food_aid", register),
        catalogue_text("intents", "ask_child_benefit", register),
    ]
    assert catalogue_text("intents", "ask_housing", register) not in buttons
    assert ANSWERS_KEY not in user_data(chat)
    # One tap from the suggestion to its answer.
    replies = await chat.press(buttons[1])
    assert "Α21" in text_of(replies)


async def test_dont_know_and_a_bad_answer(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await chat.say("τι δικαιουμαι")
    replies = await chat.say("ισως")
    text = text_of(replies)
    assert "Απαντήστε με «ναι» ή «όχι»" in text
    assert html_to_text(question(ENTITLEMENT_QUESTIONS[0], "el")) in text
    await chat.press(plain("ans_btn_dont_know", "el"))
    assert user_data(chat)[ANSWERS_KEY] == {ENTITLEMENT_QUESTIONS[0]: None}
    replies = await chat.press_data(f"w:{ENTITLEMENT_QUESTIONS[0]}:y")  # an earlier question's button
    assert "παλιότερη ερώτηση" in text_of(replies)
    assert user_data(chat)[ANSWERS_KEY] == {ENTITLEMENT_QUESTIONS[0]: None}


async def test_topic_button_all_programmes_and_cancel(chat: LocalChat) -> None:
    await start_in(chat, "el-simple")
    await chat.press(plain("btn_topics", "el-simple"))
    replies = await chat.press(plain("topic_ask_entitlements", "el-simple"))
    assert "Θα σας κάνω 8 ερωτήσεις" in text_of(replies)
    replies = await chat.press(plain("ans_btn_all_programmes", "el-simple"))
    assert "Επίδομα Παιδιού (Α21)" in text_of(replies)
    assert ANSWERS_KEY not in user_data(chat)
    await chat.press(plain("btn_menu", "el-simple"))
    await chat.press(plain("btn_topics", "el-simple"))
    await chat.press(plain("topic_ask_entitlements", "el-simple"))
    replies = await chat.say("/cancel")
    assert "Σταματήσαμε" in text_of(replies)
    assert ANSWERS_KEY not in user_data(chat)
