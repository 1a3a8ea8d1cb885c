"""The one phone-number normaliser of the product: a Greek number (mobile or landline) as typed, in any common
form (`6912345678`, `691 234 5678`, `+30 691-234-5678`, `0030…`), stored as E.164 (`+306912345678`) by booking,
intake, mediator bookings and the console alike, so that one person's number is one string everywhere."""

from __future__ import annotations

import phonenumbers

REGION = "GR"


def normalise_phone(text: str) -> str | None:
    """A valid Greek number in E.164, or None."""
    value = (text or "").strip()
    if not value or len(value) > 32:
        return None
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != REGION:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """The national form people read and dial (`691 234 5678`); a stored value that does not parse is shown as is."""
    try:
        number = phonenumbers.parse(e164, REGION)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_link(e164: str) -> str:
    """A `tel:` URI for a call button."""
    return f"tel:{e164}"
