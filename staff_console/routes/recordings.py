"""Recordings of topics' easy-to-read answers («🔊 Ακούστε» in the bot): staff and mediators upload one per topic
and register (Greek, or Romani read by a mediator); the bot prefers the newest to the synthetic voice.
An upload is Ogg/Opus (what a phone's voice recorder or Telegram saves), WAV/FLAC/AIFF (encoded to Opus here with
opusenc) or MP3/M4A (what many phone recorders save; converted with ffmpeg), recognised by content, never by the
file name, and checked like any file (core/media.py). A file that claims to be MP3/M4A but does not decode is refused
as corrupt and nothing is stored."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from core.media import MAX_BYTES
from core.models.media import RECORDING_REGISTERS, TopicRecording
from core.recordings import (
    RecordingError,
    checked_recording,
    delete_recording,
    recording_with_audio,
    recordings,
    save_recording,
)
from core.speech import (
    NotDecodable,
    SpeechUnavailable,
    compressed_audio_format,
    encode_opus,
    is_uncompressed_audio,
    text_hash,
    transcode_opus,
)
from knowledge import answers
from knowledge.spoken import topic_text
from staff_console.access import CurrentViewer
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm
from staff_console.deps import DbSession, Now
from staff_console.errors import NotFound
from staff_console.routes.common import notice_of, protected_router, text_field
from staff_console.routes.media import byte_range
from staff_console.web import render

router = protected_router()
ERRORS = ("file", "too_large", "wrong_type", "corrupt", "too_long", "topic", "register", "encoder")


def _current_hashes() -> dict[str, str]:
    return {topic: text_hash(topic_text(topic)) for topic in answers.topics()}


@router.get("/recordings", name="recordings.list")
async def recordings_list(
    request: Request, viewer: CurrentViewer, session: DbSession, notice: str | None = None, error: str | None = None
) -> Response:
    rows = await recordings(session)
    newest: dict[tuple[str, str], TopicRecording] = {}
    for row in rows:
        newest.setdefault((row.topic, row.register), row)
    return render(
        request,
        "recordings.html",
        viewer=viewer,
        topics=answers.topics(),
        registers=RECORDING_REGISTERS,
        newest=newest,
        hashes=_current_hashes(),
        notice=notice_of(notice),
        error=t(f"recordings.{error}") if error in ERRORS else None,
        can_write=viewer.may("recordings.upload"),
    )


def _back(*, error: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"/recordings?error={error}" if error else "/recordings?notice=saved", status_code=303)


@router.post("/recordings", name="recordings.upload")
async def recordings_upload(viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now) -> Response:
    upload = form.get("audio")
    if not isinstance(upload, UploadFile):
        return _back(error="file")
    content = await upload.read(MAX_BYTES["voice"] + 1)
    if len(content) > MAX_BYTES["voice"]:
        return _back(error="too_large")
    topic, register = text_field(form, "topic", limit=40), text_field(form, "register", limit=16)
    try:
        demuxer = compressed_audio_format(content)
        if is_uncompressed_audio(content):
            content = await encode_opus(content)
        elif demuxer is not None:
            content = await transcode_opus(content, demuxer)  # MP3 / M4A, what many phone recorders save
        audio = checked_recording(content)
        await save_recording(
            session,
            topic=topic,
            register=register,
            audio=audio,
            uploaded_by=viewer.user_id,
            text_hash=_current_hashes().get(topic),
            topics=set(answers.topics()),
            actor_kind=viewer.role,
            now=now,
        )
    except NotDecodable:
        return _back(error="corrupt")  # claims to be MP3 / M4A but does not decode: nothing is stored
    except SpeechUnavailable:
        return _back(error="encoder")
    except RecordingError as exc:
        return _back(error=str(exc) if str(exc) in ERRORS else "wrong_type")
    await session.commit()
    return _back()


@router.get("/recordings/{recording_id}/audio", name="recordings.audio")
async def recording_audio(request: Request, viewer: CurrentViewer, session: DbSession, recording_id: int) -> Response:
    recording = await recording_with_audio(session, recording_id)
    if recording is None:
        raise NotFound()
    content = recording.content
    headers = {"Accept-Ranges": "bytes", "Content-Disposition": f'inline; filename="recording-{recording.id}.ogg"'}
    wanted = byte_range(request.headers.get("range"), len(content))
    if wanted is None:
        return Response(content, media_type=recording.mime, headers=headers)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{len(content)}"
    return Response(content[first : last + 1], status_code=206, media_type=recording.mime, headers=headers)


@router.post("/recordings/{recording_id}/delete", name="recordings.delete")
async def recording_delete(viewer: CurrentViewer, form: CheckedForm, session: DbSession, recording_id: int) -> Response:
    if not await delete_recording(session, recording_id, actor_kind=viewer.role, actor_id=viewer.actor):
        raise NotFound()
    await session.commit()
    return _back()
