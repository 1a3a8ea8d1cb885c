"""HTML rendering for the console: its own Jinja2 environment (autoescape, StrictUndefined) over
staff_console/templates. Knowledge's environment renders Telegram HTML; this one renders web pages."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.passwords import MAX_LENGTH, MIN_LENGTH
from staff_console.access import Viewer
from staff_console.catalogue import label, labels_of, t, urgency_reason

TEMPLATES_DIR = Path(__file__).parent / "templates"
ATHENS = ZoneInfo("Europe/Athens")

# (route name, path): shown to those whose role the route's rule admits; the label is the catalogue's "nav".
NAVIGATION: list[tuple[str, str]] = [
    ("dashboard", "/"),
    ("intakes.list", "/intakes"),
    ("people.list", "/citizens"),
    ("appointments.list", "/appointments"),
    ("hours.view", "/hours"),
    ("waitlist.list", "/waitlist"),
    ("conversations.list", "/conversations"),
    ("reports.view", "/reports"),
    ("centres.list", "/centres"),
    ("users.list", "/users"),
    ("mediators.list", "/mediators"),
    ("audit.list", "/audit"),
    ("announcements.list", "/announcements"),
    ("operations.view", "/operations"),
    ("recordings.list", "/recordings"),
]


def athens(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    if value is None:
        return t("app.unknown")
    return value.astimezone(ATHENS).strftime(fmt)


def weekday(value: datetime) -> str:
    return label("weekday", value.astimezone(ATHENS).weekday())


def greek_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else t("app.unknown")


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["athens"] = athens
    env.filters["greek_date"] = greek_date
    env.filters["weekday"] = weekday
    env.filters["as_json"] = lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True)
    env.globals["role_labels"] = labels_of("role")
    env.globals["label"] = label
    env.globals["labels_of"] = labels_of
    env.globals["t"] = t
    env.globals["min_password"] = MIN_LENGTH
    env.globals["max_password"] = MAX_LENGTH
    env.globals["urgency_reason"] = urgency_reason
    return env


def render(
    request: Request, template: str, *, viewer: Viewer | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    env: Environment = request.app.state.templates
    navigation = [
        (path, label("nav", route), route)
        for route, path in NAVIGATION
        if viewer is not None and viewer.may(route) and route in request.app.state.route_names
    ]
    html = env.get_template(template).render(
        viewer=viewer,
        csrf_token=viewer.csrf_token if viewer else "",
        navigation=navigation,
        current_path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
