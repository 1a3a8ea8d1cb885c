"""The Bot the Application talks through: while a step runs, calls that change what the citizen sees are
recorded for the step's outbox instead of reaching Telegram; they are sent after the step has committed.

- Sends (`sendMessage`, `sendDocument`, ...) return a Message with a *provisional* id (negative); an edit or a
  reply that names a provisional id in the same step gets the real id when it is sent. A real id is known only
  after the step: a handler that needs it later must keep what Telegram gives back in a later step.
- Edits, deletions and `answerCallbackQuery` are recorded too (they return True); `sendChatAction` is dropped (a
  "typing…" shown after the answer means nothing).
- Everything else (getMe, getFile, getUpdates, setMyCommands...) reads or configures and goes straight through.
Outside a step every call goes straight through, as with the plain ExtBot (background jobs, the outbox sender).
Recording happens above the rate limiter, so only the real sending is paced.
"""

from __future__ import annotations

import base64
import datetime as dtm
import enum
import itertools
import json
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    Chat,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    TelegramObject,
)
from telegram.constants import ParseMode
from telegram.ext import ExtBot

SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendSticker",
        "sendDice",
        "sendPoll",
        "forwardMessage",
        "copyMessage",
    }
)
TRUE_METHODS = frozenset(
    {
        "answerCallbackQuery",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "deleteMessage",
        "deleteMessages",
        "pinChatMessage",
        "unpinChatMessage",
        "setMessageReaction",
    }
)
DROPPED_METHODS = frozenset({"sendChatAction"})
# Calls whose effect Telegram makes once however often they are repeated (a retry cannot show the citizen twice).
IDEMPOTENT_METHODS = TRUE_METHODS
_ID_FIELDS = ("message_id", "reply_to_message_id")
FILE_KEY = "__file__"


@dataclass
class RecordedCall:
    method: str
    payload: dict[str, Any]
    chat_id: int | None


@dataclass
class Recorder:
    """The calls of one step, in order."""

    chat_id: int | None = None
    calls: list[RecordedCall] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def provisional_id(self) -> int:
        return -next(self._ids)


_RECORDER: ContextVar[Recorder | None] = ContextVar("koinotita_recorder", default=None)
# While `StepBot._send_message` runs in a step: where `_do_post` leaves the stand-in Message it built.
_STAND_IN: ContextVar[list[Message] | None] = ContextVar("koinotita_stand_in", default=None)


def start_recording(recorder: Recorder) -> Any:
    return _RECORDER.set(recorder)


def stop_recording(token: Any) -> None:
    _RECORDER.reset(token)


def recorded_calls() -> list[RecordedCall]:
    """The calls the running step has recorded so far (the live list; empty outside a step)."""
    recorder = _RECORDER.get()
    return recorder.calls if recorder is not None else []


_KEYBOARDS: dict[int, tuple[TelegramObject, Any]] = {}  # id -> (keyboard, its JSON); the keyboard held alive
_KEYBOARDS_MAX = 256


def _keyboard_json(value: InlineKeyboardMarkup | ReplyKeyboardMarkup) -> Any:
    """A keyboard's JSON, worked out once per keyboard object: the menus are built once and sent often (PTB's
    keyboards are immutable). The JSON is shared between the payloads that send it and never changed."""
    known = _KEYBOARDS.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    if len(_KEYBOARDS) >= _KEYBOARDS_MAX:
        _KEYBOARDS.clear()
    plain = _plain(value.to_dict())
    _KEYBOARDS[id(value)] = (value, plain)
    return plain


def _plain(value: Any) -> Any:
    """JSON for one parameter, the way PTB would put it on the wire; files as base64."""
    if isinstance(value, InlineKeyboardMarkup | ReplyKeyboardMarkup):
        return _keyboard_json(value)
    if isinstance(value, InputFile):
        filename, content, mimetype = value.field_tuple
        raw = content if isinstance(content, bytes) else content.read()
        return {FILE_KEY: base64.b64encode(raw).decode(), "filename": filename, "mimetype": mimetype}
    if isinstance(value, TelegramObject):
        return _plain(value.to_dict())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dtm.datetime):
        return int(value.timestamp())
    if isinstance(value, dtm.timedelta):
        return int(value.total_seconds())
    if isinstance(value, enum.Enum):
        return value.value
    return value


_NO_PREVIEW = {"is_disabled": True}  # shared by the payloads below, never changed


def _record_send(method: str, chat_id: int, payload: dict[str, Any]) -> bool:
    """Record a send built by the caller in the running step, with its provisional id; False outside a step."""
    recorder = _RECORDER.get()
    if recorder is None:
        return False
    payload["_provisional"] = recorder.provisional_id()
    recorder.calls.append(RecordedCall(method, payload, chat_id))
    return True


def record_html_message(
    chat_id: int, text: str, markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
) -> bool:
    """In a step, record the bot's usual message (HTML, no link preview) at once: the payload PTB's
    `send_message` would record (tests/bot/test_step_bot.py compares the two), without PTB's handling of its
    thirty-odd arguments and without building a stand-in Message for a caller that reads none (bot/ui.py
    `send_text`). These are most of a step's calls. False outside a step: the caller sends through PTB."""
    if _RECORDER.get() is None:
        return False
    payload: dict[str, Any] = {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": ParseMode.HTML.value,
        "link_preview_options": _NO_PREVIEW,
    }
    if markup is not None:
        payload["reply_markup"] = _plain(markup)
    return _record_send("sendMessage", chat_id, payload)


