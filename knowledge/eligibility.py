"""Eligibility pre-check: an indicative "would I qualify, and for how much?" for three schemes.

The rules are data (`knowledge/data/eligibility.yaml`, every figure from the facts file with its
source); this module only computes. The result is never a decision: ΟΠΕΚΑ decides, and the staff of
the Community Centre confirm, so every rendered answer says so.

Scheme ids follow the `check:<scheme>` button contract: min_income | kot_a | housing. The `kot_a`
pre-check covers the electricity social tariff as a whole (ΚΟΤ-Α through the ΕΕΕ criteria, then
ΚΟΤ-Β on annual income); `EligibilityResult.category` says which one matched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from knowledge.eligibility_model import (
    CENT,
    MAX_AMOUNT,
    MAX_PEOPLE,
    EligibilityError,
    EligibilityResult,
    Household,
    Param,
    Reason,
    Source,
)
from knowledge.eligibility_parse import (
    AMOUNT_KEYS,
    COUNT_KEYS,
    UNKNOWN_ALLOWED,
    YES_NO_KEYS,
    normalise,
    parse_answer,
    parse_yes_no,
)
from knowledge.eligibility_render import (
    catalogue_text,
    check_register,
    error_message,
    primary_source,
    question,
    render_result,
)
from knowledge.eligibility_rules import (
    CATALOGUE_FILE,
    QUESTIONS,
    RULES_FILE,
    SCHEMES,
    _likely,
    _money,
    _result,
    catalogue,
    raw_rules,
    resolve_amounts,
    rules,
)
from knowledge.figures import format_euro

# The household, result and answer parsing live in their own modules; they are named here too, so that callers
# import the pre-check from one place.
__all__ = [
    "AMOUNT_KEYS",
    "CATALOGUE_FILE",
    "CENT",
    "CHECKS",
    "COUNT_KEYS",
    "MAX_AMOUNT",
    "MAX_PEOPLE",
    "QUESTIONS",
    "RULES_FILE",
    "SCHEMES",
    "UNKNOWN_ALLOWED",
    "YES_NO_KEYS",
    "EligibilityError",
    "EligibilityResult",
    "Household",
    "Param",
    "Reason",
    "Source",
    "catalogue",
    "catalogue_text",
    "check",
    "check_housing",
    "check_kot",
    "check_min_income",
    "check_register",
    "error_message",
    "format_euro",
    "guaranteed_amount",
    "housing_tier",
    "kot_b_limit",
    "needed_questions",
    "normalise",
    "parse_answer",
    "parse_yes_no",
    "primary_source",
    "question",
    "raw_rules",
    "render_result",
    "resolve_amounts",
    "rules",
]

# ---------------------------------------------------------------------------------------------
# Ελάχιστο Εγγυημένο Εισόδημα (facts C.1)


def guaranteed_amount(h: Household) -> tuple[Decimal, list[Reason]]:
    """The ΕΕΕ guaranteed monthly amount for the household, with the reasons that shaped it."""
    rule = rules()["min_income"]
    reasons: list[Reason] = []
    adults, minors = h.adults, h.minors
    if h.oldest_minor_as_adult:
        adults, minors = adults + 1, minors - 1
        reasons.append(Reason("single_parent_oldest_minor_as_adult", {}))
    amount = (
        _money(rule["first_adult"]) + _money(rule["additional_adult"]) * (adults - 1) + _money(rule["minor"]) * minors
    )
    scale = {k: _money(rule[k]) for k in ("first_adult", "additional_adult", "minor")}
    ceiling = _money(rule["ceiling"])
    capped = min(amount, ceiling)
    # The sentence names the household as the citizen described it (the single-parent reason,
    # said just before, explains the count); the ceiling reason follows it.
    reasons.append(Reason("guaranteed_amount", {"amount": capped, "adults": h.adults, "minors": h.minors, **scale}))
    if amount > ceiling:
        reasons.append(Reason("ceiling_applied", {"ceiling": ceiling, "uncapped": amount}))
    amount = capped
    return amount, reasons


def check_min_income(h: Household) -> EligibilityResult:
    """ΕΕΕ: income of the last 6 months ≤ 6 × guaranteed; payment = guaranteed − income_6m / 6.

    The facts say only "income in the last 6 months is deducted"; we read it as the monthly average
    being deducted (floor 0). docs/eligibility.md records this reading; staff confirm every case.
    """
    rule = rules()["min_income"]
    guaranteed, reasons = guaranteed_amount(h)
    limit = guaranteed * int(rule["income_months"])
    monthly: Decimal | None = None
    likely: bool | None
    if h.income_6m is None:
        likely = None
        reasons.append(Reason("income_unknown", {"limit": limit, "period": "6m"}))
    elif h.income_6m > limit:
        likely = False
        reasons.append(Reason("above_income_limit", {"limit": limit, "income": h.income_6m, "period": "6m"}))
    else:
        likely = True
        reasons.append(Reason("within_income_limit", {"limit": limit, "income": h.income_6m, "period": "6m"}))
        monthly_income = (Decimal(h.income_6m) / int(rule["income_months"])).quantize(CENT, ROUND_HALF_UP)
        monthly = max(Decimal(0), guaranteed - monthly_income)
        if monthly_income > 0:
            reasons.append(
                Reason(
                    "income_deducted",
                    {
                        "income": h.income_6m,
                        "monthly_income": monthly_income,
                        "guaranteed": guaranteed,
                        "amount": monthly,
                        "months": int(rule["income_months"]),
                    },
                )
            )
        if monthly == 0:
            reasons.append(Reason("amount_zero", {}))
        reasons.append(Reason("kot_a_also", {"percent": int(rules()["kot_a"]["kot_a_max_discount_percent"])}))
    if rule.get("assets_checked"):
        reasons.append(Reason("assets_also_checked", {}))
    return _result(
        "min_income",
        likely=likely,
        monthly_amount=monthly,
        guaranteed_amount=guaranteed,
        income_limit=limit,
        income_period="6m",
        reasons=reasons,
    )


# ---------------------------------------------------------------------------------------------
# Κοινωνικό Οικιακό Τιμολόγιο (facts C.7)


def kot_b_limit(h: Household) -> tuple[Decimal, list[Reason]]:
    """The ΚΟΤ-Β annual income limit: the facts' table, else their +4.500/+2.250 rule (flagged)."""
    rule = rules()["kot_a"]
    reasons: list[Reason] = []
    for row in rule["kot_b_table"]:
        if (row["adults"], row["minors"], bool(row["single_parent"])) == (h.adults, h.minors, h.single_parent):
            limit = _money(row["limit"])
            break
    else:
        adults = h.adults + (1 if h.oldest_minor_as_adult else 0)
        minors = h.minors - (1 if h.oldest_minor_as_adult else 0)
        limit = (
            _money(rule["kot_b_first_adult"])
            + _money(rule["kot_b_additional_adult"]) * (adults - 1)
            + _money(rule["kot_b_additional_minor"]) * minors
        )
        maximum = _money(rule["kot_b_maximum"])
        if limit > maximum:
            limit = maximum
            reasons.append(Reason("kot_b_maximum", {"maximum": maximum}))
        reasons.append(
            Reason(
                "limit_extrapolated",
                {
                    "additional_adult": _money(rule["kot_b_additional_adult"]),
                    "additional_minor": _money(rule["kot_b_additional_minor"]),
                },
            )
        )
    if h.disability_67:
        supplement = _money(rule["kot_b_disability_67_supplement"])
        limit += supplement
        reasons.append(Reason("disability_supplement", {"amount": supplement}))
    return limit, reasons


