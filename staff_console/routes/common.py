"""Small helpers shared by the page modules."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData

from staff_console.access import authorize

# Notices a redirect may ask a page to show (`?notice=...`): a fixed list, so nothing user-supplied is echoed.
NOTICES = {
    "password_changed": "Ο κωδικός άλλαξε. Οι άλλες συνδέσεις σας τερματίστηκαν.",
    "saved": "Οι αλλαγές αποθηκεύτηκαν.",
    "sent": "Το μήνυμα μπήκε στην ουρά αποστολής: το bot θα το παραδώσει στον πολίτη.",
    "closed": "Η συνομιλία έκλεισε· ο πολίτης θα ενημερωθεί ότι συνεχίζει με το bot.",
    "cancelled": "Το ραντεβού ακυρώθηκε.",
    "user_created": "Ο λογαριασμός δημιουργήθηκε.",
    "user_updated": "Ο λογαριασμός ενημερώθηκε.",
}

PAGE_SIZE = 50


def protected_router() -> APIRouter:
    """A router whose every route needs a logged-in viewer admitted by the route's rule."""
    return APIRouter(dependencies=[Depends(authorize)])


def notice_of(key: str | None) -> str | None:
    return NOTICES.get(key or "")


def text_field(form: FormData, name: str, *, limit: int = 2000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or "1"), 100_000))
    except ValueError:
        return 1
