"""Recordings of answers in the console: upload (Ogg/Opus as it is, WAV encoded to Opus), refusals that store
nothing, the newest one listed and played, deletion; coordinators only listen."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.media import ogg_opus_duration
from core.models.media import TopicRecording
from core.speech import compressed_audio_format
from tests.media_files import VOICE, fake_voice
from tests.staff_console.conftest import Console, login_ok, page_csrf

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg: scripts/media-setup.sh")


def wav_tone(seconds: float = 1.5) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x10" * int(16000 * seconds))
    return out.getvalue()


async def stored(console: Console) -> list[TopicRecording]:
    async with console.db.session() as session:
        return list((await session.scalars(select(TopicRecording).order_by(TopicRecording.id))).all())


async def test_staff_upload_recordings_and_bad_files_store_nothing(sqlite_console: Console) -> None:
    console = sqlite_console
    async with console.client() as client:
        await login_ok(client, "kozani")
        csrf = await page_csrf(client, "/recordings")

        async def upload(content: bytes, topic: str = "ask_min_income", register: str = "el-simple") -> str:
            response = await client.post(
                "/recordings",
                data={"csrf_token": csrf, "topic": topic, "register": register},
                files={"audio": ("rec.ogg", content, "audio/ogg")},
            )
            assert response.status_code == 303
            return response.headers["location"]

        assert await upload(fake_voice()) == "/recordings?error=corrupt"
        assert await upload(b"\x89PNG\r\n\x1a\n" + b"0" * 100) == "/recordings?error=wrong_type"
        assert await upload(VOICE, topic="not_a_topic") == "/recordings?error=topic"
        assert await upload(VOICE, register="fr") == "/recordings?error=register"
        assert await stored(console) == []
        assert await upload(VOICE) == "/recordings?notice=saved"
        assert await upload(wav_tone(), register="rom") == "/recordings?notice=saved"  # encoded to Opus here
        first, second = await stored(console)
        assert (first.topic, first.register, first.size) == ("ask_min_income", "el-simple", len(VOICE))
        assert second.register == "rom" and 1.4 < second.duration_s < 1.6
        page = (await client.get("/recordings")).text
        assert f'src="/recordings/{first.id}/audio"' in page and f'src="/recordings/{second.id}/audio"' in page
        audio = await client.get(f"/recordings/{second.id}/audio")
        assert audio.headers["content-type"] == "audio/ogg" and ogg_opus_duration(audio.content) > 1.4
        response = await client.post(f"/recordings/{first.id}/delete", data={"csrf_token": csrf})
        assert response.status_code == 303
    async with console.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(TopicRecording)) == 1


async def test_coordinators_listen_but_do_not_upload(sqlite_console: Console) -> None:
    async with sqlite_console.client() as client:
        await login_ok(client, "coord")
        page = await client.get("/recordings")
        assert page.status_code == 200 and 'enctype="multipart/form-data"' not in page.text
        csrf = await page_csrf(client, "/recordings")
        response = await client.post(
            "/recordings",
            data={"csrf_token": csrf, "topic": "ask_min_income", "register": "el-simple"},
            files={"audio": ("rec.ogg", VOICE, "audio/ogg")},
        )
        assert response.status_code == 403


def phone_recording(codec: str, container: str, seconds: float = 1.5) -> bytes:
    """A tone as a phone recorder saves it (MP3, or AAC in M4A), made here with ffmpeg: no network needed."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"rec.{container}"
        subprocess.run(
            [
                *("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi"),
                *("-i", f"sine=frequency=440:duration={seconds}", "-c:a", codec, str(path)),
            ],
            check=True,
        )
        return path.read_bytes()


@needs_ffmpeg
async def test_mp3_and_m4a_recordings_are_converted_and_a_broken_one_changes_nothing(sqlite_console: Console) -> None:
    mp3, m4a = phone_recording("libmp3lame", "mp3"), phone_recording("aac", "m4a")
    assert compressed_audio_format(mp3) == "mp3" and compressed_audio_format(m4a) == "mov"

    async def scenario() -> None:
        console = sqlite_console
        async with console.client() as client:
            await login_ok(client, "kozani")
            csrf = await page_csrf(client, "/recordings")

            async def upload(content: bytes, name: str, register: str = "el-simple") -> str:
                response = await client.post(
                    "/recordings",
                    data={"csrf_token": csrf, "topic": "ask_food_aid", "register": register},
                    files={"audio": (name, content, "audio/mpeg")},
                )
                assert response.status_code == 303
                return response.headers["location"]

            # claims to be MP3 / M4A by its first bytes, but is garbage or cut: a kind refusal, nothing stored
            assert await upload(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00junk" * 200, "x.mp3") == (
                "/recordings?error=corrupt"
            )
            assert await upload(m4a[:64], "cut.m4a") == "/recordings?error=corrupt"
            assert await upload(b"not audio at all" * 50, "song.mp3") == "/recordings?error=wrong_type"
            assert await stored(console) == []
            assert await upload(mp3, "rec.mp3") == "/recordings?notice=saved"
            assert await upload(m4a, "rec.m4a", register="rom") == "/recordings?notice=saved"
            first, second = await stored(console)
            for recording in (first, second):
                assert 1.3 < recording.duration_s < 1.7  # decoded as Ogg/Opus
                audio = await client.get(f"/recordings/{recording.id}/audio")
                assert audio.content[:4] == b"OggS" and b"OpusHead" in audio.content[:200]

    await scenario()
