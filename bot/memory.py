"""The conversation memory: what the citizen has told the bot, so that no question is asked twice.

Filled from the NLU's entities of *any* text message (`nlu.situation`: household, work, housing, income, topic;
`place`), and from the answers given in the questionnaires; read by the entitlements finder, the eligibility
pre-check, the request (intake) and booking to prefill their questions. A prefilled answer is always shown once
for confirmation ("Είστε 1 ενήλικας με 2 παιδιά; [Ναι] [Αλλαγή]"), never silently assumed.

Telegram-free: every function takes the user's data mapping (PTB's `context.user_data`). Kept in
`user_data[MEMORY_KEY]` (JSON, written to the database with the rest of the bot's state): for the
conversation only — forgotten after `CONVERSATION_HOURS` of silence; /forget erases all of a user's bot data.

Kept between conversations only with its own consent (bot/handlers/keeping.py): what may be kept
(`core.citizens.KEPT_FACTS`) goes on the citizen record; the next conversation starts with it (`restore`), and
a confirmation of restored facts asks "still true?" (`restored_among`) until the citizen confirms (`settle`) or
says them again. `keep_with_consent` marks the consent, so later answers update the record too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup

from knowledge import answers
from knowledge.figures import format_euro
from knowledge.messages import t
from knowledge.programmes import figure_text
from nlu.situation import find_situation
from nlu.types import FALLBACK, Entity, Parse

MEMORY_KEY = "memory"
CONVERSATION_HOURS = 12
MAX_PEOPLE = 20
# Facts the memory holds, and the JSON type of each value.
HOUSEHOLD = ("adults", "minors", "single_parent")
FACTS = (*HOUSEHOLD, "unemployed", "rents_home", "income_6m", "income_year", "place", "topic")
# Topics a flow can carry (an appointment's subject, a request's category): the answers with a programme.
NOT_A_TOPIC = frozenset({"ask_entitlements", "ask_documents", "ask_events", "volunteer"})
TOPIC_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Facts:
    """What is known; None = not said."""

    values: Mapping[str, Any]

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def has(self, key: str) -> bool:
        return self.values.get(key) is not None

    def only(self, keys: Iterable[str]) -> dict[str, Any]:
        return {k: self.values[k] for k in keys if self.values.get(k) is not None}


def _now() -> datetime:
    return datetime.now(UTC)


UserData = MutableMapping[Any, Any] | None


def _store(data: UserData) -> dict[str, Any] | None:
    if data is None:
        return None
    memory = data.get(MEMORY_KEY)
    if not isinstance(memory, dict) or not isinstance(memory.get("facts"), dict):
        memory = {"facts": {}, "saved": False, "at": _now().isoformat()}
        data[MEMORY_KEY] = memory
    return memory


def _expired(memory: Mapping[str, Any], now: datetime) -> bool:
    try:
        at = datetime.fromisoformat(str(memory.get("at")))
    except ValueError:
        return True
    return now - at > timedelta(hours=CONVERSATION_HOURS)


def recall(data: UserData, now: datetime | None = None) -> Facts:
    """What the citizen has told us in this conversation (or ever, when they let us keep it)."""
    memory = data.get(MEMORY_KEY) if data is not None else None
    if not isinstance(memory, dict) or not isinstance(memory.get("facts"), dict):
        return Facts({})
    if _expired(memory, now or _now()):
        if data is not None:
            data.pop(MEMORY_KEY, None)
        return Facts({})
    return Facts(dict(memory["facts"]))


def remember(data: UserData, **facts: Any) -> None:
    """Keep facts (None values are ignored: "I don't know" does not erase what was said)."""
    memory = _store(data)
    if memory is None:
        return
    if _expired(memory, _now()):
        memory["facts"] = {}
    for key, value in facts.items():
        if key not in FACTS:
            raise ValueError(f"unknown fact {key!r}")
        if value is None:
            continue
        memory["facts"][key] = str(value) if isinstance(value, Decimal) else value
        if key in (memory.get("restored") or []):  # said again in this conversation: no longer "last time"
            memory["restored"] = [k for k in memory["restored"] if k != key]
    if memory["facts"].get("minors") == 0:
        memory["facts"].pop("single_parent", None)
    memory["at"] = _now().isoformat()


def keep_with_consent(data: UserData) -> None:
    """The citizen agreed that what they tell the bot is kept on their record: what they say later (the answers
    of the next questionnaire) updates it, without asking again."""
    memory = _store(data)
    if memory is not None:
        memory["kept"] = True


def is_kept(data: UserData) -> bool:
    memory = data.get(MEMORY_KEY) if data is not None else None
    return isinstance(memory, dict) and bool(memory.get("kept"))


def restore(data: UserData, kept: Mapping[str, Any]) -> None:
    """The start of a conversation: what the citizen let us keep comes back (what they said already in this
    conversation wins); marked as restored, so that it is confirmed with "still true?"."""
    memory = _store(data)
    if memory is None:
        return
    memory["checked"] = True
    added = [k for k, v in kept.items() if k in FACTS and v is not None and memory["facts"].get(k) is None]
    for key in added:
        memory["facts"][key] = kept[key]
    memory["restored"] = sorted({*(memory.get("restored") or []), *added})
    memory["kept"] = True


def needs_restore(data: UserData, now: datetime | None = None) -> bool:
    """True once per conversation: the citizen record has not been looked at for kept facts yet."""
    if data is None:
        return False
    recall(data, now)  # an expired memory is dropped first: a new conversation looks again
    memory = data.get(MEMORY_KEY)
    return not (isinstance(memory, dict) and memory.get("checked"))


def mark_checked(data: UserData) -> None:
    memory = _store(data)
    if memory is not None:
        memory["checked"] = True


def restored_among(data: UserData, keys: Iterable[str]) -> bool:
    """Whether any of `keys` came from the record and is not confirmed yet in this conversation."""
    memory = data.get(MEMORY_KEY) if data is not None else None
    restored = memory.get("restored") if isinstance(memory, dict) else None
    return isinstance(restored, list) and any(k in restored for k in keys)


def settle(data: UserData) -> None:
    """The citizen confirmed what was offered: restored facts count as said in this conversation."""
    memory = data.get(MEMORY_KEY) if data is not None else None
    if isinstance(memory, dict):
        memory["restored"] = []


def withdraw(data: UserData) -> None:
    """The consent withdrawn: restored facts not said again in this conversation are dropped too."""
    memory = data.get(MEMORY_KEY) if data is not None else None
    if isinstance(memory, dict):
        for key in memory.get("restored") or []:
            memory["facts"].pop(key, None)
        memory["restored"], memory["kept"] = [], False


def keep_asked(data: UserData) -> bool:
    memory = data.get(MEMORY_KEY) if data is not None else None
    return isinstance(memory, dict) and bool(memory.get("keep_asked"))


def mark_keep_asked(data: UserData) -> None:
    memory = _store(data)
    if memory is not None:
        memory["keep_asked"] = True


def _count(value: str) -> int | None:
    try:
        n = int(value)
    except ValueError:
        return None
    return n if 0 <= n <= MAX_PEOPLE else None


def facts_from_entities(entities: Iterable[Entity]) -> dict[str, Any]:
    """The memory's facts in a message's entities."""
    facts: dict[str, Any] = {}
    for e in entities:
        if e.entity in ("adults", "minors"):
            n = _count(e.value)
            if n is not None and (e.entity == "minors" or n >= 1):
                facts[e.entity] = n
        elif e.entity == "single_parent":
            facts["single_parent"] = True
        elif e.entity == "work":
            facts["unemployed"] = e.value == "unemployed"
        elif e.entity == "housing":
            facts["rents_home"] = e.value == "renting"
        elif e.entity == "income":
            facts.update(_income(e.value))
        elif e.entity == "place":
            facts["place"] = e.value
        elif e.entity == "topic" and e.value in answers.topics() and e.value not in NOT_A_TOPIC:
            facts["topic"] = e.value
    if facts.get("single_parent") and facts.get("minors") == 0:
        facts.pop("single_parent")
    return facts


def _income(value: str) -> dict[str, Decimal]:
    amount_text, _, period = value.partition("|")
    try:
        amount = Decimal(amount_text)
    except InvalidOperation:
        return {}
    if period == "month":
        return {"income_6m": amount * 6, "income_year": amount * 12}
    if period == "6m":
        return {"income_6m": amount}
    if period == "year":
        return {"income_year": amount}
    return {}


def situation_of(parse: Parse) -> list[Entity]:
    """The message's situation entities, found by the built-in finder when the engine (Rasa) does not report them."""
    entities: list[Entity] = list(parse.entities)
    if not any(e.entity in ("adults", "minors", "work", "housing", "income", "topic") for e in entities):
        entities.extend(find_situation(parse.text))
    return entities


