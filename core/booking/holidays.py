"""Days no centre works: Greek public holidays, including the Orthodox movable feasts (Clean Monday, Good
Friday, Easter Monday, Whit Monday), from the `holidays` package."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays as holiday_calendars


@lru_cache(maxsize=16)
def _greek_holidays(year: int) -> frozenset[date]:
    return frozenset(holiday_calendars.country_holidays("GR", years=year).keys())


def is_public_holiday(day: date) -> bool:
    return day in _greek_holidays(day.year)


def holiday_name(day: date, language: str = "el") -> str | None:
    """The holiday's name in Greek (`el`) or English (`en`), or None on an ordinary day."""
    if not is_public_holiday(day):
        return None
    names = holiday_calendars.country_holidays("GR", years=day.year, language="el" if language != "en" else "en_US")
    name = names.get(day)
    return str(name) if name else None
