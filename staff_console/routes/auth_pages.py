"""Log in, log out, change password."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from core import audit
from core.models import StaffUser
from core.models.console import ConsoleSession
from staff_console import cookies
from staff_console.access import CurrentViewer
from staff_console.auth import LoginOutcome, authenticate, change_password, client_hash, password_problem_text
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm, CheckedLoginForm, login_token, new_login_nonce
from staff_console.deps import DbSession, Now
from staff_console.errors import NotLoggedIn
from staff_console.routes.common import notice_of, protected_router, text_field
from staff_console.sessions import ABSOLUTE_TIMEOUT, end_session, end_user_sessions, start_session
from staff_console.web import render

public = APIRouter()
router = protected_router()


def _login_page(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    nonce = cookies.read_cookie(request, cookies.LOGIN_NONCE) or new_login_nonce()
    response = render(
        request,
        "login.html",
        viewer=None,
        status_code=status_code,
        error=error,
        login_csrf=login_token(request.app.state.secret, nonce),
    )
    cookies.set_cookie(request, response, cookies.LOGIN_NONCE, nonce)
    return response


@public.get("/login", name="login.form")
async def login_form(request: Request) -> Response:
    return _login_page(request)


@public.post("/login", name="login.submit")
async def login_submit(request: Request, form: CheckedLoginForm, session: DbSession, now: Now) -> Response:
    address = request.client.host if request.client else "unknown"
    result = await authenticate(
        session,
        username=text_field(form, "username", limit=80),
        password=str(form.get("password") or ""),
        client=client_hash(request.app.state.secret, address),
        now=now,
    )
    if result.outcome is LoginOutcome.THROTTLED:
        await session.commit()
        return _login_page(request, error=t("login.throttled"), status_code=429)
    if result.outcome is not LoginOutcome.OK or result.user is None:
        if result.user is not None:
            audit.record(
                session,
                actor_kind="system",
                actor_id=None,
                action="login_locked" if result.locked_now else "login_failed",
                record_kind="staff_user",
                record_id=str(result.user.id),
            )
        await session.commit()
        return _login_page(request, error=t("login.bad"), status_code=401)
    # A fresh session id at every login: whatever session cookie the browser brought is ended, never reused.
    old = cookies.read_cookie(request, cookies.SESSION)
    if old:
        await end_session(session, token=old)
    token, _row = await start_session(session, user_id=result.user.id, now=now)
    audit.record(
        session,
        actor_kind="staff",
        actor_id=str(result.user.id),
        action="login",
        record_kind="staff_user",
        record_id=str(result.user.id),
    )
    await session.commit()
    response = RedirectResponse("/", status_code=303)
    cookies.set_cookie(request, response, cookies.SESSION, token, max_age=int(ABSOLUTE_TIMEOUT.total_seconds()))
    cookies.clear_cookie(request, response, cookies.LOGIN_NONCE)
    return response


@router.post("/logout", name="logout")
async def logout(request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession) -> Response:
    token = cookies.read_cookie(request, cookies.SESSION)
    if token:
        await end_session(session, token=token)
    audit.record(
        session,
        actor_kind="staff",
        actor_id=viewer.actor,
        action="logout",
        record_kind="staff_user",
        record_id=viewer.actor,
    )
    await session.commit()
    response = RedirectResponse("/login", status_code=303)
    cookies.clear_cookie(request, response, cookies.SESSION)
    return response


async def _other_sessions(session: DbSession, viewer: CurrentViewer) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(ConsoleSession)
            .where(ConsoleSession.user_id == viewer.user_id, ConsoleSession.id != viewer.session_token_id)
        )
        or 0
    )


@router.get("/password", name="password.form")
async def password_form(
    request: Request, viewer: CurrentViewer, session: DbSession, notice: str | None = None
) -> Response:
    return render(
        request,
        "password.html",
        viewer=viewer,
        error=None,
        notice=notice_of(notice),
        other_sessions=await _other_sessions(session, viewer),
    )


@router.post("/sessions/others", name="sessions.end_others")
async def end_other_sessions(viewer: CurrentViewer, form: CheckedForm, session: DbSession) -> Response:
    """ "Log out my other sessions": every session of this account but this browser's ends now."""
    ended = await end_user_sessions(session, user_id=viewer.user_id, keep_id=viewer.session_token_id)
    viewer.audit(session, "logout_others", "staff_user", viewer.actor, {"others": ended})
    await session.commit()
    return RedirectResponse("/password?notice=others_logged_out", status_code=303)


@router.post("/password", name="password.submit")
async def password_submit(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now
) -> Response:
    user = await session.get(StaffUser, viewer.user_id)
    if user is None:
        raise NotLoggedIn()
    problem = await change_password(
        user,
        current=str(form.get("current") or ""),
        new=str(form.get("new") or ""),
        confirm=str(form.get("confirm") or ""),
        now=now,
    )
    if problem is not None:
        return render(
            request,
            "password.html",
            viewer=viewer,
            error=password_problem_text(problem),
            status_code=400,
            notice=None,
            other_sessions=await _other_sessions(session, viewer),
        )
    # Every session of this account ends (a thief's too); this browser gets a new one.
    await end_user_sessions(session, user_id=user.id)
    token, _row = await start_session(session, user_id=user.id, now=now)
    audit.record(
        session,
        actor_kind="staff",
        actor_id=viewer.actor,
        action="password_change",
        record_kind="staff_user",
        record_id=viewer.actor,
    )
    await session.commit()
    response = RedirectResponse("/?notice=password_changed", status_code=303)
    cookies.set_cookie(request, response, cookies.SESSION, token, max_age=int(ABSOLUTE_TIMEOUT.total_seconds()))
    return response
