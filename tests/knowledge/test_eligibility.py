"""Eligibility pre-check: the worked examples of the facts file, boundaries, parsing and rendering."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from knowledge.answer import REGISTERS
from knowledge.eligibility import (
    QUESTIONS,
    SCHEMES,
    EligibilityError,
    Household,
    catalogue,
    check,
    check_housing,
    check_kot,
    check_min_income,
    error_message,
    format_euro,
    kot_b_limit,
    parse_answer,
    question,
    render_result,
    rules,
)
from knowledge.readability import check_text

D = Decimal
STAFF_CONFIRM = {
    "el": "Το προσωπικό του Κέντρου Κοινότητας θα τον επιβεβαιώσει",
    "el-simple": "Το Κέντρο Κοινότητας θα τον ελέγξει",
    "en": "The staff at the Community Centre will confirm it",
}
INDICATIVE = {"el": "ενδεικτικός", "el-simple": "μόνο ένας <b>υπολογισμός</b>", "en": "only an <b>estimate</b>"}


def codes(result: object) -> list[str]:
    return [r.code for r in result.reasons]  # type: ignore[attr-defined]


# --- Ελάχιστο Εγγυημένο Εισόδημα ------------------------------------------------------------


@pytest.mark.parametrize(
    ("adults", "minors", "single_parent", "expected"),
    [
        (1, 0, False, D(216)),
        (2, 0, False, D(324)),
        (2, 1, False, D(378)),
        (1, 2, True, D(378)),  # 216 + 108 (oldest minor as adult) + 54
        (1, 2, False, D(324)),  # same people, not a single parent: 216 + 54 + 54
        (3, 2, False, D(540)),
    ],
)
def test_min_income_worked_examples_with_no_income(
    adults: int, minors: int, single_parent: bool, expected: Decimal
) -> None:
    result = check_min_income(Household(adults, minors, single_parent, income_6m=D(0)))
    assert result.likely is True
    assert result.guaranteed_amount == expected
    assert result.monthly_amount == expected
    assert result.income_limit == expected * 6


def test_single_parent_reason_is_given() -> None:
    result = check_min_income(Household(1, 2, single_parent=True, income_6m=D(0)))
    assert ("single_parent_oldest_minor_as_adult", {}) in result.reasons


def test_large_household_hits_the_ceiling() -> None:
    # 216 + 3×108 + 10×54 = 1.080 € before the ceiling.
    result = check_min_income(Household(4, 10, income_6m=D(0)))
    assert result.guaranteed_amount == D(972)
    assert result.monthly_amount == D(972)
    ceiling = next(r for r in result.reasons if r.code == "ceiling_applied")
    assert ceiling.params["uncapped"] == D(1080)


def test_income_exactly_at_the_limit_passes_but_pays_nothing() -> None:
    result = check_min_income(Household(1, income_6m=D("1296")))
    assert result.income_limit == D(1296)
    assert result.likely is True
    assert result.monthly_amount == D(0)
    assert "amount_zero" in codes(result)


@pytest.mark.parametrize("income", [D("1297"), D("1296.01")])
def test_income_above_the_limit_fails(income: Decimal) -> None:
    result = check_min_income(Household(1, income_6m=income))
    assert result.likely is False
    assert result.monthly_amount is None
    above = next(r for r in result.reasons if r.code == "above_income_limit")
    assert above.params["limit"] == D(1296)


def test_six_month_income_is_deducted_as_a_monthly_average() -> None:
    result = check_min_income(Household(1, income_6m=D(600)))
    assert result.monthly_amount == D(116)  # 216 − 600/6
    deducted = next(r for r in result.reasons if r.code == "income_deducted")
    assert deducted.params["monthly_income"] == D(100)


def test_deduction_rounds_to_cents() -> None:
    result = check_min_income(Household(2, income_6m=D(1000)))
    assert result.monthly_amount == D("157.33")  # 324 − 166.67


def test_unknown_income_cannot_tell_but_gives_the_guaranteed_amount() -> None:
    result = check_min_income(Household(2, 1))
    assert result.likely is None
    assert result.monthly_amount is None
    assert result.guaranteed_amount == D(378)
    assert "income_unknown" in codes(result)


def test_assets_are_mentioned_never_computed() -> None:
    for scheme in SCHEMES:
        assert "assets_also_checked" in codes(check(scheme, Household(1, income_6m=D(0), income_year=D(0))))


# --- Επίδομα Στέγασης ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adults", "minors", "single_parent", "monthly", "limit"),
    [
        (1, 0, False, 70, 7000),
        (2, 0, False, 105, 10500),
        (1, 1, False, 105, 10500),
        (1, 1, True, 140, 14000),  # single parent + 1 minor counts as 3 members
        (3, 0, False, 140, 14000),
        (1, 2, True, 175, 17500),
        (2, 2, False, 175, 17500),
        (5, 0, False, 210, 21000),
        (2, 6, False, 210, 21000),
        (1, 3, True, 210, 21000),
    ],
)
def test_housing_table(adults: int, minors: int, single_parent: bool, monthly: int, limit: int) -> None:
    at_limit = check_housing(Household(adults, minors, single_parent, income_year=D(limit), rents_home=True))
    assert at_limit.likely is True
    assert at_limit.monthly_amount == D(monthly)
    assert at_limit.income_limit == D(limit)
    above = check_housing(Household(adults, minors, single_parent, income_year=D(limit + 1), rents_home=True))
    assert above.likely is False
    assert above.monthly_amount is None


def test_housing_needs_renting_or_a_mortgage() -> None:
    assert check_housing(Household(1, income_year=D(1000), rents_home=False)).likely is False
    unknown = check_housing(Household(1, income_year=D(1000)))
    assert unknown.likely is None
    assert "housing_status_unknown" in codes(unknown)
    # A definite failure wins over an unknown answer.
    assert check_housing(Household(1, income_year=D(9000))).likely is False


# --- Κοινωνικό Οικιακό Τιμολόγιο -------------------------------------------------------------


@pytest.mark.parametrize("row", rules()["kot_a"]["kot_b_table"])
def test_kot_b_limits_from_the_table(row: dict[str, object]) -> None:
    h = Household(int(row["adults"]), int(row["minors"]), bool(row["single_parent"]))  # type: ignore[call-overload]
    limit, reasons = kot_b_limit(h)
    assert limit == D(str(row["limit"]))
    assert reasons == []


@pytest.mark.parametrize(
    ("adults", "minors", "single_parent", "expected"),
    [
        (1, 0, False, 9000),
        (2, 0, False, 13500),
        (1, 1, True, 13500),
        (2, 1, False, 15750),
        (1, 2, True, 15750),
        (3, 0, False, 18000),
        (2, 2, False, 18000),
        (1, 3, True, 18000),
    ],
)
def test_kot_b_table_matches_the_stated_increments(
    adults: int, minors: int, single_parent: bool, expected: int
) -> None:
    # The facts' rows are 9.000 + 4.500 per further adult + 2.250 per minor, with a single
    # parent's oldest minor counted as an adult: the rule used for larger households.
    adult_units = adults + (1 if single_parent else 0) - 1
    minor_units = minors - (1 if single_parent else 0)
    assert 9000 + 4500 * adult_units + 2250 * minor_units == expected


def test_kot_b_larger_household_is_extrapolated_and_flagged() -> None:
    limit, reasons = kot_b_limit(Household(2, 3))
    assert limit == D(20250)
    assert [r.code for r in reasons] == ["limit_extrapolated"]


def test_kot_b_maximum_and_disability_supplement() -> None:
    limit, reasons = kot_b_limit(Household(6, 4))  # 9.000 + 5×4.500 + 4×2.250 = 40.500 → 31.500
    assert limit == D(31500)
    assert "kot_b_maximum" in [r.code for r in reasons]
    assert kot_b_limit(Household(1, disability_67=True))[0] == D(17000)


def test_kot_a_follows_the_min_income_test() -> None:
    result = check_kot(Household(1, income_6m=D(1296)))
    assert (result.likely, result.category, result.income_limit) == (True, "kot_a", D(1296))
    discount = next(r for r in result.reasons if r.code == "kot_a_discount")
    assert discount.params["percent"] == 70


def test_kot_falls_back_to_kot_b_on_annual_income() -> None:
    h = Household(1, income_6m=D(1297), income_year=D(9000))
    result = check_kot(h)
    assert (result.likely, result.category, result.income_limit) == (True, "kot_b", D(9000))
    assert "kot_a_above_limit" in codes(result)
    over = check_kot(Household(1, income_6m=D(1297), income_year=D(9001)))
    assert over.likely is False
    assert "life_support_supplement" in codes(over)
    assert check_kot(Household(1, income_6m=D(1297))).likely is None


# --- Validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"adults": 0}, "too_few_adults"),
        ({"adults": 1, "minors": -1}, "negative_number"),
        ({"adults": 15, "minors": 6}, "household_too_large"),
        ({"adults": 1, "single_parent": True}, "single_parent_needs_minor"),
        ({"adults": 1, "income_6m": D(-5)}, "negative_number"),
        ({"adults": 1, "income_year": D("1e9")}, "amount_too_large"),
        ({"adults": True}, "not_a_number"),
    ],
)
def test_bad_households_raise_a_code(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(ValueError) as caught:
        Household(**kwargs)  # type: ignore[arg-type]
    assert isinstance(caught.value, EligibilityError)
    assert caught.value.code == code
    # Every code the bot can get has its own kind message, not the generic one.
    for register in REGISTERS:
        assert error_message(code, register) != error_message("generic", register)


def test_unknown_scheme() -> None:
    with pytest.raises(EligibilityError, match="unknown_scheme"):
        check("lottery", Household(1))


# --- Money -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "register", "cents", "text"),
    [
        (D(216), "el", None, "216 €"),
        (D(1296), "el", None, "1.296 €"),
        (D(1296), "el", True, "1.296,00 €"),
        (D("116.5"), "el", None, "116,50 €"),
        (D("31500"), "el-simple", None, "31.500 €"),
        (D("1234567.891"), "el", None, "1.234.567,89 €"),
        (D(1296), "en", None, "€1,296"),
        (D("157.33"), "en", None, "€157.33"),
    ],
)
def test_format_euro(amount: Decimal, register: str, cents: bool | None, text: str) -> None:
    assert format_euro(amount, register, cents=cents) == text


# --- Parsing answers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("adults", "2", 2),
        ("adults", " 2 ", 2),
        ("adults", "δύο", 2),
        ("adults", "ΔΥΟ", 2),
        ("adults", "dyo", 2),
        ("adults", "dio", 2),
        ("adults", "τρεις ενήλικες", 3),
        ("adults", "μένω μόνη μου", 1),
        ("minors", "0", 0),
        ("minors", "κανένα", 0),
        ("minors", "όχι, δεν έχω", 0),
        ("has_children_under_18", "κανένα", False),
        ("has_children_under_18", "none", False),
        ("minors", "tria paidia", 3),
        ("minors", "4 παιδιά", 4),
        ("single_parent", "ναι", True),
        ("single_parent", "Ναί", True),
        ("single_parent", "nai", True),
        ("single_parent", "yes", True),
        ("single_parent", "όχι", False),
        ("single_parent", "oxi", False),
        ("single_parent", "OXI", False),
        ("rents_home", "no", False),
        ("rents_home", "δεν ξέρω", None),
        ("income_6m", "1.296", D("1296.00")),
        ("income_6m", "1296,50", D("1296.50")),
        ("income_6m", "1.296,50", D("1296.50")),
        ("income_6m", "800 ευρώ", D("800.00")),
        ("income_6m", "800€", D("800.00")),
        ("income_6m", "€ 800", D("800.00")),
        ("income_6m", "600 ευρώ σε 6 μήνες", D("600.00")),
        ("income_6m", "τίποτα", D("0.00")),
        ("income_6m", "δεν έχουμε εισόδημα", D("0.00")),
        ("income_6m", "den kserw", None),
        ("income_year", "8 χιλιάδες", D("8000.00")),
        ("income_year", "12.000 euro", D("12000.00")),
        ("income_year", "1296.5", D("1296.50")),
        ("income_year", "1,296.50", D("1296.50")),
    ],
)
def test_parse_answer_variants(key: str, text: str, value: object) -> None:
    assert parse_answer(key, text) == value


@pytest.mark.parametrize(
    ("key", "text", "code"),
    [
        ("adults", "πολλοί", "not_a_number"),
        ("adults", "0", "too_few_adults"),
        ("adults", "2 ή 3", "not_a_number"),
        ("adults", "25", "household_too_large"),
        ("adults", "δεν ξέρω", "need_answer"),
        ("minors", "2,5", "not_a_number"),
        ("single_parent", "ίσως", "not_yes_no"),
        ("single_parent", "ναι και όχι", "not_yes_no"),
        ("income_6m", "λίγα", "not_an_amount"),
        ("income_6m", "-300", "negative_number"),
        ("income_6m", "300 και 200", "not_an_amount"),
        ("income_6m", "1.2.3", "not_an_amount"),
        ("income_6m", "   ", "empty_answer"),
        ("weather", "2", "unknown_question"),
    ],
)
def test_parse_answer_rejects_nonsense(key: str, text: str, code: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_answer(key, text)
    assert isinstance(caught.value, EligibilityError)
    assert caught.value.code == code


# --- Questions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("register", REGISTERS)
@pytest.mark.parametrize("key", QUESTIONS)
def test_questions_exist_with_an_example(key: str, register: str) -> None:
    text = question(key, register)
    assert text.strip()
    # Every question tells the citizen how to answer: a number example or yes/no.
    assert re.search(r"π\.χ\.|e\.g\.|ναι ή όχι|yes or no", text), text
    if register != "en":
        assert "?" not in text  # Greek uses ";" as its question mark


def test_question_in_plain_greek() -> None:
    assert question("adults", "el").startswith("Πόσοι ενήλικες")
    assert "2" in question("adults", "el-simple")


# --- Rendering ---------------------------------------------------------------------------------


@pytest.mark.parametrize("register", REGISTERS)
def test_render_min_income_says_amount_indicative_and_staff_confirm(register: str) -> None:
    answer = render_result(check_min_income(Household(1, income_6m=D(600))), register)
    text = "\n".join(answer.parts)
    assert format_euro(D(116), register) in text
    assert STAFF_CONFIRM[register] in text
    assert INDICATIVE[register] in text
    assert [b.action for b in answer.buttons] == ["docs:min_income", "book", "handoff"]
    assert all(len(part) <= 4096 for part in answer.parts)


@pytest.mark.parametrize("register", REGISTERS)
def test_render_housing_and_kot(register: str) -> None:
    housing = render_result(check_housing(Household(1, 1, True, income_year=D(9000), rents_home=True)), register)
    assert format_euro(D(140), register) in housing.parts[0]
    assert STAFF_CONFIRM[register] in housing.parts[0]
    assert housing.buttons[0].action == "docs:housing"
    kot = render_result(check_kot(Household(1, income_6m=D(500))), register)
    assert "ΚΟΤ-Α" in kot.parts[0]
    assert "70%" in kot.parts[0]
    assert STAFF_CONFIRM[register] in kot.parts[0]


def test_render_shows_source_and_dates_in_el_and_en() -> None:
    el = render_result(check_min_income(Household(1, income_6m=D(0))), "el").parts[0]
    assert 'href="https://opeka.gr/elachisto-engyimeno-eisodima/nomothesia/"' in el
    assert "ισχύει από 1/12/2023" in el
    assert "έλεγχος 11/2026" in el


HOUSEHOLDS = [
    Household(1),
    Household(1, income_6m=D(0)),
    Household(1, income_6m=D(1296), income_year=D(7000), rents_home=True),
    Household(1, 3, True, income_6m=D(99999), income_year=D(99999), rents_home=False, disability_67=True),
    Household(4, 10, income_6m=D(100), income_year=D(50000), rents_home=None),
    Household(6, 4, income_6m=D(100000), disability_67=True),
    Household(2, 3, income_6m=D(5000), income_year=D(19000), rents_home=True),
]


@pytest.mark.parametrize("register", REGISTERS)
def test_every_reason_renders_in_every_register(register: str) -> None:
    seen: set[str] = set()
    for h in HOUSEHOLDS:
        for scheme in SCHEMES:
            result = check(scheme, h)
            seen.update(codes(result))
            text = "\n".join(render_result(result, register).parts)
            assert STAFF_CONFIRM[register] in text
    # The households above reach every reason code the module can produce.
    assert seen >= {
        "guaranteed_amount",
        "single_parent_oldest_minor_as_adult",
        "ceiling_applied",
        "income_unknown",
        "within_income_limit",
        "above_income_limit",
        "income_deducted",
        "amount_zero",
        "kot_a_also",
        "assets_also_checked",
        "kot_a_follows_min_income",
        "kot_a_discount",
        "kot_a_above_limit",
        "kot_b_maximum",
        "limit_extrapolated",
        "disability_supplement",
        "life_support_supplement",
        "yearly_application",
        "housing_tier",
        "housing_status_unknown",
        "not_renting",
        "student_note",
    }


def test_easy_to_read_texts_pass_the_plain_language_check() -> None:
    texts = [question(key, "el-simple") for key in QUESTIONS]
    texts += [error_message(code, "el-simple") for code in catalogue()["errors"]]
    texts += [render_result(check(scheme, h), "el-simple").parts[0] for h in HOUSEHOLDS for scheme in SCHEMES]
    for text in texts:
        assert check_text(text) == [], text


def test_unknown_register_is_refused() -> None:
    with pytest.raises(ValueError):
        render_result(check_min_income(Household(1)), "fr")


def test_every_rule_has_sources_and_dates() -> None:
    for scheme in SCHEMES:
        rule = rules()[scheme]
        assert rule["checked"]
        assert "applies_from" in rule  # may be null: no source states it
        for source in rule["sources"]:
            assert source["url"].startswith("https://")
