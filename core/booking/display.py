"""How appointments read to people: dates and times in Athens time, in the user's register, with the names
of weekdays and months from the message catalogue; the place as far as it is known (never invented)."""

from __future__ import annotations

from datetime import date, datetime

from core.booking.slots import local
from core.models import Centre
from knowledge import greek
from knowledge.messages import plain


def _names(key: str, register: str) -> list[str]:
    return plain(key, register).split(",")


def day_label(day: date, register: str, *, full: bool = False) -> str:
    """ "Δευ 30/11" for a day button; with `full`, marked as full (waiting list)."""
    key = "bk_day_full_label" if full else "bk_day_label"
    return plain(key, register, weekday=_names("bk_weekdays", register)[day.weekday()], day=day.day, month=day.month)


def _weekday(day: date, register: str, case: str) -> str:
    """The weekday as the sentence needs it: «Παρασκευή» (nom), «την Παρασκευή» (acc), «της Παρασκευής» (gen),
    with the article that agrees («το Σάββατο», «του Σαββάτου»). English has one form."""
    if register == "en" or case == "nom":
        return _names("bk_weekdays_long", register)[day.weekday()]
    return greek.weekday_article(day, case)


def day_text(day: date, register: str, case: str = "nom") -> str:
    """ "Δευτέρα 30 Νοεμβρίου"; `case` acc → «τη Δευτέρα 30 Νοεμβρίου», gen → «της Δευτέρας 30 Νοεμβρίου»."""
    return f"{_weekday(day, register, case)} {day.day} {_names('bk_months', register)[day.month - 1]}"


def time_text(moment: datetime) -> str:
    return local(moment).strftime("%H:%M")


def when_text(moment: datetime, register: str, case: str = "nom") -> str:
    """ "Δευτέρα 30 Νοεμβρίου, 09:00" in Athens time (in a case: «το ραντεβού της Δευτέρας 30 Νοεμβρίου»)."""
    here = local(moment)
    return plain(
        "bk_when",
        register,
        weekday=_weekday(here.date(), register, case),
        day=here.day,
        month=_names("bk_months", register)[here.month - 1],
        time=here.strftime("%H:%M"),
    )


def until_text(moment: datetime, now: datetime, register: str) -> str:
    """Until when something is held: «τις 11:00» today, «την Πέμπτη 26 Νοεμβρίου στις 11:00» on another day."""
    if local(moment).date() == local(now).date():
        return plain("bk_until_time", register, time=time_text(moment))
    return plain("bk_until_day", register, day=day_text(local(moment).date(), register, "acc"), time=time_text(moment))


def service_label(service: str, register: str) -> str:
    return plain(f"svc_{service}", register)


def centre_name(centre: Centre, register: str) -> str:
    return centre.name_en if register == "en" else centre.name_el


def where_text(centre: Centre, register: str) -> str:
    """The address when the facts give one (marked when they doubt it); otherwise the town, saying the address
    is not known."""
    if centre.address:
        meta = (centre.sources or {}).get("address") or {}
        if meta.get("uncertain"):  # as the centre answer does: the year of the source, so nobody relies on it
            return plain("detail_uncertain", register, value=centre.address, year=meta.get("as_of") or "?")
        return plain("bk_where_address", register, address=centre.address)
    town = (centre.town_en if register == "en" else centre.town_el) or centre_name(centre, register)
    return plain("bk_where_unknown", register, town=town)
