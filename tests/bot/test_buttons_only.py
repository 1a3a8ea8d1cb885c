"""No typing needed (issue 13), through the real Application: the pre-check's income question has a «0 €» button,
and the privacy rights (notice, what is kept, erase it) are buttons from the menu."""

from __future__ import annotations

from sqlalchemy import select

from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of, html_to_text
from core.models import Citizen


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def labels(messages: list[SentMessage]) -> list[str]:
    return [b["text"] for m in messages for b in buttons_of(m)]


async def test_the_income_question_has_a_nothing_button_that_finishes_the_pre_check(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    await chat.press_data("a:check:min_income")
    await chat.press("1")
    replies = await chat.press("0")
    assert "0 € — τίποτα" in labels(replies)
    stale = await chat.press_data("e:income_6m:7")  # only «0» is a button answer to the income: changes nothing
    assert "Πόσα χρήματα" in text_of(stale) or "0 € — τίποτα" in labels(stale)
    replies = await chat.press("0 € — τίποτα")
    assert "Μάλλον μπορείτε να το πάρετε." in text_of(replies)
    assert "Μπήκαν 0 € σε 6 μήνες" in text_of(replies)


async def test_privacy_rights_are_buttons_from_the_menu(chat: LocalChat) -> None:
    await chat.say("/start")
    replies = await chat.press("🇬🇧 English")
    assert "🔒 My data" in labels(replies)
    replies = await chat.press("🔒 My data")
    assert "Your rights" in text_of(replies)
    assert labels(replies) == ["📄 What you keep about me", "🗑️ Delete my data", "🏠 Menu"]
    replies = await chat.press("📄 What you keep about me")
    assert "What we have stored about you:" in text_of(replies)
    assert any(m.method == "sendDocument" for m in replies)  # the JSON file too
    await chat.press("🗑️ Delete my data")
    replies = await chat.press("🗑️ Yes, delete it")
    assert "We deleted your data" in text_of(replies)
    async with chat.app.services.db.session() as session:
        assert await session.scalar(select(Citizen).where(Citizen.telegram_id == chat.user_id)) is None
