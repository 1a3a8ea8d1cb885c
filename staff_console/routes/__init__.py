"""The console's routers, one module per page (or pair of pages). Every route has a `name=` with a rule in
staff_console/access.py RULES; non-public routers carry the `authorize` dependency."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

from staff_console.routes import (
    appointment_moves,
    appointments,
    audit_log,
    auth_pages,
    centres,
    conversations,
    dashboard,
    desk_booking,
    hours,
    intakes,
    live,
    media,
    mediators,
    operations,
    people,
    people_search,
    recordings,
    reports,
    users,
    waitlist,
)

ROUTERS: list[APIRouter] = [
    auth_pages.public,
    auth_pages.router,
    dashboard.router,
    centres.router,
    users.router,
    mediators.router,
    audit_log.router,
    intakes.router,
    conversations.router,
    desk_booking.router,
    appointments.router,
    appointment_moves.router,
    people_search.router,
    people.router,
    reports.router,
    operations.router,
    waitlist.router,
    hours.router,
    live.router,
    media.router,
    recordings.router,
]


def route_table() -> list[APIRoute]:
    """Every page and form of the console (the routers are included without prefix, so paths are as declared).
    The access test walks this table; routes are only ever added through these routers."""
    return [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]
