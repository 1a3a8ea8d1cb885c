"""Logging in and out: cookie attributes, fixation, idle and absolute timeouts, throttling and lock-out."""

from __future__ import annotations

import httpx
from pydantic import SecretStr
from sqlalchemy import func, select

from core.db import Database
from core.models import AuditEvent, StaffUser
from core.models.console import ConsoleSession
from core.settings import Settings
from staff_console.app import create_app
from tests.staff_console.conftest import PASSWORD, Console, csrf_of, forged_from, login, login_ok, page_csrf

SESSION_COOKIE = "__Host-koinotita_session"


async def session_rows(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(ConsoleSession)) or 0)


async def test_login_sets_a_hardened_cookie_and_opens_the_dashboard(console: Console) -> None:
    async with console.client() as client:
        response = await login(client, "kozani")
        assert response.status_code == 303 and response.headers["location"] == "/"
        set_cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE))
        lowered = set_cookie.lower()
        assert "httponly" in lowered and "secure" in lowered and "samesite=strict" in lowered
        assert "path=/" in lowered and "domain" not in lowered
        page = await client.get("/")
        assert page.status_code == 200 and "Κέντρο Κοινότητας Δήμου Κοζάνης" in page.text
        assert page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    async with console.db.session() as session:
        actions = (await session.scalars(select(AuditEvent.action).where(AuditEvent.record_kind == "staff_user"))).all()
    assert "login" in actions


async def test_local_mode_cookie_has_no_host_prefix_and_no_secure(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        app = create_app(Settings(KOINOTITA_DATABASE_URL=sqlite_url, TELEGRAM_BOT_TOKEN=None), database=db)
        assert app.state.secure_cookies is False
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
            page = await client.get("/login")
            cookie = page.headers["set-cookie"]
            assert cookie.startswith("koinotita_login=") and "secure" not in cookie.lower()
        production = create_app(
            Settings(KOINOTITA_DATABASE_URL=sqlite_url, TELEGRAM_BOT_TOKEN=SecretStr("1:abc")), database=db
        )
        assert production.state.secure_cookies is True
    finally:
        await db.dispose()


async def test_anonymous_visitor_is_sent_to_login(console: Console) -> None:
    async with console.client() as client:
        response = await client.get("/")
        assert response.status_code == 303 and response.headers["location"] == "/login"


async def test_wrong_password_is_refused_with_the_same_answer_as_an_unknown_user(console: Console) -> None:
    async with console.client() as client:
        wrong = await login(client, "kozani", "not the password!")
        unknown = await login(client, "nobody-here", "not the password!")
    assert wrong.status_code == unknown.status_code == 401
    assert SESSION_COOKIE not in wrong.headers.get("set-cookie", "")
    marker = "Λάθος όνομα χρήστη ή κωδικός"
    assert marker in wrong.text and marker in unknown.text


async def test_session_fixation_a_planted_cookie_is_never_adopted(console: Console) -> None:
    async with console.client() as client:
        client.cookies.set(SESSION_COOKIE, "attacker-chosen-value", domain="console.test")
        await login(client, "kozani")
        issued = client.cookies.get(SESSION_COOKIE)
        assert issued and issued != "attacker-chosen-value"
    # A second login of the same browser gets another id, and the first one is ended on the server.
    async with console.client() as client:
        await login(client, "kozani")
        first = client.cookies.get(SESSION_COOKIE)
        await login(client, "kozani")
        second = client.cookies.get(SESSION_COOKIE)
        assert first != second
        client.cookies.set(SESSION_COOKIE, first or "", domain="console.test")
        assert (await client.get("/")).status_code == 303


async def test_idle_timeout_is_thirty_minutes(console: Console) -> None:
    async with console.client() as client:
        await login_ok(client, "kozani")
        console.clock.advance(minutes=29)
        assert (await client.get("/")).status_code == 200
        console.clock.advance(minutes=29)  # activity above reset the idle timer
        assert (await client.get("/")).status_code == 200
        console.clock.advance(minutes=30, seconds=1)
        assert (await client.get("/")).status_code == 303
    assert await session_rows(console.db) == 0


async def test_absolute_timeout_is_twelve_hours_even_when_active(console: Console) -> None:
    async with console.client() as client:
        await login_ok(client, "kozani")
        for _ in range(24):
            console.clock.advance(minutes=29)
            assert (await client.get("/")).status_code == 200
        console.clock.advance(minutes=29)  # 12 h 05 min after login
        assert (await client.get("/")).status_code == 303


async def test_logout_ends_the_session_on_the_server(console: Console) -> None:
    async with console.client() as client:
        await login_ok(client, "kozani")
        token = client.cookies.get(SESSION_COOKIE)
        assert await session_rows(console.db) == 1
        response = await client.post("/logout", data={"csrf_token": await page_csrf(client)})
        assert response.status_code == 303
        assert await session_rows(console.db) == 0
        # Replaying the old cookie (as a thief with a copy would) gets nothing.
        client.cookies.set(SESSION_COOKIE, token or "", domain="console.test")
        assert (await client.get("/")).status_code == 303


async def test_five_failures_lock_the_account_for_fifteen_minutes(console: Console) -> None:
    async with console.client() as client:
        for _ in range(5):
            assert (await login(client, "kozani", "wrong password 123")).status_code == 401
        # Locked: even the right password is refused, with the same message.
        assert (await login(client, "kozani", PASSWORD)).status_code == 401
        console.clock.advance(minutes=15, seconds=1)
        assert (await login(client, "kozani", PASSWORD)).status_code == 303
    async with console.db.session() as session:
        user = await session.scalar(select(StaffUser).where(StaffUser.username == "kozani"))
        assert user is not None and user.failed_logins == 0 and user.locked_until is None
        locked = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login_locked")
        )
        assert locked == 1


