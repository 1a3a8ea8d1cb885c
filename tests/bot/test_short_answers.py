"""Easy-to-read topic answers in parts, driven through the real Application: a short answer, then «how to apply»,
«more» and «which one am I?» by button presses alone."""

from __future__ import annotations

from bot.local_chat import LocalChat, buttons_of


def text_of(messages: list) -> str:
    return "\n".join(m.text for m in messages)


def actions(messages: list) -> list[str | None]:
    return [b.get("callback_data") for m in messages for b in buttons_of(m)]


async def test_a_short_answer_then_how_to_apply_then_more(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    short = await chat.say("pote plirwnei to kea")
    assert "216 €" in text_of(short) and "1.296" not in text_of(short)  # the limit is one tap away
    assert {"a:how:min_income", "a:docs:min_income", "a:prog:min_income"} <= set(actions(short))
    how = await chat.press("📝 Πώς κάνω αίτηση")
    assert "Κάνετε αίτηση όποτε θέλετε μέσα στη χρονιά." in text_of(how)
    assert "Στο Κέντρο Κοινότητας κάνουν την αίτηση μαζί σας." in text_of(how)
    await chat.say("pote plirwnei to kea")
    more = await chat.press("➕ Περισσότερα")
    assert "📏 Ως πόσο εισόδημα" in text_of(more) and "1.296 €" in text_of(more)


async def test_which_child_benefit_category_am_i(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    await chat.say("epidoma paidiwn")
    programme = await chat.press("👶 Επίδομα Παιδιού")
    assert "a:cat:child_benefit" in actions(programme)
    categories = await chat.press("🔎 Ποιο ποσό παίρνω;")
    assert "Κατηγορία Α, εισόδημα ως 6.000 € τον χρόνο" in text_of(categories)
    assert "peloponnisosnews.gr" in text_of(categories)


async def test_a_forged_part_button_is_a_stale_button(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    replies = await chat.press_data("a:cat:min_income")  # min_income has no categories
    assert replies and "Κατηγορία" not in text_of(replies)
