"""Who may open which page, and which records they see. Deny by default.

Every route of the console has a name, and every name has a rule here: the roles that may use it. A route whose
name is missing is refused to everybody (and the access test, built from the route table, fails). Within an
allowed page the viewer's *scope* limits every query: admins and coordinators see all centres; staff their own
centre, and a parent centre's staff its annexes and units too (core.scope); mediators their annex's appointments
and the intakes they created.
A record outside the scope answers 404, exactly like a record that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.scope import centre_ids_for
from staff_console import cookies
from staff_console.deps import DbSession, Now
from staff_console.errors import Forbidden, NotLoggedIn
from staff_console.sessions import load_session

ADMIN, COORDINATOR, STAFF, MEDIATOR = "admin", "coordinator", "staff", "mediator"
EVERYONE = frozenset({ADMIN, COORDINATOR, STAFF, MEDIATOR})
ADMIN_ONLY = frozenset({ADMIN})
OVERSIGHT = frozenset({ADMIN, COORDINATOR})  # all centres, read; reports
CASEWORK_READ = EVERYONE
CASEWORK_WRITE = frozenset({ADMIN, STAFF})  # coordinators only read
FIELDWORK_WRITE = frozenset({ADMIN, STAFF, MEDIATOR})  # appointments: mediators mark their annex's visits

PUBLIC = frozenset({"login.form", "login.submit", "static"})

RULES: dict[str, frozenset[str]] = {
    "dashboard": EVERYONE,
    "logout": EVERYONE,
    "password.form": EVERYONE,
    "password.submit": EVERYONE,
    "sessions.end_others": EVERYONE,
    "centres.list": OVERSIGHT,
    "centres.edit_form": ADMIN_ONLY,
    "centres.save": ADMIN_ONLY,
    "users.list": ADMIN_ONLY,
    "users.create": ADMIN_ONLY,
    "users.toggle_active": ADMIN_ONLY,
    "users.unlock": ADMIN_ONLY,
    "users.reset_password": ADMIN_ONLY,
    "audit.list": ADMIN_ONLY,
    # Mediator accounts of the Roma annexes and their one-time Telegram links: admins and coordinators.
    "mediators.list": OVERSIGHT,
    "mediators.create": OVERSIGHT,
    "mediators.link": OVERSIGHT,
    "mediators.revoke": OVERSIGHT,
    "intakes.list": CASEWORK_READ,
    "intakes.detail": CASEWORK_READ,
    "intakes.status": CASEWORK_WRITE,
    "intakes.assign": CASEWORK_WRITE,
    "intakes.note": CASEWORK_WRITE,
    "intakes.refer": CASEWORK_WRITE,
    "conversations.list": frozenset({ADMIN, COORDINATOR, STAFF}),
    "conversations.detail": frozenset({ADMIN, COORDINATOR, STAFF}),
    "conversations.reply": CASEWORK_WRITE,
    "conversations.close": CASEWORK_WRITE,
    "people.list": CASEWORK_READ,
    "people.detail": CASEWORK_READ,
    "people.merge": CASEWORK_WRITE,
    "people.merge_confirm": CASEWORK_WRITE,
    "intakes.message": CASEWORK_WRITE,
    "appointments.list": EVERYONE,
    "waitlist.list": EVERYONE,
    # Bookable hours, seats and closed days: staff change their centres', admins all (and all-centre closures).
    "hours.view": frozenset({ADMIN, COORDINATOR, STAFF}),
    "hours.save": CASEWORK_WRITE,
    "closures.add": CASEWORK_WRITE,
    "closures.delete": CASEWORK_WRITE,
    "appointments.attendance": FIELDWORK_WRITE,
    "appointments.cancel": FIELDWORK_WRITE,
    "appointments.move_form": FIELDWORK_WRITE,
    "appointments.move": FIELDWORK_WRITE,
    "appointments.new": CASEWORK_WRITE,  # staff book for a walk-in or phone caller
    "appointments.book": CASEWORK_WRITE,
    "live.badge": EVERYONE,
    "intakes.live": CASEWORK_READ,
    "conversations.live": frozenset({ADMIN, COORDINATOR, STAFF}),
    "reports.view": OVERSIGHT,
    "reports.csv": OVERSIGHT,
    "announcements.list": OVERSIGHT,
    "announcements.create": OVERSIGHT,
    "operations.view": OVERSIGHT,
    # A file is shown to whoever may see its request or conversation: the route checks that scope itself.
    "media.file": EVERYONE,
    # Recordings of answers hold no personal data; staff and mediators record them, coordinators listen.
    "recordings.list": EVERYONE,
    "recordings.audio": EVERYONE,
    "recordings.upload": FIELDWORK_WRITE,
    "recordings.delete": FIELDWORK_WRITE,
}


@dataclass(frozen=True)
class Viewer:
    user_id: int
    username: str
    role: str
    centre_id: str | None
    session_token_id: str
    csrf_token: str
    centre_ids: frozenset[str] | None  # None: every centre

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_mediator(self) -> bool:
        return self.role == MEDIATOR

    def may(self, route_name: str) -> bool:
        return self.role in RULES.get(route_name, frozenset())

    def sees_centre(self, centre_id: str | None) -> bool:
        return self.centre_ids is None or (centre_id is not None and centre_id in self.centre_ids)

    @property
    def actor(self) -> str:
        """How the audit log names this person: the account id, never a name."""
        return str(self.user_id)

    def audit(
        self,
        session: AsyncSession,
        action: str,
        record_kind: str,
        record_id: str | None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Record in the audit log that this person did `action` to a record (their role and id, never a name)."""
        audit.record(
            session,
            actor_kind=self.role,
            actor_id=self.actor,
            action=action,
            record_kind=record_kind,
            record_id=record_id,
            details=details,
        )


def route_name(request: Request) -> str | None:
    route = request.scope.get("route")
    return route.name if isinstance(route, APIRoute) else None


async def authorize(request: Request, session: DbSession, now: Now) -> Viewer:
    """The logged-in viewer, if the route's rule admits their role; attached to every non-public router."""
    token = cookies.read_cookie(request, cookies.SESSION)
    live = await load_session(session, token=token, now=now) if token else None
    if live is None:
        raise NotLoggedIn()
    allowed = RULES.get(route_name(request) or "", frozenset())
    if live.user.role not in allowed:
        raise Forbidden()
    viewer = Viewer(
        user_id=live.user.id,
        username=live.user.username,
        role=live.user.role,
        centre_id=live.user.centre_id,
        session_token_id=live.token_id,
        csrf_token=live.csrf_token,
        centre_ids=await centre_ids_for(session, role=live.user.role, centre_id=live.user.centre_id),
    )
    request.state.viewer = viewer
    return viewer


CurrentViewer = Annotated[Viewer, Depends(authorize)]
