"""Every topic, in every register, reached by free text typed the way people type: the topic's own answer."""

from __future__ import annotations

import pytest

from bot.local_chat import LocalChat, buttons_of
from knowledge import answers
from knowledge.eligibility import question
from knowledge.entitlements import ENTITLEMENT_QUESTIONS

REGISTERS = {"el": "🇬🇷 Ελληνικά", "el-simple": "🙂 Απλά ελληνικά", "en": "🇬🇧 English"}
GREEK = {
    "ask_entitlements": "ti voitheia mporo na paro",
    "ask_min_income": "ποτε πληρωνει το κεα",
    "ask_child_benefit": "epidoma paidiwn",
    "ask_housing": "δεν εχω να πληρωσω το ενοικιο",
    "ask_disability": "καρτα αναπηριας κεπα",
    "ask_employment": "psaxno douleia",
    "ask_food_aid": "χρειαζομαι τροφιμα",
    "ask_energy_bills": "mou kopsane to reuma",
    "ask_psychosocial": "thelo na milisw me psixologo",
    "ask_child_learning": "frontistirio gia ta paidia",
    "ask_legal_info": "διαζυγιο δικηγορος",
    "ask_elderly_care": "voitheia sto spiti gia tin giagia",
    "ask_documents": "pws vgazw amka",
    "ask_events": "εχετε εκδηλωσεις",
    "volunteer": "thelo na ginw ethelontis",
}
ENGLISH = {
    "ask_entitlements": "what help can I get",
    "ask_min_income": "how much is the minimum income",
    "ask_child_benefit": "child benefit",
    "ask_housing": "housing allowance rent",
    "ask_disability": "disability benefit",
    "ask_employment": "I am looking for a job",
    "ask_food_aid": "I need food for my family",
    "ask_energy_bills": "electricity bill help",
    "ask_psychosocial": "I need counselling",
    "ask_child_learning": "homework help for my child",
    "ask_legal_info": "I need a lawyer for my divorce",
    "ask_elderly_care": "care for elderly mother",
    "ask_documents": "how do I get AMKA",
    "ask_events": "any events this month",
    "volunteer": "I want to volunteer",
}
CHECKS = {"ask_min_income": "a:check:min_income", "ask_energy_bills": "a:check:kot_a", "ask_housing": "a:check:housing"}


def test_every_topic_has_a_phrase() -> None:
    assert set(GREEK) == set(ENGLISH) == set(answers.topics())


@pytest.mark.parametrize("register", list(REGISTERS))
async def test_every_topic_by_free_text(chat: LocalChat, register: str) -> None:
    await chat.say("/start")
    await chat.press(REGISTERS[register])
    phrases = ENGLISH if register == "en" else GREEK
    for intent, phrase in phrases.items():
        await chat.say("/cancel")  # leaves "what can I get?" after its turn; harmless elsewhere
        replies = await chat.say(phrase)
        assert replies, intent
        if intent == "ask_entitlements":
            assert question(ENTITLEMENT_QUESTIONS[0], register) in "\n".join(m.text for m in replies)
            continue
        expected = answers.render_topic(intent, register).parts[0]
        assert replies[0].text == expected, (intent, phrase)
        data = [b.get("callback_data") for m in replies for b in buttons_of(m)]
        if intent in CHECKS:
            assert CHECKS[intent] in data, intent  # the pre-check is one tap away
        assert "m:menu" in data