def states_facts(parse: Parse) -> dict[str, Any]:
    """The facts a message *states* («με ενοίκιο», "we pay rent"): none when it asks something (a question mark, or
        a programme named — "how do I apply for the rent allowance?" is a question, not an answer). Greek asks with «;»,
    typed as a semicolon or as the Greek question mark U+037E."""
    entities = situation_of(parse)
    if parse.text.rstrip().endswith(("?", ";", "\u037e")) or any(e.entity == "topic" for e in entities):
        return {}
    return facts_from_entities(entities)


def remember_message(data: UserData, parse: Parse) -> None:
    """Everything a message tells about the citizen, from its entities and, for a topic question, its intent."""
    facts = facts_from_entities(situation_of(parse))
    if (
        "topic" not in facts
        and parse.intent != FALLBACK
        and parse.intent in answers.topics()
        and parse.intent not in NOT_A_TOPIC
        and parse.confidence >= TOPIC_CONFIDENCE
    ):
        facts["topic"] = parse.intent
    if facts:
        remember(data, **facts)


# ---- saying it back -----------------------------------------------------------------------------------------


def summary_lines(facts: Mapping[str, Any], register: str) -> list[str]:
    """One short line per known fact, in the citizen's register, for the confirmation message."""
    lines: list[str] = []
    adults, minors = facts.get("adults"), facts.get("minors")
    if adults is not None and minors is not None:
        lines.append(t("mem_household", register, adults=adults, minors=minors))
    elif adults is not None:
        lines.append(t("mem_adults", register, adults=adults))
    elif minors is not None:
        lines.append(t("mem_minors", register, minors=minors))
    if facts.get("single_parent"):
        lines.append(t("mem_single_parent", register))
    if facts.get("unemployed") is not None:
        lines.append(t("mem_unemployed" if facts["unemployed"] else "mem_employed", register))
    if facts.get("rents_home") is not None:
        lines.append(t("mem_renting" if facts["rents_home"] else "mem_owner", register))
    # The 6-month income is ΕΕΕ's: its months are the programme's figure (min_income.yaml, income_months).
    months = figure_text("min_income.income_months", register)
    for key in ("income_6m", "income_year"):
        if facts.get(key) is not None:
            amount = format_euro(Decimal(str(facts[key])), register)
            lines.append(t(f"mem_{key}", register, amount=amount, months=months))
    if facts.get("place"):
        lines.append(t("mem_place", register, place=facts["place"]))
    return lines


def bullet_lines(facts: Mapping[str, Any], register: str) -> Markup:
    return Markup("\n").join(Markup("• ") + Markup(line) for line in summary_lines(facts, register))


def confirmation_text(facts: Mapping[str, Any], register: str, *, restored: bool = False) -> str:
    """The facts said back; `restored`: they come from an earlier conversation ("still true?")."""
    return t("mem_confirm_kept" if restored else "mem_confirm", register, lines=bullet_lines(facts, register))