def check_kot(h: Household) -> EligibilityResult:
    """ΚΟΤ-Α if the ΕΕΕ income test holds (6-month income), else ΚΟΤ-Β on annual income."""
    rule = rules()["kot_a"]
    reasons: list[Reason] = []
    kot_a_limit, _ = guaranteed_amount(h)
    kot_a_limit *= int(rules()["min_income"]["income_months"])
    discount = int(rule["kot_a_max_discount_percent"])
    if h.income_6m is not None and h.income_6m <= kot_a_limit:
        reasons.append(Reason("kot_a_follows_min_income", {"limit": kot_a_limit, "income": h.income_6m}))
        reasons.append(Reason("kot_a_discount", {"percent": discount}))
        result = _result(
            "kot_a",
            likely=True,
            monthly_amount=None,
            guaranteed_amount=None,
            income_limit=kot_a_limit,
            income_period="6m",
            reasons=reasons,
            category="kot_a",
        )
    else:
        if h.income_6m is not None:
            reasons.append(Reason("kot_a_above_limit", {"limit": kot_a_limit, "income": h.income_6m}))
        limit, limit_reasons = kot_b_limit(h)
        likely: bool | None
        if h.income_year is None:
            likely = None
            reasons.append(Reason("income_unknown", {"limit": limit, "period": "year"}))
        elif h.income_year > limit:
            likely = False
            reasons.append(Reason("above_income_limit", {"limit": limit, "income": h.income_year, "period": "year"}))
        else:
            likely = True
            reasons.append(Reason("within_income_limit", {"limit": limit, "income": h.income_year, "period": "year"}))
        reasons.extend(limit_reasons)
        if likely is False:
            supplement = _money(rule["kot_b_life_support_supplement"])
            reasons.append(Reason("life_support_supplement", {"amount": supplement}))
        result = _result(
            "kot_a",
            likely=likely,
            monthly_amount=None,
            guaranteed_amount=None,
            income_limit=limit,
            income_period="year",
            reasons=reasons,
            category="kot_b" if likely else None,
        )
    if rule.get("yearly_application"):
        result.reasons.append(Reason("yearly_application", {}))
    if rule.get("assets_checked"):
        result.reasons.append(Reason("assets_also_checked", {}))
    return result