async def test_one_client_is_throttled_after_twenty_failures(console: Console) -> None:
    async with console.client() as client:
        for i in range(20):
            assert (await login(client, f"guess{i}", "wrong password 123")).status_code == 401
        throttled = await login(client, "admin", PASSWORD)
        assert throttled.status_code == 429 and SESSION_COOKIE not in throttled.headers.get("set-cookie", "")
        console.clock.advance(minutes=16)
        assert (await login(client, "admin", PASSWORD)).status_code == 303


async def test_disabled_account_cannot_log_in_and_its_sessions_end(console: Console) -> None:
    async with console.client() as staff, console.client() as admin:
        await login_ok(staff, "kozani")
        await login_ok(admin, "admin")
        token = await page_csrf(admin, "/users")
        response = await admin.post(f"/users/{console.user_ids['kozani']}/active", data={"csrf_token": token})
        assert response.status_code == 303
        assert (await staff.get("/")).status_code == 303
        assert (await login(staff, "kozani")).status_code == 401


async def test_password_change_rotates_the_session_and_ends_the_others(console: Console) -> None:
    async with console.client() as phone, console.client() as desk:
        await login_ok(phone, "kozani")
        await login_ok(desk, "kozani")
        before = desk.cookies.get(SESSION_COOKIE)
        form = {
            "csrf_token": await page_csrf(desk),
            "current": PASSWORD,
            "new": "a new long password",
            "confirm": "a new long password",
        }
        short = await desk.post("/password", data={**form, "new": "short", "confirm": "short"})
        assert short.status_code == 400 and "15 χαρακτήρες" in short.text
        wrong = await desk.post("/password", data={**form, "current": "not my password"})
        assert wrong.status_code == 400
        changed = await desk.post("/password", data=form)
        assert changed.status_code == 303
        assert desk.cookies.get(SESSION_COOKIE) != before
        assert (await desk.get("/")).status_code == 200
        assert (await phone.get("/")).status_code == 303
    async with console.client() as client:
        assert (await login(client, "kozani", PASSWORD)).status_code == 401
        assert (await login(client, "kozani", "a new long password")).status_code == 303


async def test_login_form_needs_its_csrf_token(console: Console) -> None:
    async with console.client() as client:
        page = await client.get("/login")
        good = csrf_of(page.text)
        missing = await client.post("/login", data={"username": "kozani", "password": PASSWORD})
        wrong = await client.post(
            "/login", data={"csrf_token": forged_from(good), "username": "kozani", "password": PASSWORD}
        )
        assert missing.status_code == wrong.status_code == 403
        assert SESSION_COOKIE not in client.cookies
