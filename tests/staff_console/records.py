"""Sample personal records in two centres, for access and page tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.attachments import store_attachment
from core.db import Database
from core.media import check_media
from core.models import Citizen
from core.models.booking import Appointment, Closure
from core.models.handoff import HandoffConversation, HandoffMessage
from core.models.intake import Intake
from core.recordings import save_recording
from tests.media_files import VOICE
from tests.media_files import photo as sample_photo
from tests.staff_console.conftest import START


@dataclass
class Records:
    citizen_id: int
    intake_kastoria: int  # created by the Kastoria annex's mediator for a citizen served by KK Καστοριάς
    intake_kozani: int
    conversation_kastoria: int
    appointment_annex: int  # at the Kastoria Roma annex, tomorrow
    appointment_kozani: int
    attachment_kastoria: int = 0  # a photo sent with intake_kastoria
    recording: int = 0  # a recording of a topic's answer (no personal data: everyone may listen)
    closure_kastoria: int = 0  # a closed day of KK Καστοριάς, in two weeks


async def make_records(db: Database, *, mediator_id: int, chat_id: int = 555001) -> Records:
    async with db.session() as session:
        citizen = Citizen(
            telegram_id=chat_id,
            language="el",
            name="Μαρία Παπαδοπούλου",
            phone="+306900000001",
            created_at=START,
            last_seen_at=START,
        )
        session.add(citizen)
        await session.flush()
        kastoria = Intake(
            citizen_id=citizen.id,
            centre_id="kk-kastoria",
            status="new",
            urgent=True,
            channel="mediator",
            created_by_kind="mediator",
            created_by_staff_id=mediator_id,
            categories=["ask_housing"],
            description="Χρειάζομαι βοήθεια με το ενοίκιο",
            created_at=START - timedelta(hours=2),
            updated_at=START,
            telegram_chat_id=chat_id,
        )
        kozani = Intake(
            citizen_id=citizen.id,
            centre_id="kk-kozani",
            status="new",
            urgent=False,
            categories=["ask_food_aid"],
            description="Τρόφιμα",
            created_at=START - timedelta(hours=1),
            updated_at=START,
        )
        session.add_all([kastoria, kozani])
        await session.flush()
        talk = HandoffConversation(
            citizen_id=citizen.id,
            telegram_chat_id=chat_id,
            centre_id="kk-kastoria",
            intake_id=kastoria.id,
            language="el",
            status="open",
            opened_at=START,
            last_message_at=START,
        )
        session.add(talk)
        await session.flush()
        session.add(
            HandoffMessage(conversation_id=talk.id, sender="citizen", text="Γεια σας, θέλω να μιλήσω", created_at=START)
        )
        annex = Appointment(
            centre_id="annex-roma-kastoria",
            service="roma_mediator",
            starts_at=START + timedelta(days=1),
            ends_at=START + timedelta(days=1, minutes=30),
            seat=1,
            citizen_id=citizen.id,
            status="booked",
            created_at=START,
        )
        kozani_visit = Appointment(
            centre_id="kk-kozani",
            service="social_worker",
            starts_at=START + timedelta(days=1),
            ends_at=START + timedelta(days=1, minutes=30),
            seat=1,
            citizen_id=citizen.id,
            status="booked",
            created_at=START,
        )
        session.add_all([annex, kozani_visit])
        photo = await store_attachment(
            session,
            check_media(sample_photo()),
            intake_id=kastoria.id,
            citizen_id=citizen.id,
            telegram_chat_id=chat_id,
            centre_id="kk-kastoria",
            now=START,
        )
        recording = await save_recording(
            session,
            topic="ask_housing",
            register="el-simple",
            audio=check_media(VOICE),
            uploaded_by=None,
            text_hash=None,
            topics={"ask_housing"},
            now=START,
        )
        closure = Closure(centre_id="kk-kastoria", day=(START + timedelta(days=14)).date(), reason="Τοπική αργία")
        session.add(closure)
        await session.commit()
        return Records(
            citizen.id, kastoria.id, kozani.id, talk.id, annex.id, kozani_visit.id, photo.id, recording.id, closure.id
        )
