"""Content checks of the files citizens send (core/media.py): by content, never by name or claimed type."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import pytest
from PIL import Image

from core.media import MAX_BYTES, MediaRefused, check_media, ogg_opus_duration, sniff
from tests.media_files import PDF, VOICE, fake_voice, image_bomb, photo, truncated_voice


def test_a_real_voice_note_is_kept_with_its_duration(tmp_path: Path) -> None:
    checked = check_media(VOICE, expected="voice")
    assert checked.kind == "voice" and checked.mime == "audio/ogg" and checked.content == VOICE
    # The parser's duration agrees with a real decoder's (opus-tools' opusdec, installed by the set-up scripts).
    out = tmp_path / "voice.wav"
    subprocess.run(["opusdec", "--quiet", "--rate", "48000", "-", str(out)], input=VOICE, check=True)
    with wave.open(str(out)) as decoded:
        seconds = decoded.getnframes() / decoded.getframerate()
    assert checked.duration_s == pytest.approx(seconds, abs=0.05) and seconds > 1


@pytest.mark.parametrize("content", [fake_voice(), truncated_voice(), b"OggS"], ids=["fake", "truncated", "stub"])
def test_a_file_claiming_to_be_audio_that_is_not_is_refused(content: bytes) -> None:
    with pytest.raises(MediaRefused) as refused:
        check_media(content, expected="voice")
    assert refused.value.reason == "corrupt"


def test_a_flipped_byte_fails_the_ogg_page_checksum() -> None:
    damaged = bytearray(VOICE)
    damaged[len(damaged) // 2] ^= 0xFF
    with pytest.raises(MediaRefused):
        ogg_opus_duration(bytes(damaged))


def test_an_ogg_file_that_is_not_opus_is_the_wrong_type() -> None:
    vorbis_like = bytearray(VOICE)
    start = vorbis_like.index(b"OpusHead")
    vorbis_like[start : start + 8] = b"vorbisXX"
    with pytest.raises(MediaRefused):
        ogg_opus_duration(bytes(vorbis_like))


def test_a_photo_is_decoded_and_re_encoded_without_metadata() -> None:
    image = Image.new("RGB", (400, 300), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: metadata that must not be kept
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif.tobytes())
    checked = check_media(raw.getvalue(), expected="photo")
    assert (checked.kind, checked.mime, checked.width, checked.height) == ("photo", "image/jpeg", 400, 300)
    with Image.open(io.BytesIO(checked.content)) as stored:
        assert not stored.getexif()
    assert b"PhoneMaker" not in checked.content


def test_a_large_photo_is_scaled_down() -> None:
    checked = check_media(photo(5200, 600))
    assert (checked.width, checked.height) == (2560, 295)


def test_an_image_bomb_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(MediaRefused) as refused:
        check_media(image_bomb())
    assert refused.value.reason == "bomb"


def test_a_broken_image_is_refused() -> None:
    with pytest.raises(MediaRefused) as refused:
        check_media(photo()[:200])
    assert refused.value.reason == "corrupt"


def test_a_pdf_is_recognised_by_its_content() -> None:
    checked = check_media(PDF)
    assert checked.kind == "pdf" and checked.content == PDF
    with pytest.raises(MediaRefused):
        check_media(PDF.replace(b"%%EOF", b""))


def test_the_claimed_type_must_match_the_content() -> None:
    assert sniff(photo()) == "photo" and sniff(PDF) == "pdf" and sniff(b"MZ\x90\x00") is None
    with pytest.raises(MediaRefused) as refused:
        check_media(photo(), expected="voice")
    assert refused.value.reason == "wrong_type"
    with pytest.raises(MediaRefused):
        check_media(b"#!/bin/sh\nrm -rf /\n")


def test_size_limits() -> None:
    too_big = PDF[:-6] + b"0" * MAX_BYTES["pdf"] + b"%%EOF\n"
    with pytest.raises(MediaRefused) as refused:
        check_media(too_big)
    assert refused.value.reason == "too_large"
    with pytest.raises(MediaRefused) as refused:
        check_media(b"")
    assert refused.value.reason == "empty"
