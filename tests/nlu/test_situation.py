"""What a message says about the citizen's situation (nlu.situation), in Greek, Greeklish and English."""

from __future__ import annotations

import pytest

from nlu.situation import find_situation


def found(text: str) -> list[tuple[str, str, str]]:
    return [(e.entity, e.value, text[e.start : e.end]) for e in find_situation(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("τι δικαιούμαι; είμαι άνεργη με 2 παιδιά", [("work", "unemployed", "άνεργη"), ("minors", "2", "2 παιδιά")]),
        (
            "ti dikaioumai? eimai anergi me dyo paidia",
            [("work", "unemployed", "anergi"), ("minors", "2", "dyo paidia")],
        ),
        ("I am unemployed with 2 kids", [("work", "unemployed", "unemployed"), ("minors", "2", "2 kids")]),
        ("με ενοίκιο", [("housing", "renting", "ενοίκιο")]),
        ("me enoikio", [("housing", "renting", "enoikio")]),
        ("μόνο εγώ", [("adults", "1", "μόνο εγώ")]),
        ("χωρίς παιδιά", [("minors", "0", "χωρίς παιδιά")]),
        ("kamav butji, 2 chave", [("minors", "2", "2 chave")]),
        ("εγώ και ο άντρας μου και 4 παιδιά", [("adults", "2", "εγώ και ο άντρας μου"), ("minors", "4", "4 παιδιά")]),
        ("παίρνω 300 ευρώ τον μήνα", [("income", "300|month", "300 ευρώ τον μήνα")]),
        ("1.296 ευρώ σε 6 μήνες", [("income", "1296|6m", "1.296 ευρώ σε 6 μήνες")]),
        ("thelw na kleisw rantevou gia to epidoma paidiou", [("topic", "ask_child_benefit", "epidoma paidiou")]),
        ("Θέλω να μάθω για το ΚΕΑ", [("topic", "ask_min_income", "ΚΕΑ")]),
    ],
)
def test_situation_entities(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(text) == expected


def test_single_parent_with_children() -> None:
    kinds = {(k, v) for k, v, _ in found("μόνη μου με τα 3 παιδιά")}
    assert {("single_parent", "yes"), ("minors", "3"), ("adults", "1")} <= kinds


@pytest.mark.parametrize("text", ["Φλώρινα", "θέλω ραντεβού αύριο", "πονάει ο λαιμός μου", "12345", ""])
def test_nothing_where_nothing_is_said(text: str) -> None:
    assert found(text) == []
