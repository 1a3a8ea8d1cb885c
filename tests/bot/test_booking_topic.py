"""Appointments carry their topic: booked through the bot from «rantevou gia to epidoma paidiou», stored on the
appointment, named in the confirmation with a button to its documents checklist, and named to staff in the
console's day and week views (the console driven over ASGI, as in tests/staff_console)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from bot.local_chat import LocalChat, buttons_of, html_to_text
from core.booking.slots import local
from core.db import Database
from core.models.booking import Appointment
from core.settings import Settings
from core.users import create_user
from staff_console.app import create_app

PASSWORD = "pale-lantern-over-harbour-17"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BOOKING = (
    "/start",
    "[🙂 Απλά ελληνικά]",
    "thelw na kleisw rantevou gia to epidoma paidiou",
    "Κοζάνη",
    "[📍 Κοζάνη — Κέντρο Κοινότητας]",
    "[👥 Κοινωνικός λειτουργός]",
    "[⏩ Η πιο κοντινή ώρα]",
    "[✅ Ναι, αυτή την ώρα]",
    "Γιάννης Ιωάννου",
    "2461012345",
    "[✅ Συμφωνώ]",
)


async def staff_pages(url: str, day: str) -> list[str]:
    db = Database(url)
    try:
        async with db.session() as session:
            await create_user(session, username="kozani", role="staff", password=PASSWORD, centre_id="kk-kozani")
            await session.commit()
        app = create_app(
            Settings(KOINOTITA_DATABASE_URL=url, TELEGRAM_BOT_TOKEN=None),
            database=db,
            clock=lambda: datetime.now(UTC),
            secure_cookies=False,
        )
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
            token = CSRF.search((await client.get("/login")).text)
            assert token is not None
            login = await client.post(
                "/login", data={"csrf_token": token.group(1), "username": "kozani", "password": PASSWORD}
            )
            assert login.status_code == 303
            return [(await client.get(f"/appointments?day={day}&view={view}")).text for view in ("day", "week")]
    finally:
        await db.dispose()


async def test_a_booking_about_child_benefit_is_named_in_the_confirmation_and_to_staff(
    chat: LocalChat, sqlite_url: str
) -> None:
    replies = []
    for line in BOOKING:
        replies = await chat.act(line)
    text = "\n".join(html_to_text(m.text or "") for m in replies)
    assert "📌 Για: 👶 Επίδομα για παιδιά" in text
    docs = [b for m in replies for b in buttons_of(m) if b["text"].startswith("📄")]
    assert docs and docs[0]["callback_data"] == "a:docs:child_benefit"
    checklist = await chat.press(docs[0]["text"])
    assert "📄" in "\n".join(html_to_text(m.text or "") for m in checklist)  # the checklist, not a stale button
    db = Database(sqlite_url)
    try:
        async with db.session() as session:
            appointment = await session.scalar(select(Appointment))
    finally:
        await db.dispose()
    assert appointment is not None and appointment.topic == "ask_child_benefit"
    for page in await staff_pages(sqlite_url, local(appointment.starts_at).date().isoformat()):
        row = page[page.find("<tbody>") : page.find("</tbody>")]
        assert "Γιάννης Ιωάννου" in row and "📌 Επίδομα παιδιού" in row, row
