"""Exceptions the console turns into pages: not logged in → login page; forbidden → 403; a record out of the
viewer's scope or missing → 404 (the same answer, so ids of other centres' records reveal nothing)."""

from __future__ import annotations


class NotLoggedIn(Exception):
    pass


class Forbidden(Exception):
    pass


class CsrfFailed(Exception):
    pass


class NotFound(Exception):
    pass


class BadRequest(Exception):
    """A value of the address the page cannot use (a date out of range, a month that is not YYYY-MM): 400."""
