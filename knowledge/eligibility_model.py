"""The eligibility pre-check's values: a household as the citizen describes it, a result, its reasons and sources.

knowledge.eligibility computes results from the rules; knowledge.eligibility_parse reads typed answers into a
household. Both raise `EligibilityError` for bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

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
