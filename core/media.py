"""What a file really is, judged by its content, never by its name or the type its sender claims.

- voice: an Ogg stream (every page's CRC checked) whose first packet is an `OpusHead` and whose duration (the last
  granule position less the pre-skip, at 48 kHz) is above zero and within the limit;
- photo: decoded in full by Pillow with a pixel limit (a decompression bomb is refused before it is decoded), then
  re-encoded as a JPEG without metadata (no GPS position of the phone, no camera serial), orientation applied;
- pdf: `%PDF-` at the start and `%%EOF` near the end.
Anything else, too large, or failing a check raises `MediaRefused` with a short reason code (never the content).
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

__all__ = ["KINDS", "MAX_BYTES", "CheckedMedia", "MediaRefused", "check_media", "ogg_opus_duration", "sniff"]

KINDS = ("voice", "photo", "pdf")
MAX_BYTES = {"voice": 10 * 1024 * 1024, "photo": 10 * 1024 * 1024, "pdf": 10 * 1024 * 1024}
MAX_VOICE_SECONDS = 15 * 60
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is larger than any phone's; a bomb is far larger
MAX_SIDE = 2560  # stored photos are scaled down to this: enough to read a letter, small to keep
MIME = {"voice": "audio/ogg", "photo": "image/jpeg", "pdf": "application/pdf"}


class MediaRefused(ValueError):
    """The file is refused; `reason` is one of: too_large, empty, wrong_type, corrupt, bomb, too_long."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckedMedia:
    kind: str  # voice | photo | pdf
    mime: str
    content: bytes  # what is stored: the voice note and the PDF as sent, the photo re-encoded
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None


def sniff(content: bytes) -> str | None:
    """The kind the content says it is (by magic bytes), whatever it is called."""
    if content.startswith(b"OggS"):
        return "voice"
    if content.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (
        content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    ):
        return "photo"
    if content.startswith(b"%PDF-"):
        return "pdf"
    return None


def check_media(content: bytes, *, expected: str | None = None) -> CheckedMedia:
    """Check `content` and return what may be stored. `expected`: the kind the message claimed (a voice note, a
    photo, a document); a file whose content is another kind is refused as `wrong_type`."""
    if not content:
        raise MediaRefused("empty")
    kind = sniff(content)
    if kind is None or (expected is not None and kind != expected):
        raise MediaRefused("wrong_type")
    if len(content) > MAX_BYTES[kind]:
        raise MediaRefused("too_large")
    if kind == "voice":
        duration = ogg_opus_duration(content)
        if duration > MAX_VOICE_SECONDS:
            raise MediaRefused("too_long")
        return CheckedMedia("voice", MIME["voice"], content, duration_s=duration)
    if kind == "photo":
        return _checked_photo(content)
    if b"%%EOF" not in content[-2048:]:
        raise MediaRefused("corrupt")
    return CheckedMedia("pdf", MIME["pdf"], content)


# ---- Ogg / Opus -----------------------------------------------------------------------------------------------


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        table.append(r & 0xFFFFFFFF)
    return table


_CRC = _crc_table()


def _ogg_crc(page: bytes) -> int:
    crc = 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[((crc >> 24) & 0xFF) ^ byte]
    return crc


def ogg_opus_duration(content: bytes, *, check_crc: bool = True) -> float:
    """Seconds of audio in an Ogg/Opus file; MediaRefused unless every page is intact and the stream is Opus.
    `check_crc=False` only for files this program wrote itself (the voice cache): the checksum is the slow part."""
    offset, pages, granule, pre_skip = 0, 0, -1, 0
    while offset < len(content):
        if content[offset : offset + 4] != b"OggS" or len(content) < offset + 27:
            raise MediaRefused("corrupt")
        header = content[offset : offset + 27]
        page_granule = struct.unpack_from("<q", header, 6)[0]
        stored_crc = struct.unpack_from("<I", header, 22)[0]
        segments = header[26]
        table = content[offset + 27 : offset + 27 + segments]
        body_len = sum(table)
        end = offset + 27 + segments + body_len
        if len(table) != segments or end > len(content):
            raise MediaRefused("corrupt")
        if check_crc:
            page = bytearray(content[offset:end])
            page[22:26] = b"\0\0\0\0"
            if _ogg_crc(bytes(page)) != stored_crc:
                raise MediaRefused("corrupt")
        body = content[offset + 27 + segments : end]
        if pages == 0:
            if not body.startswith(b"OpusHead") or len(body) < 19:
                raise MediaRefused("wrong_type")
            pre_skip = struct.unpack_from("<H", body, 10)[0]
        if page_granule >= 0:
            granule = page_granule
        pages += 1
        offset = end
    seconds = (granule - pre_skip) / 48000
    if pages < 3 or seconds <= 0:  # head, tags, then audio: fewer pages hold no sound
        raise MediaRefused("corrupt")
    return round(seconds, 3)


# ---- photos ---------------------------------------------------------------------------------------------------


def _checked_photo(content: bytes) -> CheckedMedia:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise MediaRefused("bomb")
                probe.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # a JPEG is decoded at a reduced scale: faster
                image.load()
                upright = ImageOps.exif_transpose(image).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaRefused("bomb") from exc
    except MediaRefused:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken file; all mean the same to the citizen
        raise MediaRefused("corrupt") from exc
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: metadata is dropped
    return CheckedMedia("photo", MIME["photo"], out.getvalue(), width=upright.width, height=upright.height)
