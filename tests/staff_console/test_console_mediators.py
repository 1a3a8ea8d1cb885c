"""Mediator accounts page: create, a one-time Telegram link shown once as a link and a QR code, a new link voids
the old, revoke unties Telegram; admins and coordinators only; every change audited with the viewer as actor."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from core.booking.mediators import LINK_PREFIX, mediator_by_telegram, redeem_link_token
from core.models import AuditEvent, StaffUser
from staff_console.routes.mediators import qr_svg
from tests.staff_console.conftest import START, Console, login_ok, page_csrf

LINK = re.compile(r'href="(https://t\.me/koinotita_local_bot\?start=link-[A-Za-z0-9_-]{43})"')


def issued_link(page: str) -> str:
    found = LINK.search(page)
    assert found, "no one-time Telegram link on the page"
    return html.unescape(found.group(1))


def token_of(link: str) -> str:
    return link.split("start=" + LINK_PREFIX, 1)[1]


async def redeem(console: Console, link: str, telegram_id: int) -> StaffUser | None:
    async with console.db.write() as session:
        return await redeem_link_token(session, token=token_of(link), telegram_id=telegram_id, now=START)


async def test_coordinator_creates_a_mediator_and_gets_a_link_and_qr(console: Console) -> None:
    async with console.client() as client:
        await login_ok(client, "coord")
        listing = await client.get("/mediators")
        assert listing.status_code == 200 and "mediator" in listing.text  # the existing Kastoria mediator
        made = await client.post(
            "/mediators",
            data={
                "csrf_token": await page_csrf(client, "/mediators"),
                "username": "med-florina",
                "centre_id": "annex-roma-florina",
            },
        )
        assert made.status_code == 200, made.text
        link = issued_link(made.text)
        assert str(qr_svg(link)) in made.text  # the QR code on the page encodes exactly this link
        assert "<svg" in made.text and "Ισχύει <strong>μία φορά, για 24 ώρες</strong>" in made.text
        # Shown once: the list page does not show it again.
        assert token_of(link) not in (await client.get("/mediators")).text
    async with console.db.session() as session:
        user = await session.scalar(select(StaffUser).where(StaffUser.username == "med-florina"))
        assert user is not None and (user.role, user.centre_id, user.telegram_id) == (
            "mediator",
            "annex-roma-florina",
            None,
        )
        assert user.link_token_hash and token_of(link) not in user.link_token_hash  # only a hash is stored
        events = (
            await session.execute(
                select(AuditEvent.actor_kind, AuditEvent.actor_id, AuditEvent.action)
                .where(AuditEvent.record_kind == "staff_user", AuditEvent.record_id == str(user.id))
                .order_by(AuditEvent.id)
            )
        ).all()
    coord = str(console.user_ids["coord"])
    assert [tuple(e) for e in events] == [("coordinator", coord, "create"), ("coordinator", coord, "create_link")]
    linked = await redeem(console, link, 424242)
    assert linked is not None and linked.username == "med-florina"
    assert await redeem(console, link, 434343) is None  # one use only


async def test_new_link_voids_the_old_and_revoke_unties_telegram(sqlite_console: Console) -> None:
    console = sqlite_console
    mediator = console.user_ids["mediator"]
    async with console.client() as client:
        await login_ok(client, "admin")
        csrf = await page_csrf(client, "/mediators")
        first = issued_link((await client.post(f"/mediators/{mediator}/link", data={"csrf_token": csrf})).text)
        second = issued_link((await client.post(f"/mediators/{mediator}/link", data={"csrf_token": csrf})).text)
        assert first != second
        assert await redeem(console, first, 515151) is None
        assert await redeem(console, second, 515151) is not None
        assert "Συνδεδεμένος" in (await client.get("/mediators")).text
        async with console.db.session() as session:
            assert await mediator_by_telegram(session, 515151) is not None
        # An unused link is voided by revoking too.
        third = issued_link((await client.post(f"/mediators/{mediator}/link", data={"csrf_token": csrf})).text)
        revoked = await client.post(f"/mediators/{mediator}/revoke", data={"csrf_token": csrf})
        assert revoked.status_code == 303 and revoked.headers["location"] == "/mediators?notice=mediator_revoked"
        assert "Η σύνδεση με το Telegram ανακλήθηκε" in (await client.get(revoked.headers["location"])).text
        # Not a mediator's account: nothing to link or revoke.
        staff = console.user_ids["kozani"]
        assert (await client.post(f"/mediators/{staff}/link", data={"csrf_token": csrf})).status_code == 404
        assert (await client.post(f"/mediators/{staff}/revoke", data={"csrf_token": csrf})).status_code == 404
    async with console.db.session() as session:
        assert await mediator_by_telegram(session, 515151) is None
        revokes = (
            await session.scalars(select(AuditEvent.actor_id).where(AuditEvent.action == "revoke_telegram"))
        ).all()
    assert revokes == [str(console.user_ids["admin"])]
    assert await redeem(console, third, 616161) is None


async def test_bad_mediator_forms_change_nothing(sqlite_console: Console) -> None:
    console = sqlite_console
    async with console.client() as client:
        await login_ok(client, "coord")
        csrf = await page_csrf(client, "/mediators")
        for data in (
            {"username": "med-x", "centre_id": "kk-kozani"},  # not a Roma annex
            {"username": "", "centre_id": "annex-roma-florina"},
            {"username": "mediator", "centre_id": "annex-roma-florina"},  # taken
        ):
            response = await client.post("/mediators", data={"csrf_token": csrf, **data})
            assert response.status_code == 400, data
            assert "t.me/" not in response.text
    for username in ("kozani", "mediator"):
        async with console.client() as client:
            await login_ok(client, username)
            assert (await client.get("/mediators")).status_code == 403
    async with console.db.session() as session:
        names = (await session.scalars(select(StaffUser.username).where(StaffUser.role == "mediator"))).all()
    assert names == ["mediator"]
