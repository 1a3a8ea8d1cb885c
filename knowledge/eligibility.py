"""Eligibility pre-check: an indicative "would I qualify, and for how much?" for three schemes.

The rules are data (`knowledge/data/eligibility.yaml`, every figure from the facts file with its
source); this module only computes. The result is never a decision: ΟΠΕΚΑ decides, and the staff of
the Community Centre confirm, so every rendered answer says so.

Scheme ids follow the `check:<scheme>` button contract: min_income | kot_a | housing. The `kot_a`
pre-check covers the electricity social tariff as a whole (ΚΟΤ-Α through the ΕΕΕ criteria, then
ΚΟΤ-Β on annual income); `EligibilityResult.category` says which one matched.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from knowledge.answer import REGISTERS, Answer, Button
from knowledge.answer_meaning import count_meaning, yes_no_meaning
from knowledge.figures import format_euro
from knowledge.programmes import amount as programme_amount
from knowledge.templating import environment, split_message

RULES_FILE = Path(__file__).parent / "data" / "eligibility.yaml"
CATALOGUE_FILE = Path(__file__).parent / "templates" / "eligibility" / "catalogue.yaml"
SCHEMES: tuple[str, ...] = ("min_income", "kot_a", "housing")
QUESTIONS: tuple[str, ...] = ("adults", "minors", "single_parent", "income_6m", "income_year", "rents_home")

MAX_PEOPLE = 20
# An amount this large is a typing slip (or a joke), not a household income worth pre-checking.
MAX_AMOUNT = Decimal("10000000")
CENT = Decimal("0.01")

Param = Decimal | int | str | bool


class EligibilityError(ValueError):
    """Bad input. `code` is stable; `error_message(code, register)` gives the kind text for it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Reason(NamedTuple):
    """Why the result is what it is: a machine code and its parameters (rendered by the templates)."""

    code: str
    params: Mapping[str, Param]


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    as_of: date | None
    official: bool = False


@dataclass(frozen=True)
class Household:
    """The household as the citizen describes it. None means "not asked yet" or "I don't know"."""

    adults: int
    minors: int = 0
    single_parent: bool = False
    income_6m: Decimal | None = None
    income_year: Decimal | None = None
    rents_home: bool | None = None
    disability_67: bool = False

    def __post_init__(self) -> None:
        for count in (self.adults, self.minors):
            if isinstance(count, bool) or not isinstance(count, int):
                raise EligibilityError("not_a_number")
            if count < 0:
                raise EligibilityError("negative_number")
        if self.adults < 1:
            raise EligibilityError("too_few_adults")
        if self.adults + self.minors > MAX_PEOPLE:
            raise EligibilityError("household_too_large")
        if self.single_parent and self.minors < 1:
            raise EligibilityError("single_parent_needs_minor")
        for income in (self.income_6m, self.income_year):
            if income is None:
                continue
            if not isinstance(income, Decimal | int) or isinstance(income, bool):
                raise EligibilityError("not_an_amount")
            if income < 0:
                raise EligibilityError("negative_number")
            if income > MAX_AMOUNT:
                raise EligibilityError("amount_too_large")

    @property
    def members(self) -> int:
        return self.adults + self.minors

    @property
    def oldest_minor_as_adult(self) -> bool:
        return self.single_parent and self.minors > 0


@dataclass
class EligibilityResult:
    """An indicative pre-check for one scheme.

    likely: True / False, or None when an answer we need is missing.
    monthly_amount: the indicative monthly payment when likely is True (None for the ΚΟΤ, a discount).
    guaranteed_amount: the scheme's full monthly amount for this household before income is taken
        into account (ΕΕΕ guaranteed amount; the housing allowance of the household's type).
    income_limit / income_period: the limit used and whether it is for 6 months ("6m") or a year.
    category: for kot_a, which tariff matched ("kot_a" or "kot_b").
    """

    scheme: str
    likely: bool | None
    monthly_amount: Decimal | None
    guaranteed_amount: Decimal | None
    income_limit: Decimal | None
    income_period: str | None
    reasons: list[Reason] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    applies_from: date | None = None
    checked: str | None = None
    category: str | None = None

    def has(self, code: str) -> bool:
        return any(r.code == code for r in self.reasons)


