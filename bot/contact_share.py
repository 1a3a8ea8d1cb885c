"""Sharing instead of typing: Telegram's request-contact and request-location keyboard buttons, and the name the
citizen has on Telegram offered to confirm. Used wherever a flow asks for a phone number, a name or a place.

Only the citizen's own contact is taken: a contact card of someone else (forwarded, or picked from the address
book) has another user id, or none, and is refused kindly.
"""

from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from core.phones import normalise_phone
from knowledge.messages import plain

__all__ = [
    "NotOwnContact",
    "location_request_markup",
    "phone_request_markup",
    "remove_keyboard",
    "shared_phone",
    "telegram_name",
]


class NotOwnContact(ValueError):
    """The contact card is not the sender's own."""


def phone_request_markup(register: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(plain("btn_share_phone", register), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def location_request_markup(register: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(plain("btn_share_location", register), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def remove_keyboard() -> ReplyKeyboardRemove:
    return ReplyKeyboardRemove()


def shared_phone(update: Update) -> str | None:
    """The sender's own number from a shared contact (E.164), None if it is not a Greek number; NotOwnContact if the
    card is someone else's."""
    message, user = update.effective_message, update.effective_user
    contact = message.contact if message is not None else None
    if contact is None or user is None or contact.user_id != user.id:
        raise NotOwnContact()
    digits = "".join(ch for ch in contact.phone_number if ch.isdigit() or ch == "+")
    if not digits.startswith("+") and digits.startswith("30") and len(digits) == 12:
        digits = f"+{digits}"  # Telegram often sends the international number without its plus
    return normalise_phone(digits)


def telegram_name(update: Update) -> str | None:
    user = update.effective_user
    name = " ".join((user.full_name or "").split()) if user is not None else ""
    return name or None
