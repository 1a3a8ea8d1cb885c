"""The buttons-only conversations (tests/e2e/scripts/no_typing_simple.chat and buttons_only_*.chat, played by
test_chat_scripts.py like every script) really have no typed line: every action after Telegram's /start is a button
press."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_chat_scripts import parse_script

SCRIPT = Path(__file__).parent / "scripts" / "no_typing_simple.chat"


def test_the_script_books_requests_and_reaches_a_person_with_buttons_only() -> None:
    actions, expected, _forbidden = parse_script(SCRIPT)
    assert actions[0] == "/start"
    typed = [a for a in actions[1:] if not (a.startswith("[") and a.endswith("]"))]
    assert typed == []
    for outcome in ("✅ Κλείσαμε ραντεβού!", "✅ Το αίτημα στάλθηκε!", "Σας συνδέσαμε με το Κέντρο"):
        assert any(outcome in line for line in expected), outcome


def typed_lines(script: Path) -> list[str]:
    actions, _expected, _forbidden = parse_script(script)
    assert actions[0] == "/start"
    return [a for a in actions[1:] if not (a.startswith("[") and a.endswith("]"))]


@pytest.mark.parametrize("register", ["el", "simple", "en"])
def test_pre_check_person_appointments_and_privacy_with_buttons_only(register: str) -> None:
    script = SCRIPT.parent / f"buttons_only_{register}.chat"
    assert typed_lines(script) == []
    actions, _expected, _forbidden = parse_script(script)
    share_or_list = {"[📍 Στείλε τοποθεσία]", "[📍 Share my location]", "[📋 Λίστα Κέντρων]"}
    assert share_or_list & set(actions)  # the handover's place without typing
    for needed in (PRE_CHECK_INCOME[register], PRIVACY[register], FORGET_YES[register]):
        assert needed in actions, needed


PRE_CHECK_INCOME = {"el": "[0 € — δεν μπήκαν χρήματα]", "simple": "[0 € — τίποτα]", "en": "[€0 — no income]"}
PRIVACY = {"el": "[🔒 Τα δεδομένα μου]", "simple": "[🔒 Τα στοιχεία μου]", "en": "[🔒 My data]"}
FORGET_YES = {"el": "[🗑️ Ναι, σβήστε τα]", "simple": "[🗑️ Ναι, σβήστε τα]", "en": "[🗑️ Yes, delete it]"}
