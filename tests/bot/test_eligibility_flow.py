"""The "Δικαιούμαι;" pre-check through the real Application: worked examples in every register, bad answers,
stale and forged buttons, /cancel, emergencies in the middle and a restart in the middle."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application, start_services, stop_services
from bot.handlers.eligibility import ANSWERS_KEY
from bot.local_api import RecordingBotApi
from bot.local_chat import LocalChat, buttons_of, html_to_text
from knowledge.eligibility import error_message, question
from knowledge.messages import plain, t
from tests.bot.conftest import make_settings

REGISTERS = {"el": "🇬🇷 Ελληνικά", "el-simple": "🙂 Απλά ελληνικά", "en": "🇬🇧 English"}
CHECK_LABEL = {"el": "Δικαιούμαι;", "el-simple": "✅ Το δικαιούμαι;", "en": "Do I qualify?"}
MIN_INCOME_TEXT = {"el": "elaxisto eggyimeno eisodima", "el-simple": "thelo to kea", "en": "minimum income"}
MONTHLY = {"el": "{} € τον μήνα", "el-simple": "{} € τον μήνα", "en": "€{} a month"}


def user_data(chat: LocalChat) -> dict[str, Any]:
    return dict(chat.app.user_data.get(int(str(chat.user["id"]))) or {})


def text_of(messages: list) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def labels(messages: list) -> list[str]:
    return [b["text"] for m in messages for b in buttons_of(m)]


async def start_in(chat: LocalChat, register: str) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS[register])


async def open_check(chat: LocalChat, register: str) -> list:
    """Free text to the ΕΕΕ answer, then its "do I qualify?" button."""
    replies = await chat.say(MIN_INCOME_TEXT[register])
    assert "216" in text_of(replies)
    assert CHECK_LABEL[register] in labels(replies)
    return await chat.press(CHECK_LABEL[register])


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_single_person_without_income_gets_216(chat: LocalChat, register: str) -> None:
    await start_in(chat, register)
    replies = await open_check(chat, register)
    assert html_to_text(question("adults", register)) in text_of(replies)
    await chat.say("1")
    await chat.say("0")  # no children: the single-parent question is skipped
    replies = await chat.say("0")
    text = text_of(replies)
    assert MONTHLY[register].format(216) in text
    assert "Κοινότητας" in text or "Community Centre" in text  # staff confirm, in every register
    assert ANSWERS_KEY not in user_data(chat)  # nothing kept afterwards


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_two_adults_and_a_child_get_378_with_words_and_buttons(chat: LocalChat, register: str) -> None:
    await start_in(chat, register)
    await open_check(chat, register)
    await chat.say("dyo" if register != "en" else "2")  # "two" alone reads as reschedule_appointment to NLU
    replies = await chat.say("ena" if register != "en" else "1")
    assert html_to_text(question("single_parent", register)) in text_of(replies)
    await chat.press(plain("ans_btn_no", register))
    replies = await chat.say("τίποτα" if register != "en" else "nothing")
    assert MONTHLY[register].format(378) in text_of(replies)


async def test_a_bad_answer_gets_a_kind_message_and_the_same_question_and_nothing_is_lost(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await open_check(chat, "el")
    await chat.say("2")
    replies = await chat.say("πολλά")
    text = text_of(replies)
    assert html_to_text(error_message("not_a_number", "el")) in text
    assert html_to_text(question("minors", "el")) in text
    replies = await chat.say("-3")
    assert html_to_text(question("minors", "el")) in text_of(replies)
    await chat.say("1")
    await chat.say("οχι")
    replies = await chat.say("πολλά λεφτά")  # not an amount, and not surely another question either
    assert html_to_text(question("income_6m", "el")) in text_of(replies)
    replies = await chat.say("600 ευρώ")
    # 2 adults + 1 child: 378 € guaranteed, minus 600 / 6 = 100 € a month of income → 278 €.
    assert "278 € τον μήνα" in text_of(replies)


async def test_a_household_too_large_is_refused_and_asked_again(chat: LocalChat) -> None:
    await start_in(chat, "en")
    await open_check(chat, "en")
    await chat.say("12")
    replies = await chat.say("9")
    text = text_of(replies)
    assert html_to_text(error_message("household_too_large", "en")) in text
    assert html_to_text(question("minors", "en")) in text
    assert user_data(chat)[ANSWERS_KEY]["answers"] == {"adults": 12}


async def test_stale_and_forged_buttons_change_nothing(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await open_check(chat, "el")
    await chat.say("1")
    await chat.say("2")
    # Now on "single parent?": a yes for another question, a forged value and a "don't know" it does not accept.
    for data in ("e:rents_home:y", "e:single_parent:maybe", "e:single_parent:u", "e:adults:y"):
        replies = await chat.press_data(data)
        assert t("ans_stale_question", "el").split(" —")[0] in text_of(replies)
        assert html_to_text(question("single_parent", "el")) in text_of(replies)
    assert user_data(chat)[ANSWERS_KEY]["answers"] == {"adults": 1, "minors": 2}
    await chat.press_data("e:single_parent:y")
    replies = await chat.say("0")
    # Single parent + 2 children: the oldest child counts as an adult → 216 + 108 + 54 = 378 €.
    assert "378 € τον μήνα" in text_of(replies)


async def test_an_unknown_scheme_is_a_stale_button(chat: LocalChat) -> None:
    await start_in(chat, "el")
    replies = await chat.press_data("a:check:pension")
    assert "δεν ισχύει πια" in text_of(replies)
    assert ANSWERS_KEY not in user_data(chat)


async def test_cancel_by_command_and_by_button(chat: LocalChat) -> None:
    await start_in(chat, "el-simple")
    await open_check(chat, "el-simple")
    await chat.say("2")
    replies = await chat.say("/cancel")
    assert "Σταματήσαμε" in text_of(replies)
    assert ANSWERS_KEY not in user_data(chat)
    # Out of the conversation, a number is just free text again, not an answer.
    replies = await chat.say("3")
    assert html_to_text(question("minors", "el-simple")) not in text_of(replies)
    await open_check(chat, "el-simple")
    replies = await chat.press(plain("btn_cancel", "el-simple"))
    assert "Σταματήσαμε" in text_of(replies)


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_an_emergency_mid_way_gets_the_helplines_first_then_the_check_goes_on(
    chat: LocalChat, register: str
) -> None:
    await start_in(chat, register)
    await open_check(chat, register)
    await chat.say("1")
    replies = await chat.say("me xtypaei o antras mou" if register != "en" else "help my husband is beating me")
    text = text_of(replies)
    assert re.findall(r"\b\d{3,5}\b", text)[0] == "112"  # the helplines, 112 first of all
    assert "197" in text
    assert html_to_text(question("minors", register)) not in text  # nothing else in between
    # The conversation is where it was: the next answer is the number of children.
    replies = await chat.say("0")
    assert html_to_text(question("income_6m", register)) in text_of(replies)
    replies = await chat.say("0")
    assert MONTHLY[register].format(216) in text_of(replies)


async def test_sos_mid_way_keeps_the_answers(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await open_check(chat, "el")
    await chat.say("2")
    replies = await chat.say("/sos")
    assert re.findall(r"\b\d{3,5}\b", text_of(replies))[0] == "112"
    assert user_data(chat)[ANSWERS_KEY]["answers"] == {"adults": 2}


async def test_asking_about_another_topic_leaves_the_questions_and_keeps_the_answers(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await open_check(chat, "el")
    await chat.say("2")
    replies = await chat.say("epidoma paidiwn")
    text = text_of(replies)
    assert t("mem_flow_left", "el").split(".")[0] in text
    assert "Α21" in text
    assert user_data(chat)[ANSWERS_KEY]["answers"] == {"adults": 2}  # a draft, not lost
    # One tap back to the question where the citizen left, with the earlier answer kept.
    replies = await chat.press(plain("mem_btn_resume", "el"))
    assert html_to_text(question("minors", "el")) in text_of(replies)
    await chat.say("0")
    replies = await chat.say("0")
    assert "324 € τον μήνα" in text_of(replies)  # 2 adults, no income: 216 + 108 €


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_natural_answers_and_number_buttons(chat: LocalChat, register: str) -> None:
    """«μόνο εγώ» is one adult, the 0–6+ buttons answer the counts, "6+" asks for the number."""
    await start_in(chat, register)
    replies = await open_check(chat, register)
    assert [b for b in labels(replies) if b[0].isdigit()] == ["1", "2", "3", "4", "5", "6+"]
    replies = await chat.say({"el": "μόνο εγώ", "el-simple": "mono ego", "en": "just me"}[register])
    assert html_to_text(question("minors", register)) in text_of(replies)
    assert [b for b in labels(replies) if b[0].isdigit()] == ["0", "1", "2", "3", "4", "5", "6+"]
    replies = await chat.press("6+")
    assert t("mem_type_number", register).split(",")[0].split(".")[0] in text_of(replies)
    await chat.press("0")
    replies = await chat.say("0")
    assert MONTHLY[register].format(216) in text_of(replies)


async def test_the_answers_are_json_and_survive_a_restart(sqlite_url: str, nlu_cache_dir: Path) -> None:
    api = RecordingBotApi()
    app = build_application(make_settings(sqlite_url, nlu_cache_dir), request=api)
    async with app:
        await start_services(app)
        chat = LocalChat(app, api)
        await start_in(chat, "el")
        await open_check(chat, "el")
        await chat.say("2")
        await chat.say("1")
        await chat.press(plain("ans_btn_no", "el"))
        json.dumps(user_data(chat))  # persisted as JSON: must not raise
        await stop_services(app)
    api = RecordingBotApi()
    app = build_application(make_settings(sqlite_url, nlu_cache_dir), request=api)
    async with app:
        await start_services(app)
        chat = LocalChat(app, api)
        replies = await chat.say("1.200,50")
        # 378 € − 1.200,50 / 6 (200,08 €) = 177,92 €: the earlier answers were kept across the restart.
        assert "177,92 € τον μήνα" in text_of(replies)
        await stop_services(app)
