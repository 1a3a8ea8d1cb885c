"""Intake records: created after consent by the citizen (bot) or by a mediator/staff member on their behalf, then
triaged by the centre's staff (console). The caller owns the transaction; every view or change is audited.

Free text is stored masked (core.pii): staff need the story, never a tax or insurance number typed into a chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.models import Centre, StaffUser, utcnow
from core.models.intake import CHANNELS, INTAKE_STATUSES, Intake
from core.phones import normalise_phone
from core.pii import mask_pii
from core.scope import staff_sees_centre
from knowledge import answers
from knowledge.programmes import default_knowledge
from nlu.emergency import detect

__all__ = [
    "CATEGORIES",
    "CONSENT_VERSION",
    "EXTRA_CATEGORIES",
    "URGENT_CATEGORIES",
    "IntakeError",
    "change_status",
    "create_intake",
    "get_intake",
    "intakes_of_citizen",
    "list_intakes_for_centre",
    "normalise_phone",
    "programmes_for",
    "urgency_reasons",
]

# The version of the privacy notice a consent refers to; bump it when the notice changes materially.
CONSENT_VERSION = "2026-11"
# Besides the programme topics, two categories of need that no programme covers.
EXTRA_CATEGORIES = ("safety", "other")
# Categories that make an intake urgent by themselves: danger at home cannot wait in a queue.
URGENT_CATEGORIES = frozenset({"safety"})
MAX_DESCRIPTION = 4000
MAX_HOUSEHOLD = 30
CONTACT_METHODS = ("telegram", "phone")
CONTACT_TIMES = ("morning", "afternoon", "any")
# The general "what can I get" topic lists many programmes: its checklists would bury the specific ones.
_NO_CHECKLIST = frozenset({"ask_entitlements"})


class IntakeError(ValueError):
    """An intake cannot be stored or changed as asked; the message says which field (never its content)."""


# Topics that are not a need to bring to the centre.
_NOT_NEEDS = frozenset({"ask_events", "volunteer"})


def _categories() -> tuple[str, ...]:
    return (*(c for c in answers.topics() if c not in _NOT_NEEDS), *EXTRA_CATEGORIES)


CATEGORIES: tuple[str, ...] = _categories()


def programmes_for(categories: Sequence[str]) -> list[str]:
    """The programmes whose documents checklist goes with these categories, in category order, once each."""
    topics = default_knowledge().topics
    out: list[str] = []
    for category in categories:
        topic = topics.get(category)
        if topic is None or category in _NO_CHECKLIST:
            continue
        for pid in topic.programmes:
            if pid not in out:
                out.append(pid)
    return out


def urgency_reasons(categories: Sequence[str], description: str | None, *, emergency: bool) -> list[str]:
    """Why an intake is urgent (empty: not urgent): the emergency answer, an urgent category, words of danger."""
    reasons: list[str] = ["emergency"] if emergency else []
    reasons += [f"category:{c}" for c in categories if c in URGENT_CATEGORIES]
    danger = detect(description) if description else None
    if danger:
        reasons.append(f"words:{danger}")
    return reasons


@dataclass(frozen=True)
class _Creator:
    kind: str
    channel: str


async def _creator(session: AsyncSession, staff_id: int | None, channel: str | None) -> _Creator:
    if staff_id is None:
        return _Creator("citizen", channel or "telegram")
    staff = await session.get(StaffUser, staff_id)
    if staff is None or not staff.active:
        raise IntakeError("created_by_staff_id: no active staff account")
    kind = "mediator" if staff.role == "mediator" else "staff"
    return _Creator(kind, channel or kind)


async def create_intake(
    session: AsyncSession,
    *,
    consent_at: datetime | None,
    categories: Sequence[str],
    centre_id: str | None,
    description: str | None = None,
    voice_file_id: str | None = None,
    adults: int | None = None,
    children: int | None = None,
    place: str | None = None,
    municipality_id: str | None = None,
    contact_method: str | None = None,
    contact_phone: str | None = None,
    contact_time: str | None = None,
    language: str | None = None,
    citizen_id: int | None = None,
    telegram_chat_id: int | None = None,
    created_by_staff_id: int | None = None,
    channel: str | None = None,
    emergency: bool = False,
    programme_ids: Sequence[str] | None = None,
    checklist_text: str | None = None,
    consent_version: str = CONSENT_VERSION,
    now: datetime | None = None,
) -> Intake:
    """Store a new intake (status `new`) for the serving centre.

    Refused (IntakeError) without consent: a mediator passes the moment the citizen consented in person, together
    with `created_by_staff_id` (their own account, which is named on the record). `description` is stored with
    personal numbers masked; urgency is worked out here from `emergency`, the categories and words of danger.
    `programme_ids` defaults to the programmes of the categories; `checklist_text` is what the citizen was shown.
    """
    now = now or utcnow()
    if consent_at is None:
        raise IntakeError("consent_at: an intake is stored only after consent")
    unknown = [c for c in categories if c not in CATEGORIES]
    if not categories or unknown:
        raise IntakeError("categories: at least one, each from core.intake.CATEGORIES")
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise IntakeError(f"description: at most {MAX_DESCRIPTION} characters")
    for name, value in (("adults", adults), ("children", children)):
        if value is not None and not 0 <= value <= MAX_HOUSEHOLD:
            raise IntakeError(f"{name}: between 0 and {MAX_HOUSEHOLD}")
    if contact_method is not None and contact_method not in CONTACT_METHODS:
        raise IntakeError(f"contact_method: one of {CONTACT_METHODS}")
    if contact_time is not None and contact_time not in CONTACT_TIMES:
        raise IntakeError(f"contact_time: one of {CONTACT_TIMES}")
    phone = None
    if contact_phone:
        phone = normalise_phone(contact_phone)
        if phone is None:
            raise IntakeError("contact_phone: not a Greek phone number")
    if centre_id is not None and await session.get(Centre, centre_id) is None:
        raise IntakeError("centre_id: no such centre")
    if channel is not None and channel not in CHANNELS:
        raise IntakeError(f"channel: one of {CHANNELS}")
    creator = await _creator(session, created_by_staff_id, channel)
    masked = mask_pii(description.strip()) if description and description.strip() else None
    reasons = urgency_reasons(categories, description, emergency=emergency)
    intake = Intake(
        citizen_id=citizen_id,
        centre_id=centre_id,
        status="new",
        urgent=bool(reasons),
        urgency_reasons=reasons,
        channel=creator.channel,
        created_by_kind=creator.kind,
        created_by_staff_id=created_by_staff_id,
        language=language,
        categories=list(dict.fromkeys(categories)),
        description=masked,
        voice_file_id=voice_file_id,
        adults=adults,
        children=children,
        place=place,
        municipality_id=municipality_id,
        contact_method=contact_method,
        contact_phone=phone,
        contact_time=contact_time,
        telegram_chat_id=telegram_chat_id,
        programme_ids=list(programme_ids) if programme_ids is not None else programmes_for(categories),
        checklist_text=checklist_text,
        consent_at=consent_at,
        consent_version=consent_version,
        created_at=now,
        updated_at=now,
    )
    session.add(intake)
    await session.flush()
    actor_kind, actor_id = (
        (creator.kind, str(created_by_staff_id))
        if created_by_staff_id is not None
        else ("citizen", str(citizen_id) if citizen_id is not None else None)
    )
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="create",
        record_kind="intake",
        record_id=str(intake.id),
        details={"centre_id": centre_id, "urgent": intake.urgent},
    )
    return intake


async def _may_see(session: AsyncSession, actor: StaffUser, intake: Intake) -> bool:
    """Deny by default: staff see their centre's records (a parent centre its annexes' too, core.scope); mediators
    their annex's; admins and coordinators all."""
    return await staff_sees_centre(session, actor, intake.centre_id)


