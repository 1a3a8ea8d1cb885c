""" "What can I get?": from a few yes/no answers (and, if known, the household) to the topics worth a look.

This never decides eligibility: it points the citizen to the answers (`topic:<intent>` buttons) and
to the people at the Community Centre. Question texts and yes/no parsing are shared with the
eligibility pre-check (`knowledge.eligibility.question` / `parse_answer`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import NamedTuple

from knowledge.answer import Answer, Button
from knowledge.eligibility import (
    EligibilityError,
    Household,
    catalogue_text,
    check_housing,
    check_kot,
    check_min_income,
    check_register,
)
from knowledge.programmes import figure_text
from knowledge.templating import environment, split_message

# The order the bot asks them in: the pressing needs first, so a citizen who stops early still gets help.
ENTITLEMENT_QUESTIONS: tuple[str, ...] = (
    "needs_food",
    "bills_unpaid",
    "low_income",
    "has_children_under_18",
    "renting",
    "unemployed",
    "has_disability",
    "over_67_without_pension",
)


@dataclass(frozen=True)
class Situation:
    """Answers to the "what can I get?" questions; None = not asked or "I don't know"."""

    household: Household | None = None
    has_children_under_18: bool | None = None
    over_67_without_pension: bool | None = None
    has_disability: bool | None = None
    unemployed: bool | None = None
    renting: bool | None = None
    low_income: bool | None = None
    needs_food: bool | None = None
    bills_unpaid: bool | None = None

    @classmethod
    def from_answers(cls, answers: Mapping[str, object], household: Household | None = None) -> Situation:
        """Build from the bot's answer dict (keys as in ENTITLEMENT_QUESTIONS); unknown keys are an error."""
        known = {f.name for f in fields(cls)} - {"household"}
        unknown = set(answers) - known
        if unknown:
            raise EligibilityError("unknown_question")
        values: dict[str, bool | None] = {}
        for key, value in answers.items():
            if value is not None and not isinstance(value, bool):
                raise EligibilityError("not_yes_no")
            values[key] = value
        return cls(household=household, **values)


class Suggestion(NamedTuple):
    """A topic worth a look: the intent (for a `topic:<intent>` button), why, and how strongly."""

    intent: str
    reason: str
    score: int


# (answer, intent, reason code, score). Higher scores first: what the person says they lack now
# (food, electricity) before what they may be entitled to in general.
RULES: tuple[tuple[str, str, str, int], ...] = (
    ("needs_food", "ask_food_aid", "needs_food", 90),
    ("bills_unpaid", "ask_energy_bills", "bills_unpaid", 85),
    ("low_income", "ask_min_income", "low_income", 80),
    ("over_67_without_pension", "ask_elderly_care", "over_67_without_pension", 80),
    ("has_disability", "ask_disability", "has_disability", 75),
    ("has_children_under_18", "ask_child_benefit", "has_children_under_18", 70),
    ("unemployed", "ask_employment", "unemployed", 65),
    ("renting", "ask_housing", "renting", 60),
    ("low_income", "ask_energy_bills", "low_income_energy", 50),
    ("low_income", "ask_food_aid", "low_income_food", 40),
)
# Used only to break ties the same way every time.
INTENT_ORDER: tuple[str, ...] = (
    "ask_food_aid",
    "ask_energy_bills",
    "ask_min_income",
    "ask_elderly_care",
    "ask_disability",
    "ask_child_benefit",
    "ask_employment",
    "ask_housing",
)


def _household_signals(h: Household) -> list[tuple[str, str, int]]:
    """What the household's own answers add: a likely pre-check result ranks its topic highest."""
    out: list[tuple[str, str, int]] = []
    if check_min_income(h).likely:
        out.append(("ask_min_income", "min_income_likely", 95))
    if check_kot(h).likely:
        out.append(("ask_energy_bills", "kot_likely", 88))
    housing = check_housing(h)
    if housing.likely:
        out.append(("ask_housing", "housing_likely", 78))
    elif h.rents_home:
        out.append(("ask_housing", "renting", 60))
    if h.minors > 0:
        out.append(("ask_child_benefit", "has_children_under_18", 70))
    if h.disability_67:
        out.append(("ask_disability", "has_disability", 75))
    return out


def suggest(answers: Situation) -> list[Suggestion]:
    """Intents worth showing, most relevant first, each once with its strongest reason."""
    candidates: list[tuple[str, str, int]] = [
        (intent, reason, score) for key, intent, reason, score in RULES if getattr(answers, key) is True
    ]
    if answers.household is not None:
        candidates.extend(_household_signals(answers.household))
    best: dict[str, Suggestion] = {}
    for intent, reason, score in candidates:
        if intent not in best or score > best[intent].score:
            best[intent] = Suggestion(intent, reason, score)
    return sorted(best.values(), key=lambda s: (-s.score, INTENT_ORDER.index(s.intent)))


def render_suggestions(suggestions: list[Suggestion], register: str) -> Answer:
    """The suggestions as Telegram HTML, one `topic:<intent>` button each, then book and handoff."""
    check_register(register)
    text = (
        environment()
        .get_template(f"eligibility/suggestions.{register}.j2")
        .render(
            suggestions=suggestions,
            label=lambda intent: catalogue_text("intents", intent, register),
            figure=lambda ref: figure_text(ref, register),
        )
    )
    buttons = [Button(catalogue_text("intents", s.intent, register), f"topic:{s.intent}") for s in suggestions]
    buttons.append(Button(catalogue_text("buttons", "book", register), "book"))
    buttons.append(Button(catalogue_text("buttons", "handoff", register), "handoff"))
    return Answer(parts=tuple(split_message(text)), buttons=tuple(buttons))
