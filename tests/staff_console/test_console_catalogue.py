"""The console's one catalogue: no Greek inline in its Python, every key used exists, every code the domain can
show has a label, and pages show labels instead of codes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.intake import CATEGORIES
from core.models.booking import ACTIVE_STATUSES, ATTENDED, CANCELLED, EXPIRED, NO_SHOW
from core.models.handoff import OUTBOX_STATUSES
from core.models.intake import INTAKE_STATUSES
from core.models.staff import ROLES
from nlu.emergency import CATEGORIES as DANGERS
from staff_console.catalogue import has_label, label, t, text_keys, urgency_reason

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "staff_console"
GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
T_CALL = re.compile(r"""\bt\(\s*f?["']([a-z_.]+)(\{[^}]*\})?["']""")


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def test_no_greek_string_is_written_inline_in_the_console_python() -> None:
    found = []
    for path in sorted(CONSOLE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and GREEK.search(node.value)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:40]}")
    assert not found, "Greek text belongs in staff_console/catalogue/el.yaml:\n" + "\n".join(found)


def test_every_catalogue_key_the_console_uses_exists() -> None:
    keys = text_keys()
    missing = []
    for path in [*CONSOLE.rglob("*.py"), *CONSOLE.rglob("*.html")]:
        for match in T_CALL.finditer(path.read_text(encoding="utf-8")):
            key = match.group(1)
            if match.group(2):  # t(f"intakes.{error}"): some key under that prefix
                if not any(k.startswith(key) for k in keys):
                    missing.append(f"{path.name}: {key}*")
            elif key not in keys:
                missing.append(f"{path.name}: {key}")
    assert not missing, missing


def _audit_codes(attribute: str) -> set[str]:
    pattern = re.compile(attribute + r'="([a-z_]+)"')
    codes: set[str] = set()
    for package in ("core", "bot", "staff_console"):
        for path in (ROOT / package).rglob("*.py"):
            codes |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return codes


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("status", set(INTAKE_STATUSES)),
        ("category", set(CATEGORIES)),
        ("role", set(ROLES)),
        ("delivery", set(OUTBOX_STATUSES)),
        ("appointment", {*ACTIVE_STATUSES, CANCELLED, EXPIRED, ATTENDED, NO_SHOW}),
        ("danger", set(DANGERS)),
        ("actor_kind", {*ROLES, "citizen", "system"}),
    ],
)
def test_every_code_of_the_domain_has_a_label(kind: str, codes: set[str]) -> None:
    assert {c for c in codes if not has_label(kind, c)} == set()


def test_every_audited_action_and_record_kind_has_a_label() -> None:
    actions = _audit_codes("action") - {"book"}  # draft.update(action="book") in the booking flow is not audit
    assert {a for a in actions if not has_label("audit_action", a)} == set()
    kinds = _audit_codes("record_kind")
    assert {k for k in kinds if not has_label("record_kind", k)} == set()


def test_urgency_reasons_read_as_greek_sentences() -> None:
    assert urgency_reason("category:safety") == t("intakes.urgency_category", topic=label("category", "safety"))
    assert "violence" not in urgency_reason("words:violence") and "βία" in urgency_reason("words:violence")
    assert "emergency" not in urgency_reason("emergency")


def test_unknown_codes_show_as_themselves_and_missing_keys_fail_loudly() -> None:
    assert label("status", "brand_new_code") == "brand_new_code"
    assert label("status", None) == "—"
    with pytest.raises(KeyError):
        t("no.such.key")
