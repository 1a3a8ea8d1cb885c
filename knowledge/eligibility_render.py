"""The pre-check's words: the result as Telegram HTML, the questions and the kind error messages, per register."""

from __future__ import annotations

import html
import re
from datetime import date

from knowledge.answer import REGISTERS, Answer, Button
from knowledge.eligibility_model import EligibilityError, EligibilityResult, Source
from knowledge.eligibility_rules import catalogue, rules
from knowledge.figures import fill, format_euro
from knowledge.programmes import figure_text, qualified_amounts
from knowledge.templating import environment, split_message


def check_register(register: str) -> None:
    if register not in REGISTERS:
        raise ValueError(f"unknown register {register!r}; expected one of {REGISTERS}")


def catalogue_text(section: str, key: str, register: str) -> str:
    """A text of the pre-check's catalogue, its figures («{min_income.income_months}») filled from the amounts."""
    return fill(catalogue()[section][key][register], qualified_amounts(), register)


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
        figure=lambda ref: figure_text(ref, register),
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
