"""Every word a console page shows comes from the catalogue (staff_console/catalogue/el.yaml): no template
writes Greek inline (outside a Jinja comment), and every `t('key')` a template calls exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from staff_console.catalogue import text_keys

TEMPLATES = Path(__file__).resolve().parents[2] / "staff_console" / "templates"
GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]+")
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
T_KEY = re.compile(r"""\bt\(\s*(["'])([^"']+)\1""")


def inline_greek(source: str) -> list[str]:
    """Each line (numbered) of a template that has Greek letters outside a Jinja comment: in the HTML, in an
    attribute, or in a string literal of a Jinja expression."""
    without_comments = JINJA_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), source)
    return [
        f"{number}: {line.strip()[:80]}"
        for number, line in enumerate(without_comments.splitlines(), start=1)
        if GREEK.search(line)
    ]


def _templates() -> list[Path]:
    return sorted(TEMPLATES.glob("*.html"))


def test_the_check_finds_greek_in_text_attributes_and_literals_but_not_in_comments() -> None:
    assert inline_greek("{# Σχόλιο για όσους γράφουν το πρότυπο #}\n<p>{{ t('intake.title') }}</p>") == []
    assert inline_greek("<h1>Αίτημα</h1>") == ["1: <h1>Αίτημα</h1>"]
    assert inline_greek('<nav aria-label="Σελίδες"></nav>') != []
    assert inline_greek("{{ name or 'κανείς' }}") != []


@pytest.mark.parametrize("template", _templates(), ids=lambda p: p.name)
def test_no_template_writes_greek_inline(template: Path) -> None:
    found = inline_greek(template.read_text(encoding="utf-8"))
    assert not found, f"{template.name}: Greek belongs in staff_console/catalogue/el.yaml:\n" + "\n".join(found)


def test_every_key_a_template_calls_is_in_the_catalogue() -> None:
    keys = text_keys()
    missing = [
        f"{template.name}: {match.group(2)}"
        for template in _templates()
        for match in T_KEY.finditer(template.read_text(encoding="utf-8"))
        if match.group(2) not in keys
    ]
    assert not missing, missing


def test_templates_use_the_catalogue() -> None:
    calls = sum(len(T_KEY.findall(template.read_text(encoding="utf-8"))) for template in _templates())
    assert calls > 400