async def get_intake(session: AsyncSession, intake_id: int, *, actor: StaffUser | None = None) -> Intake | None:
    """One intake. With `actor` (the console) the view is checked against their centre and audited; without it
    (the bot, a booking linking its intake) it is the caller's job to show it only to its owner."""
    intake = await session.get(Intake, intake_id)
    if intake is None or actor is None:
        return intake
    if not await _may_see(session, actor, intake):
        return None
    audit.record(
        session,
        actor_kind=actor.role,
        actor_id=str(actor.id),
        action="view",
        record_kind="intake",
        record_id=str(intake.id),
    )
    return intake


async def list_intakes_for_centre(
    session: AsyncSession,
    centre_id: str | None,
    *,
    status: str | Sequence[str] | None = None,
    urgent_first: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> list[Intake]:
    """The centre's queue (centre_id None: the intakes no centre serves, for the coordinator): urgent ones first
    (unless `urgent_first` is False), then oldest first. `status` filters (one or several); restricted records are
    left out (they are kept only because the law says so, not for work)."""
    query = select(Intake).where(Intake.restricted_at.is_(None))
    query = query.where(Intake.centre_id.is_(None) if centre_id is None else Intake.centre_id == centre_id)
    if status is not None:
        statuses = [status] if isinstance(status, str) else list(status)
        query = query.where(Intake.status.in_(statuses))
    order = [case((Intake.urgent.is_(True), 0), else_=1)] if urgent_first else []
    query = query.order_by(*order, Intake.created_at, Intake.id).limit(limit).offset(offset)
    return list((await session.scalars(query)).all())


async def change_status(
    session: AsyncSession, intake_id: int, *, status: str, actor: StaffUser, now: datetime | None = None
) -> Intake:
    """Move an intake to `status` (one of INTAKE_STATUSES) as `actor`; PermissionError outside their centre."""
    if status not in INTAKE_STATUSES:
        raise IntakeError(f"status: one of {INTAKE_STATUSES}")
    intake = await session.get(Intake, intake_id)
    if intake is None:
        raise IntakeError("intake_id: no such intake")
    if not await _may_see(session, actor, intake) or intake.restricted_at is not None:
        raise PermissionError("this intake is not one the account may change")
    now = now or utcnow()
    previous = intake.status
    intake.status = status
    intake.updated_at = now
    intake.closed_at = now if status == "closed" else None
    audit.record(
        session,
        actor_kind=actor.role,
        actor_id=str(actor.id),
        action="update",
        record_kind="intake",
        record_id=str(intake.id),
        details={"status": [previous, status]},
    )
    return intake


async def intakes_of_citizen(session: AsyncSession, citizen_id: int) -> list[Intake]:
    query = select(Intake).where(Intake.citizen_id == citizen_id).order_by(Intake.id)
    return list((await session.scalars(query)).all())
