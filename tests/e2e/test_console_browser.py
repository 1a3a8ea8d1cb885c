"""The staff console in a real browser (Debian's Chromium through Playwright; scripts/browser-setup.sh installs it).

A citizen files an intake and asks for a person through the real `koinotita chat` process; a staff member of the
serving centre logs in, finds the intake in the queue, assigns it to themself, answers in the live conversation;
the bot's outbox delivery then brings the reply to the citizen's (local) chat. And, at desktop and at 390 px phone
width: staff search a citizen, open their page and move their appointment to another free time; the citizen's
chat gets the notice of the move (old and new time).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Page, async_playwright

from bot.app import build_application, start_services, stop_services
from bot.local_api import RecordingBotApi
from bot.outbox_delivery import deliver_outbox
from core.booking.availability import availability_for, bookable_days, free_slots
from core.booking.service import book
from core.db import Database
from core.models import Citizen, utcnow
from core.settings import Settings
from core.users import create_user
from staff_console.app import create_app
from tests.e2e.test_chat_scripts import run_chat

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CITIZEN = 424242
PASSWORD = "quiet-meadow-under-snow-42"
REPLY = "Καλημέρα, είμαι η κοινωνική λειτουργός. Θα σας καλέσω αύριο το πρωί."

CITIZEN_ACTIONS = [
    "/start",
    "[🇬🇷 Ελληνικά]",
    "/request",
    "[✅ Συμφωνώ]",
    "[🍞 Τρόφιμα και βασικά αγαθά]",
    "[➡️ Συνέχεια]",
    "Χάσαμε τη δουλειά μας και δεν έχουμε φαγητό.",
    "[2]",
    "[3]",
    "μενω στη σιατιστα",
    "Ελένη Δημητρίου",
    "[📞 Με τηλέφωνο]",
    "691 234 5678",
    "[🌅 Πρωί]",
    "[✅ Αποστολή]",
    "θέλω να μιλήσω με έναν άνθρωπο",
    "[✅ Συμφωνώ]",
    "Μπορεί κάποιος να με πάρει τηλέφωνο;",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served_console(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: run scripts/browser-setup.sh (scripts/test.sh does)")
    database = tmp_path / "console.sqlite3"
    shutil.copyfile(sqlite_template, database)
    url = f"sqlite+aiosqlite:///{database}"
    settings = Settings(KOINOTITA_DATABASE_URL=url, KOINOTITA_DATA_DIR=tmp_path, TELEGRAM_BOT_TOKEN=None)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the console did not start"
    try:
        yield f"http://127.0.0.1:{port}", url, tmp_path
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def _add_staff(url: str) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            await create_user(session, username="voio", role="staff", centre_id="kk-voio", password=PASSWORD)
            await session.commit()
    finally:
        await db.dispose()


async def _deliver(url: str, data_dir: Path, rounds: int = 1) -> list[str]:
    """What the citizen's chat receives when the bot runs `rounds` outbox rounds (one message a chat a round)."""
    api = RecordingBotApi()
    app = build_application(
        Settings(KOINOTITA_DATABASE_URL=url, KOINOTITA_DATA_DIR=data_dir, TELEGRAM_BOT_TOKEN=None), request=api
    )
    async with app:
        await start_services(app)
        try:
            for _ in range(rounds):
                await deliver_outbox(app, utcnow())
        finally:
            await stop_services(app)
    return [m.text for m in api.sent() if m.chat_id == CITIZEN]


async def test_staff_member_triages_and_answers_in_chromium(served_console: tuple[str, str, Path]) -> None:
    base, url, data_dir = served_console
    transcript = await asyncio.to_thread(run_chat, CITIZEN_ACTIONS, url, data_dir, CITIZEN)
    assert "αριθμός αιτήματος 1" in transcript, transcript
    await _add_staff(url)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.goto(f"{base}/login")
        await page.get_by_label("Όνομα χρήστη").fill("voio")
        await page.get_by_label("Κωδικός").fill(PASSWORD)
        await page.get_by_role("button", name="Σύνδεση").click()
        await page.wait_for_url(f"{base}/")
        assert "Κέντρο Κοινότητας Δήμου Βοΐου" in await page.content()

        await page.get_by_role("link", name="Αιτήματα", exact=True).click()
        await page.get_by_role("link", name="#1", exact=True).click()
        body = await page.content()
        assert "Χάσαμε τη δουλειά μας" in body and "691 234 5678" in body and "Ελένη Δημητρίου" in body
        await page.get_by_label("Ανάθεση σε").select_option(label="voio (εγώ)")
        await page.get_by_role("button", name="Ανάθεση", exact=True).click()
        await page.wait_for_url("**/intakes/1?notice=saved")
        assert "Ανάθεση: <strong>voio</strong>" in await page.content()

        # The person behind the request: their page lists the request and the conversation, linked both ways.
        await page.get_by_role("link", name="Όλα για τον πολίτη").click()
        await page.wait_for_url("**/citizens/*")
        person = await page.content()
        assert "<h1>Ελένη Δημητρίου</h1>" in person and 'href="tel:+306912345678"' in person
        assert 'href="/intakes/1"' in person and 'href="/conversations/1"' in person
        await page.locator('a[href="/conversations/1"]').click()
        await page.wait_for_url("**/conversations/1")
        talk = await page.content()
        assert "Ελένη Δημητρίου" in talk and "/citizens/" in talk  # a name, not «Πολίτης»
        await page.locator('a[href^="/citizens/"]').first.click()
        await page.wait_for_url("**/citizens/*")

        # The navigation link (its name also carries the unread badge's count).
        await page.locator('a[href="/conversations"]').first.click()
        await page.get_by_role("link", name="Συνομιλία #1").click()
        assert "Μπορεί κάποιος να με πάρει τηλέφωνο;" in await page.content()
        await page.get_by_label("Απάντηση στον πολίτη").fill(REPLY)
        await page.get_by_role("button", name="Αποστολή", exact=True).click()
        await page.wait_for_url("**/conversations/1?notice=sent")
        assert REPLY in await page.content()
        await browser.close()

    received = await _deliver(url, data_dir)
    assert any(REPLY in text for text in received), received


