"""Mediator accounts of the Roma annexes (admins and coordinators): list, create, issue a one-time Telegram link
(shown once, as a link and a QR code, never stored — only its hash is, core.booking.mediators), revoke.

A mediator works on Telegram: the account is made without a console password (a random one nobody knows; an
admin may set one on the users page). The link ties the mediator's Telegram to the account when opened; it
works once, for 24 hours, and issuing a new one voids the old. Revoking unties the Telegram account and voids
any unused link. Every change is audited with the viewer as actor."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

import httpx
import segno
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select

from core.booking.mediators import LOCAL_BOT_USERNAME, create_link_token, deep_link, revoke_telegram
from core.centres import list_centres
from core.models import StaffUser
from core.settings import Settings
from core.users import AccountError, create_user
from staff_console.access import CurrentViewer, Viewer
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm
from staff_console.deps import DbSession, Now
from staff_console.errors import NotFound
from staff_console.routes.common import notice_of, protected_router, text_field
from staff_console.web import render

router = protected_router()
log = logging.getLogger(__name__)


async def bot_username(request: Request) -> str | None:
    """The bot's @username: the setting; else, with a token, Telegram's getMe (asked once per process); else, in
    local mode, the local stand-in's. None when Telegram cannot be asked."""
    settings: Settings = request.app.state.settings
    if settings.bot_username:
        return settings.bot_username
    if not settings.token:
        return LOCAL_BOT_USERNAME
    cached: str | None = getattr(request.app.state, "bot_username", None)
    if cached:
        return cached
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            reply = await client.get(f"https://api.telegram.org/bot{settings.token}/getMe")
        name = reply.json()["result"]["username"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        log.warning("the bot's username could not be asked from Telegram; set KOINOTITA_BOT_USERNAME")
        return None
    request.app.state.bot_username = str(name)
    return str(name)


def qr_svg(link: str) -> Markup:
    """The link as a QR code in inline SVG (no image request, nothing stored; allowed by the page's CSP)."""
    code = segno.make(link, error="m")
    return Markup(code.svg_inline(scale=5, border=4, title=t("mediators.qr_title")))


async def _mediators(session: DbSession) -> list[StaffUser]:
    rows = await session.scalars(select(StaffUser).where(StaffUser.role == "mediator").order_by(StaffUser.username))
    return list(rows.all())


async def _page(
    request: Request,
    viewer: Viewer,
    session: DbSession,
    now: datetime,
    *,
    notice: str | None = None,
    issued: tuple[StaffUser, str] | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    annexes = [c for c in await list_centres(session) if c.kind == "roma_annex"]
    link, name = (issued[1], issued[0].username) if issued else ("", "")
    return render(
        request,
        "mediators.html",
        viewer=viewer,
        mediators=await _mediators(session),
        annexes=annexes,
        names={c.id: c.name_el for c in annexes},
        now=now,
        notice=notice_of(notice),
        issued_link=link,
        issued_for=name,
        qr=qr_svg(link) if link else "",
        errors=errors or {},
        values=values or {"username": "", "centre_id": ""},
        status_code=status_code,
    )


@router.get("/mediators", name="mediators.list")
async def mediators_list(
    request: Request, viewer: CurrentViewer, session: DbSession, now: Now, notice: str | None = None
) -> Response:
    return await _page(request, viewer, session, now, notice=notice)


async def _issue(request: Request, viewer: Viewer, session: DbSession, now: datetime, user: StaffUser) -> Response:
    """A new one-time link for `user`, committed, then shown once on the page (a POST answer: not in any address)."""
    username = await bot_username(request)
    if username is None:
        await session.rollback()
        return await _page(request, viewer, session, now, errors={"form": t("mediators.no_bot")}, status_code=503)
    token = await create_link_token(session, user.id, now, actor_kind=viewer.role, actor_id=viewer.actor)
    await session.commit()
    return await _page(request, viewer, session, now, issued=(user, deep_link(username, token)))


@router.post("/mediators", name="mediators.create")
async def mediators_create(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now
) -> Response:
    values = {"username": text_field(form, "username", limit=200), "centre_id": text_field(form, "centre_id", limit=40)}
    annexes = {c.id for c in await list_centres(session) if c.kind == "roma_annex"}
    errors: dict[str, str] = {}
    if not values["username"] or len(values["username"]) > 80:
        errors["username"] = t("users.username")
    if values["centre_id"] not in annexes:
        errors["centre_id"] = t("users.mediator_annex")
    user: StaffUser | None = None
    if not errors:
        try:  # no console password: a random one nobody is told (an admin may set one on the users page)
            user = await create_user(
                session,
                username=values["username"],
                role="mediator",
                password=secrets.token_urlsafe(32),
                centre_id=values["centre_id"],
            )
        except AccountError as exc:
            taken = "taken" in str(exc)
            errors["username" if taken else "form"] = t("users.taken") if taken else t("users.not_created")
    if errors or user is None:
        await session.rollback()
        return await _page(request, viewer, session, now, errors=errors, values=values, status_code=400)
    viewer.audit(session, "create", "staff_user", str(user.id), {"role": "mediator", "centre_id": user.centre_id})
    return await _issue(request, viewer, session, now, user)


async def _mediator(session: DbSession, mediator_id: int) -> StaffUser:
    user = await session.get(StaffUser, mediator_id)
    if user is None or user.role != "mediator":
        raise NotFound()
    return user


@router.post("/mediators/{mediator_id}/link", name="mediators.link")
async def mediators_link(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, mediator_id: int
) -> Response:
    user = await _mediator(session, mediator_id)
    if not user.active:
        return await _page(request, viewer, session, now, errors={"form": t("mediators.inactive")}, status_code=400)
    return await _issue(request, viewer, session, now, user)


@router.post("/mediators/{mediator_id}/revoke", name="mediators.revoke")
async def mediators_revoke(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, mediator_id: int
) -> Response:
    user = await _mediator(session, mediator_id)
    await revoke_telegram(session, user.id, actor_kind=viewer.role, actor_id=viewer.actor)
    await session.commit()
    return RedirectResponse("/mediators?notice=mediator_revoked", status_code=303)
