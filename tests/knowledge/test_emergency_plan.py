"""The emergency answer adapts to the danger named: helplines ordered by topic (112 always first) and short safety
advice, each piece with its source; no number that is not a sourced helpline."""

from __future__ import annotations

import re

import pytest

from knowledge.answer import REGISTERS
from knowledge.emergency_answer import render_emergency
from knowledge.emergency_plan import TOPICS, load_plan
from knowledge.programmes import default_knowledge

NUMBER = re.compile(r"\b(112|197|15900|1056|10306|1018|10201)\b")


def numbers_in(register: str, topic: str | None) -> list[str]:
    return NUMBER.findall("\n".join(render_emergency(register, topic=topic).parts).split("Πηγ")[0])


@pytest.mark.parametrize("register", REGISTERS)
@pytest.mark.parametrize(
    ("topic", "first"),
    [
        ("violence", ["112", "15900"]),
        ("child", ["112", "1056"]),
        ("suicide", ["112", "1018", "10306"]),
        ("no_shelter", ["112", "197"]),
        ("medical", ["112"]),
        (None, ["112", "197"]),
    ],
)
def test_the_lines_that_fit_come_right_after_112(register: str, topic: str | None, first: list[str]) -> None:
    found = numbers_in(register, topic)
    assert found[: len(first)] == first


@pytest.mark.parametrize("register", REGISTERS)
@pytest.mark.parametrize("topic", TOPICS)
def test_every_emergency_line_is_listed_whatever_the_topic(register: str, topic: str) -> None:
    lines = {h.number for h in default_knowledge().helplines if h.emergency}
    assert lines <= set(numbers_in(register, topic))


def test_every_piece_of_advice_has_a_source_and_names_only_sourced_numbers() -> None:
    kn = default_knowledge()
    plan = load_plan(kn.data_dir)
    known = {h.number for h in kn.helplines}
    assert plan.advice["violence"]  # how to delete the chat
    for topic, items in plan.advice.items():
        for advice in items:
            # a page to open, or — where the facts give no full address (reader.gr) — a named source and why
            named = advice.source.title is not None and advice.source.note is not None
            assert (advice.source.url or named) and advice.source.checked, topic
            for register in REGISTERS:
                assert set(re.findall(r"\b\d{3,5}\b", advice.text[register])) <= known, (topic, register)


@pytest.mark.parametrize("register", REGISTERS)
def test_the_advice_and_its_source_are_in_the_answer(register: str) -> None:
    answer = "\n".join(render_emergency(register, topic="violence").parts)
    assert "Telegram" in answer and "sos15900@isotita.gr" in answer
    assert "online-tech-tips.com" in answer  # the advice's source is cited like every line's
