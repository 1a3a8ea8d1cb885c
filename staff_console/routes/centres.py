"""Centre details (admin edits; coordinators read). The bot shows what the database holds, so every edited
detail records who changed it and when, in place of the seed's source."""

from __future__ import annotations

import re

import phonenumbers
from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from core import audit
from core.centres import get_centre, list_centres
from core.models import Centre
from staff_console.access import CurrentViewer
from staff_console.catalogue import label, t
from staff_console.csrf import CheckedForm
from staff_console.deps import DbSession, Now
from staff_console.errors import NotFound
from staff_console.routes.common import notice_of, protected_router, text_field
from staff_console.web import ATHENS, render

router = protected_router()

EDITABLE = ("address", "phone", "email", "hours")
LIMITS = {"address": 500, "phone": 64, "email": 200, "hours": 1000}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate(values: dict[str, str]) -> dict[str, str]:
    """Greek messages per field; empty values are allowed (unknown stays unknown)."""
    errors: dict[str, str] = {}
    for field, limit in LIMITS.items():
        if len(values[field]) > limit:
            errors[field] = t("centres.too_long", limit=limit)
    phone = values["phone"]
    if phone and "phone" not in errors:
        try:
            ok = phonenumbers.is_possible_number(phonenumbers.parse(phone, "GR"))
        except phonenumbers.NumberParseException:
            ok = False
        if not ok:
            errors["phone"] = t("centres.phone")
    if values["email"] and not _EMAIL.match(values["email"]):
        errors["email"] = t("centres.email")
    return errors


@router.get("/centres", name="centres.list")
async def centres_list(
    request: Request, viewer: CurrentViewer, session: DbSession, notice: str | None = None
) -> Response:
    return render(
        request,
        "centres.html",
        viewer=viewer,
        centres=await list_centres(session),
        notice=notice_of(notice),
        labels={f: label("centre_field", f) for f in EDITABLE},
    )


async def _centre(session: DbSession, centre_id: str) -> Centre:
    centre = await get_centre(session, centre_id[:40])
    if centre is None:
        raise NotFound()
    return centre


@router.get("/centres/{centre_id}/edit", name="centres.edit_form")
async def centre_edit_form(request: Request, viewer: CurrentViewer, session: DbSession, centre_id: str) -> Response:
    centre = await _centre(session, centre_id)
    values = {f: getattr(centre, f) or "" for f in EDITABLE}
    return render(
        request,
        "centre_edit.html",
        viewer=viewer,
        centre=centre,
        values=values,
        errors={},
        labels={f: label("centre_field", f) for f in EDITABLE},
    )


@router.post("/centres/{centre_id}/edit", name="centres.save")
async def centre_save(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, centre_id: str
) -> Response:
    centre = await _centre(session, centre_id)
    values = {f: text_field(form, f, limit=5000) for f in EDITABLE}
    errors = validate(values)
    if errors:
        return render(
            request,
            "centre_edit.html",
            viewer=viewer,
            centre=centre,
            values=values,
            errors=errors,
            labels={f: label("centre_field", f) for f in EDITABLE},
            status_code=400,
        )
    changed = [f for f in EDITABLE if (values[f] or None) != getattr(centre, f)]
    if changed:
        today = now.astimezone(ATHENS).date()
        sources = dict(centre.sources or {})
        for field in changed:
            setattr(centre, field, values[field] or None)
            sources[field] = {"source": f"console:{viewer.username}", "checked": today.isoformat()}
        centre.sources = sources
        centre.checked = today
        centre.updated_by = viewer.username
        centre.updated_at = now
        audit.record(
            session,
            actor_kind="staff",
            actor_id=viewer.actor,
            action="update",
            record_kind="centre",
            record_id=centre.id,
            details={"fields": changed},
        )
        await session.commit()
    return RedirectResponse("/centres?notice=saved", status_code=303)
