"""Free text at a question is a property-tested input: whatever a citizen types while a questionnaire waits for an
answer, it either advances (the answer is recorded), re-asks kindly (the same question again), or leaves with the
draft kept (one tap from resuming) — and the answers given before are never lost. Driven through the real
Application, on the eligibility pre-check (counts and amounts) and "what can I get?" (yes/no)."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.edge import clean_text
from bot.handlers import eligibility, entitlements
from bot.local_chat import LocalChat, html_to_text
from knowledge.eligibility import question
from knowledge.entitlements import ENTITLEMENT_QUESTIONS
from knowledge.messages import t

# Greek, Greeklish, digits, amounts, emoji, punctuation and words of the questions' own vocabulary.
WORDS = st.sampled_from(
    [
        "ναι",
        "όχι",
        "δεν ξέρω",
        "μόνο εγώ",
        "με ενοίκιο",
        "κανένα",
        "2 παιδιά",
        "dyo",
        "300 ευρώ",
        "1.200,50",
        "επίδομα παιδιού",
        "θέλω ραντεβού",
        "kea",
        "πολλά",
        "-3",
        "99",
        "🙂",
        "???",
        "τι;",
        "άνεργη",
        "Φλώρινα",
        "βοήθεια",
        "ευχαριστώ",
        "0",
        "6",
        "hello",
    ]
)
TEXTS = st.one_of(
    st.text(min_size=1, max_size=60),
    st.lists(WORDS, min_size=1, max_size=4).map(" ".join),
).filter(lambda s: clean_text(s).strip() != "" and not clean_text(s).lstrip().startswith("/"))
# (Control characters are removed at the edge, bot/edge.py: a text of nothing else arrives empty and is tested there.)
# No shrinking: each example drives the whole Application, and the failing text is reported as it was generated.
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def data_of(chat: LocalChat) -> dict[str, Any]:
    return chat.app.user_data[int(str(chat.user["id"]))]


def text_of(messages: list) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def outcome(before: dict[str, Any], after: dict[str, Any] | None, replies: str, asked: str, left: str) -> str:
    """advanced | re-asked | left | helplines; fails when an earlier answer is lost."""
    assert after is not None, f"the answers are gone:\n{replies}"
    assert {k: after.get(k) for k in before} == before, f"an earlier answer changed or was lost:\n{replies}"
    if len(after) > len(before):
        return "advanced"
    if left in replies or "⏸️" in replies:
        return "left"
    if "112" in replies:
        return "helplines"  # an emergency: answered first, the questions wait where they were
    assert asked in replies, f"neither advanced, re-asked nor left:\n{replies}"
    return "re-asked"


async def _decline_memory(chat: LocalChat) -> None:
    """What earlier examples typed may be remembered (the state lives in the bot's own store, so the test cannot
    just drop it): the citizen's own way out is to change the answers offered for confirmation."""
    for label in ("✏️ Αλλαγή", "✏️ Θέλω να τα αλλάξω"):
        with contextlib.suppress(LookupError):
            await chat.press(label)
            return


async def _fresh_check(chat: LocalChat) -> None:
    await chat.press_data("a:check:min_income")
    await _decline_memory(chat)
    await chat.say("2")


@SETTINGS
@given(text=TEXTS)
async def test_free_text_at_a_pre_check_question_never_loses_answers(chat: LocalChat, text: str) -> None:
    if "lang" not in data_of(chat):
        await chat.say("/start")
        await chat.press("🇬🇷 Ελληνικά")
    await _fresh_check(chat)
    before = dict(data_of(chat)[eligibility.ANSWERS_KEY]["answers"])
    assert before == {"adults": 2}
    replies = text_of(await chat.say(text))
    draft = data_of(chat).get(eligibility.ANSWERS_KEY)
    after = draft["answers"] if isinstance(draft, dict) else None
    outcome(
        before,
        after,
        replies,
        html_to_text(question("minors", "el")),
        html_to_text(t("mem_flow_left", "el")).split(".")[0],
    )


@SETTINGS
@given(text=TEXTS)
async def test_free_text_at_a_yes_no_question_never_loses_answers(chat: LocalChat, text: str) -> None:
    if "lang" not in data_of(chat):
        await chat.say("/start")
        await chat.press("🙂 Απλά ελληνικά")
    await chat.press_data("a:topic:ask_entitlements")
    await _decline_memory(chat)
    await chat.press_data(f"w:{ENTITLEMENT_QUESTIONS[0]}:y")
    before = dict(data_of(chat)[entitlements.ANSWERS_KEY])
    assert before == {ENTITLEMENT_QUESTIONS[0]: True}
    replies = text_of(await chat.say(text))
    after = data_of(chat).get(entitlements.ANSWERS_KEY)
    outcome(
        before,
        after if isinstance(after, dict) else None,
        replies,
        html_to_text(question(ENTITLEMENT_QUESTIONS[1], "el-simple")),
        html_to_text(t("mem_flow_left", "el-simple")).split(".")[0].split("\n")[0],
    )
