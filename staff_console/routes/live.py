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
SESSION_CHECK = 30.0  # how often a stream checks that its login session still exists
WINDOW = 100  # a conversation stream follows its newest messages (an older page reloads to catch up)


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
            checked = started
            for event in await update():
                yield event
            while time.monotonic() - started < LIFETIME:
                version = await hub.wait(seen, HEARTBEAT)
                if await request.is_disconnected():
                    return
                if time.monotonic() - checked > SESSION_CHECK:
                    checked = time.monotonic()
                    if not await _session_alive(database, viewer):
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

    async def count(self) -> int:
        async with self.database.session() as session:
            return await unread_conversations(session, self.viewer, exclude=self.exclude)

    async def events(self, hub: LiveHub) -> list[str]:
        count = await hub.shared(("badge", self.viewer.user_id, self.exclude), self.count)
        if count == self.last:
            return []
        self.last = count
        return [sse("badge", {"unread": count})]


@router.get("/live", name="live.badge")
async def live_badge(request: Request) -> Response:
    viewer = await live_viewer(request)
    badge, hub = _Badge(request.app.state.db, viewer), _hub(request)
    return _stream(request, viewer, lambda: badge.events(hub))


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
    badge, hub = _Badge(database, viewer, exclude=conversation_id), _hub(request)
    state = {"last": int(after) if after.isdigit() and len(after) < 12 else 0}
    deliveries: dict[int, str] = {}
    fragment = env.get_template("_message.html")

    async def snapshot() -> tuple[list[tuple[int, str]], dict[int, str]]:
        """The conversation's newest messages, rendered, and their delivery statuses (shared by its streams)."""
        async with database.session() as session:
            recent = list(
                reversed(
                    (
                        await session.scalars(
                            select(HandoffMessage)
                            .where(HandoffMessage.conversation_id == conversation_id)
                            .order_by(HandoffMessage.id.desc())
                            .limit(WINDOW)
                        )
                    ).all()
                )
            )
            current = await deliveries_of(session, recent)
            names = await staff_names(session, recent)
        return [(m.id, fragment.render(m=m, names=names, deliveries=current)) for m in recent], current

    async def update() -> list[str]:
        out = await badge.events(hub)
        rendered, current = await hub.shared(("conversation", conversation_id), snapshot)
        for message_id, html in rendered:
            if message_id > state["last"]:
                out.append(sse("message", {"id": message_id, "html": html}))
                state["last"] = message_id
        for message_id, status in current.items():
            if deliveries.get(message_id) != status:
                out.append(
                    sse("delivery", {"message_id": message_id, "status": status, "label": label("delivery", status)})
                )
        deliveries.update(current)
        return out

    return _stream(request, viewer, update)


@router.get("/live/intakes", name="intakes.live")
async def live_intakes(
    request: Request,
    status: str = "",
    category: str = "",
    urgent: str = "",
    assigned: str = "",
    centre: str = "",
    sort: str = "urgent",
    page: str = "1",
) -> Response:
    viewer = await live_viewer(request)
    database: Database = request.app.state.db
    env: Environment = request.app.state.templates
    qf = QueueFilter.parse(status=status, category=category, urgent=urgent, assigned=assigned, centre=centre, sort=sort)
    number = page_number(page)
    badge, hub = _Badge(database, viewer), _hub(request)
    rows_template = env.get_template("_intake_rows.html")
    count_template = env.get_template("_queue_count.html")
    last: dict[str, str] = {}

    async def rows() -> tuple[str, str]:
        async with database.session() as session:
            intakes, total = await queue_page(session, viewer, qf, page=number, page_size=PAGE_SIZE)
            who = await assignees(session, [i.id for i in intakes])
            names, centres = await queue_context(session, viewer, set(who.values()))
        return (
            rows_template.render(intakes=intakes, assignee=who, names=names, centres=centres),
            count_template.render(total=total, count_cap=COUNT_CAP),
        )

    async def update() -> list[str]:
        out = await badge.events(hub)
        html, count = await hub.shared(("queue", viewer.user_id, qf, number), rows)
        if html != last.get("html"):
            last["html"] = html
            out.append(sse("rows", {"html": html, "count": count}))
        return out

    return _stream(request, viewer, update)
