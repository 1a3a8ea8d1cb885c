"""The bot's usual message recorded directly in a step (bot/step_bot.py `record_html_message`, used by
bot/ui.py `send_text`) must be exactly what PTB's `send_message` records for the same call: the outbox sends
the payload as it is, so a difference would reach citizens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode

from bot.local_api import RecordingBotApi
from bot.step_bot import Recorder, StepBot, record_html_message, record_venue, start_recording, stop_recording
from bot.ui import send_text

CHAT = 4242
MARKUPS: list[Any] = [
    None,
    InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Μενού", callback_data="m:menu")],
            [InlineKeyboardButton("Ιστότοπος", url="https://example.org")],
        ]
    ),
    ReplyKeyboardMarkup(
        [[KeyboardButton("📍 Στείλτε τοποθεσία", request_location=True)], [KeyboardButton("Άκυρο")]],
        resize_keyboard=True,
        one_time_keyboard=True,
    ),
    ReplyKeyboardRemove(),
]
TEXT = "<b>Κέντρο Κοινότητας</b> — ώρες: δεν τις ξέρουμε ακόμη & «τηλέφωνο»"


@pytest.fixture
async def bot() -> AsyncIterator[tuple[StepBot, RecordingBotApi]]:
    api = RecordingBotApi()
    step_bot = StepBot("1:TEST", request=api, get_updates_request=api)
    async with step_bot:
        yield step_bot, api


def _recorded(call: Any) -> list[Any]:
    recorder = Recorder(chat_id=CHAT)
    token = start_recording(recorder)
    try:
        call()
    finally:
        stop_recording(token)
    return recorder.calls


@pytest.mark.parametrize("markup", MARKUPS, ids=["none", "inline", "reply", "remove"])
async def test_direct_record_is_what_ptb_records(bot: tuple[StepBot, RecordingBotApi], markup: Any) -> None:
    step_bot, api = bot
    through_ptb = Recorder(chat_id=CHAT)
    token = start_recording(through_ptb)
    try:
        await step_bot.send_message(
            CHAT, TEXT, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )
    finally:
        stop_recording(token)
    direct = _recorded(lambda: record_html_message(CHAT, TEXT, markup))
    assert [(c.method, c.payload, c.chat_id) for c in direct] == [
        (c.method, c.payload, c.chat_id) for c in through_ptb.calls
    ]
    assert not api.calls_to("sendMessage")  # both only recorded


@pytest.mark.parametrize("address", ["Πλατεία Δημαρχείου 1, Κοζάνη", "Σιάτιστα — η διεύθυνση δεν είναι γνωστή"])
async def test_direct_venue_is_what_ptb_records(bot: tuple[StepBot, RecordingBotApi], address: str) -> None:
    step_bot, api = bot
    place: dict[str, Any] = {"latitude": 40.3007, "longitude": 21.7887, "title": "Κέντρο Κοζάνης", "address": address}
    through_ptb = Recorder(chat_id=CHAT)
    token = start_recording(through_ptb)
    try:
        await step_bot.send_venue(CHAT, **place)
    finally:
        stop_recording(token)
    direct = _recorded(lambda: record_venue(CHAT, **place))
    assert [(c.method, c.payload, c.chat_id) for c in direct] == [
        (c.method, c.payload, c.chat_id) for c in through_ptb.calls
    ]
    assert not api.calls_to("sendVenue")
    assert record_venue(CHAT, **place) is False  # outside a step: nothing recorded


async def test_send_text_records_in_a_step_and_sends_outside_one(bot: tuple[StepBot, RecordingBotApi]) -> None:
    step_bot, api = bot
    message = {"message_id": 1, "date": 1764000000, "chat": {"id": CHAT, "type": "private"}, "text": "γεια"}
    update = Update.de_json({"update_id": 1, "message": message}, step_bot)
    recorder = Recorder(chat_id=CHAT)
    token = start_recording(recorder)
    try:
        await send_text(update, TEXT, MARKUPS[1])
    finally:
        stop_recording(token)
    assert [c.method for c in recorder.calls] == ["sendMessage"]
    assert recorder.calls[0].payload["text"] == TEXT
    assert not api.calls_to("sendMessage")

    await send_text(update, TEXT, MARKUPS[1])  # no step: straight to the Bot API
    sent = api.calls_to("sendMessage")
    assert len(sent) == 1 and sent[0].params["text"] == TEXT and sent[0].params["parse_mode"] == "HTML"


def test_nothing_is_recorded_outside_a_step() -> None:
    assert record_html_message(CHAT, TEXT, None) is False
