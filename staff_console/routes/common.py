"""Small helpers shared by the page modules."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData

from staff_console.access import authorize
from staff_console.catalogue import t, text_keys

# Notices a redirect may ask a page to show (`?notice=...`): a fixed list, so nothing user-supplied is echoed.
# The texts are the catalogue's "notice.<key>".

PAGE_SIZE = 50


def protected_router() -> APIRouter:
    """A router whose every route needs a logged-in viewer admitted by the route's rule."""
    return APIRouter(dependencies=[Depends(authorize)])


def notice_of(key: str | None) -> str | None:
    name = f"notice.{key}"
    return t(name) if key and name in text_keys() else None


def text_field(form: FormData, name: str, *, limit: int = 2000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or "1"), 100_000))
    except ValueError:
        return 1
