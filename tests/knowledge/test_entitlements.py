""" "What can I get?": which topics are suggested, in what order, and how they are shown."""

from __future__ import annotations

from decimal import Decimal

import pytest

from knowledge.answer import REGISTERS
from knowledge.eligibility import EligibilityError, Household, parse_answer, question
from knowledge.entitlements import ENTITLEMENT_QUESTIONS, Situation, render_suggestions, suggest
from knowledge.readability import check_text

D = Decimal


def intents(situation: Situation) -> list[str]:
    return [s.intent for s in suggest(situation)]


def test_nothing_said_nothing_suggested() -> None:
    assert suggest(Situation()) == []
    assert suggest(Situation(needs_food=False, low_income=False)) == []


def test_each_answer_points_to_its_topic() -> None:
    assert intents(Situation(has_children_under_18=True)) == ["ask_child_benefit"]
    assert intents(Situation(over_67_without_pension=True)) == ["ask_elderly_care"]
    assert intents(Situation(has_disability=True)) == ["ask_disability"]
    assert intents(Situation(unemployed=True)) == ["ask_employment"]
    assert intents(Situation(renting=True)) == ["ask_housing"]
    assert intents(Situation(bills_unpaid=True)) == ["ask_energy_bills"]
    assert intents(Situation(needs_food=True)) == ["ask_food_aid"]


def test_low_income_opens_several_topics_most_relevant_first() -> None:
    assert intents(Situation(low_income=True)) == ["ask_min_income", "ask_energy_bills", "ask_food_aid"]


def test_pressing_needs_come_first_and_each_intent_once() -> None:
    result = suggest(Situation(low_income=True, needs_food=True, bills_unpaid=True, renting=True))
    assert [s.intent for s in result] == ["ask_food_aid", "ask_energy_bills", "ask_min_income", "ask_housing"]
    # The strongest reason wins when two answers point to the same topic.
    assert [s.reason for s in result][:2] == ["needs_food", "bills_unpaid"]


def test_household_precheck_ranks_a_likely_scheme_first() -> None:
    h = Household(1, 2, single_parent=True, income_6m=D(600), income_year=D(3000), rents_home=True)
    result = suggest(Situation(household=h, unemployed=True))
    assert result[0].intent == "ask_min_income"
    assert result[0].reason == "min_income_likely"
    reasons = {s.intent: s.reason for s in result}
    assert reasons["ask_housing"] == "housing_likely"
    assert reasons["ask_energy_bills"] == "kot_likely"
    assert reasons["ask_child_benefit"] == "has_children_under_18"
    assert "ask_employment" in reasons


def test_well_off_household_gets_no_scheme_suggestion() -> None:
    h = Household(2, income_6m=D(20000), income_year=D(40000), rents_home=False)
    assert suggest(Situation(household=h)) == []


def test_from_answers_accepts_parsed_yes_no() -> None:
    answers = {key: parse_answer(key, "ναι") for key in ("needs_food", "renting")}
    answers["unemployed"] = parse_answer("unemployed", "δεν ξέρω")
    situation = Situation.from_answers(answers)
    assert (situation.needs_food, situation.renting, situation.unemployed) == (True, True, None)
    with pytest.raises(EligibilityError):
        Situation.from_answers({"favourite_colour": True})
    with pytest.raises(EligibilityError):
        Situation.from_answers({"renting": "maybe"})


@pytest.mark.parametrize("register", REGISTERS)
def test_entitlement_questions_are_yes_no_in_every_register(register: str) -> None:
    for key in ENTITLEMENT_QUESTIONS:
        text = question(key, register)
        assert "ναι" in text or "yes" in text


@pytest.mark.parametrize("register", REGISTERS)
def test_render_suggestions_buttons_and_disclaimer(register: str) -> None:
    suggestions = suggest(
        Situation(
            low_income=True,
            has_children_under_18=True,
            over_67_without_pension=True,
            has_disability=True,
            unemployed=True,
            renting=True,
            needs_food=True,
            bills_unpaid=True,
        )
    )
    answer = render_suggestions(suggestions, register)
    actions = [b.action for b in answer.buttons]
    assert actions == [f"topic:{s.intent}" for s in suggestions] + ["book", "handoff"]
    assert len(set(actions)) == len(actions)
    text = "\n".join(answer.parts)
    assert {"el": "Κέντρου Κοινότητας", "el-simple": "Κέντρο Κοινότητας", "en": "Community Centre"}[register] in text
    # Every suggestion's label is in the text, so the buttons match what was explained.
    for button in answer.buttons[:-2]:
        assert button.label in text


@pytest.mark.parametrize("register", REGISTERS)
def test_every_reason_code_has_text(register: str) -> None:
    h = Household(1, 1, single_parent=True, income_6m=D(0), income_year=D(0), rents_home=True, disability_67=True)
    every = suggest(
        Situation(
            household=h,
            low_income=True,
            has_children_under_18=True,
            over_67_without_pension=True,
            has_disability=True,
            unemployed=True,
            renting=True,
        )
    )
    lower = suggest(Situation(low_income=True))
    for suggestions in (every, lower):
        render_suggestions(suggestions, register)  # an unknown reason code raises


def test_easy_to_read_suggestions_pass_the_plain_language_check() -> None:
    everything = Situation(
        low_income=True,
        has_children_under_18=True,
        over_67_without_pension=True,
        has_disability=True,
        unemployed=True,
        renting=True,
        needs_food=True,
        bills_unpaid=True,
    )
    texts = [question(key, "el-simple") for key in ENTITLEMENT_QUESTIONS]
    texts += [
        render_suggestions(suggest(everything), "el-simple").parts[0],
        render_suggestions([], "el-simple").parts[0],
    ]
    for text in texts:
        assert check_text(text) == [], text


@pytest.mark.parametrize("register", REGISTERS)
def test_no_suggestions_still_offers_people(register: str) -> None:
    answer = render_suggestions([], register)
    assert answer.parts and answer.parts[0]
    assert [b.action for b in answer.buttons] == ["book", "handoff"]
