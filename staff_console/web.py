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

from staff_console.access import Viewer
from staff_console.labels import label

TEMPLATES_DIR = Path(__file__).parent / "templates"
ATHENS = ZoneInfo("Europe/Athens")

ROLE_LABELS = {"admin": "Διαχειριστής", "coordinator": "Συντονιστής", "staff": "Προσωπικό Κέντρου",
               "mediator": "Διαμεσολαβητής"}

# (route name, path, label): shown to those whose role the route's rule admits.
NAVIGATION: list[tuple[str, str, str]] = [
    ("dashboard", "/", "Αρχική"),
    ("intakes.list", "/intakes", "Αιτήματα"),
    ("appointments.list", "/appointments", "Ραντεβού"),
    ("conversations.list", "/conversations", "Συνομιλίες"),
    ("reports.view", "/reports", "Αναφορές"),
    ("centres.list", "/centres", "Κέντρα"),
    ("users.list", "/users", "Χρήστες"),
    ("audit.list", "/audit", "Αρχείο ελέγχου"),
]


def athens(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    if value is None:
        return "—"
    return value.astimezone(ATHENS).strftime(fmt)


WEEKDAYS = ("Δευ", "Τρί", "Τετ", "Πέμ", "Παρ", "Σάβ", "Κυρ")


def weekday(value: datetime) -> str:
    return WEEKDAYS[value.astimezone(ATHENS).weekday()]


def greek_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


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
    env.globals["role_labels"] = ROLE_LABELS
    env.globals["label"] = label
    return env


def render(request: Request, template: str, *, viewer: Viewer | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    env: Environment = request.app.state.templates
    navigation = [(path, label, route) for route, path, label in NAVIGATION
                  if viewer is not None and viewer.may(route) and route in request.app.state.route_names]
    html = env.get_template(template).render(
        viewer=viewer, csrf_token=viewer.csrf_token if viewer else "", navigation=navigation,
        current_path=request.url.path, **context,
    )
    return HTMLResponse(html, status_code=status_code)
