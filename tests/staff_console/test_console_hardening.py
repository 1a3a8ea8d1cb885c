"""Hardening (issue 14, item 6): a lock-out no stranger can turn against the admin, proxy headers only from
configured proxies, NIST password rules, validated audit ids, 400 for bad dates, security headers on every
response, argon2 off the event loop, "log out my other sessions"."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import func, select

import staff_console.auth as auth
from core import audit
from core.models import AuditEvent
from core.settings import Settings
from core.users import AccountError, create_user
from staff_console.app import create_app
from tests.staff_console.conftest import PASSWORD, Console, login, login_ok, page_csrf

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"


@asynccontextmanager
async def client_at(console: Console, address: str, app: object = None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app or console.app, client=(address, 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://console.test") as client:
        yield client


@pytest.fixture(autouse=True)
def short_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "NEW_CLIENT_DELAY", 0.01)


async def test_a_stranger_cannot_lock_the_admin_out(console: Console) -> None:
    async with client_at(console, ATTACKER) as attacker:
        for _ in range(12):  # past the lock, and on during it
            assert (await login(attacker, "admin", "wrong password guess")).status_code == 401
        # The attacker's own client is locked out of the admin account, even with the right password.
        assert (await login(attacker, "admin", PASSWORD)).status_code == 401
    async with client_at(console, OFFICE) as office:
        # The admin, from their desk, gets in (after a short pause) while the account is locked to the attacker.
        response = await login(office, "admin", PASSWORD)
        assert response.status_code == 303 and response.headers["location"] == "/"
        assert (await office.get("/users")).status_code == 200
        # A wrong password from the office is still just a wrong password.
    async with client_at(console, "192.0.2.1") as other:
        assert (await login(other, "admin", "wrong password guess")).status_code == 401


async def test_forwarded_for_counts_only_from_a_configured_proxy(console: Console) -> None:
    async with client_at(console, ATTACKER) as client:
        for i in range(20):
            # Rotating X-Forwarded-For from an untrusted client changes nothing: one client, throttled.
            spoof = {"X-Forwarded-For": f"10.9.{i}.1"}
            page = await client.get("/login")
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            await client.post(
                "/login",
                headers=spoof,
                data={"csrf_token": token, "username": f"u{i}", "password": "wrong password guess"},
            )
        assert (await login(client, "admin", PASSWORD)).status_code == 429
    settings = Settings(
        KOINOTITA_DATABASE_URL=console.db.url, TELEGRAM_BOT_TOKEN=None, KOINOTITA_TRUSTED_PROXIES="192.0.2.50"
    )
    behind_proxy = create_app(settings, database=console.db, clock=console.clock, secure_cookies=True)
    async with client_at(console, "192.0.2.50", behind_proxy) as proxy:
        # Through the configured proxy, the forwarded address is the client: a fresh one is not throttled.
        page = await proxy.get("/login", headers={"X-Forwarded-For": OFFICE})
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        ok = await proxy.post(
            "/login",
            headers={"X-Forwarded-For": OFFICE},
            data={"csrf_token": token, "username": "admin", "password": PASSWORD},
        )
        assert ok.status_code == 303
        # ...and the attacker's address, forwarded by the proxy, is still throttled.
        page = await proxy.get("/login", headers={"X-Forwarded-For": ATTACKER})
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        again = await proxy.post(
            "/login",
            headers={"X-Forwarded-For": ATTACKER},
            data={"csrf_token": token, "username": "admin", "password": PASSWORD},
        )
        assert again.status_code == 429


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("aaaaaaaaaaaaaaaa", "επαναλαμβάνεται"),
        ("kozani kozani kozani", "όνομα χρήστη"),
        ("password12345678", "συνηθισμένους"),
        ("short one", "τουλάχιστον 15"),
    ],
)
async def test_weak_passwords_are_refused(sqlite_console: Console, new: str, why: str) -> None:
    async with sqlite_console.client() as client:
        await login_ok(client, "kozani")
        form = {"csrf_token": await page_csrf(client), "current": PASSWORD, "new": new, "confirm": new}
        response = await client.post("/password", data=form)
        assert response.status_code == 400 and why in response.text
        ok = {**form, "new": "plum violin harbour", "confirm": "plum violin harbour"}
        assert (await client.post("/password", data=ok)).status_code == 303


async def test_the_command_line_refuses_a_common_password(sqlite_console: Console) -> None:
    async with sqlite_console.db.session() as session:
        with pytest.raises(AccountError, match="common"):
            await create_user(session, username="newcomer", role="coordinator", password="qwertyuiop123456")


async def test_audit_ids_are_validated_and_query_values_never_reach_the_log(console: Console) -> None:
    async with console.db.session() as session:
        for bad in ("<script>alert(1)</script>", "x" * 5011, "a b"):
            with pytest.raises(ValueError):
                audit.record(
                    session, actor_kind="staff", actor_id="1", action="view", record_kind="intake", record_id=bad
                )
    async with console.client() as client:
        await login_ok(client, "admin")
        evil = "<script>" + "x" * 5000
        response = await client.get("/appointments", params={"centre": evil, "day": "2026-11-25"})
        assert response.status_code == 200 and "<script>x" not in response.text
    async with console.db.session() as session:
        ids = (
            await session.scalars(select(AuditEvent.record_id).where(AuditEvent.record_kind == "appointments"))
        ).all()
    assert ids == ["all:2026-11-25"]


@pytest.mark.parametrize(
    "path",
    [
        "/appointments?day=9999-12-31",
        "/appointments?day=2026-02-30",
        "/appointments?day=0001-01-01",
        "/reports?month=1-1",
        "/reports?month=2026-13",
        "/reports.csv?month=99999-01",
        "/intakes/abc",
    ],
)
async def test_bad_dates_and_ids_are_400_with_the_security_headers(sqlite_console: Console, path: str) -> None:
    async with sqlite_console.client() as client:
        await login_ok(client, "admin")
        response = await client.get(path)
        assert response.status_code == 400, path
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store" and "text/html" in response.headers["content-type"]


async def test_an_unexpected_error_still_carries_the_security_headers(sqlite_console: Console) -> None:
    async def boom() -> None:
        raise RuntimeError("a bug")

    sqlite_console.app.add_api_route("/__boom", boom)
    transport = httpx.ASGITransport(app=sqlite_console.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://console.test") as client:
        response = await client.get("/__boom")
    assert response.status_code == 500 and "a bug" not in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["cache-control"] == "no-store"


async def test_argon2_runs_off_the_event_loop(sqlite_console: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    real = auth.verify_password

    def recording(password_hash: str, password: str) -> bool:
        threads.append(threading.get_ident())
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", recording)
    loop_thread = threading.get_ident()
    async with sqlite_console.client() as client:
        await login_ok(client, "kozani")
        assert (await login(client, "nobody-here", "wrong password guess")).status_code == 401
    assert len(threads) == 2 and loop_thread not in threads


async def test_log_out_my_other_sessions(sqlite_console: Console) -> None:
    console = sqlite_console
    async with console.client() as laptop, console.client() as phone, console.client() as colleague:
        await login_ok(laptop, "kozani")
        await login_ok(phone, "kozani")
        await login_ok(colleague, "kastoria")
        page = await laptop.get("/password")
        assert "σε 1 άλλη συσκευή" in page.text
        response = await laptop.post("/sessions/others", data={"csrf_token": await page_csrf(laptop)})
        assert response.status_code == 303
        assert (await phone.get("/")).status_code == 303  # sent to the login page
        assert (await laptop.get("/")).status_code == 200
        assert (await colleague.get("/")).status_code == 200  # someone else's sessions are theirs
        assert "Δεν υπάρχει άλλη ενεργή σύνδεση" in (await laptop.get("/password")).text
    async with console.db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "logout_others")
        )
    assert count == 1
