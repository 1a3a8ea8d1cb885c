"""/start, the language choice and the main menu, through the real Application."""

from __future__ import annotations

from sqlalchemy import select

from bot.local_chat import LocalChat, buttons_of, html_to_text
from core.models import Citizen


def labels(messages: list) -> list[str]:
    return [b["text"] for m in messages for b in buttons_of(m)]


async def test_start_offers_three_registers(chat: LocalChat) -> None:
    replies = await chat.say("/start")
    assert len(replies) == 1
    assert "Πώς θέλετε να μιλάμε" in html_to_text(replies[0].text)
    assert labels(replies) == ["🇬🇷 Ελληνικά", "🙂 Απλά ελληνικά", "🇬🇧 English"]


async def test_choosing_plain_greek_is_remembered(chat: LocalChat) -> None:
    await chat.say("/start")
    replies = await chat.press("🙂 Απλά ελληνικά")
    assert "απλά λόγια" in replies[0].text
    assert "📍 Πού είναι το Κέντρο μου" in labels(replies)
    async with chat.app.services.db.session() as session:
        citizen = await session.scalar(select(Citizen).where(Citizen.telegram_id == chat.user["id"]))
    assert citizen is not None and citizen.language == "el-simple"
    help_replies = await chat.say("/help")
    assert "Είμαι ένας βοηθός στο κινητό" in help_replies[0].text


async def test_english_menu_and_help(chat: LocalChat) -> None:
    await chat.say("/start")
    replies = await chat.press("🇬🇧 English")
    assert replies[0].text == "OK, we will talk in English."
    assert "📍 My Community Centre" in labels(replies)
    replies = await chat.press("❓ Help")
    assert "automated assistant" in replies[0].text


async def test_menu_shows_only_what_works(chat: LocalChat) -> None:
    await chat.say("/start")
    replies = await chat.press("🇬🇷 Ελληνικά")
    # Every menu button must lead somewhere: pressing each gives an answer that is not the stale-button text.
    for label in labels(replies):
        await chat.say("/menu")
        answer = await chat.press(label)
        assert answer, label
        assert all("δεν ισχύει πια" not in m.text for m in answer), label
