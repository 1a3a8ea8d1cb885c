"""What a message says about the citizen's situation: household, work, housing, income and the topic asked about.

"είμαι άνεργη με 2 παιδιά", "mono ego", "me enoikio", "μονογονεϊκή", "thelw rantevou gia to epidoma paidiou":
the conversation memory (`bot.memory`) keeps these so that no questionnaire asks them again. Matching runs on
the folded text of `nlu.normalise` (accents, capitals, Greeklish and phonetic spellings meet there); offsets
index the original text, as for every other entity.

Entities and their values:
  `adults`          "1".."20"  ("μόνο εγώ", "εγώ και ο άντρας μου", "3 ενήλικες")
  `minors`          "0".."20"  ("2 παιδιά", "dyo paidia", "χωρίς παιδιά", "2 chave")
  `single_parent`   "yes"      ("μονογονεϊκή", "μόνη μου με τα παιδιά")
  `work`            "unemployed" | "employed"
  `housing`         "renting" | "owner"
  `income`          "<amount>|<period>", period month | 6m | year ("300 ευρώ τον μήνα")
  `topic`           an ask_* intent ("επίδομα παιδιού" -> ask_child_benefit)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nlu.normalise import fold, fold_spans
from nlu.types import Entity

__all__ = ["SITUATION_ENTITIES", "find_situation"]

SITUATION_ENTITIES = frozenset({"adults", "minors", "single_parent", "work", "housing", "income", "topic"})
MAX_PEOPLE = 20


class _Alt(str):
    """A regex alternation of folded forms, longest first, that remembers the first word of each form."""

    firsts: frozenset[str]


def _alt(words: Iterable[str]) -> _Alt:
    forms = sorted({fold(w) for w in words if fold(w)}, key=len, reverse=True)
    alt = _Alt("|".join(re.escape(f) for f in forms))
    alt.firsts = frozenset(f.split(" ")[0] for f in forms)
    return alt


class _Pattern:
    """A household pattern and its anchors: words one of which every match contains as a whole word.

    Each pattern begins with a look-behind, which leaves sre no literal to skip ahead by: it tries the pattern at
    every position of the message. Most messages state no household fact, so a pattern runs only on a message that
    has one of its anchors among its words (a set intersection). An anchor is the first word of the forms of an
    alternation that the pattern has between word boundaries (`_B` or a space before, `_E` or a space after).
    `tests/nlu/test_situation_anchors.py` checks that no pattern matches a message without one of its anchors.
    """

    def __init__(self, regex: str, *anchors: _Alt) -> None:
        self.regex = re.compile(regex)
        self.anchors = frozenset().union(*(a.firsts for a in anchors))


_NUMBER_WORDS: dict[int, tuple[str, ...]] = {
    0: ("κανένα", "κανένας", "καθόλου", "kanena", "no", "zero"),
    1: ("ένα", "ένας", "μία", "μια", "ena", "enas", "mia", "one", "jek"),
    2: ("δύο", "δυο", "dyo", "dio", "duo", "two", "duj"),
    3: ("τρία", "τρεις", "tria", "treis", "three", "trin"),
    4: ("τέσσερα", "τέσσερις", "tessera", "four", "shtar"),
    5: ("πέντε", "pente", "five"),
    6: ("έξι", "exi", "six"),
    7: ("επτά", "εφτά", "seven"),
    8: ("οκτώ", "οχτώ", "eight"),
}
_VALUE_OF = {fold(w): n for n, words in _NUMBER_WORDS.items() for w in words}
_NUM = rf"(?P<n>\d{{1,2}}|{_alt(w for ws in _NUMBER_WORDS.values() for w in ws)})"
_B, _E = r"(?<![^\s])", r"(?![^\s])"

_CHILD = _alt(
    [
        "παιδιά",
        "παιδί",
        "παιδάκια",
        "παιδάκι",
        "παιδιών",
        "τέκνα",
        "ανήλικα",
        "ανήλικους",
        "chave",
        "chavorre",
        "children",
        "child",
        "kids",
        "kid",
        "paidia",
    ]
)
_ADULT = _alt(["ενήλικες", "ενήλικοι", "ενήλικας", "μεγάλοι", "μεγάλους", "adults", "adult", "grown ups"])
_WITHOUT = _alt(["χωρίς", "without", "no", "δεν έχω", "δεν έχουμε", "den exo", "den exoume", "have no"])
_NO_CHILDREN = _Pattern(rf"{_B}(?:{_WITHOUT}) (?:{_CHILD}){_E}", _CHILD)
_SMALL = _alt(["μικρά", "ανήλικα", "small", "little"])
_MINORS = _Pattern(rf"{_B}{_NUM} (?:(?:{_SMALL}) )?(?:{_CHILD}){_E}", _CHILD)
_ADULTS = _Pattern(rf"{_B}{_NUM} (?:{_ADULT}){_E}", _ADULT)
_ALONE_WORDS = _alt(
    [
        "μόνο εγώ",
        "μόνος μου",
        "μόνη μου",
        "ζω μόνος",
        "ζω μόνη",
        "just me",
        "only me",
        "i live alone",
        "mono ego",
        "monos mou",
        "moni mou",
    ]
)
_ALONE = _Pattern(rf"{_B}(?:{_ALONE_WORDS}){_E}", _ALONE_WORDS)
_COUPLE_WORDS = _alt(
    [
        "εγώ και ο άντρας μου",
        "εγώ και η γυναίκα μου",
        "με τον άντρα μου",
        "με τη γυναίκα μου",
        "με τον σύζυγό μου",
        "με τη σύζυγό μου",
        "me and my husband",
        "me and my wife",
        "with my husband",
        "with my wife",
        "εμείς οι δύο",
    ]
)
_COUPLE = _Pattern(rf"{_B}(?:{_COUPLE_WORDS}){_E}", _COUPLE_WORDS)
_SINGLE_WORDS = _alt(
    ["μονογονεϊκή", "μονογονεϊκός", "μονογονέας", "single parent", "single mother", "single father", "monogoneiki"]
)
_ON_MY_OWN = _alt(["μόνη μου", "μόνος μου", "moni mou", "monos mou", "on my own", "alone"])
_WITH = _alt(["με", "me", "with"])
_THE = _alt(["τα", "το", "ta", "to", "my"])
_SINGLE_PARENT = _Pattern(
    rf"{_B}(?:{_SINGLE_WORDS}){_E}|{_B}(?:{_ON_MY_OWN}) (?:{_WITH}) (?:(?:{_THE}) )?(?:{_NUM} )?(?:{_CHILD}){_E}",
    _SINGLE_WORDS,
    _ON_MY_OWN,
)
_UNEMPLOYED_WORDS = _alt(
    [
        "άνεργος",
        "άνεργη",
        "άνεργοι",
        "άνεργα",
        "unemployed",
        "anergos",
        "anergi",
        "χωρίς δουλειά",
        "χωρίς εργασία",
        "δεν δουλεύω",
        "δεν δουλεύουμε",
        "δεν εργάζομαι",
        "no job",
        "no work",
        "out of work",
        "without work",
        "den doulevo",
    ]
)
_UNEMPLOYED = _Pattern(rf"{_B}(?:{_UNEMPLOYED_WORDS}){_E}", _UNEMPLOYED_WORDS)
_EMPLOYED_WORDS = _alt(["δουλεύω", "εργάζομαι", "i work", "doulevo"])
_EMPLOYED = _Pattern(rf"{_B}(?:{_EMPLOYED_WORDS}){_E}", _EMPLOYED_WORDS)
_RENT_WORDS = _alt(
    [
        "ενοίκιο",
        "ενοίκια",
        "νοίκι",
        "ενοικίου",
        "νοικιάζω",
        "νοικιάζουμε",
        "ενοικιάζω",
        "enoikio",
        "noiki",
        "rent",
        "renting",
        "rented",
        "tenant",
    ]
)
_RENTING = _Pattern(rf"{_B}(?:{_RENT_WORDS}){_E}", _RENT_WORDS)
_OWN_WORDS = _alt(
    [
        "δικό μου σπίτι",
        "δικό μας σπίτι",
        "ιδιόκτητο",
        "σε δικό μας",
        "σε δικό μου",
        "own house",
        "own home",
        "diko mou spiti",
    ]
)
_OWNER = _Pattern(rf"{_B}(?:{_OWN_WORDS}){_E}", _OWN_WORDS)
_PERIODS: dict[str, tuple[str, ...]] = {
    "month": (
        "τον μήνα",
        "το μήνα",
        "μηνιαίως",
        "μηνιαία",
        "κάθε μήνα",
        "a month",
        "per month",
        "monthly",
        "ton mina",
        "to mina",
    ),
    "6m": ("σε 6 μήνες", "σε έξι μήνες", "το εξάμηνο", "στο εξάμηνο", "in 6 months", "6 months"),
    "year": (
        "τον χρόνο",
        "το χρόνο",
        "ετησίως",
        "το έτος",
        "κάθε χρόνο",
        "a year",
        "per year",
        "yearly",
        "ton xrono",
        "to xrono",
    ),
}
_PERIOD_OF = {fold(w): p for p, words in _PERIODS.items() for w in words}
_EURO = _alt(["ευρώ", "euro", "euros", "evro"])
_INCOME = _Pattern(
    rf"{_B}(?P<amount>\d{{1,3}}(?: \d{{3}})+|\d+) (?:{_EURO})(?: (?P<period>{_alt(_PERIOD_OF)}))?{_E}", _EURO
)
# Words that name a topic inside any sentence ("θέλω ραντεβού για το επίδομα παιδιού").
_TOPICS: dict[str, tuple[str, ...]] = {
    "ask_child_benefit": (
        "επίδομα παιδιού",
        "επίδομα παιδιών",
        "επιδόματος παιδιού",
        "παιδικό επίδομα",
        "Α21",
        "επίδομα γέννησης",
        "child benefit",
        "epidoma paidiou",
        "epidoma paidion",
    ),
    "ask_min_income": (
        "ΚΕΑ",
        "ΕΕΕ",
        "ελάχιστο εισόδημα",
        "ελάχιστο εγγυημένο εισόδημα",
        "minimum income",
        "kea",
        "elaxisto eisodima",
    ),
    "ask_housing": ("επίδομα στέγασης", "επίδομα ενοικίου", "housing allowance", "epidoma stegasis"),
    "ask_disability": ("αναπηρία", "αναπηρικό", "επίδομα αναπηρίας", "disability", "anapiria"),
    "ask_energy_bills": (
        "ΚΟΤ",
        "κοινωνικό τιμολόγιο",
        "λογαριασμό ρεύματος",
        "λογαριασμός ρεύματος",
        "social tariff",
        "electricity bill",
    ),
    "ask_food_aid": ("τρόφιμα", "συσσίτιο", "τροφίμων", "food aid", "food parcel"),
    "ask_employment": ("ΔΥΠΑ", "ΟΑΕΔ", "επίδομα ανεργίας", "βρω δουλειά", "find a job", "unemployment benefit"),
    "ask_psychosocial": ("ψυχολόγο", "ψυχολόγος", "ψυχολογική υποστήριξη", "psychologist"),
    "ask_legal_info": ("νομική βοήθεια", "δικηγόρο", "lawyer", "legal aid"),
    "ask_elderly_care": ("Βοήθεια στο Σπίτι", "ΚΑΠΗ", "ηλικιωμένο", "ηλικιωμένους", "elderly"),
}
_TOPIC_OF = {fold(w): intent for intent, words in _TOPICS.items() for w in words}
_TOPIC_WORDS = _alt(_TOPIC_OF)
_TOPIC = _Pattern(rf"{_B}(?:{_TOPIC_WORDS}){_E}", _TOPIC_WORDS)


def _count(word: str) -> int | None:
    value = int(word) if word.isdigit() else _VALUE_OF.get(word)
    return value if value is not None and 0 <= value <= MAX_PEOPLE else None


class _Finder:
    def __init__(self, text: str, spans: tuple[str, list[int], list[int]] | None = None) -> None:
        self.folded, self.starts, self.ends = spans if spans is not None else fold_spans(text)
        self.words = frozenset(self.folded.split())
        self.found: list[Entity] = []

    def add(self, entity: str, value: str, m: re.Match[str]) -> None:
        if m.end() <= m.start():
            return
        start, end = self.starts[m.start()], self.ends[m.end() - 1]
        if any(e.entity == entity and start < e.end and e.start < end for e in self.found):
            return
        self.found.append(Entity(entity, value, start, end))

    def each(self, pattern: _Pattern) -> Iterable[re.Match[str]]:
        return () if pattern.anchors.isdisjoint(self.words) else pattern.regex.finditer(self.folded)


def find_situation(text: str, spans: tuple[str, list[int], list[int]] | None = None) -> list[Entity]:
    """The situation entities of `text`, in order of position (an entity kind never overlaps itself).
    `spans`: `fold_spans(text)` when the caller has it already (the engine folds each message once)."""
    f = _Finder(text, spans)
    for m in f.each(_NO_CHILDREN):
        f.add("minors", "0", m)
    for m in f.each(_MINORS):
        n = _count(m.group("n"))
        if n is not None:
            f.add("minors", str(n), m)
    for m in f.each(_ADULTS):
        n = _count(m.group("n"))
        if n is not None and n >= 1:
            f.add("adults", str(n), m)
    for m in f.each(_SINGLE_PARENT):
        f.add("single_parent", "yes", m)
    if not any(e.entity == "adults" for e in f.found):
        for m in f.each(_COUPLE):
            f.add("adults", "2", m)
        for m in f.each(_ALONE):
            f.add("adults", "1", m)
    for m in f.each(_UNEMPLOYED):
        f.add("work", "unemployed", m)
    if not any(e.entity == "work" for e in f.found):
        for m in f.each(_EMPLOYED):
            f.add("work", "employed", m)
    for m in f.each(_RENTING):
        f.add("housing", "renting", m)
    for m in f.each(_OWNER):
        f.add("housing", "owner", m)
    for m in f.each(_INCOME):
        amount = m.group("amount").replace(" ", "")
        period = _PERIOD_OF.get(m.group("period") or "", "")
        f.add("income", f"{amount}|{period}", m)
    for m in f.each(_TOPIC):
        f.add("topic", _TOPIC_OF[m.group(0)], m)
    return sorted(f.found, key=lambda e: (e.start, e.end, e.entity))
