"""Evaluation report: figures computed from real parses, for any NluEngine."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.builtin import train
from nlu.evaluate import evaluate
from nlu.types import FALLBACK, Parse

FIXTURES = Path(__file__).parent / "fixtures"


class Scripted:
    """An NluEngine that answers from a table, so the expected figures are known exactly."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    async def parse(self, text: str) -> Parse:
        return Parse(text, self.answers.get(text, FALLBACK), 0.9)


async def test_figures_from_a_scripted_engine() -> None:
    answers = {
        "καλημέρα σας": "greet",
        "geia sas": "greet",
        "θέλω ένα ραντεβού": "book_appointment",
        "8elo rantebou": "greet",
        "τρόφιμα": "ask_food_aid",  # "xreiazomaste fagito" -> fallback
    }
    report = await evaluate(Scripted(answers), [FIXTURES / "test"])
    assert report.total == 6
    assert report.accuracy == pytest.approx(4 / 6)
    greet = report.per_intent["greet"]
    assert (greet.precision, greet.recall, greet.support) == (pytest.approx(2 / 3), 1.0, 2)
    assert report.per_intent["book_appointment"].recall == 0.5
    assert report.per_intent["ask_food_aid"].precision == 1.0
    f1s = [2 * (2 / 3) / (1 + 2 / 3), 2 * 0.5 / 1.5, 2 * 0.5 / 1.5]
    assert report.macro_f1 == pytest.approx(sum(f1s) / 3)
    assert ("ask_food_aid", FALLBACK, 1) in report.confused
    assert ("book_appointment", "greet", 1) in report.confused
    assert report.per_file == {"small_test.yml": (4, 6)}
    assert report.latency_p99_ms >= report.latency_p50_ms >= 0
    text = report.format()
    assert "accuracy 0.667" in text and "small_test.yml" in text
    d = report.as_dict()
    assert d["accuracy"] == round(4 / 6, 4)
    assert d["total"] == 6


async def test_builtin_engine_on_the_fixture() -> None:
    report = await evaluate(train(FIXTURES / "data"), [FIXTURES / "test" / "small_test.yml"])
    assert report.total == 6
    assert report.accuracy >= 5 / 6
