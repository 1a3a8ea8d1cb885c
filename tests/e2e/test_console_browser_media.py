"""A voice note and a photo sent with a request, in the console, in a real browser (Debian's Chromium through
Playwright): the citizen sends them through the real `koinotita chat` process (`@voice`, `@photo`), a staff member
of the serving centre opens the request; the audio element loads and plays a non-zero duration and the image renders.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from playwright.async_api import async_playwright

from tests.e2e.test_chat_scripts import run_chat
from tests.e2e.test_console_browser import CHROMIUM, CHROMIUM_ARGS, PASSWORD, _add_staff, served_console
from tests.media_files import photo

__all__ = ["served_console"]  # the fixture, shared with the console's browser test

VOICE_FILE = Path(__file__).parents[1] / "fixtures" / "media" / "voice.ogg"
ARGS = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required", "--mute-audio"]

AUDIO_PLAYS = """async (audio) => {
  if (audio.readyState < 1) {
    await new Promise((ok, fail) => { audio.onloadedmetadata = ok; audio.onerror = () => fail(audio.error); });
  }
  await audio.play();
  await new Promise((ok) => setTimeout(ok, 700));
  return [audio.duration, audio.currentTime];
}"""


async def test_a_voice_note_and_a_photo_appear_in_the_console(
    served_console: tuple[str, str, Path], tmp_path: Path
) -> None:
    base, url, data_dir = served_console
    letter = tmp_path / "letter.jpg"
    letter.write_bytes(photo(900, 1200, (240, 240, 230)))
    actions = [
        "/start",
        "[🙂 Απλά ελληνικά]",
        "/request",
        "[✅ Ναι, συμφωνώ]",
        "[💡 Ρεύμα και λογαριασμοί]",
        "[➡️ Συνέχεια]",
        f"@voice {VOICE_FILE}",
        f"@photo {letter}",
        "[2]",
        "[1]",
        "Σιάτιστα",
        "[👤 Πολίτης]",
        "[💬 Εδώ, με μηνύματα]",
        "[🕐 Όποια ώρα]",
        "[✅ Στείλε το]",
    ]
    transcript = await asyncio.to_thread(run_chat, actions, url, data_dir)
    assert "📎 2 αρχεία" in transcript, transcript
    await _add_staff(url)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page()
        await page.goto(f"{base}/login")
        await page.get_by_label("Όνομα χρήστη").fill("voio")
        await page.get_by_label("Κωδικός").fill(PASSWORD)
        await page.get_by_role("button", name="Σύνδεση").click()
        await page.wait_for_url(f"{base}/")
        await page.goto(f"{base}/intakes/1")
        assert "Αρχεία του πολίτη" in await page.content()

        duration, played = await page.locator("audio").evaluate(AUDIO_PLAYS)
        assert duration > 1 and played > 0, (duration, played)
        image = page.locator("section.media img")
        await image.wait_for()
        width = await image.evaluate(
            "img => img.complete ? img.naturalWidth : new Promise(ok => { img.onload = () => ok(img.naturalWidth); })"
        )
        assert width == 900
        async with page.expect_download() as download_info:
            await page.get_by_role("link", name="Λήψη").first.click()
        download = await download_info.value
        assert download.suggested_filename.endswith(".ogg")
        await browser.close()
