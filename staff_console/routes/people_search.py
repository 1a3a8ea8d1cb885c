"""Finding a citizen: a list of the people behind the records the viewer's centres hold (requests, conversations,
appointments, waiting-list places), searched by name (accents, capitals and final sigma do not matter, nor Greek or
Latin letters: knowledge.translit.sound_key) or phone
(normalised like everywhere else, core/phones.py), a page at a time, each page audited as a view of personal data
(the audit keeps what kind of search it was, never the words searched). A manual merge with a record by its number
is confirmed on a page showing both records first; only records the viewer can see, never automatic."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Select, func, select, union

from core.models import Citizen
from core.models.booking import Appointment, WaitlistEntry
from core.models.handoff import HandoffConversation
from core.models.intake import Intake
from core.phones import normalise_phone, phone_display
from knowledge.translit import sound_key
from staff_console.access import CurrentViewer, Viewer
from staff_console.deps import DbSession
from staff_console.errors import NotFound
from staff_console.intake_queue import scoped as scoped_intakes
from staff_console.routes.appointments import scoped_appointments
from staff_console.routes.common import page_number, protected_router
from staff_console.routes.conversations import scoped_conversations
from staff_console.routes.people import visible_citizen
from staff_console.web import render

router = protected_router()
PER_PAGE = 25
MAX_QUERY = 80
_FINAL_SIGMA = {0x03C2: 0x03C3}  # final sigma -> sigma (as code points: no Greek text in the console's Python)
_DIGITS = re.compile(r"^[\d\s+()./-]+$")


@dataclass(frozen=True)
class Found:
    id: int
    name: str | None
    phone: str | None  # shown nationally (694 455 6677)
    phone_e164: str | None
    telegram: bool
    unreachable_at: datetime | None


def fold(text: str) -> str:
    """A name as compared in search: lower case, no accents or diaeresis, final sigma as sigma."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_FINAL_SIGMA)


def people_in_scope(viewer: Viewer) -> Select[Any]:
    """The ids of citizens with at least one record the viewer may see (every record kind the person page shows)."""
    parts: list[Select[Any]] = [
        scoped_intakes(viewer).with_only_columns(Intake.citizen_id).where(Intake.citizen_id.is_not(None)),
        scoped_appointments(viewer).with_only_columns(Appointment.citizen_id),
    ]
    if not viewer.is_mediator:
        parts.append(
            scoped_conversations(viewer)
            .with_only_columns(HandoffConversation.citizen_id)
            .where(HandoffConversation.citizen_id.is_not(None))
        )
        waiting = select(WaitlistEntry.citizen_id)
        if viewer.centre_ids is not None:
            waiting = waiting.where(WaitlistEntry.centre_id.in_(sorted(viewer.centre_ids)))
        parts.append(waiting)
    return select(union(*parts).subquery().c[0])


def _begin_words(words: list[str], parts: list[str]) -> bool:
    return all(any(part.startswith(word) for part in parts) for word in words)


def _name_matches(words: list[str], name: str) -> bool:
    """Every word searched begins a word of the name («ιωαν» finds Ιωαννίδου; «π» does not find Ασπασία) — as
    written, or as it sounds: Greeklish finds the Greek name and back ("papadopoulou", «Παπαδοπουλου» and
    «Παπαδοπούλου» meet), and so do the vowels spelled otherwise («Ιοαννου»)."""
    parts = fold(name).replace("-", " ").split()
    if _begin_words(words, parts):
        return True
    return _begin_words([sound_key(w) for w in words], [sound_key(p) for p in parts])


def _search_kind(query: str) -> tuple[str, str]:
    """("phone", E.164) for a whole number, ("digits", …) for part of one, ("name", folded) or ("none", "")."""
    if not query:
        return "none", ""
    if _DIGITS.match(query):
        e164 = normalise_phone(query)
        if e164:
            return "phone", e164
        digits = re.sub(r"\D", "", query)
        return ("digits", digits) if len(digits) >= 3 else ("none", "")
    return "name", fold(query)