# ---------------------------------------------------------------------------------------------
# Επίδομα Στέγασης (facts C.3)


def housing_tier(h: Household) -> int:
    """Index (0-4) of the household type in the housing table."""
    tiers = rules()["housing"]["tiers"]
    index = min(h.members, len(tiers)) - 1
    if h.single_parent:
        for i, tier in enumerate(tiers):
            minors = tier.get("single_parent_minors")
            if minors is not None and h.minors >= minors:
                index = max(index, i)
    return index


def check_housing(h: Household) -> EligibilityResult:
    rule = rules()["housing"]
    index = housing_tier(h)
    tier = rule["tiers"][index]
    amount, limit = _money(tier["monthly"]), _money(tier["annual_income_limit"])
    reasons: list[Reason] = [
        Reason("housing_tier", {"tier": index + 1, "amount": amount, "limit": limit, "single_parent": h.single_parent})
    ]
    renting: bool | None = h.rents_home
    if renting is None:
        reasons.append(Reason("housing_status_unknown", {}))
    elif not renting:
        reasons.append(Reason("not_renting", {}))
    income_ok: bool | None
    if h.income_year is None:
        income_ok = None
        reasons.append(Reason("income_unknown", {"limit": limit, "period": "year"}))
    elif h.income_year > limit:
        income_ok = False
        reasons.append(Reason("above_income_limit", {"limit": limit, "income": h.income_year, "period": "year"}))
    else:
        income_ok = True
        reasons.append(Reason("within_income_limit", {"limit": limit, "income": h.income_year, "period": "year"}))
    if h.members == 1 and rule.get("students_under_25_not_single"):
        reasons.append(Reason("student_note", {}))
    if rule.get("assets_checked"):
        reasons.append(Reason("assets_also_checked", {}))
    likely = _likely(renting, income_ok)
    return _result(
        "housing",
        likely=likely,
        monthly_amount=amount if likely else None,
        guaranteed_amount=amount,
        income_limit=limit,
        income_period="year",
        reasons=reasons,
    )


CHECKS: Mapping[str, Callable[[Household], EligibilityResult]] = {
    "min_income": check_min_income,
    "kot_a": check_kot,
    "housing": check_housing,
}


def check(scheme: str, h: Household) -> EligibilityResult:
    """Dispatch on a `check:<scheme>` id."""
    try:
        return CHECKS[scheme](h)
    except KeyError:
        raise EligibilityError("unknown_scheme") from None


def needed_questions(scheme: str) -> tuple[str, ...]:
    """The questions the bot asks for a scheme, in order (single_parent only when there are minors)."""
    return {
        "min_income": ("adults", "minors", "single_parent", "income_6m"),
        "kot_a": ("adults", "minors", "single_parent", "income_6m", "income_year"),
        "housing": ("adults", "minors", "single_parent", "rents_home", "income_year"),
    }[scheme]
