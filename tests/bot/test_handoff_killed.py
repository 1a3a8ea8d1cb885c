"""A real `kill -9` of a process in the middle of delivering a staff reply: the reply still reaches the citizen,
once, from the restarted bot."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from sqlalchemy import select

from bot.local_chat import LocalChat
from bot.outbox_delivery import deliver_outbox
from core.handoff import enqueue_staff_reply, open_conversation
from core.models import utcnow
from core.models.handoff import OutboxMessage
from core.outbox import LEASE
from core.users import create_user

# A bot process whose Telegram never answers sendMessage: it claims the reply, starts sending, and hangs there.
DELIVERER = """
import asyncio, sys
from bot.app import build_application
from bot.local_api import RecordingBotApi
from bot.outbox_delivery import deliver_outbox
from core.models import utcnow
from core.settings import Settings

class Hanging(RecordingBotApi):
    async def do_request(self, url, method, request_data=None, *args, **kwargs):
        if url.endswith("/sendMessage"):
            print("sending", flush=True)
            await asyncio.sleep(3600)
        return await super().do_request(url, method, request_data, *args, **kwargs)

async def main():
    settings = Settings(KOINOTITA_DATABASE_URL=sys.argv[1], KOINOTITA_DATA_DIR=sys.argv[2], TELEGRAM_BOT_TOKEN=None)
    app = build_application(settings, request=Hanging())
    async with app:
        await deliver_outbox(app, utcnow())

asyncio.run(main())
"""


async def test_a_reply_survives_a_killed_deliverer(chat: LocalChat) -> None:
    db = chat.app.services.db
    async with db.session() as session:
        staff = await create_user(
            session, username="sw", role="staff", centre_id="kk-kozani", password="pale-lantern-over-harbour-17"
        )
        conversation = await open_conversation(
            session, telegram_chat_id=424242, citizen_id=None, centre_id="kk-kozani", language="el"
        )
        outbox = await enqueue_staff_reply(
            session, conversation.id, staff_user_id=staff.id, text="Σας περιμένουμε την Πέμπτη"
        )
        await session.commit()
        outbox_id = outbox.id
    settings = chat.app.services.settings
    process = subprocess.Popen(
        [sys.executable, "-c", DELIVERER, settings.effective_database_url, str(settings.data_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "sending"
    finally:
        process.kill()  # SIGKILL: no clean-up of any kind
        process.wait(timeout=30)
    async with db.session() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.id == outbox_id))
        assert row is not None and row.status == "sending" and row.attempts == 1
    now = utcnow()
    assert await deliver_outbox(chat.app, now) == 0  # the dead process's lease still holds
    assert await deliver_outbox(chat.app, now + LEASE + timedelta(seconds=1)) == 1
    assert await deliver_outbox(chat.app, now + LEASE * 3) == 0
    delivered = [m for m in chat.api.sent() if "Σας περιμένουμε την Πέμπτη" in m.text]
    assert len(delivered) == 1 and delivered[0].chat_id == 424242
