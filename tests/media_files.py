"""Files for the media tests: a real Ogg/Opus voice note (espeak-ng + opusenc, committed), a photo, a PDF, and
bad ones — a fake voice note, a truncated one, an image bomb (a PNG header claiming 900 megapixels)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image

VOICE = (Path(__file__).parent / "fixtures" / "media" / "voice.ogg").read_bytes()
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> "
    b"endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def photo(width: int = 640, height: int = 480, colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG", quality=80)
    return out.getvalue()


def fake_voice() -> bytes:
    """Claims to be audio (an 'OggS' start) but is not: the rest is text."""
    return b"OggS" + b"this is not audio at all, just words pretending" * 20


def truncated_voice() -> bytes:
    return VOICE[: len(VOICE) // 2]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def image_bomb(side: int = 30000) -> bytes:
    """A valid PNG header for side × side pixels with almost no data: decoding it would need gigabytes."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + _chunk(b"IEND", b"")
    )
