"""An in-process stand-in for the Telegram Bot API: the `BaseRequest` the real `Application` talks to in local
mode (`koinotita chat`, `koinotita run` without a token) and in tests. It records every call and answers the way
Telegram does for the methods the bot uses, so the real handlers, persistence and error paths run unchanged.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.fault_plan import Failure, FaultPlan, SimulatedCrash, refusal
from core.booking.mediators import LOCAL_BOT_USERNAME

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Koinotita",
    "username": LOCAL_BOT_USERNAME,
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

# Methods whose result is a Message the user sees.
_MESSAGE_METHODS = {"sendMessage", "sendLocation", "sendVenue", "sendDocument", "sendPhoto", "sendContact", "sendVoice"}
_EDIT_METHODS = {"editMessageText", "editMessageReplyMarkup"}
_TRUE_METHODS = {
    "answerCallbackQuery",
    "deleteWebhook",
    "setWebhook",
    "setMyCommands",
    "sendChatAction",
    "deleteMessage",
    "setChatMenuButton",
    "deleteMyCommands",
    "close",
    "logOut",
}


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class SentMessage:
    """A message as the user's phone would show it (after any later edits)."""

    message_id: int
    chat_id: int
    method: str
    text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    extra: dict[str, Any]


class TelegramApiError(Exception):
    """Raised by a scripted failure: lets tests check retries and error handling."""


class RecordingBotApi(BaseRequest):
    """Answers Bot API calls in memory and keeps what was sent, in order."""

    def __init__(self, faults: FaultPlan | None = None) -> None:
        self.faults = faults or FaultPlan()  # Telegram's failures on demand (bot/fault_plan.py)
        self.refused: list[tuple[ApiCall, Failure]] = []  # calls answered with an error, in order
        self.calls: list[ApiCall] = []
        self.messages: dict[int, SentMessage] = {}
        self.outbox_order: list[int] = []  # message ids in the order the user saw them (edits re-appended)
        self._ids = itertools.count(1)
        self._fail_next: list[tuple[str, int, str]] = []  # (method, http status, description)
        self._lock = asyncio.Lock()
        self.user_files: dict[str, bytes] = {}  # files the local user sent, by file id (getFile + download)

    # -- test helpers -------------------------------------------------------------------------
    def fail_next(self, method: str, status: int = 500, description: str = "Internal Server Error") -> None:
        self._fail_next.append((method, status, description))

    def sent(self) -> list[SentMessage]:
        return [self.messages[i] for i in self.outbox_order]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def next_message_id(self) -> int:
        return next(self._ids)

    def add_user_file(self, content: bytes) -> str:
        """Keep a file the local user sends, as Telegram's servers do; returns its file id."""
        file_id = f"local-file-{len(self.user_files) + 1}-{len(content)}"
        self.user_files[file_id] = content
        return file_id

    # -- BaseRequest ---------------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # downloading a file the user sent (after getFile)
            download = self.user_files.get(url.rsplit("/", 1)[-1])
            return (200, download) if download is not None else (404, b"")
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, bytes] = {}
        if request_data and request_data.contains_files:
            for name, part in request_data.multipart_data.items():
                content = part[1] if isinstance(part, tuple) else part
                files[name] = content if isinstance(content, bytes) else bytes(content.read())
        decision = self.faults.decide(api_method, params)
        if decision.delay:
            await asyncio.sleep(decision.delay)
        if decision.crash:
            raise SimulatedCrash(api_method)
        if decision.timeout:
            raise TimedOut("Timed out (fault plan)")
        failure = decision.failure or refusal(api_method, params)
        async with self._lock:
            call = ApiCall(api_method, params, files)
            self.calls.append(call)
            if failure is not None:
                self.refused.append((call, failure))
                return failure.status, json.dumps(failure.body()).encode()
            for i, (fail_method, status, description) in enumerate(self._fail_next):
                if fail_method == api_method:
                    del self._fail_next[i]
                    return status, json.dumps({"ok": False, "error_code": status, "description": description}).encode()
            if api_method == "getFile" and str(params.get("file_id", "")) not in self.user_files:
                return 400, json.dumps(
                    {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
                ).encode()
            result = self._answer(api_method, params, files)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- answers ---------------------------------------------------------------------------------
    def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in _TRUE_METHODS:
            return True
        if method == "getUpdates":
            return []
        if method == "getFile":
            file_id = str(params.get("file_id", ""))
            return {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(self.user_files[file_id]),
                "file_path": file_id,
            }
        if method in _MESSAGE_METHODS:
            return self._record_message(method, params, files)
        if method in _EDIT_METHODS:
            return self._record_edit(method, params)
        return True

    def _record_message(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message_id = self.next_message_id()
        markup = _markup(params.get("reply_markup"))
        text = str(params.get("text") or params.get("caption") or "")
        extra = {k: v for k, v in params.items() if k not in {"chat_id", "text", "reply_markup", "parse_mode"}}
        if files:
            extra["files"] = {name: len(content) for name, content in files.items()}
            extra["file_bytes"] = files
        self.messages[message_id] = SentMessage(
            message_id, chat_id, method, text, params.get("parse_mode"), markup, extra
        )
        self.outbox_order.append(message_id)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
        }
        if text:
            message["text" if method == "sendMessage" else "caption"] = text
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if method == "sendLocation":
            message["location"] = {"latitude": params["latitude"], "longitude": params["longitude"]}
        if method == "sendVenue":
            message["venue"] = {
                "location": {"latitude": params["latitude"], "longitude": params["longitude"]},
                "title": params.get("title", ""),
                "address": params.get("address", ""),
            }
        if method == "sendDocument":
            message["document"] = {"file_id": f"doc{message_id}", "file_unique_id": f"u{message_id}"}
        if method == "sendVoice":
            message["voice"] = {
                "file_id": f"voice{message_id}",
                "file_unique_id": f"v{message_id}",
                "duration": int(params.get("duration") or 0),
            }
        return message

    def _record_edit(self, method: str, params: dict[str, Any]) -> dict[str, Any] | bool:
        message_id = int(params.get("message_id", 0))
        original = self.messages.get(message_id)
        if original is None:
            return True
        if method == "editMessageText":
            original.text = str(params.get("text", ""))
            original.parse_mode = params.get("parse_mode")
        original.reply_markup = _markup(params.get("reply_markup"))
        self.outbox_order.append(message_id)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": original.chat_id, "type": "private"},
            "from": BOT_USER,
            "text": original.text,
        }
        if original.reply_markup and "inline_keyboard" in original.reply_markup:
            message["reply_markup"] = original.reply_markup
        return message


def _markup(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        parsed: dict[str, Any] = json.loads(value)
        return parsed
    return dict(value)
