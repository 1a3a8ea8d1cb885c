"""Live streams (Server-Sent Events) for open pages: the unread badge everywhere, a conversation's new messages
and delivery statuses, the queue's rows. staff_console/static/live.js (a script from 'self', allowed by the CSP)
listens and updates the page.

A stream holds no database connection while it waits: it is authorized once, like any page (same rules by
route name), then opens a short session per update. It ends when the browser goes away, when the login session
ends, or after LIFETIME (the browser reconnects by itself). A client that does not ask for `text/event-stream`
gets the current state once, as events, and the response ends.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from jinja2 import Environment
from sqlalchemy import select

from core.db import Database
from core.models.console import ConsoleSession
from core.models.handoff import HandoffConversation, HandoffMessage
from staff_console.access import Viewer, authorize
from staff_console.catalogue import label
from staff_console.deps import now_of
from staff_console.errors import NotFound
from staff_console.intake_queue import COUNT_CAP, QueueFilter, assignees, queue_page
from staff_console.live import LiveHub, sse
from staff_console.live_state import deliveries_of, staff_names, unread_conversations
from staff_console.routes.common import PAGE_SIZE, page_number
from staff_console.routes.intakes import queue_context

router = APIRouter()
HEARTBEAT = 15.0
LIFETIME = 300.0


async def live_viewer(request: Request) -> Viewer:
    database: Database = request.app.state.db
    async with database.session() as session:
        return await authorize(request, session, now_of(request))


def _hub(request: Request) -> LiveHub:
    hub: LiveHub = request.app.state.live
    return hub


async def _session_alive(database: Database, viewer: Viewer) -> bool:
    async with database.session() as session:
        return await session.get(ConsoleSession, viewer.session_token_id) is not None


def _stream(request: Request, viewer: Viewer, update: Callable[[], Awaitable[list[str]]]) -> Response:
    database: Database = request.app.state.db
    if "text/event-stream" not in request.headers.get("accept", ""):
        async def once() -> AsyncIterator[str]:
            for event in await update():
                yield event

        return StreamingResponse(once(), media_type="text/event-stream")
    hub = _hub(request)

    async def events() -> AsyncIterator[str]:
        hub.join()
        try:
            yield "retry: 2000\n\n"
            started, seen = time.monotonic(), hub.version
            for event in await update():
                yield event
            while time.monotonic() - started < LIFETIME:
                version = await hub.wait(seen, HEARTBEAT)
                if await request.is_disconnected() or not await _session_alive(database, viewer):
                    return
                if version == seen:
                    yield ": still here\n\n"
                    continue
                seen = version
                for event in await update():
                    yield event
        finally:
            await hub.leave()

    return StreamingResponse(events(), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


class _Badge:
    def __init__(self, database: Database, viewer: Viewer, exclude: int | None = None) -> None:
        self.database, self.viewer, self.exclude = database, viewer, exclude
        self.last: int | None = None

    async def events(self) -> list[str]:
        async with self.database.session() as session:
            count = await unread_conversations(session, self.viewer, exclude=self.exclude)
        if count == self.last:
            return []
        self.last = count
        return [sse("badge", {"unread": count})]


@router.get("/live", name="live.badge")
async def live_badge(request: Request) -> Response:
    viewer = await live_viewer(request)
    return _stream(request, viewer, _Badge(request.app.state.db, viewer).events)


@router.get("/live/conversations/{conversation_id}", name="conversations.live")
async def live_conversation(request: Request, conversation_id: int, after: str = "0") -> Response:
    viewer = await live_viewer(request)
    database: Database = request.app.state.db
    env: Environment = request.app.state.templates
    async with database.session() as session:
        query = select(HandoffConversation.id).where(HandoffConversation.id == conversation_id)
        if viewer.centre_ids is not None:
            query = query.where(HandoffConversation.centre_id.in_(sorted(viewer.centre_ids)))
        if await session.scalar(query) is None:
            raise NotFound()
    badge = _Badge(database, viewer, exclude=conversation_id)
    state = {"last": int(after) if after.isdigit() and len(after) < 12 else 0}
    deliveries: dict[int, str] = {}
    fragment = env.get_template("_message.html")

    async def update() -> list[str]:
        out = await badge.events()
        async with database.session() as session:
            new = list((await session.scalars(
                select(HandoffMessage).where(HandoffMessage.conversation_id == conversation_id,
                                             HandoffMessage.id > state["last"]).order_by(HandoffMessage.id)
            )).all())
            staff = list((await session.scalars(
                select(HandoffMessage).where(HandoffMessage.conversation_id == conversation_id,
                                             HandoffMessage.outbox_message_id.is_not(None))
            )).all())
            current = await deliveries_of(session, staff)
            names = await staff_names(session, new)
        for message in new:
            html = fragment.render(m=message, names=names, deliveries=current)
            out.append(sse("message", {"id": message.id, "html": html}))
            state["last"] = message.id
        for message_id, status in current.items():
            if deliveries.get(message_id) != status:
                out.append(sse("delivery", {"message_id": message_id, "status": status,
                                            "label": label("delivery", status)}))
        deliveries.update(current)
        return out

    return _stream(request, viewer, update)


@router.get("/live/intakes", name="intakes.live")
async def live_intakes(request: Request, status: str = "", category: str = "", urgent: str = "",
                       assigned: str = "", centre: str = "", sort: str = "urgent", page: str = "1") -> Response:
    viewer = await live_viewer(request)
    database: Database = request.app.state.db
    env: Environment = request.app.state.templates
    qf = QueueFilter.parse(status=status, category=category, urgent=urgent, assigned=assigned, centre=centre,
                           sort=sort)
    number = page_number(page)
    badge = _Badge(database, viewer)
    rows_template = env.get_template("_intake_rows.html")
    count_template = env.get_template("_queue_count.html")
    last: dict[str, str] = {}

    async def update() -> list[str]:
        out = await badge.events()
        async with database.session() as session:
            intakes, total = await queue_page(session, viewer, qf, page=number, page_size=PAGE_SIZE)
            who = await assignees(session, [i.id for i in intakes])
            names, centres = await queue_context(session, viewer, set(who.values()))
        html = rows_template.render(intakes=intakes, assignee=who, names=names, centres=centres)
        if html != last.get("html"):
            last["html"] = html
            count = count_template.render(total=total, count_cap=COUNT_CAP)
            out.append(sse("rows", {"html": html, "count": count}))
        return out

    return _stream(request, viewer, update)
