"""What the two questionnaires (the eligibility pre-check and "what can I get?") share: the answer keyboards, the
question counter, the confirmation of what the conversation memory already knows, and leaving for another topic
with the answers kept as a draft.

Buttons carry the question they answer (`<prefix>:<question>:<value>`: y | n | u, or a number for the household
counts, `more` for "6+"), so a button from an earlier question is recognised as stale and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.handlers.menu import main_menu_markup
from bot.handlers.topics import show_topic
from bot.memory import confirmation_text, restored_among
from bot.nlu_access import cached_parse
from bot.ui import acknowledge, keyboard, register_of, send_text
from knowledge import answers
from knowledge.eligibility import AMOUNT_KEYS, COUNT_KEYS, MAX_PEOPLE, UNKNOWN_ALLOWED, YES_NO_KEYS, question
from knowledge.messages import plain, t
from nlu.types import FALLBACK

CANCEL = "x"
MEMORY = "mem"
RESUME = "resume"
MORE = "more"
# A button's answer: yes, no, "I don't know".
BUTTON_VALUES: Mapping[str, bool | None] = {"y": True, "n": False, "u": None}
# Number buttons: adults from 1, children from 0, up to "6+" (which asks for the number to be typed).
FIRST_NUMBER = {"adults": 1, "minors": 0}
LAST_NUMBER = 6
# A sure request for another flow, while questions wait: its menu button (the flow starts with one tap).
OTHER_FLOWS: Mapping[str, tuple[str, str]] = {
    "book_appointment": ("btn_book", "m:book"),
    "my_appointments": ("btn_my_appointments", "m:appts"),
    "cancel_appointment": ("btn_my_appointments", "m:appts"),
    "reschedule_appointment": ("btn_my_appointments", "m:appts"),
    "human_handoff": ("btn_person", "m:handoff"),
    "centre_info": ("btn_centre", "m:centre"),
    "help": ("btn_help", "m:help"),
}
# Leaving the questions for a topic needs a sure reading: a half-understood answer ("πολλά λεφτά") is better
# met with the question again than with an answer about something else.
LEAVE_CONFIDENCE = 0.8

# The amount questions' one button: "nothing came in" (0), so the pre-check can be finished without typing.
NO_INCOME = "0"

Value = bool | int | Decimal | None


def question_markup(
    prefix: str, key: str, register: str, *, extra: list[tuple[str, str]] | None = None
) -> InlineKeyboardMarkup:
    """Number buttons (0–6+) for the household counts, yes/no for yes/no questions, "nothing" (0 €) for the income
    questions, "I don't know" where that is an answer, and a way out."""
    rows: list[list[tuple[str, str]]] = []
    if key in COUNT_KEYS:
        numbers = [(str(n), f"{prefix}:{key}:{n}") for n in range(FIRST_NUMBER[key], LAST_NUMBER)]
        numbers.append((f"{LAST_NUMBER}+", f"{prefix}:{key}:{MORE}"))
        rows.extend(numbers[i : i + 4] for i in range(0, len(numbers), 4))
    if key in YES_NO_KEYS:
        rows.append(
            [
                (plain("ans_btn_yes", register), f"{prefix}:{key}:y"),
                (plain("ans_btn_no", register), f"{prefix}:{key}:n"),
            ]
        )
    if key in AMOUNT_KEYS:
        rows.append([(plain("ans_btn_no_income", register), f"{prefix}:{key}:{NO_INCOME}")])
    if key in UNKNOWN_ALLOWED:
        rows.append([(plain("ans_btn_dont_know", register), f"{prefix}:{key}:u")])
    if extra:
        rows.extend([[button] for button in extra])
    rows.append([(plain("btn_cancel", register), f"{prefix}:{CANCEL}")])
    return keyboard(rows)


def counter(register: str, n: int, total: int, shown_total: int) -> str:
    """ "Question n of N" with N as first announced; when answers made later questions unnecessary, the last one
    is called the last rather than renumbered ("3 of 3" after "2 of 4")."""
    if total < shown_total and n == total:
        return t("mem_question_last", register)
    return t("ans_question_number", register, n=n, total=max(total, shown_total))


async def send_question(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    prefix: str,
    key: str,
    count: str,
    *,
    extra: list[tuple[str, str]] | None = None,
) -> None:
    register = register_of(context)
    text = f"<i>{count}</i>\n{question(key, register)}"
    await send_text(update, text, question_markup(prefix, key, register, extra=extra))


def button_answer(data: str, prefix: str, key: str) -> tuple[bool, Value]:
    """(valid, value) of a pressed answer button for question `key`; invalid when stale, forged or not an
    answer this question accepts."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != prefix or parts[1] != key:
        return False, None
    if key in COUNT_KEYS:
        if not parts[2].isdigit() or not FIRST_NUMBER[key] <= int(parts[2]) <= MAX_PEOPLE:
            return False, None
        return True, int(parts[2])
    if key in AMOUNT_KEYS and parts[2] == NO_INCOME:
        return True, Decimal(0)
    if parts[2] not in BUTTON_VALUES:
        return False, None
    value = BUTTON_VALUES[parts[2]]
    if value is None and key not in UNKNOWN_ALLOWED:
        return False, None
    if value is not None and key not in YES_NO_KEYS:
        return False, None
    return True, value


