"""CSRF protection for every form (besides SameSite=Strict cookies).

Logged in: a random token stored with the server-side session, echoed in a hidden field of every form.
Login form (no session yet): a random nonce in a cookie and, in the form, its HMAC under the secret key.
A POST without the right token answers 403 and changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from staff_console import cookies
from staff_console.access import CurrentViewer
from staff_console.errors import CsrfFailed

FIELD = "csrf_token"


def _matches(sent: object, expected: str) -> bool:
    return isinstance(sent, str) and bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


async def checked_form(request: Request, viewer: CurrentViewer) -> FormData:
    """The submitted form, once its CSRF token matches the viewer's session."""
    form = await request.form()
    if not _matches(form.get(FIELD), viewer.csrf_token):
        raise CsrfFailed()
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def login_token(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), b"login:" + nonce.encode(), hashlib.sha256).hexdigest()


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


async def checked_login_form(request: Request) -> FormData:
    form = await request.form()
    nonce = cookies.read_cookie(request, cookies.LOGIN_NONCE)
    secret: str = request.app.state.secret
    if not nonce or not _matches(form.get(FIELD), login_token(secret, nonce)):
        raise CsrfFailed()
    return form


CheckedLoginForm = Annotated[FormData, Depends(checked_login_form)]
