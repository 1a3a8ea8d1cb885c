"""Talking to the real bot without Telegram: the `koinotita chat` protocol (DESIGN.md).

Each input line is one user action: plain text is a message; `/cmd` a command; `[Label]` presses the button with
that label on the last message that had buttons (or, when it has no such button, on another message of the bot's
latest reply); `@loc LAT,LON` shares a location. Each bot message is printed as
its text, then its buttons one per line as `[Label]`, then a line `---`.

Pressing a button that asks for the phone (request-contact) shares the local user's own contact (`--phone`);
pressing one that asks for the location shares the local user's location (`--location`). More actions:
`@contact PHONE NAME` sends someone else's contact card; `@voice PATH`, `@photo PATH`, `@file PATH` send a voice
note, a photo or a document from a file.
"""

from __future__ import annotations

import html
import itertools
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from telegram import Update

from bot.local_api import RecordingBotApi, SentMessage
from bot.services import KoinotitaApplication

LOCATION_LINE = re.compile(r"^@loc\s+(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
CONTACT_LINE = re.compile(r"^@contact\s+(\+?[\d ]{6,20}?)\s+(\S.*)$")
MEDIA_LINE = re.compile(r"^@(voice|photo|file)\s+(\S.*)$")
DEFAULT_PHONE = "+306912345678"
DEFAULT_LOCATION = (40.30069, 21.78896)  # Κοζάνη (GeoNames, as in knowledge/data/centres.yaml)
BUTTON_LINE = re.compile(r"^\[(.+)\]$")
_LINK = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.S)
_TAG = re.compile(r"<[^>]+>")
# Update ids unique across every chat of this process and later processes (microseconds since the epoch at start).
_UPDATE_IDS = itertools.count(time.time_ns() // 1000)


def html_to_text(value: str) -> str:
    value = _LINK.sub(lambda m: m.group(2) if m.group(2) == m.group(1) else f"{m.group(2)} ({m.group(1)})", value)
    return html.unescape(_TAG.sub("", value))


def buttons_of(message: SentMessage) -> list[dict[str, Any]]:
    markup = message.reply_markup or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    out: list[dict[str, Any]] = []
    for row in rows:
        for button in row:
            out.append(button if isinstance(button, dict) else {"text": str(button)})
    return out


def format_message(message: SentMessage) -> str:
    if message.method == "sendVenue":
        extra = message.extra
        body = f"📍 {extra.get('title', '')} — {extra.get('address', '')} ({extra['latitude']}, {extra['longitude']})"
    elif message.method == "sendLocation":
        body = f"📍 ({message.extra['latitude']}, {message.extra['longitude']})"
    elif message.method == "sendVoice":
        seconds = message.extra.get("duration")
        body = (html_to_text(message.text) + "\n" if message.text else "") + f"🔊 voice ({seconds} s)"
    elif message.method == "sendDocument":
        names = ", ".join(message.extra.get("files", {}))
        body = (html_to_text(message.text) + "\n" if message.text else "") + f"📎 {names}"
    else:
        body = html_to_text(message.text)
    lines = [body, *(f"[{b['text']}]" for b in buttons_of(message)), "---"]
    return "\n".join(lines)


class LocalChat:
    """One citizen talking to the bot; every action goes through `Application.process_update`."""

    def __init__(
        self,
        app: KoinotitaApplication,
        api: RecordingBotApi,
        *,
        user_id: int = 424242,
        first_name: str = "Πολίτης",
        phone: str = DEFAULT_PHONE,
        location: tuple[float, float] = DEFAULT_LOCATION,
    ) -> None:
        self.app = app
        self.api = api
        self.user_id = user_id
        self.first_name = first_name
        self.phone = phone
        self.location = location
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "el"}
        self.chat = {"id": user_id, "type": "private"}
        self._update_ids = _UPDATE_IDS  # shared: the inbox recognises a repeated update_id as a redelivery
        self._message_ids = itertools.count(1_000_000)
        self._seen = len(api.outbox_order)
        self._last_reply: list[int] = []  # ids of the bot's messages in reply to the latest action

    # -- actions ---------------------------------------------------------------------------------
    async def say(self, text: str) -> list[SentMessage]:
        message = self._user_message(text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self._process({"message": message})

    async def share_location(self, lat: float, lon: float) -> list[SentMessage]:
        return await self._process({"message": self._user_message(location={"latitude": lat, "longitude": lon})})

    async def share_contact(
        self, phone: str | None = None, first_name: str | None = None, user_id: int | None = None
    ) -> list[SentMessage]:
        """The user's own contact card (as the request-contact button sends it), or someone else's."""
        contact: dict[str, Any] = {"phone_number": phone or self.phone, "first_name": first_name or self.first_name}
        if phone is None:
            contact["user_id"] = self.user_id
        elif user_id:  # a card of another Telegram user; 0 or None: a number not on Telegram
            contact["user_id"] = user_id
        return await self._process({"message": self._user_message(contact=contact)})

    async def send_file(
        self,
        kind: str,
        content: bytes,
        *,
        mime_type: str | None = None,
        file_name: str | None = None,
        duration: int = 1,
    ) -> list[SentMessage]:
        """A voice note, a photo or a document, as Telegram delivers it: file ids the bot downloads with getFile."""
        file_id = self.api.add_user_file(content)
        ids = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(content)}
        fields: dict[str, Any]
        if kind == "voice":
            fields = {"voice": {**ids, "duration": duration, "mime_type": mime_type or "audio/ogg"}}
        elif kind == "photo":
            fields = {"photo": [{**ids, "width": 1280, "height": 960}]}
        else:
            fields = {
                "document": {**ids, "mime_type": mime_type or "application/pdf", "file_name": file_name or "file"}
            }
        return await self._process({"message": self._user_message(**fields)})

    async def press(self, label: str) -> list[SentMessage]:
        """The button `label` of the last message with buttons — or, when that one has no such button, of another
        message of the bot's latest reply (a question sent after an answer, e.g. "keep this?", does not hide the
        answer's buttons)."""
        target, button = None, None
        last = self.last_with_buttons()
        latest = [self.api.messages[i] for i in reversed(self._last_reply) if buttons_of(self.api.messages[i])]
        for message in [last] + [m for m in latest if m is not last] if last is not None else []:
            button = next((b for b in buttons_of(message) if b.get("text") == label), None)
            if button is not None:
                target = message
                break
        if target is None or button is None:
            raise LookupError(f"no button [{label}] on the last messages with buttons")
        if "callback_data" in button:
            return await self.press_data(button["callback_data"], target)
        if button.get("request_location"):
            return await self.share_location(*self.location)
        if button.get("request_contact"):
            return await self.share_contact()
        if "url" in button:
            raise LookupError(f"[{label}] opens {button['url']} in a browser")
        return await self.say(str(button["text"]))  # a reply-keyboard button sends its label as text

    async def press_data(self, data: str, target: SentMessage | None = None) -> list[SentMessage]:
        """Send any callback data, even forged or stale (tests of bad input use this)."""
        target = target or self.last_with_buttons()
        message = {
            "message_id": target.message_id if target else next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat,
            "from": {"id": 7000000001, "is_bot": True, "first_name": "Koinotita"},
            "text": target.text if target else "",
        }
        query = {
            "id": str(next(self._update_ids)),
            "from": self.user,
            "chat_instance": "local",
            "data": data,
            "message": message,
        }
        return await self._process({"callback_query": query})

    async def send_raw(self, message_fields: dict[str, Any]) -> list[SentMessage]:
        """A message with arbitrary fields (a sticker, a photo...)."""
        return await self._process({"message": self._user_message(**message_fields)})

    # -- plumbing --------------------------------------------------------------------------------
    def last_with_buttons(self) -> SentMessage | None:
        for message_id in reversed(self.api.outbox_order):
            message = self.api.messages[message_id]
            if message.chat_id == self.chat["id"] and buttons_of(message):
                return message
        return None

    def _user_message(self, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.user,
            **fields,
        }

    async def _process(self, payload: dict[str, Any]) -> list[SentMessage]:
        update = Update.de_json({"update_id": next(self._update_ids), **payload}, self.app.bot)
        await self.app.process_update(update)
        new_ids = self.api.outbox_order[self._seen :]
        self._seen = len(self.api.outbox_order)
        self._last_reply = [i for i in new_ids if self.api.messages[i].chat_id == self.chat["id"]]
        return [self.api.messages[i] for i in new_ids]

    async def act(self, line: str) -> list[SentMessage]:
        """One protocol line."""
        line = line.rstrip("\n")
        location = LOCATION_LINE.match(line.strip())
        if location:
            return await self.share_location(float(location.group(1)), float(location.group(2)))
        button = BUTTON_LINE.match(line.strip())
        if button:
            return await self.press(button.group(1))
        contact = CONTACT_LINE.match(line.strip())
        if contact:  # someone else's contact card
            return await self.share_contact(contact.group(1).replace(" ", ""), contact.group(2), user_id=0)
        media = MEDIA_LINE.match(line.strip())
        if media:
            path = Path(media.group(2)).expanduser()
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise LookupError(f"cannot read {path}: {exc.strerror}") from exc
            kind = {"voice": "voice", "photo": "photo", "file": "document"}[media.group(1)]
            mime = "application/pdf" if path.suffix.lower() == ".pdf" else None
            return await self.send_file(kind, content, mime_type=mime, file_name=path.name)
        return await self.say(line)


async def run_script(chat: LocalChat, lines: Iterable[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Play lines through the chat, printing the bot's messages; returns the number of lines that failed."""
    failures = 0
    for line in lines:
        try:
            replies = await chat.act(line)
        except LookupError as exc:
            failures += 1
            print(f"! {exc}", file=err, flush=True)
            continue
        for message in replies:
            print(format_message(message), file=out, flush=True)
    return failures