async def _citizen_with_an_appointment(url: str) -> tuple[str, int]:
    """A citizen of KK Βοΐου with a social-worker appointment on the first day that has three free times; returns
    that day (ISO) and the appointment's id."""
    db = Database(url)
    try:
        async with db.session() as session:
            await create_user(session, username="voio", role="staff", centre_id="kk-voio", password=PASSWORD)
            citizen = Citizen(telegram_id=CITIZEN, name="Σταυρούλα Κεχαγιά", phone="+306977001122", language="el")
            session.add(citizen)
            await session.flush()
            avail = await availability_for(session, "kk-voio", "social_worker")
            assert avail is not None
            now = utcnow()
            day = next(d.day for d in await bookable_days(session, avail, now=now) if d.free >= 3)
            slot = next(s for s in await free_slots(session, avail, day, now=now) if s.free)
            appointment = await book(
                session,
                citizen_id=citizen.id,
                centre_id="kk-voio",
                service="social_worker",
                starts_at=slot.starts_at,
                now=now,
                topic="ask_housing",
            )
            await session.commit()
            return day.isoformat(), appointment.id
    finally:
        await db.dispose()


async def _search_and_move(page: Page, base: str) -> str:
    """Search the citizen from the navigation, open their page, move their appointment to the first free time
    offered; returns that time as shown (HH:MM)."""
    await page.locator('a[href="/citizens"]').first.click()
    await page.wait_for_url(f"{base}/citizens")
    await page.get_by_label("Όνομα ή τηλέφωνο").fill("κεχαγια")
    await page.get_by_role("button", name="Αναζήτηση").click()
    await page.get_by_role("link", name="Σταυρούλα Κεχαγιά").click()
    await page.wait_for_url("**/citizens/*")
    person = await page.content()
    assert "Στέγαση / ενοίκιο" in person  # the appointment's topic
    await page.get_by_role("link", name="Αλλαγή ώρας").click()
    await page.wait_for_url("**/appointments/*/move*")
    choice = page.locator('input[name="starts_at"]').first
    label = (await page.locator("label.choice").first.inner_text()).strip()[:5]
    await choice.check()
    await page.get_by_label("Μήνυμα προς τον πολίτη (προαιρετικό)").fill("Αλλάξαμε την ώρα, συγγνώμη.")
    await page.get_by_role("button", name="Αλλαγή ώρας και ενημέρωση").click()
    await page.wait_for_url("**/citizens/*?notice=moved*")
    assert "Το ραντεβού άλλαξε ώρα" in await page.content()
    return label


async def _fits(page: Page, width: int) -> None:
    overflow = await page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"the page is {overflow}px wide at {width}px"


async def test_staff_search_a_citizen_and_move_an_appointment_at_desktop_and_phone_width(
    served_console: tuple[str, str, Path],
) -> None:
    base, url, data_dir = served_console
    day, appointment_id = await _citizen_with_an_appointment(url)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        moved_to = []
        for width, height in ((1280, 800), (390, 844)):
            context = await browser.new_context(viewport={"width": width, "height": height})
            page = await context.new_page()
            await page.goto(f"{base}/login")
            await page.get_by_label("Όνομα χρήστη").fill("voio")
            await page.get_by_label("Κωδικός").fill(PASSWORD)
            await page.get_by_role("button", name="Σύνδεση").click()
            await page.wait_for_url(f"{base}/")
            moved_to.append(await _search_and_move(page, base))
            body = await page.content()
            assert f"{day[8:10]}/{day[5:7]}/{day[:4]} {moved_to[-1]}" in body
            await _fits(page, width)
            for path in ("/citizens?q=6977001122", f"/appointments/{appointment_id}/move"):
                await page.goto(f"{base}{path}")
                await _fits(page, width)
            await context.close()
        await browser.close()

    received = await _deliver(url, data_dir, rounds=3)
    moves = [text for text in received if "Αλλάξαμε την ώρα" in text]
    assert len(moves) == 2 and all("\n🕘 Παλιά ώρα" in text and "\n📅 Νέα ώρα" in text for text in moves)
    assert moved_to[0] in moves[0] and moved_to[1] in moves[1]
