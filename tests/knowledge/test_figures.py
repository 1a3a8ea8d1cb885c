"""One formatter for every figure, and the placeholders that name the amounts (knowledge/figures.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from knowledge import answer_parts, answers, eligibility, text_figures
from knowledge.answer import REGISTERS
from knowledge.figures import PlaceholderError, fill, format_euro, format_figure, format_number
from knowledge.programmes import amount, default_knowledge

D = Decimal


@pytest.mark.parametrize(
    ("values", "unit", "register", "text"),
    [
        ((D(8000),), "year", "el", "8.000 €"),
        ((D(8000),), "year", "el-simple", "8.000 €"),
        ((D(8000),), "year", "en", "€8,000"),
        ((D("21.6"),), "day", "el", "21,60 €"),
        ((D("21.6"),), "day", "en", "€21.60"),
        ((D(70), D(42), D(28)), "month", "el", "70 € / 42 € / 28 €"),
        ((D(67),), "percent", "en", "67%"),
        ((D(1328),), "count", "el", "1.328"),
        ((D(1328),), "count", "en", "1,328"),
        ((D(16),), "age", "el-simple", "16"),
    ],
)
def test_one_formatter_for_every_register(values: tuple[Decimal, ...], unit: str, register: str, text: str) -> None:
    assert format_figure(values, unit, register) == text


def test_the_pre_check_and_the_answers_format_money_the_same() -> None:
    for value in (D(216), D(1296), D("116.5"), D(31500)):
        for register in REGISTERS:
            assert format_euro(value, register) == format_figure((value,), "month", register)
            assert eligibility.format_euro(value, register) == format_euro(value, register)
    assert format_number(D(10000), "el") == "10.000" and format_number(D(10000), "en") == "10,000"


def test_placeholders_name_a_value_a_number_or_a_date() -> None:
    figure = SimpleNamespace(values=(D(70), D(42)), unit="month", since=date(2023, 1, 1))
    amounts = {"child": figure}
    assert fill("{child}", amounts, "el") == "70 € / 42 €"
    assert fill("{child[1]} a month", amounts, "en") == "€42 a month"
    assert fill("{child[0]:number}–{child[1]}", amounts, "el") == "70–42 €"
    assert fill("από {child:since}", amounts, "el") == "από 1/1/2023"
    assert fill("from {child:since}", amounts, "en") == "from 1 Jan 2023"
    assert fill("no placeholder {here", amounts, "el") == "no placeholder {here"
    for bad in ("{nothing}", "{child[2]}", "{child:number}"):
        with pytest.raises(PlaceholderError):
            fill(bad, amounts, "el")


def test_no_rendered_answer_shows_a_placeholder() -> None:
    kn = default_knowledge()
    for register in REGISTERS:
        parts = [answers.render_topic(intent, register) for intent in kn.topics]
        for pid, p in kn.programmes.items():
            parts += [answers.render_programme(pid, register), answers.render_documents(pid, register)]
            parts.append(answer_parts.render_how(pid, register))
            if p.categories:
                parts.append(answer_parts.render_categories(pid, register))
        for answer in parts:
            assert not any("{" in part for part in answer.parts), answer.parts


def test_the_calculator_types_no_figure_and_reads_the_programmes_amounts() -> None:
    assert text_figures.typed_rule_figures(eligibility.raw_rules()) == []
    kot = eligibility.rules()["kot_a"]
    assert [row["limit"] for row in kot["kot_b_table"]] == [
        amount(f"kot.{key}").values[0]
        for key in ("kot_b_income_single",)
        + ("kot_b_income_2",) * 2
        + ("kot_b_income_3",) * 2
        + ("kot_b_income_4",) * 3
    ]
    assert kot["kot_b_additional_adult"] == amount("kot.kot_b_extra_adult").values[0] == D(4500)
    assert kot["kot_b_additional_minor"] == amount("kot.kot_b_extra_minor").values[0] == D(2250)
    ee = eligibility.rules()["min_income"]
    assert ee["income_months"] == amount("min_income.income_months").values[0] == D(6)
    assert ee["applies_from"] == amount("min_income.single").since == date(2023, 12, 1)
    # a household beyond the facts' table is computed from the same amounts: 4 adults = 9.000 + 3 × 4.500
    limit, _ = eligibility.kot_b_limit(eligibility.Household(adults=4))
    assert limit == D(9000) + 3 * D(4500)


def test_derived_figures_are_computed_from_amounts() -> None:
    assert amount("min_income.income_limit_single").values == (D(216) * 6,)
    assert amount("kot.kot_a_income_single").values == amount("min_income.income_limit_single").values
    first, third = amount("child_benefit.first_second_child"), amount("child_benefit.third_child_on")
    assert third.values == tuple(v * 2 for v in first.values) == (D(140), D(84), D(56))
