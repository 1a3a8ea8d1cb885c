"""A synthetic Greek voice for answers, as a Telegram voice message: espeak-ng renders the text (WAV), opusenc
encodes it to Ogg/Opus. Recordings are cached on disk by the hash of the text and the voice settings, so a changed
answer gets a new recording and an unchanged one is rendered once. (Debian packages espeak-ng and opus-tools;
scripts/media-setup.sh installs them.)
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.media import ogg_opus_duration

__all__ = [
    "SpeechUnavailable",
    "Synthesis",
    "encode_opus",
    "is_uncompressed_audio",
    "speech_available",
    "synthesize",
    "text_hash",
]

VOICE = "el"  # espeak-ng's Greek
SPEED = 140  # words a minute: slower than espeak's default 175, for listeners who are not used to the voice
BITRATE = 24  # kbit/s: clear speech, ~180 KB a minute
SETTINGS = f"espeak-ng:{VOICE}:{SPEED}|opusenc:{BITRATE}"
MAX_CHARS = 6000


class SpeechUnavailable(RuntimeError):
    """espeak-ng or opusenc is missing, or failed."""


@dataclass(frozen=True)
class Synthesis:
    content: bytes  # Ogg/Opus
    duration_s: float
    cached: bool
    key: str


def text_hash(text: str) -> str:
    """What a recording is the recording of: the text and how it was spoken."""
    return hashlib.sha256(f"{SETTINGS}\n{text}".encode()).hexdigest()


def speech_available() -> bool:
    return shutil.which("espeak-ng") is not None and shutil.which("opusenc") is not None


async def _run(*args: str, stdin: bytes | None = None) -> bytes:
    process = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, _err = await process.communicate(stdin)
    if process.returncode != 0:
        raise SpeechUnavailable(f"{Path(args[0]).name} exited with {process.returncode}")
    return out


async def synthesize(text: str, cache_dir: Path) -> Synthesis:
    """The Ogg/Opus recording of `text` (from the cache when this very text was spoken before)."""
    text = text.strip()[:MAX_CHARS]
    if not text:
        raise ValueError("nothing to say")
    key = text_hash(text)
    path = cache_dir / f"{key}.ogg"
    if path.exists():
        content = path.read_bytes()
        return Synthesis(content, ogg_opus_duration(content, check_crc=False), True, key)
    if not speech_available():
        raise SpeechUnavailable("espeak-ng and opus-tools are not installed (scripts/media-setup.sh)")
    wav = await _run("espeak-ng", "-v", VOICE, "-s", str(SPEED), "--stdout", stdin=text.encode())
    content = await _run("opusenc", "--quiet", "--bitrate", str(BITRATE), "--comp", "10", "-", "-", stdin=wav)
    duration = ogg_opus_duration(content)
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temp, path)  # atomic: a concurrent reader sees the whole file or none
    return Synthesis(content, duration, False, key)


def is_uncompressed_audio(content: bytes) -> bool:
    """WAV, FLAC or AIFF: what a recorder saves and opusenc reads."""
    return (
        (content[:4] == b"RIFF" and content[8:12] == b"WAVE")
        or content[:4] == b"fLaC"
        or (content[:4] == b"FORM" and content[8:12] in (b"AIFF", b"AIFC"))
    )


async def encode_opus(content: bytes) -> bytes:
    """A WAV, FLAC or AIFF recording as Ogg/Opus (uploads of recordings in the console)."""
    if shutil.which("opusenc") is None:
        raise SpeechUnavailable("opus-tools is not installed (scripts/media-setup.sh)")
    return await _run("opusenc", "--quiet", "--bitrate", "32", "-", "-", stdin=content)


class NotDecodable(ValueError):
    """The file says it is MP3 or M4A but ffmpeg cannot decode it (broken, cut or not audio)."""


def compressed_audio_format(content: bytes) -> str | None:
    """The ffmpeg demuxer for what phone recorders save, by content (never by file name): MP3 (an ID3 tag or an MPEG
    audio frame header) or M4A/MP4 audio (an ISO `ftyp` box); None for anything else."""
    frame_sync = len(content) > 1 and content[0] == 0xFF and content[1] & 0xE0 == 0xE0
    if content[:3] == b"ID3" or (frame_sync and content[1] & 0x06 != 0):  # layer bits 00: AAC (ADTS), not MP3
        return "mp3"
    if content[4:8] == b"ftyp":
        return "mov"  # ffmpeg's demuxer for MP4, M4A and 3GP
    return None


async def transcode_opus(content: bytes, demuxer: str) -> bytes:
    """An MP3 or M4A recording as Ogg/Opus, mono, 32 kbit/s, with ffmpeg. Only the named demuxer reads the file and
    only local files may be opened (a crafted file cannot make ffmpeg fetch anything); NotDecodable when it fails."""
    if shutil.which("ffmpeg") is None:
        raise SpeechUnavailable("ffmpeg is not installed (scripts/media-setup.sh)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "upload"
        source.write_bytes(content)  # a file, not a pipe: an M4A may keep its index at the end
        try:
            out = await _run(
                "ffmpeg",
                "-nostdin",
                "-hide_banner",
                "-loglevel",
                "error",
                "-protocol_whitelist",
                "file",
                "-f",
                demuxer,
                "-i",
                str(source),
                "-vn",
                "-map_metadata",
                "-1",
                "-ac",
                "1",
                "-c:a",
                "libopus",
                "-b:a",
                "32k",
                "-f",
                "ogg",
                "pipe:1",
            )
        except SpeechUnavailable as exc:
            raise NotDecodable(str(exc)) from exc
    if not out:
        raise NotDecodable("ffmpeg wrote nothing")
    return out
