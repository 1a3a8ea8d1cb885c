"""Time to the first voice answer («🔊 Ακούστε», issue 13), cold and cached.

    .venv/bin/python -m bench.voice.run                 # every topic, 3 rounds
    .venv/bin/python -m bench.voice.run --rounds 5 --topic ask_min_income

For each topic's easy-to-read answer, through the real Application and the local Bot API (bot/local_api.py): a
citizen presses «🔊 Ακούστε»; the time runs from the button press until the voice message has been handed to the
Bot API. Cold: an empty voice cache (espeak-ng renders the text, opusenc encodes it); cached: the same text again
(read from the cache). Also printed: the seconds of speech, the size of the Ogg/Opus file and the real-time factor
of a cold rendering (seconds to render / seconds of speech). Needs espeak-ng and opus-tools
(scripts/media-setup.sh). Upload to Telegram is not included: a real bot adds the upload of ~20–200 KB.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bot.app import build_application, start_services, stop_services
from bot.local_api import RecordingBotApi
from bot.local_chat import LocalChat
from core.db import Database
from core.migrate import upgrade
from core.seed import seed_reference_data
from core.settings import Settings
from knowledge import answers


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _press(chat: LocalChat, topic: str) -> tuple[float, int, float]:
    await chat.press_data(f"a:topic:{topic}")
    started = time.perf_counter()
    replies = await chat.press_data(f"a:listen:{topic}")
    elapsed = time.perf_counter() - started
    (voice,) = [m for m in replies if m.method == "sendVoice"]
    return elapsed, len(voice.extra["file_bytes"]["voice"]), float(voice.extra["duration"])


async def run(topics: list[str], rounds: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="koinotita-voice-bench-"))
    try:
        url = f"sqlite+aiosqlite:///{work / 'bench.sqlite3'}"
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        await seed_reference_data(db)
        await db.dispose()
        settings = Settings(KOINOTITA_DATABASE_URL=url, KOINOTITA_DATA_DIR=work, TELEGRAM_BOT_TOKEN=None)
        api = RecordingBotApi()
        app = build_application(settings, request=api)
        cold: list[float] = []
        cached: list[float] = []
        factors: list[float] = []
        print(f"{'topic':<22} {'speech s':>8} {'KB':>6} {'cold ms':>8} {'cached ms':>9}")
        async with app:
            await start_services(app)
            try:
                chat = LocalChat(app, api, user_id=777)
                await chat.say("/start")
                await chat.press("🙂 Απλά ελληνικά")
                for topic in topics:
                    for _ in range(rounds):
                        shutil.rmtree(work / "voice-cache", ignore_errors=True)
                        seconds, size, speech = await _press(chat, topic)
                        cold.append(seconds)
                        factors.append(seconds / max(speech, 0.1))
                        again, _size, _speech = await _press(chat, topic)
                        cached.append(again)
                    cold_ms, cached_ms = (
                        1000 * statistics.median(cold[-rounds:]),
                        1000 * statistics.median(cached[-rounds:]),
                    )
                    print(f"{topic:<22} {speech:>8.0f} {size / 1024:>6.0f} {cold_ms:>8.0f} {cached_ms:>9.1f}")
            finally:
                await stop_services(app)
        print(
            f"\nall topics, {rounds} rounds each: cold p50 {1000 * statistics.median(cold):.0f} ms, "
            f"p95 {1000 * _pct(cold, 0.95):.0f} ms; cached p50 {1000 * statistics.median(cached):.1f} ms, "
            f"p95 {1000 * _pct(cached, 0.95):.1f} ms; cold real-time factor p50 {statistics.median(factors):.3f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--topic", action="append", help="a topic's intent (default: every topic)")
    args = parser.parse_args()
    # ask_events lists events and ask_entitlements asks questions first: neither is a text to read aloud.
    topics = args.topic or [t for t in answers.topics() if t not in ("ask_events", "ask_entitlements")]
    asyncio.run(run(topics, args.rounds))


if __name__ == "__main__":
    main()
