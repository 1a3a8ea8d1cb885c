"""The engine trained on the real data: replies inside a flow are not emergencies, clear danger always is."""

from __future__ import annotations

import pytest

from nlu.builtin import BuiltinEngine


@pytest.fixture
def engine(real_engine: BuiltinEngine) -> BuiltinEngine:
    return real_engine


@pytest.mark.parametrize("reply", ["15", "ένα παιδί", "ενα παιδι", "δύο παιδιά", "3", "kanena"])
def test_a_number_reply_is_not_an_emergency(engine: BuiltinEngine, reply: str) -> None:
    assert engine.parse_sync(reply).intent != "emergency"


@pytest.mark.parametrize(
    "cry",
    [
        "someone is hurting me",
        "χτυπάει το παιδί μου",
        "το παιδί μου κινδυνεύει",
        "θελω να πεθανω",
        "me xtipaei o antras mou",
        "δεν έχω πού να κοιμηθώ απόψε",
    ],
)
def test_clear_danger_is_an_emergency(engine: BuiltinEngine, cry: str) -> None:
    assert engine.parse_sync(cry).intent == "emergency"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("θελω ραντεβου", "book_appointment"),
        ("thelw rantevou", "book_appointment"),
        ("ΠΟΤΕ ΠΕΦΤΕΙ ΤΟ ΚΕΑ", "ask_min_income"),
        ("kamav ραντεβου", "book_appointment"),
    ],
)
def test_the_issue_examples(engine: BuiltinEngine, text: str, intent: str) -> None:
    assert engine.parse_sync(text).intent == intent
