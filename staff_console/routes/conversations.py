"""Live handoff conversations: the inbox, one conversation, a reply (queued for the bot), closing."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Select, select

from core.attachments import attachments_of_conversation
from core.centres import list_centres
from core.handoff import MAX_TEXT, HandoffError, close_conversation, enqueue_staff_reply, messages_of
from core.models import Citizen
from core.models.handoff import HandoffConversation
from staff_console.access import CurrentViewer, Viewer
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm
from staff_console.deps import DbSession, Now
from staff_console.errors import NotFound
from staff_console.live_state import deliveries_of, staff_names
from staff_console.routes.common import notice_of, protected_router, text_field
from staff_console.web import render

router = protected_router()
ERRORS = ("empty", "closed")  # texts: catalogue "conversations.<code>"


def scoped_conversations(viewer: Viewer) -> Select[HandoffConversation]:
    query = select(HandoffConversation)
    if viewer.centre_ids is not None:
        query = query.where(HandoffConversation.centre_id.in_(sorted(viewer.centre_ids)))
    return query


async def scoped_conversation(session: DbSession, viewer: Viewer, conversation_id: int) -> HandoffConversation:
    found = await session.scalar(scoped_conversations(viewer).where(HandoffConversation.id == conversation_id))
    if found is None:
        raise NotFound()
    return found


@router.get("/conversations", name="conversations.list")
async def conversations_list(request: Request, viewer: CurrentViewer, session: DbSession) -> Response:
    open_ones = (
        await session.scalars(
            scoped_conversations(viewer)
            .where(HandoffConversation.status == "open")
            .order_by(HandoffConversation.last_message_at.desc(), HandoffConversation.id.desc())
            .limit(200)
        )
    ).all()
    closed = (
        await session.scalars(
            scoped_conversations(viewer)
            .where(HandoffConversation.status == "closed")
            .order_by(HandoffConversation.closed_at.desc(), HandoffConversation.id.desc())
            .limit(20)
        )
    ).all()
    centres = {c.id: c.name_el for c in await list_centres(session)}
    return render(request, "conversations.html", viewer=viewer, open_ones=open_ones, closed=closed, centres=centres)


@router.get("/conversations/{conversation_id}", name="conversations.detail")
async def conversation_detail(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    conversation_id: int,
    notice: str | None = None,
    error: str | None = None,
) -> Response:
    conversation = await scoped_conversation(session, viewer, conversation_id)
    viewer.audit(session, "view", "handoff_conversation", str(conversation.id))
    await session.commit()
    messages = await messages_of(session, conversation.id)
    names = await staff_names(session, messages)
    citizen = await session.get(Citizen, conversation.citizen_id) if conversation.citizen_id else None
    return render(
        request,
        "conversation.html",
        viewer=viewer,
        conversation=conversation,
        messages=messages,
        attachments=await attachments_of_conversation(session, conversation.id),
        citizen=citizen,
        citizen_name=citizen.name if citizen and citizen.name else t("people.not_given"),
        names=names,
        deliveries=await deliveries_of(session, messages),
        notice=notice_of(notice),
        error=t(f"conversations.{error}") if error in ERRORS else None,
        max_text=MAX_TEXT,
        can_write=viewer.may("conversations.reply") and conversation.status == "open",
    )


@router.post("/conversations/{conversation_id}/reply", name="conversations.reply")
async def conversation_reply(
    viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, conversation_id: int
) -> Response:
    cid = (await scoped_conversation(session, viewer, conversation_id)).id
    text = text_field(form, "text", limit=MAX_TEXT)
    if not text:
        return RedirectResponse(f"/conversations/{cid}?error=empty", status_code=303)
    try:
        await enqueue_staff_reply(session, cid, staff_user_id=viewer.user_id, text=text, now=now)
    except PermissionError as exc:
        raise NotFound() from exc
    except HandoffError:
        await session.rollback()
        return RedirectResponse(f"/conversations/{cid}?error=closed", status_code=303)
    await session.commit()
    return RedirectResponse(f"/conversations/{cid}?notice=sent", status_code=303)


@router.post("/conversations/{conversation_id}/close", name="conversations.close")
async def conversation_close(
    viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, conversation_id: int
) -> Response:
    conversation = await scoped_conversation(session, viewer, conversation_id)
    try:
        await close_conversation(session, conversation.id, staff_user_id=viewer.user_id, now=now)
    except PermissionError as exc:
        raise NotFound() from exc
    await session.commit()
    return RedirectResponse(f"/conversations/{conversation.id}?notice=closed", status_code=303)
