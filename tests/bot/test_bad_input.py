"""Bad input gets a kind answer and changes nothing: empty text, 10,000 characters, only emoji, unknown
commands, forged or stale callback data, a sticker, a location far outside the region."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.local_chat import LocalChat, html_to_text
from core.models import AuditEvent, BotState, Centre, Citizen


async def snapshot(chat: LocalChat) -> dict[str, Any]:
    async with chat.app.services.db.session() as session:
        citizens = [
            (c.id, c.telegram_id, c.language, c.name, c.phone, c.consent_at)
            for c in (await session.scalars(select(Citizen).order_by(Citizen.id))).all()
        ]
        centres = [(c.id, c.address, c.phone, c.updated_at) for c in (await session.scalars(select(Centre))).all()]
        audit = (await session.scalars(select(AuditEvent.id))).all()
        conversations = sorted(
            (s.kind, s.key, str(s.data))
            for s in (await session.scalars(select(BotState).where(BotState.kind.like("conversation:%")))).all()
        )
    return {"citizens": citizens, "centres": centres, "audit": list(audit), "conversations": conversations}


@pytest.fixture
async def ready(chat: LocalChat) -> LocalChat:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    return chat


BAD_TEXTS = ["", "   ", "😀😀😀🙏", "α" * 10_000, "\x00\x01\x1b[31m", "<b>bold</b> & <script>"]


@pytest.mark.parametrize("text", BAD_TEXTS, ids=["empty", "spaces", "emoji", "10k", "control", "html"])
async def test_bad_text_is_answered_kindly_and_changes_nothing(ready: LocalChat, text: str) -> None:
    before = await snapshot(ready)
    replies = await ready.say(text)
    assert replies, "every message gets an answer"
    assert all(len(m.text) < 4096 for m in replies)
    assert all("Κάτι πήγε στραβά" not in m.text for m in replies), "no error path"
    assert await snapshot(ready) == before


async def test_unknown_command(ready: LocalChat) -> None:
    before = await snapshot(ready)
    replies = await ready.say("/doesnotexist")
    assert "Δεν ξέρω αυτή την εντολή" in html_to_text(replies[0].text)
    assert await snapshot(ready) == before


@pytest.mark.parametrize(
    "data", ["c:kk-nowhere", "zz:forged", "a:topic:not_an_intent", "l:xx", "a:prog:../../etc", "x" * 64, "m:"]
)
async def test_forged_or_stale_callback_data(ready: LocalChat, data: str) -> None:
    before = await snapshot(ready)
    replies = await ready.press_data(data)
    assert any("δεν ισχύει πια" in m.text for m in replies)
    assert await snapshot(ready) == before


async def test_a_button_pressed_twice_is_harmless(ready: LocalChat) -> None:
    await ready.say("/start")
    first = await ready.press("🇬🇷 Ελληνικά")
    before = await snapshot(ready)
    again = await ready.press_data("l:el")
    assert [m.text for m in again] == [m.text for m in first]
    assert await snapshot(ready) == before


async def test_sticker_gets_a_kind_answer(ready: LocalChat) -> None:
    before = await snapshot(ready)
    replies = await ready.send_raw(
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        }
    )
    assert "γραπτά μηνύματα" in replies[0].text
    assert await snapshot(ready) == before


async def test_location_far_outside_the_region_outside_any_conversation(ready: LocalChat) -> None:
    before = await snapshot(ready)
    replies = await ready.share_location(51.5, -0.12)  # London
    assert any("έξω από τη Δυτική Μακεδονία" in m.text for m in replies)
    assert await snapshot(ready) == before