async def find_people(session: DbSession, viewer: Viewer, query: str, page: int) -> tuple[str, list[Found], int]:
    """(kind of search, one page of people, how many matched in all)."""
    kind, value = _search_kind(" ".join(query.split())[:MAX_QUERY])
    base = select(Citizen).where(Citizen.id.in_(people_in_scope(viewer)))
    if kind == "phone":
        base = base.where(Citizen.phone == value)
    elif kind == "digits":
        base = base.where(Citizen.phone.like(f"%{value}%"))
    if kind == "name":
        # Accent- and case-blind on SQLite and PostgreSQL alike: the names of the viewer's people are compared here.
        words = value.split()
        names = base.with_only_columns(Citizen.id, Citizen.name).where(Citizen.name.is_not(None))
        named = (await session.execute(names)).all()
        ids = sorted((cid for cid, name in named if _name_matches(words, name or "")), reverse=True)
        total = len(ids)
        chosen = ids[(page - 1) * PER_PAGE : page * PER_PAGE]
        rows = (await session.scalars(select(Citizen).where(Citizen.id.in_(chosen)))).all() if chosen else []
        rows = sorted(rows, key=lambda c: chosen.index(c.id))
    else:
        total = int(await session.scalar(select(func.count()).select_from(base.subquery())) or 0)
        newest_first = base.order_by(Citizen.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
        rows = list((await session.scalars(newest_first)).all())
    found = [
        Found(
            id=c.id,
            name=c.name,
            phone=phone_display(c.phone) if c.phone else None,
            phone_e164=c.phone,
            telegram=c.telegram_id is not None,
            unreachable_at=c.unreachable_at,
        )
        for c in rows
    ]
    return kind, found, total


@router.get("/citizens", name="people.list")
async def people_list(
    request: Request, viewer: CurrentViewer, session: DbSession, q: str = "", page: str | None = None
) -> Response:
    number = page_number(page)
    query = " ".join(q.split())[:MAX_QUERY]
    kind, found, total = await find_people(session, viewer, query, number)
    # Never the words searched: they may be a name.
    viewer.audit(session, "view", "citizens", "search", {"by": kind, "page": number, "count": len(found)})
    await session.commit()
    pages = max(1, -(-total // PER_PAGE))
    return render(
        request,
        "people.html",
        viewer=viewer,
        q=query,
        found=found,
        total=total,
        page=number,
        pages=pages,
        prev_page=number - 1 if number > 1 else None,
        next_page=number + 1 if number < pages else None,
    )


@router.get("/citizens/{citizen_id}/merge", name="people.merge_confirm")
async def merge_confirm(
    request: Request, viewer: CurrentViewer, session: DbSession, citizen_id: int, other_id: str = ""
) -> Response:
    """Before a merge by record number: both records side by side. A number that is not a record the viewer can
    see reads the same as one that does not exist."""
    keep, keep_records = await visible_citizen(session, viewer, citizen_id)
    raw = other_id.strip().lstrip("#")
    if not raw.isdigit() or len(raw) > 12 or int(raw) == keep.id:
        return RedirectResponse(f"/citizens/{keep.id}?error=merge_unknown", status_code=303)
    try:
        other, other_records = await visible_citizen(session, viewer, int(raw))
    except NotFound:
        return RedirectResponse(f"/citizens/{keep.id}?error=merge_unknown", status_code=303)
    viewer.audit(session, "view", "citizen", str(other.id), {"merge_with": keep.id})
    await session.commit()
    counts = {
        cid: {kind: len(rows) for kind, rows in records.items()}
        for cid, records in ((keep.id, keep_records), (other.id, other_records))
    }
    return render(request, "person_merge.html", viewer=viewer, keep=keep, other=other, counts=counts)