# ---------------------------------------------------------------------------------------------
# Rules and catalogue


def raw_rules(path: Path = RULES_FILE) -> dict[str, Any]:
    """eligibility.yaml as written: figures a programme states are references {amount: programme.key}."""
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def resolve_amounts(value: Any) -> Any:
    """Replace every {amount: programme.key} by that amount's value and every {since: programme.key} by the date
    it applies from (knowledge/data/programmes): the calculator types no figure of its own."""
    if isinstance(value, dict):
        if set(value) == {"amount"}:
            values = programme_amount(str(value["amount"])).values
            return values[0] if len(values) == 1 else list(values)
        if set(value) == {"since"}:
            return programme_amount(str(value["since"])).since
        return {k: resolve_amounts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_amounts(v) for v in value]
    return value


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    data: dict[str, Any] = resolve_amounts(raw_rules())
    missing = [s for s in SCHEMES if s not in data]
    if missing:
        raise ValueError(f"{RULES_FILE.name}: missing schemes {missing}")
    for scheme in SCHEMES:
        if not data[scheme].get("sources"):
            raise ValueError(f"{RULES_FILE.name}: {scheme} has no sources")
    return data


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, dict[str, str]]]:
    with CATALOGUE_FILE.open(encoding="utf-8") as fh:
        data: dict[str, dict[str, dict[str, str]]] = yaml.safe_load(fh)
    for section, entries in data.items():
        for key, texts in entries.items():
            if set(texts) != set(REGISTERS):
                raise ValueError(f"{CATALOGUE_FILE.name}: {section}.{key} needs every register {REGISTERS}")
    return data


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


def _sources(scheme: str) -> list[Source]:
    return [
        Source(url=s["url"], title=s["title"], as_of=s.get("as_of"), official=bool(s.get("official")))
        for s in rules()[scheme]["sources"]
    ]


def _result(scheme: str, **values: Any) -> EligibilityResult:
    rule = rules()[scheme]
    checked = rule.get("checked")
    return EligibilityResult(
        scheme=scheme,
        sources=_sources(scheme),
        applies_from=rule.get("applies_from"),
        checked=None if checked is None else str(checked),
        **values,
    )


def _likely(*verdicts: bool | None) -> bool | None:
    """All conditions must hold: one failure decides; otherwise one unknown leaves it open."""
    if any(v is False for v in verdicts):
        return False
    if any(v is None for v in verdicts):
        return None
    return True


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


# ---------------------------------------------------------------------------------------------
# Rendering


def check_register(register: str) -> None:
    if register not in REGISTERS:
        raise ValueError(f"unknown register {register!r}; expected one of {REGISTERS}")


def catalogue_text(section: str, key: str, register: str) -> str:
    return catalogue()[section][key][register]


def _date(d: date | None) -> str:
    return "" if d is None else f"{d.day}/{d.month}/{d.year}"


def _checked(value: str | None) -> str:
    """ "2026-11" -> "11/2026"; "2026-11-25" -> "25/11/2026"."""
    if not value:
        return ""
    year, *rest = value.split("-")
    return "/".join([str(int(p)) for p in reversed(rest)] + [year])


def primary_source(result: EligibilityResult) -> Source:
    """The official page if there is one, else the first source."""
    return next((s for s in result.sources if s.official), result.sources[0])


def render_result(result: EligibilityResult, register: str) -> Answer:
    """The pre-check result as Telegram HTML, with documents / book / talk-to-a-person buttons."""
    check_register(register)
    template = environment().get_template(f"eligibility/result.{register}.j2")
    source = primary_source(result)
    text = template.render(
        r=result,
        reasons={reason.code: reason.params for reason in result.reasons},
        money=lambda amount, cents=None: format_euro(amount, register, cents=cents),
        source=source,
        source_host=re.sub(r"^https?://(www\.)?", "", source.url).split("/")[0],
        applies_from=_date(result.applies_from),
        checked=_checked(result.checked),
    )
    docs = rules()[result.scheme]["docs"]
    buttons = (
        Button(catalogue_text("buttons", "docs", register), f"docs:{docs}"),
        Button(catalogue_text("buttons", "book", register), "book"),
        Button(catalogue_text("buttons", "handoff", register), "handoff"),
    )
    return Answer(parts=tuple(split_message(text)), buttons=buttons)


