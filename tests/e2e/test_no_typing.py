"""The buttons-only conversation (tests/e2e/scripts/no_typing_simple.chat, played by test_chat_scripts.py like
every script) really has no typed line: every action after Telegram's /start is a button press."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_chat_scripts import parse_script

SCRIPT = Path(__file__).parent / "scripts" / "no_typing_simple.chat"


def test_the_script_books_requests_and_reaches_a_person_with_buttons_only() -> None:
    actions, expected, _forbidden = parse_script(SCRIPT)
    assert actions[0] == "/start"
    typed = [a for a in actions[1:] if not (a.startswith("[") and a.endswith("]"))]
    assert typed == []
    for outcome in ("✅ Κλείσαμε ραντεβού!", "✅ Το αίτημα στάλθηκε!", "Σας συνδέσαμε με το Κέντρο"):
        assert any(outcome in line for line in expected), outcome
