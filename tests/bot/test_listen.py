"""«🔊 Ακούστε» through the real Application: a valid Ogg/Opus voice message (checked by decoding it), an uploaded
recording preferred to the synthetic voice, a new synthetic recording when the answer's text changes."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest

from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of
from core.media import check_media
from core.recordings import save_recording
from knowledge import answers
from knowledge.answer import Answer
from knowledge.spoken import topic_text
from tests.media_files import VOICE

TOPIC = "ask_min_income"


def decode(content: bytes, tmp_path: Path) -> tuple[float, str]:
    """(seconds, codec) as opus-tools' decoder and inspector see the file."""
    ogg, wav = tmp_path / "voice.ogg", tmp_path / "voice.wav"
    ogg.write_bytes(content)
    subprocess.run(["opusdec", "--quiet", "--rate", "48000", str(ogg), str(wav)], check=True)
    with wave.open(str(wav)) as decoded:
        seconds = decoded.getnframes() / decoded.getframerate()
    info = subprocess.run(["opusinfo", str(ogg)], check=True, capture_output=True, text=True).stdout
    return seconds, "opus" if "Opus stream" in info else info


def voice_of(replies: list[SentMessage]) -> SentMessage:
    (voice,) = [m for m in replies if m.method == "sendVoice"]
    return voice


async def open_topic(chat: LocalChat, register: str = "🙂 Απλά ελληνικά") -> list[SentMessage]:
    await chat.say("/start")
    await chat.press(register)
    return await chat.press_data(f"a:topic:{TOPIC}")


async def test_listen_sends_an_ogg_opus_voice_message(chat: LocalChat, tmp_path: Path) -> None:
    replies = await open_topic(chat)
    assert "🔊 Ακούστε" in [b["text"] for b in buttons_of(replies[-1])]
    voice = voice_of(await chat.press("🔊 Ακούστε"))
    content = voice.extra["file_bytes"]["voice"]
    seconds, codec = decode(content, tmp_path)
    assert codec == "opus" and seconds > 5  # the whole short answer, read aloud
    assert int(voice.extra["duration"]) == pytest.approx(seconds, abs=1)
    assert "Ελάχιστο" in voice.text  # the caption names the topic
    assert "http" not in topic_text(TOPIC) and "Πηγές" not in topic_text(TOPIC)


async def test_an_uploaded_recording_is_preferred(chat: LocalChat) -> None:
    async with chat.app.services.db.session() as session:
        await save_recording(
            session,
            topic=TOPIC,
            register="el-simple",
            audio=check_media(VOICE),
            uploaded_by=None,
            text_hash=None,
            topics=set(answers.topics()),
        )
        await session.commit()
    await open_topic(chat)
    voice = voice_of(await chat.press("🔊 Ακούστε"))
    assert voice.extra["file_bytes"]["voice"] == VOICE


async def test_a_romani_recording_gets_its_own_button(chat: LocalChat) -> None:
    replies = await open_topic(chat)
    assert "🔊 Στα ρομανί" not in [b["text"] for b in buttons_of(replies[-1])]
    async with chat.app.services.db.session() as session:
        await save_recording(
            session,
            topic=TOPIC,
            register="rom",
            audio=check_media(VOICE),
            uploaded_by=None,
            text_hash=None,
            topics=set(answers.topics()),
        )
        await session.commit()
    replies = await chat.press_data(f"a:topic:{TOPIC}")
    assert [b["text"] for b in buttons_of(replies[-1])][:2] == ["🔊 Ακούστε", "🔊 Στα ρομανί"]
    voice = voice_of(await chat.press("🔊 Στα ρομανί"))
    assert voice.extra["file_bytes"]["voice"] == VOICE


async def test_an_edited_answer_gets_a_new_recording(chat: LocalChat, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = chat.app.services.settings.data_dir / "voice-cache"
    await open_topic(chat)
    first = voice_of(await chat.press("🔊 Ακούστε")).extra["file_bytes"]["voice"]
    cached = set(cache.glob("*.ogg"))
    again = voice_of(await chat.press("🔊 Ακούστε")).extra["file_bytes"]["voice"]
    assert again == first and set(cache.glob("*.ogg")) == cached  # the same text: read from the cache

    original = answers.render_topic

    def edited(intent: str, register: str, **kwargs: object) -> Answer:
        answer = original(intent, register)
        # Staff changed the answer: one more sentence in its first part.
        return Answer((answer.parts[0] + "\nΑπό τον Ιανουάριο αλλάζει το ποσό.", *answer.parts[1:]), answer.buttons)

    monkeypatch.setattr(answers, "render_topic", edited)
    changed = voice_of(await chat.press("🔊 Ακούστε")).extra["file_bytes"]["voice"]
    assert changed != first and len(set(cache.glob("*.ogg")) - cached) == 1


async def test_standard_greek_answers_have_no_listen_button(chat: LocalChat) -> None:
    replies = await open_topic(chat, "🇬🇷 Ελληνικά")
    assert "🔊 Ακούστε" not in [b["text"] for b in buttons_of(replies[-1])]
    replies = await chat.press_data("a:listen:not_a_topic")
    assert not [m for m in replies if m.method == "sendVoice"]