def is_more_button(data: str, prefix: str, key: str) -> bool:
    return data == f"{prefix}:{key}:{MORE}" and key in COUNT_KEYS


async def offer_known(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str, facts: Mapping[str, Any], *, again: bool = False
) -> None:
    """What the memory knows, said back once: [Yes] keeps it and skips those questions, [Change] asks them."""
    register = register_of(context)
    if again:
        await send_text(update, t("mem_confirm_again", register))
    await send_text(
        update,
        confirmation_text(facts, register, restored=restored_among(context.user_data, facts)),
        keyboard(
            [
                [
                    (plain("mem_btn_yes", register), f"{prefix}:{MEMORY}:y"),
                    (plain("mem_btn_change", register), f"{prefix}:{MEMORY}:n"),
                ],
                [(plain("btn_cancel", register), f"{prefix}:{CANCEL}")],
            ]
        ),
    )


async def left_for_topic(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str) -> bool:
    """A message that is not an answer but clearly asks about a topic ("επίδομα παιδιών" while we wait for a
    number) or for another flow ("θέλω ραντεβού"): the person has moved on, so answer the topic (or offer the
    flow's button) instead of repeating the question. The answers stay as a draft, one tap from resuming
    (`<prefix>:resume`). False when the message is not such a request."""
    message = update.effective_message
    parse = cached_parse(message) if message is not None else None
    if parse is None or parse.intent == FALLBACK or parse.confidence < LEAVE_CONFIDENCE:
        return False
    register = register_of(context)
    resume = [(plain("mem_btn_resume", register), f"{prefix}:{RESUME}")]
    if parse.intent in answers.topics():
        await show_topic(update, context, parse.intent)
        await send_text(update, t("mem_flow_left", register), keyboard([resume]))
        return True
    if parse.intent in OTHER_FLOWS:
        label, data = OTHER_FLOWS[parse.intent]
        await send_text(update, t("mem_flow_left_for", register), keyboard([[(plain(label, register), data)], resume]))
        return True
    return False


async def stopped(update: Update, context: ContextTypes.DEFAULT_TYPE, *keys: str) -> int:
    """/cancel or the ✖️ button: drop the answers, say nothing changed, show the menu."""
    await acknowledge(update)
    if context.user_data is not None:
        for key in keys:
            context.user_data.pop(key, None)
    register = register_of(context)
    await send_text(update, t("cancelled", register), main_menu_markup(register))
    return ConversationHandler.END