def question(key: str, register: str) -> str:
    """The text of one pre-check (or "what can I get?") question, HTML-escaped for Telegram."""
    check_register(register)
    try:
        return html.escape(catalogue_text("questions", key, register), quote=False)
    except KeyError:
        raise EligibilityError("unknown_question") from None


def error_message(code: str, register: str) -> str:
    """The kind message for an `EligibilityError.code` (falls back to a generic one)."""
    check_register(register)
    texts = catalogue()["errors"]
    return html.escape((texts.get(code) or texts["generic"])[register], quote=False)


# ---------------------------------------------------------------------------------------------
# Understanding answers: digits, Greek words (with or without accents), Greeklish, English


def normalise(text: str) -> str:
    """Lower case, no accents, final sigma as σ, single spaces."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("ς", "σ")
    return " ".join(text.split())


def _words(*groups: tuple[int, str]) -> dict[str, int]:
    return {word: value for value, words in groups for word in words.split()}


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


NUMBER_WORDS: dict[str, int] = _words(
    (0, "μηδεν κανενα κανενασ κανεισ καμια τιποτα miden kanena kanenas kaneis kamia tipota zero none no"),
    (1, "ενα ενασ μια μονοσ μονη ena enas mia monos moni one jek iek"),
    (2, "δυο dyo dio duo dyio two duj dui"),
    (3, "τρια τρεισ tria treis tris three trin"),
    (4, "τεσσερα τεσσερισ tessera tesera tesseris teseris four shtar"),
    (5, "πεντε pente pende five"),
    (6, "εξι exi eksi six"),
    (7, "επτα εφτα epta efta seven"),
    (8, "οκτω οχτω okto oktw oxto oxtw ohto eight"),
    (9, "εννεα εννια ennea enea ennia enia nine"),
    (10, "δεκα deka ten"),
    (11, "εντεκα enteka endeka eleven"),
    (12, "δωδεκα dodeka dwdeka twelve"),
)
YES = _set("ναι ναιι nai ne yes y yeah yep ok οκ okay βεβαιωσ βεβαια σωστα ισχυει μαλιστα αμε ava 👍")
NO = _set("οχι οχ οχιι δεν δε oxi oxii ohi ochi den no n nope nah καθολου 👎")
DONT_KNOW = re.compile(
    r"δεν (το )?ξερω|δε (το )?ξερω|δεν γνωριζω|δεν ειμαι σιγουρ|ξερω γω|den (to )?(xero|kser|ksero|hero)|"
    r"de (to )?(xero|ksero)|don'?t know|not sure|dunno|^\?+$"
)
NOTHING = re.compile(
    r"^(τιποτα|τιποτε|μηδεν|καθολου|κανενα|tipota|miden|katholou|nothing|none|zero)\b|"
    r"δεν (εχω|εχουμε|βγαζω|βγαζουμε|παιρνω|παιρνουμε|μπηκε|μπηκαν)|"
    r"den (exo|eho|exoume|vgazo|pairno|perno)"
)
CURRENCY = re.compile(r"ευρω|ευρο|euros?|eur|evro|evrw|eyro|€")
THOUSANDS = re.compile(r"^\s*(χιλιαδεσ|χιλιαδα|χιλιαρικα|χιλ\.?|xiliades|xiliarika|k|thousands?)\b")
MONTHS_AFTER = re.compile(r"^\s*(μην|mhn|min|month)")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")
TOKEN = re.compile(r"[\w👍👎]+", re.UNICODE)

YES_NO_KEYS = frozenset(
    {
        "single_parent",
        "rents_home",
        "has_children_under_18",
        "over_67_without_pension",
        "has_disability",
        "unemployed",
        "renting",
        "low_income",
        "needs_food",
        "bills_unpaid",
    }
)
AMOUNT_KEYS = frozenset({"income_6m", "income_year"})
COUNT_KEYS = frozenset({"adults", "minors"})
# "I don't know" is an answer we can work with here (the result then says what is missing).
UNKNOWN_ALLOWED = frozenset({"income_6m", "income_year", "rents_home"}) | (YES_NO_KEYS - {"single_parent"})


def parse_answer(key: str, text: str) -> int | bool | Decimal | None:
    """The value of a typed answer to question `key`.

    adults/minors -> int; yes/no questions -> bool; incomes -> Decimal (euro, 2 decimals).
    None means "I don't know" where that is allowed. Raises EligibilityError (a ValueError) otherwise.
    """
    norm = normalise(text)
    if not norm:
        raise EligibilityError("empty_answer")
    if DONT_KNOW.search(norm):
        if key in UNKNOWN_ALLOWED:
            return None
        raise EligibilityError("need_answer")
    if key in COUNT_KEYS:
        meant = count_meaning(key, norm)
        return meant if meant is not None else _parse_count(key, norm)
    if key in YES_NO_KEYS:
        said = yes_no_meaning(key, norm)
        return said if said is not None else _parse_yes_no(norm)
    if key in AMOUNT_KEYS:
        return _parse_amount(norm)
    raise EligibilityError("unknown_question")


def _parse_count(key: str, norm: str) -> int:
    digits = NUMBER.findall(norm)
    values: set[int] = set()
    for d in digits:
        if "." in d or "," in d:
            raise EligibilityError("not_a_number")
        values.add(int(d))
    for token in TOKEN.findall(norm):
        if token in NUMBER_WORDS:
            values.add(NUMBER_WORDS[token])
    # "όχι, δεν έχω" to "how many children?" means none.
    if not values and key == "minors" and (set(TOKEN.findall(norm)) & NO):
        values.add(0)
    if len(values) != 1:
        raise EligibilityError("not_a_number")
    value = values.pop()
    if value < 0:
        raise EligibilityError("negative_number")
    if key == "adults" and value < 1:
        raise EligibilityError("too_few_adults")
    if value > MAX_PEOPLE:
        raise EligibilityError("household_too_large")
    return value


def parse_yes_no(text: str) -> bool:
    """A plain yes or no (any spelling); EligibilityError("not_yes_no") otherwise."""
    return _parse_yes_no(normalise(text))


def _parse_yes_no(norm: str) -> bool:
    tokens = set(TOKEN.findall(norm)) | {norm}
    yes, no = bool(tokens & YES), bool(tokens & NO)
    if yes == no:
        raise EligibilityError("not_yes_no")
    return yes


def _parse_amount(norm: str) -> Decimal:
    if NOTHING.search(norm) and not NUMBER.search(norm):
        return Decimal("0.00")
    text = CURRENCY.sub(" ", norm)
    values: list[Decimal] = []
    for match in NUMBER.finditer(text):
        rest = text[match.end() :]
        if MONTHS_AFTER.match(rest):
            continue  # "600 ευρώ σε 6 μήνες": the 6 is the period, not the amount
        value = _decimal(match.group())
        if THOUSANDS.match(rest):
            value *= 1000
        values.append(value)
    if not values and re.search(r"\b(χιλια|xilia|hilia)\b", text):
        values.append(Decimal(1000))
    if len(values) != 1:
        raise EligibilityError("not_an_amount")
    value = values[0]
    if value < 0:
        raise EligibilityError("negative_number")
    if value > MAX_AMOUNT:
        raise EligibilityError("amount_too_large")
    return value.quantize(CENT, ROUND_HALF_UP)


def _decimal(raw: str) -> Decimal:
    """ "1.296" and "1,296" are thousands (3 digits after); "1296,50" and "1296.5" are decimals."""
    sign = "-" if raw.startswith("-") else ""
    raw = raw.lstrip("-")
    if "." in raw and "," in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands_sep = "." if decimal_sep == "," else ","
        raw = raw.replace(thousands_sep, "").replace(decimal_sep, ".")
    elif "." in raw or "," in raw:
        sep = "." if "." in raw else ","
        head, *groups = raw.split(sep)
        if len(groups) == 1 and len(groups[0]) in (1, 2):
            raw = f"{head}.{groups[0]}"
        elif all(len(g) == 3 for g in groups) and 1 <= len(head) <= 3:
            raw = head + "".join(groups)
        else:
            raise EligibilityError("not_an_amount")
    try:
        return Decimal(sign + raw)
    except InvalidOperation:
        raise EligibilityError("not_an_amount") from None
