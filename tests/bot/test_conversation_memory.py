"""The conversation memory through the real Application: what a citizen said once is offered back for
confirmation and never asked again; «Αλλαγή» asks it; the memory ends with the conversation unless kept with
consent, and /forget erases it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.handlers import eligibility, entitlements
from bot.local_chat import LocalChat, buttons_of, html_to_text
from bot.memory import (
    CONVERSATION_HOURS,
    MEMORY_KEY,
    is_kept,
    keep_with_consent,
    needs_restore,
    recall,
    remember,
    restore,
    restored_among,
    settle,
    states_facts,
)
from knowledge.eligibility import question
from knowledge.entitlements import ENTITLEMENT_QUESTIONS
from knowledge.messages import plain
from nlu.types import FALLBACK, Parse

REGISTERS = {"el": "🇬🇷 Ελληνικά", "el-simple": "🙂 Απλά ελληνικά", "en": "🇬🇧 English"}
UNEMPLOYED_WITH_TWO = {
    "el": "τι δικαιούμαι; είμαι άνεργη με 2 παιδιά",
    "el-simple": "ti dikaioumai? eimai anergi me 2 paidia",
    "en": "what can I get? I am unemployed with 2 kids",
}


def data_of(chat: LocalChat) -> dict[str, Any]:
    return chat.app.user_data[int(str(chat.user["id"]))]


def text_of(messages: list) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def labels(messages: list) -> list[str]:
    return [b["text"] for m in messages for b in buttons_of(m)]


async def start_in(chat: LocalChat, register: str) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS[register])


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_unemployed_with_two_children_is_never_asked_again(chat: LocalChat, register: str) -> None:
    await start_in(chat, register)
    replies = await chat.say(UNEMPLOYED_WITH_TWO[register])
    text = text_of(replies)
    assert plain("mem_btn_yes", register) in labels(replies)
    assert "2" in text and html_to_text(question(ENTITLEMENT_QUESTIONS[0], register)) not in text
    replies = await chat.press(plain("mem_btn_yes", register))
    asked = [text_of(replies)]
    while entitlements.ANSWERS_KEY in data_of(chat):
        replies = await chat.press(plain("ans_btn_no", register))
        asked.append(text_of(replies))
    everything = "\n".join(asked)
    for known in ("has_children_under_18", "unemployed"):
        assert html_to_text(question(known, register)) not in everything  # asked no more
    assert "1 από 6" in everything or "1 of 6" in everything
    # The suggestions name child benefit and work: the confirmed answers count.
    assert plain("topic_ask_child_benefit", register) in labels(replies) or "ask_child_benefit" in str(
        [b.get("callback_data") for m in replies for b in buttons_of(m)]
    )
    # The pre-check then asks adults, not children: 2 children are offered for confirmation instead.
    replies = await chat.press_data("a:check:min_income")
    assert plain("mem_btn_yes", register) in labels(replies)
    replies = await chat.press(plain("mem_btn_yes", register))
    assert html_to_text(question("adults", register)) in text_of(replies)
    replies = await chat.say("1")
    assert html_to_text(question("minors", register)) not in text_of(replies)
    assert html_to_text(question("single_parent", register)) in text_of(replies)


STATED_ON_THE_WAY = {
    "el": ("μένουμε με ενοίκιο", "Μένετε σε σπίτι με ενοίκιο"),
    "el-simple": ("menoume me enoikio", "ενοίκιο"),
    "en": ("we pay rent", "You pay rent for your home"),
}


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_a_fact_stated_instead_of_yes_or_no_answers_its_question_on_the_way(
    chat: LocalChat, register: str
) -> None:
    """Asked about food, the citizen says they rent: the rent question is taken from that (said back, not asked,
    not numbered) and the question on screen is asked again — no topic answer, nothing lost."""
    said, noted = STATED_ON_THE_WAY[register]
    await start_in(chat, register)
    await chat.press_data("a:topic:ask_entitlements")
    replies = await chat.say(said)
    text = text_of(replies)
    assert noted in text and html_to_text(question(ENTITLEMENT_QUESTIONS[0], register)) in text
    assert data_of(chat)[entitlements.ANSWERS_KEY] == {"renting": True}
    asked = []
    while entitlements.ANSWERS_KEY in data_of(chat):
        replies = await chat.press(plain("ans_btn_no", register))
        asked.append(text_of(replies))
    everything = "\n".join(asked)
    assert html_to_text(question("renting", register)) not in everything
    assert plain("mem_question_last", register) in everything  # 7 asked of the 8 announced: the last is "last"
    suggested = [b.get("callback_data") for m in replies for b in buttons_of(m)]
    assert "a:topic:ask_housing" in suggested  # the rent counted in the suggestions


async def test_a_question_about_a_programme_is_not_taken_as_an_answer(chat: LocalChat) -> None:
    await start_in(chat, "en")
    await chat.press_data("a:topic:ask_entitlements")
    replies = await chat.say("how do I apply for the rent allowance?")
    assert plain("mem_btn_resume", "en") in labels(replies)  # answered the topic, the questions kept for later
    assert data_of(chat)[entitlements.ANSWERS_KEY] == {}


async def test_change_asks_the_questions(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await chat.say("είμαι άνεργος")
    replies = await chat.press_data("a:check:min_income")
    assert html_to_text(question("adults", "el")) in text_of(replies)  # nothing the pre-check needs is known
    await chat.say("μόνο εγώ")
    await chat.say("κανένα")
    await chat.say("0")
    # A second pre-check offers the household back; «Αλλαγή» asks again from the first question.
    replies = await chat.press_data("a:check:housing")
    assert "1 ενήλικας, κανένα παιδί" in text_of(replies)
    replies = await chat.press(plain("mem_btn_change", "el"))
    assert html_to_text(question("adults", "el")) in text_of(replies)
    assert data_of(chat)[eligibility.ANSWERS_KEY]["answers"] == {}


async def test_a_typed_yes_confirms_and_anything_else_asks_again(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await chat.say("έχω 3 παιδιά")
    replies = await chat.press_data("a:check:min_income")
    assert "3 παιδιά" in text_of(replies)
    replies = await chat.say("μπλα")
    assert plain("mem_btn_yes", "el") in labels(replies)
    replies = await chat.say("ναι")
    assert html_to_text(question("adults", "el")) in text_of(replies)
    assert data_of(chat)[eligibility.ANSWERS_KEY]["answers"] == {"minors": 3}


def test_the_memory_ends_with_the_conversation_and_kept_facts_come_back_restored() -> None:
    data: dict[str, Any] = {}
    remember(data, minors=2, unemployed=True)
    assert recall(data).get("minors") == 2
    later = datetime.now(UTC) + timedelta(hours=CONVERSATION_HOURS + 1)
    assert recall(data, now=later).values == {}
    assert MEMORY_KEY not in data  # forgotten, not only hidden
    assert needs_restore(data)  # a new conversation: the record is looked at once
    restore(data, {"minors": 2, "place": "Φλώρινα"})
    assert not needs_restore(data) and is_kept(data)
    assert recall(data).only(("minors", "place")) == {"minors": 2, "place": "Φλώρινα"}
    assert restored_among(data, ["minors"])  # asked as "still true?"
    remember(data, minors=3)  # said again: no longer from last time
    assert not restored_among(data, ["minors"]) and restored_among(data, ["place"])
    settle(data)
    assert not restored_among(data, ["place"])
    keep_with_consent(data)
    assert recall(data, now=later).values == {}  # consent keeps it on the record, not in the conversation


async def test_forget_erases_the_memory(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await chat.say("είμαι άνεργη με 2 παιδιά")
    assert data_of(chat)[MEMORY_KEY]["facts"]["minors"] == 2
    await chat.say("/forget")
    await chat.press_data("p:forget:yes")
    assert MEMORY_KEY not in (chat.app.user_data.get(int(str(chat.user["id"]))) or {})


async def test_a_request_offers_the_household_said_earlier(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await chat.say("είμαι μόνη μου με 2 παιδιά")
    await chat.say("/request")
    await chat.press("✅ Συμφωνώ")
    await chat.press("🍞 Τρόφιμα και βασικά αγαθά")
    await chat.press("➡️ Συνέχεια")
    replies = await chat.say("Χρειαζόμαστε τρόφιμα.")
    assert "1 ενήλικας και 2 παιδιά" in text_of(replies)
    assert plain("mem_btn_yes", "el") in labels(replies)
    replies = await chat.press(plain("mem_btn_yes", "el"))
    assert html_to_text(plain("intake_ask_place", "el")).split("?")[0] in text_of(replies)
    draft = data_of(chat)["intake"]
    assert (draft["adults"], draft["children"]) == (1, 2)


async def test_a_request_asks_the_household_after_change_and_reads_natural_counts(chat: LocalChat) -> None:
    await start_in(chat, "el")
    await chat.say("μένουμε 2 ενήλικες με 3 παιδιά")
    await chat.say("/request")
    await chat.press("✅ Συμφωνώ")
    await chat.press("🍞 Τρόφιμα και βασικά αγαθά")
    await chat.press("➡️ Συνέχεια")
    await chat.say("Χρειαζόμαστε τρόφιμα.")
    replies = await chat.press(plain("mem_btn_change", "el"))
    assert "3" in labels(replies)  # the number buttons of the adults question
    await chat.say("μόνο εγώ")
    await chat.press("0")
    draft = data_of(chat)["intake"]
    assert (draft["adults"], draft["children"]) == (1, 0)


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("μένουμε με ενοίκιο", True),
        ("we pay rent", True),
        ("μένουμε με ενοίκιο;", False),  # a semicolon is the Greek question mark
        ("μένουμε με ενοίκιο\u037e", False),  # and so is U+037E
        ("do we get help if we pay rent?", False),
    ],
)
def test_only_a_statement_states_facts(text: str, states: bool) -> None:
    found = states_facts(Parse(text=text, intent=FALLBACK, confidence=0.0))
    assert (found == {"rents_home": True}) is states, found
