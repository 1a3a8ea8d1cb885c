"""Access control built from the route table: every route, every role, records of two centres.

A route without a rule in staff_console.access.RULES, or with a path parameter this test has no sample for,
fails here; so does any role seeing a page its rule does not admit, or a record outside its scope.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from core.models import AuditEvent
from staff_console.access import PUBLIC, RULES
from staff_console.routes import route_table
from tests.staff_console.conftest import ACCOUNTS, Console, forged_from, login_ok, page_csrf
from tests.staff_console.records import Records, make_records

# Who may see each sample record, independently of the implementation (issue 7, "Roles and scope").
SEES: dict[str, set[str]] = {
    "intake_id": {"admin", "coord", "kastoria", "mediator"},  # mediator: they created it
    "attachment_id": {"admin", "coord", "kastoria", "mediator"},  # a photo with that intake
    "recording_id": set(ACCOUNTS),  # a recording of an answer: no personal data
    "conversation_id": {"admin", "coord", "kastoria"},
    # At the Kastoria Roma annex: its mediator, and KK Καστοριάς (the parent centre sees its annex and unit);
    # not the Νεστόριο unit (a sibling), not Κοζάνη.
    "appointment_id": {"admin", "coord", "kastoria", "mediator"},
    # The person: every account whose centres hold one of their records (Κοζάνη and Καστοριά requests, the
    # annex visit); not the Νεστόριο unit, which holds none of them.
    "citizen_id": {"admin", "coord", "kozani", "kastoria", "mediator"},
    "centre_id": set(ACCOUNTS),
    "user_id": set(ACCOUNTS),
    "mediator_id": set(ACCOUNTS),  # mediator accounts: the role rule decides (admins and coordinators)
    # A closed day of KK Καστοριάς: its staff and the oversight roles; not Κοζάνη, not the sibling Νεστόριο unit.
    "closure_id": {"admin", "coord", "kastoria"},
}


def samples(records: Records, console: Console) -> dict[str, str]:
    return {
        "intake_id": str(records.intake_kastoria),
        "attachment_id": str(records.attachment_kastoria),
        "recording_id": str(records.recording),
        "conversation_id": str(records.conversation_kastoria),
        "appointment_id": str(records.appointment_annex),
        "centre_id": "kk-kastoria",
        "citizen_id": str(records.citizen_id),
        "user_id": str(console.user_ids["kozani"]),
        "mediator_id": str(console.user_ids["mediator"]),
        "closure_id": str(records.closure_kastoria),
    }


def routes(console: Console) -> list[tuple[APIRoute, str]]:
    out = [(r, m) for r in route_table() for m in sorted(r.methods or ())]
    # Logging out ends the session the rest of the sweep needs: last.
    return sorted(out, key=lambda rm: (rm[0].name == "logout", rm[1] != "GET", rm[0].path))


def test_every_route_has_a_rule_and_samples() -> None:
    table = route_table()
    names = {r.name for r in table}
    assert len(table) >= 25 and "dashboard" in names
    for route in table:
        assert route.name in RULES or route.name in PUBLIC, f"route {route.path} ({route.name}) has no access rule"
        for param in route.param_convertors:
            assert param in SEES, f"route {route.path}: no sample record for {{{param}}} in this test"
    assert set(RULES) <= names, f"rules for routes that do not exist: {set(RULES) - names}"


def expected(route: APIRoute, username: str) -> str:
    role = ACCOUNTS[username][0]
    if role not in RULES[route.name]:
        return "forbidden"
    for param in route.param_convertors:
        if username not in SEES[param]:
            return "not_found"
    return "ok"


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
async def test_every_route_for_every_role(console: Console, username: str) -> None:
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"])
    values = samples(records, console)
    async with console.client() as client:
        await login_ok(client, username)
        csrf = await page_csrf(client)
        for route, method in routes(console):
            if route.name in PUBLIC:
                continue
            path = route.path.format(**{p: values[p] for p in route.param_convertors})
            data: dict[str, Any] = {"csrf_token": csrf}
            response = await client.request(method, path, data=data if method == "POST" else None)
            want = expected(route, username)
            got = response.status_code
            where = f"{username} {method} {path}"
            if want == "forbidden":
                assert got == 403, f"{where}: expected 403, got {got}"
            elif want == "not_found":
                assert got == 404, f"{where}: expected 404, got {got}"
            else:
                assert got < 500 and got not in (401, 403, 404), f"{where}: expected access, got {got}"
                if route.name != "logout":  # logging out rightly ends at the login page
                    assert response.headers.get("location") != "/login", f"{where}: sent to the login page"


async def test_anonymous_gets_the_login_page_everywhere(sqlite_console: Console) -> None:
    async with sqlite_console.client() as client:
        for route, method in routes(sqlite_console):
            if route.name in PUBLIC:
                continue
            path = route.path.format(**{p: "1" for p in route.param_convertors})
            response = await client.request(method, path)
            assert response.status_code == 303 and response.headers["location"] == "/login", f"{method} {path}"


async def test_every_form_refuses_a_missing_or_wrong_csrf_token(sqlite_console: Console) -> None:
    console = sqlite_console
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"])
    values = samples(records, console)

    async def audit_count() -> int:
        async with console.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)

    async with console.client() as client:
        await login_ok(client, "admin")  # admin may post every form
        good = await page_csrf(client)
        before = await audit_count()
        posts = [(r, m) for r, m in routes(console) if m == "POST" and r.name not in PUBLIC]
        assert len(posts) >= 10
        for route, _ in posts:
            path = route.path.format(**{p: values[p] for p in route.param_convertors})
            form = {
                "text": "x",
                "status": "closed",
                "attended": "1",
                "message": "m",
                "organisation": "o",
                "staff_user_id": str(console.user_ids["kastoria"]),
            }
            for token in (None, "", forged_from(good), "x" * 500):
                data = form if token is None else {**form, "csrf_token": token}
                response = await client.post(path, data=data)
                assert response.status_code == 403, f"POST {path} with token {token!r}: {response.status_code}"
        assert await audit_count() == before, "a refused form changed something"
        assert (await client.get("/")).status_code == 200, "the session must survive refused forms"


async def test_another_centres_record_id_is_404_not_403(console: Console) -> None:
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"])
    async with console.client() as client:
        await login_ok(client, "kozani")
        for path in (f"/intakes/{records.intake_kastoria}", "/intakes/999999"):
            assert (await client.get(path)).status_code == 404
        own = await client.get(f"/intakes/{records.intake_kozani}")
        assert own.status_code == 200 and "Τρόφιμα" in own.text
        queue = await client.get("/intakes")
        assert f"/intakes/{records.intake_kozani}" in queue.text
        assert f'/intakes/{records.intake_kastoria}"' not in queue.text
