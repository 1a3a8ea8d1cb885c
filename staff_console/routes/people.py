"""The person behind the records: one citizen's requests, conversations, appointments, waiting-list places and the
visits mediators booked for them — only those the viewer's centres may see (a citizen with nothing in scope is
404, like a record that does not exist); every view is audited. Staff may merge two records of one person
(audited; never automatic), and reach the citizen from a request: a message over Telegram (a handoff conversation,
delivered once by the bot's outbox) or, for a phone-only citizen, a call."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from core.centres import list_centres
from core.citizens import merge_citizens
from core.handoff import MAX_TEXT, HandoffError, enqueue_staff_reply, open_conversation
from core.models import Citizen
from core.models.booking import Appointment, WaitlistEntry
from core.models.handoff import HandoffConversation
from core.models.intake import Intake
from core.phones import phone_display, phone_link
from staff_console.access import CurrentViewer, Viewer
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm
from staff_console.deps import DbSession, Now
from staff_console.errors import NotFound
from staff_console.intake_queue import scoped as scoped_intakes
from staff_console.routes.appointments import scoped_appointments
from staff_console.routes.common import notice_of, protected_router, text_field
from staff_console.routes.conversations import scoped_conversations
from staff_console.web import render

router = protected_router()


def _scoped_waitlist(viewer: Viewer, citizen_id: int):  # type: ignore[no-untyped-def]
    query = select(WaitlistEntry).where(WaitlistEntry.citizen_id == citizen_id)
    if viewer.centre_ids is not None:
        query = query.where(WaitlistEntry.centre_id.in_(sorted(viewer.centre_ids)))
    return query


async def person_records(session: DbSession, viewer: Viewer, citizen_id: int) -> dict[str, list[Any]]:
    """What of this person the viewer's scope holds, record kind by record kind."""
    intakes = (
        await session.scalars(scoped_intakes(viewer).where(Intake.citizen_id == citizen_id).order_by(Intake.id))
    ).all()
    conversations = (
        []
        if viewer.is_mediator
        else (
            await session.scalars(
                scoped_conversations(viewer)
                .where(HandoffConversation.citizen_id == citizen_id)
                .order_by(HandoffConversation.id)
            )
        ).all()
    )
    appointments = (
        await session.scalars(
            scoped_appointments(viewer)
            .where(Appointment.citizen_id == citizen_id)
            .order_by(Appointment.starts_at, Appointment.id)
        )
    ).all()
    waiting = (
        []
        if viewer.is_mediator
        else (
            await session.scalars(_scoped_waitlist(viewer, citizen_id).order_by(WaitlistEntry.day, WaitlistEntry.id))
        ).all()
    )
    return {
        "intakes": list(intakes),
        "conversations": list(conversations),
        "appointments": list(appointments),
        "waiting": list(waiting),
    }


async def visible_citizen(session: DbSession, viewer: Viewer, citizen_id: int) -> tuple[Citizen, dict[str, list[Any]]]:
    citizen = await session.get(Citizen, citizen_id)
    if citizen is None:
        raise NotFound()
    records = await person_records(session, viewer, citizen.id)
    if viewer.centre_ids is not None and not any(records.values()):
        raise NotFound()  # deny by default: nothing of this person belongs to the viewer's centres
    return citizen, records


@router.get("/citizens/{citizen_id}", name="people.detail")
async def person_detail(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    now: Now,
    citizen_id: int,
    notice: str | None = None,
    error: str | None = None,
) -> Response:
    citizen, records = await visible_citizen(session, viewer, citizen_id)
    viewer.audit(session, "view", "citizen", str(citizen.id))
    await session.commit()
    same_phone: list[Citizen] = []
    if citizen.phone and viewer.may("people.merge"):
        for other in (
            await session.scalars(select(Citizen).where(Citizen.phone == citizen.phone, Citizen.id != citizen.id))
        ).all():
            if viewer.centre_ids is None or any((await person_records(session, viewer, other.id)).values()):
                same_phone.append(other)
    centres = {c.id: c.name_el for c in await list_centres(session)}
    return render(
        request,
        "person.html",
        viewer=viewer,
        citizen=citizen,
        centres=centres,
        same_phone=same_phone,
        phone=phone_display(citizen.phone) if citizen.phone else None,
        phone_href=phone_link(citizen.phone) if citizen.phone else None,
        notice=notice_of(notice),
        error=t("people.merge_unknown") if error == "merge_unknown" else None,
        records=records,
        # A staff move (or a citizen's reschedule) cancels the old appointment: name the new time beside it.
        moved_to={a.rescheduled_from_id: a for a in records["appointments"] if a.rescheduled_from_id},
        now=now,
        can_move=viewer.may("appointments.move"),
        can_merge=viewer.may("people.merge"),
    )


@router.post("/citizens/{citizen_id}/merge", name="people.merge")
async def person_merge(viewer: CurrentViewer, form: CheckedForm, session: DbSession, citizen_id: int) -> Response:
    keep, _records = await visible_citizen(session, viewer, citizen_id)
    raw = text_field(form, "other_id", limit=12)
    if not raw.isdigit() or int(raw) == keep.id:
        return RedirectResponse(f"/citizens/{keep.id}", status_code=303)
    other, _ = await visible_citizen(session, viewer, int(raw))
    await merge_citizens(session, keep_id=keep.id, other_id=other.id)
    viewer.audit(session, "merge", "citizen", str(keep.id), {"merged": other.id})
    await session.commit()
    return RedirectResponse(f"/citizens/{keep.id}?notice=saved", status_code=303)


@router.post("/intakes/{intake_id}/message", name="intakes.message")
async def intake_message(
    viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, intake_id: int
) -> Response:
    """Message the citizen of a request over Telegram: opens (or continues) their handoff conversation and queues
    the message for the bot, which delivers it exactly once."""
    intake = await session.scalar(scoped_intakes(viewer).where(Intake.id == intake_id))
    if intake is None:
        raise NotFound()
    citizen = await session.get(Citizen, intake.citizen_id) if intake.citizen_id else None
    chat_id = intake.telegram_chat_id or (citizen.telegram_id if citizen else None)
    text = text_field(form, "text", limit=MAX_TEXT)
    if chat_id is None or intake.contact_method == "phone":
        return RedirectResponse(f"/intakes/{intake.id}?error=no_telegram", status_code=303)
    if not text:
        return RedirectResponse(f"/intakes/{intake.id}?error=message_empty", status_code=303)
    conversation = await open_conversation(
        session,
        telegram_chat_id=chat_id,
        citizen_id=intake.citizen_id,
        centre_id=intake.centre_id,
        language=intake.language,
        intake_id=intake.id,
        now=now,
    )
    try:
        await enqueue_staff_reply(session, conversation.id, staff_user_id=viewer.user_id, text=text, now=now)
    except (HandoffError, PermissionError) as exc:
        raise NotFound() from exc
    viewer.audit(session, "message", "intake", str(intake.id), {"conversation_id": conversation.id})
    await session.commit()
    return RedirectResponse(f"/conversations/{conversation.id}?notice=sent", status_code=303)


def person_label(citizen: Citizen | None) -> str:
    """How a record names its person: the name, or that it was not given."""
    return citizen.name if citizen is not None and citizen.name else t("people.not_given")