def record_venue(chat_id: int, *, latitude: float, longitude: float, title: str, address: str) -> bool:
    """In a step, record a pin (a centre's place) at once: the payload PTB's `send_venue` would record (compared in
    tests/bot/test_step_bot.py), without building its arguments and a stand-in Message nobody reads. False outside
    a step: the caller sends through PTB."""
    place = {"latitude": latitude, "longitude": longitude, "title": title, "address": address}
    return _record_send("sendVenue", chat_id, {"chat_id": chat_id, **place})


def _revive(value: Any) -> Any:
    if isinstance(value, dict) and FILE_KEY in value:
        return InputFile(base64.b64decode(value[FILE_KEY]), filename=value.get("filename"))
    return value


def _chat_of(payload: dict[str, Any]) -> int | None:
    try:
        return int(payload["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None


class StepBot(ExtBot[Any]):
    """ExtBot that records a step's visible calls (see the module docstring)."""

    def _fabricated(self, method: str, payload: dict[str, Any], provisional: int) -> dict[str, Any]:
        chat_id = _chat_of(payload) or 0
        if method == "copyMessage":
            return {"message_id": provisional}
        message: dict[str, Any] = {
            "message_id": provisional,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username},
        }
        for key in ("text", "caption"):
            if isinstance(payload.get(key), str):
                message[key] = payload[key]
        # No reply_markup: nothing reads it back from a sent message, and PTB would build every button again.
        return message

    def _stand_in(self, payload: dict[str, Any], provisional: int) -> Message:
        """The Message a recorded send returns, built directly: what `_fabricated` describes, without PTB
        parsing it field by field (most of the cost of a send in a step)."""
        chat_id = _chat_of(payload) or 0
        tzinfo = self.defaults.tzinfo if self.defaults is not None else None
        text, caption = payload.get("text"), payload.get("caption")
        message = Message(
            message_id=provisional,
            date=dtm.datetime.fromtimestamp(int(time.time()), tz=tzinfo or dtm.UTC),
            chat=Chat(id=chat_id, type=Chat.PRIVATE if chat_id > 0 else Chat.GROUP),
            from_user=self.bot,
            text=text if isinstance(text, str) else None,
            caption=caption if isinstance(caption, str) else None,
        )
        message.set_bot(self)
        return message

    async def _send_message(self, endpoint: str, data: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        """PTB's preparation of a send; in a step, the stand-in Message `_do_post` built is returned (PTB would
        otherwise parse the fabricated JSON back into a Message)."""
        if _RECORDER.get() is None:
            return await super()._send_message(endpoint, data, *args, **kwargs)
        built: list[Message] = []
        token = _STAND_IN.set(built)
        try:
            result = await super()._send_message(endpoint, data, *args, **kwargs)
        finally:
            _STAND_IN.reset(token)
        return built[0] if result is True and built else result

    async def _do_post(self, endpoint: str, data: dict[str, Any], **kwargs: Any) -> Any:
        recorder = _RECORDER.get()
        if recorder is None or not (
            endpoint in SEND_METHODS or endpoint in TRUE_METHODS or endpoint in DROPPED_METHODS
        ):
            return await super()._do_post(endpoint, data, **kwargs)
        if endpoint in DROPPED_METHODS:
            return True
        payload = {k: _plain(v) for k, v in data.items() if v is not None}
        json.dumps(payload)  # refuse here, in the handler, anything that could not be stored
        chat_id = _chat_of(payload) or recorder.chat_id
        if endpoint in SEND_METHODS:
            provisional = recorder.provisional_id()
            recorder.calls.append(RecordedCall(endpoint, {**payload, "_provisional": provisional}, chat_id))
            built = _STAND_IN.get()
            if built is not None and endpoint != "copyMessage":
                built.append(self._stand_in(payload, provisional))
                return True  # `_send_message` returns the Message just built
            return self._fabricated(endpoint, payload, provisional)
        recorder.calls.append(RecordedCall(endpoint, payload, chat_id))
        return True

    async def deliver(self, method: str, payload: dict[str, Any], real_ids: dict[int, int]) -> Any:
        """Send a recorded call now (never recorded again). `real_ids` maps the provisional ids of messages
        already sent to Telegram's; a call naming a provisional id that was never sent is skipped (None)."""
        data: dict[str, Any] = {}
        for key, value in payload.items():
            if key == "_provisional":
                continue
            if key in _ID_FIELDS and isinstance(value, int) and value < 0:
                if value not in real_ids:
                    if key == "message_id":
                        return None
                    continue
                value = real_ids[value]
            data[key] = _revive(value)
        token = _RECORDER.set(None)
        try:
            result = await ExtBot._do_post(self, method, data)
        finally:
            _RECORDER.reset(token)
        provisional = payload.get("_provisional")
        if isinstance(provisional, int) and isinstance(result, dict) and "message_id" in result:
            real_ids[provisional] = int(result["message_id"])
        return result
