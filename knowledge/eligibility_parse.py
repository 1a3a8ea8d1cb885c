"""Understanding a typed answer to a pre-check question: digits, Greek words (with or without accents),
Greeklish and English; «I don't know» where the result can do without the answer.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from knowledge.answer_meaning import count_meaning, yes_no_meaning
from knowledge.eligibility_model import CENT, MAX_AMOUNT, MAX_PEOPLE, EligibilityError


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
