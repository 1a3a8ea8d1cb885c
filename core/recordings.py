"""Recordings of topics' easy-to-read answers uploaded in the console (Greek, or Romani read by a mediator): the
bot prefers them to the synthetic voice. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from core import audit
from core.media import CheckedMedia, MediaRefused, check_media
from core.models import utcnow
from core.models.media import RECORDING_REGISTERS, TopicRecording

__all__ = [
    "RecordingError",
    "delete_recording",
    "latest_recording",
    "recording_with_audio",
    "recordings",
    "save_recording",
]


class RecordingError(ValueError):
    """The upload is refused: an unknown topic or register, or a file that is not Ogg/Opus audio."""


async def latest_recording(session: AsyncSession, topic: str, register: str) -> TopicRecording | None:
    """The newest recording of the topic in the register, with its audio."""
    found: TopicRecording | None = await session.scalar(
        select(TopicRecording)
        .where(TopicRecording.topic == topic, TopicRecording.register == register)
        .order_by(TopicRecording.uploaded_at.desc(), TopicRecording.id.desc())
        .limit(1)
        .options(undefer(TopicRecording.content))
    )
    return found


async def recording_with_audio(session: AsyncSession, recording_id: int) -> TopicRecording | None:
    found: TopicRecording | None = await session.scalar(
        select(TopicRecording).where(TopicRecording.id == recording_id).options(undefer(TopicRecording.content))
    )
    return found


async def recordings(session: AsyncSession) -> list[TopicRecording]:
    """Every recording (without its audio), by topic and register, newest first."""
    query = select(TopicRecording).order_by(
        TopicRecording.topic, TopicRecording.register, TopicRecording.uploaded_at.desc(), TopicRecording.id.desc()
    )
    return list((await session.scalars(query)).all())


def checked_recording(content: bytes) -> CheckedMedia:
    try:
        return check_media(content, expected="voice")
    except MediaRefused as exc:
        raise RecordingError(exc.reason) from exc


async def save_recording(
    session: AsyncSession,
    *,
    topic: str,
    register: str,
    audio: CheckedMedia,
    uploaded_by: int | None,
    text_hash: str | None,
    topics: set[str],
    actor_kind: str = "staff",
    now: datetime | None = None,
) -> TopicRecording:
    if topic not in topics:
        raise RecordingError("topic")
    if register not in RECORDING_REGISTERS:
        raise RecordingError("register")
    if audio.kind != "voice" or audio.duration_s is None:
        raise RecordingError("wrong_type")
    recording = TopicRecording(
        topic=topic,
        register=register,
        mime=audio.mime,
        size=len(audio.content),
        duration_s=audio.duration_s,
        text_hash=text_hash,
        content=audio.content,
        uploaded_by=uploaded_by,
        uploaded_at=now or utcnow(),
    )
    session.add(recording)
    await session.flush()
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=str(uploaded_by) if uploaded_by else None,
        action="upload",
        record_kind="topic_recording",
        record_id=str(recording.id),
        details={"topic": topic, "register": register},
    )
    return recording


async def delete_recording(session: AsyncSession, recording_id: int, *, actor_kind: str, actor_id: str) -> bool:
    recording = await session.get(TopicRecording, recording_id)
    if recording is None:
        return False
    await session.delete(recording)
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="delete",
        record_kind="topic_recording",
        record_id=str(recording_id),
        details={"topic": recording.topic, "register": recording.register},
    )
    return True
