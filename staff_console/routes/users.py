"""Accounts (admin): list, create, disable/enable, unlock, set a new password. Every change is audited and
ends the account's sessions where it must (disabled, password reset)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from core import audit
from core.centres import list_centres
from core.models import StaffUser
from core.models.staff import ROLES
from core.users import AccountError, create_user
from staff_console.access import CurrentViewer, Viewer
from staff_console.auth import check_new_password, password_problem_text, set_password
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm
from staff_console.deps import DbSession, Now
from staff_console.errors import NotFound
from staff_console.routes.common import notice_of, protected_router, text_field
from staff_console.sessions import end_user_sessions
from staff_console.web import render

router = protected_router()


async def _page(
    request: Request,
    viewer: Viewer,
    session: DbSession,
    *,
    now: Now,
    notice: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    users = (await session.scalars(select(StaffUser).order_by(StaffUser.username))).all()
    centres = await list_centres(session)
    return render(
        request,
        "users.html",
        viewer=viewer,
        users=users,
        centres=centres,
        roles=ROLES,
        now=now,
        centre_names={c.id: c.name_el for c in centres},
        notice=notice_of(notice),
        errors=errors or {},
        values=values or {"username": "", "role": "staff", "centre_id": ""},
        status_code=status_code,
    )


@router.get("/users", name="users.list")
async def users_list(
    request: Request, viewer: CurrentViewer, session: DbSession, now: Now, notice: str | None = None
) -> Response:
    return await _page(request, viewer, session, now=now, notice=notice)


def _account_errors(
    values: dict[str, str], password: str, confirm: str, centre_kinds: dict[str, str]
) -> dict[str, str]:
    """The rules of core.users.create_user, said in Greek before it is called."""
    errors: dict[str, str] = {}
    if not values["username"] or len(values["username"]) > 80:
        errors["username"] = t("users.username")
    role, centre_id = values["role"], values["centre_id"]
    if role not in ROLES:
        errors["role"] = t("users.role")
    elif role in ("staff", "mediator") and not centre_id:
        errors["centre_id"] = t("users.centre_needed")
    elif role in ("admin", "coordinator") and centre_id:
        errors["centre_id"] = t("users.centre_not_allowed")
    elif centre_id and centre_id not in centre_kinds:
        errors["centre_id"] = t("users.centre_unknown")
    elif role == "mediator" and centre_kinds.get(centre_id) != "roma_annex":
        errors["centre_id"] = t("users.mediator_annex")
    problem = check_new_password(password, confirm, username=values["username"])
    if problem is not None:
        errors["password"] = password_problem_text(problem)
    return errors


@router.post("/users", name="users.create")
async def users_create(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now
) -> Response:
    values = {
        "username": text_field(form, "username", limit=200),
        "role": text_field(form, "role", limit=20),
        "centre_id": text_field(form, "centre_id", limit=40),
    }
    password, confirm = str(form.get("password") or ""), str(form.get("confirm") or "")
    kinds = {c.id: c.kind for c in await list_centres(session)}
    errors = _account_errors(values, password, confirm, kinds)
    user: StaffUser | None = None
    if not errors:
        try:
            user = await create_user(
                session,
                username=values["username"],
                role=values["role"],
                password=password,
                centre_id=values["centre_id"] or None,
            )
        except AccountError as exc:
            taken = "taken" in str(exc)
            errors["username" if taken else "form"] = t("users.taken") if taken else t("users.not_created")
    if errors or user is None:
        await session.rollback()
        return await _page(request, viewer, session, now=now, errors=errors, values=values, status_code=400)
    audit.record(
        session,
        actor_kind="staff",
        actor_id=viewer.actor,
        action="create",
        record_kind="staff_user",
        record_id=str(user.id),
        details={"role": user.role, "centre_id": user.centre_id},
    )
    await session.commit()
    return RedirectResponse("/users?notice=user_created", status_code=303)


async def _user(session: DbSession, user_id: int) -> StaffUser:
    user = await session.get(StaffUser, user_id)
    if user is None:
        raise NotFound()
    return user


@router.post("/users/{user_id}/active", name="users.toggle_active")
async def users_toggle_active(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, user_id: int
) -> Response:
    user = await _user(session, user_id)
    if user.id == viewer.user_id:
        return await _page(request, viewer, session, now=now, status_code=400, errors={"form": t("users.self_disable")})
    user.active = not user.active
    if not user.active:
        await end_user_sessions(session, user_id=user.id)
    audit.record(
        session,
        actor_kind="staff",
        actor_id=viewer.actor,
        action="enable" if user.active else "disable",
        record_kind="staff_user",
        record_id=str(user.id),
    )
    await session.commit()
    return RedirectResponse("/users?notice=user_updated", status_code=303)


@router.post("/users/{user_id}/unlock", name="users.unlock")
async def users_unlock(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, user_id: int
) -> Response:
    user = await _user(session, user_id)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(
        session,
        actor_kind="staff",
        actor_id=viewer.actor,
        action="unlock",
        record_kind="staff_user",
        record_id=str(user.id),
    )
    await session.commit()
    return RedirectResponse("/users?notice=user_updated", status_code=303)


@router.post("/users/{user_id}/password", name="users.reset_password")
async def users_reset_password(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, user_id: int
) -> Response:
    user = await _user(session, user_id)
    password, confirm = str(form.get("password") or ""), str(form.get("confirm") or "")
    problem = check_new_password(password, confirm, username=user.username)
    if problem is not None:
        return await _page(
            request,
            viewer,
            session,
            now=now,
            status_code=400,
            errors={f"reset_{user.id}": password_problem_text(problem)},
        )
    await set_password(user, password, now=now)
    await end_user_sessions(session, user_id=user.id, keep_id=viewer.session_token_id)
    audit.record(
        session,
        actor_kind="staff",
        actor_id=viewer.actor,
        action="reset_password",
        record_kind="staff_user",
        record_id=str(user.id),
    )
    await session.commit()
    return RedirectResponse("/users?notice=user_updated", status_code=303)
