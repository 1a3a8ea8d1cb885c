"""The console's cookies. Outside local mode they are `Secure` and carry the `__Host-` prefix (no Domain, Path=/,
HTTPS only). In local mode the console is served over plain http://127.0.0.1, where a browser refuses a
`__Host-` cookie (the prefix requires `Secure`), so the plain names are used there."""

from __future__ import annotations

from fastapi import Request, Response

SESSION = "koinotita_session"
LOGIN_NONCE = "koinotita_login"


def cookie_name(request: Request, base: str) -> str:
    return f"__Host-{base}" if request.app.state.secure_cookies else base


def set_cookie(request: Request, response: Response, base: str, value: str, *, max_age: int | None = None) -> None:
    response.set_cookie(
        cookie_name(request, base),
        value,
        max_age=max_age,
        path="/",
        secure=bool(request.app.state.secure_cookies),
        httponly=True,
        samesite="strict",
    )


def clear_cookie(request: Request, response: Response, base: str) -> None:
    response.delete_cookie(
        cookie_name(request, base),
        path="/",
        secure=bool(request.app.state.secure_cookies),
        httponly=True,
        samesite="strict",
    )


def read_cookie(request: Request, base: str) -> str | None:
    return request.cookies.get(cookie_name(request, base))
