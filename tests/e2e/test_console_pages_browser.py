"""Every other console page in Chromium at 1280 px and 390 px: reports, audit log, users, centres, waiting list,
bookable hours, the new-appointment form, mediators (with a one-time link and its QR code). At both widths the
page shows the same headings, fields, buttons and links in the same order, nothing is wider than the screen, and
the page's key controls are visible. A walk-in booking and a mediator's link are made through the pages.

Set KOINOTITA_SCREENSHOTS=docs/screenshots to also keep a PNG of each page at both widths (docs/console.md).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.async_api import Page, async_playwright

from core.db import Database
from core.users import create_user
from tests.e2e.test_console_browser import CHROMIUM, CHROMIUM_ARGS, PASSWORD, served_console
from tests.e2e.test_console_live_browser import OVERFLOW_JS, PHONE, WIDE, _shot, structure

__all__ = ["served_console"]


def next_working_day() -> str:
    day = datetime.now(UTC).astimezone(ZoneInfo("Europe/Athens")).date() + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.isoformat()


async def add_accounts(url: str) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            await create_user(session, username="admin", role="admin", password=PASSWORD)
            await create_user(session, username="voio", role="staff", centre_id="kk-voio", password=PASSWORD)
            await session.commit()
    finally:
        await db.dispose()


async def login(page: Page, base: str, username: str) -> None:
    await page.goto(f"{base}/login")
    await page.get_by_label("Όνομα χρήστη").fill(username)
    await page.get_by_label("Κωδικός").fill(PASSWORD)
    await page.get_by_role("button", name="Σύνδεση").click()
    await page.wait_for_url(f"{base}/")


async def check_both_widths(page: Page, url: str, key_controls: list[tuple[str, str]], shots: str | None) -> None:
    """Same structure at both widths, no horizontal overflow at 390 px, the key controls visible and on screen."""
    await page.set_viewport_size({"width": WIDE, "height": 900})
    await page.goto(url)
    wide = await structure(page)
    path = url.split("/", 3)[3]
    shot = "/" + path.split("?")[0]  # a screenshot per page, not per query (the day changes with the date)
    if shots:
        await page.screenshot(path=_shot(shots, shot, WIDE), full_page=True)
    await page.set_viewport_size({"width": PHONE, "height": 844})
    await page.reload()
    narrow = await structure(page)
    overflow: Any = await page.evaluate(OVERFLOW_JS)
    if shots:
        await page.screenshot(path=_shot(shots, shot, PHONE), full_page=True)
    assert narrow == wide, f"{path}: the phone layout lost or reordered something"
    assert overflow <= 1, f"{path}: {overflow} px wider than a 390 px screen"
    for role, name in key_controls:
        control = page.get_by_role(role, name=name).first  # type: ignore[arg-type]
        assert await control.is_visible(), f"{path}: {role} «{name}» not visible at 390 px"
        box = await control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE + 1, (
            f"{path}: «{name}» off-screen"
        )


async def test_admin_and_staff_pages_at_both_widths(served_console: tuple[str, str, Path]) -> None:
    base, url, _ = served_console
    await add_accounts(url)
    shots = os.environ.get("KOINOTITA_SCREENSHOTS")
    day = next_working_day()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport={"width": WIDE, "height": 900})).new_page()

        # Staff: the desk booking (made through the page), hours and closures, the waiting list.
        await login(page, base, "voio")
        form = f"{base}/appointments/new?centre=kk-voio&service=social_worker&day={day}"
        await check_both_widths(
            page,
            form,
            [("button", "Εμφάνιση ωρών"), ("button", "Κλείσιμο ραντεβού"), ("textbox", "Ονοματεπώνυμο πολίτη")],
            shots,
        )
        await page.get_by_role("radio").first.check()
        await page.get_by_label("Ονοματεπώνυμο πολίτη").fill("Σοφία Παπαδάκη")
        await page.get_by_label("Τηλέφωνο (αν θέλει να το δώσει)").fill("6912345678")
        await page.get_by_label("Στο τηλέφωνο").check()
        await page.get_by_label("Ο πολίτης συμφώνησε προφορικά", exact=False).check()
        await page.get_by_role("button", name="Κλείσιμο ραντεβού").click()
        await page.wait_for_url("**/appointments?*notice=booked")
        assert await page.get_by_text("Σοφία Παπαδάκη").is_visible()
        assert await page.get_by_text("Προσωπικό (τηλέφωνο ή αυτοπροσώπως)").is_visible()
        await check_both_widths(
            page,
            f"{base}/hours",
            [("button", "Προσθήκη κλειστής ημέρας"), ("textbox", "Λόγος (π.χ. τοπική αργία, εκπαίδευση προσωπικού)")],
            shots,
        )
        await check_both_widths(page, f"{base}/waitlist", [("button", "Εμφάνιση")], shots)
        await page.get_by_role("button", name="Αποσύνδεση").click()

        # Admin: reports, audit log, users, centres, mediators (a new one, with its link and QR code).
        await login(page, base, "admin")
        for path, controls in (
            ("/reports", [("button", "Εμφάνιση μήνα"), ("button", "Εμφάνιση περιόδου")]),
            ("/audit", [("button", "Φιλτράρισμα")]),
            ("/users", [("button", "Δημιουργία")]),
            ("/centres", [("link", "Επεξεργασία")]),
            ("/mediators", [("button", "Δημιουργία και σύνδεσμος Telegram")]),
        ):
            await check_both_widths(page, f"{base}{path}", controls, shots)
        await page.get_by_label("Όνομα χρήστη").fill("med-kastoria")
        await page.get_by_label("Παράρτημα Ρομά").select_option("annex-roma-kastoria")
        await page.get_by_role("button", name="Δημιουργία και σύνδεσμος Telegram").click()
        link = page.get_by_role("link", name="https://t.me/", exact=False)
        assert await link.is_visible()
        assert (await link.get_attribute("href") or "").startswith("https://t.me/koinotita_local_bot?start=link-")
        qr = page.locator(".qr svg")
        assert await qr.is_visible()
        overflow: Any = await page.evaluate(OVERFLOW_JS)
        assert overflow <= 1, f"the link page is {overflow} px wider than the screen"
        if shots:
            await page.screenshot(path=_shot(shots, "/mediators-link", PHONE), full_page=True)
        qr_box = await qr.bounding_box()
        assert qr_box is not None and qr_box["width"] >= 150 and qr_box["x"] + qr_box["width"] <= PHONE + 1
        await browser.close()
