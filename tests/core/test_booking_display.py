"""Dates, times and calendar files as people see them: Athens time, Greek names, folded iCalendar lines."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.booking.display import day_label, when_text, where_text
from core.booking.ics import calendar_file
from core.models import Centre


def test_dates_read_in_athens_time_in_each_register() -> None:
    summer = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # the Monday after the change to summer time
    winter = datetime(2026, 10, 26, 7, 0, tzinfo=UTC)  # the Monday after the change back
    assert when_text(summer, "el") == "Δευτέρα 30 Μαρτίου, 09:00"
    assert when_text(winter, "el") == "Δευτέρα 26 Οκτωβρίου, 09:00"
    assert when_text(winter, "el-simple") == "Δευτέρα 26 Οκτωβρίου, ώρα 09:00"
    assert when_text(summer, "en") == "Monday 30 March, 09:00"
    assert day_label(date(2026, 11, 30), "el") == "Δευ 30/11"
    assert "🔔" in day_label(date(2026, 11, 30), "el", full=True)


def test_an_unknown_address_is_never_invented() -> None:
    centre = Centre(
        id="kk-x", kind="centre", name_el="Κέντρο", name_en="Centre", town_el="Φλώρινα", town_en="Florina", address=None
    )
    assert where_text(centre, "el").startswith("Φλώρινα — η ακριβής διεύθυνση δεν είναι ακόμη γνωστή")
    centre.address = "Οδός 1"
    assert where_text(centre, "el") == "Οδός 1"


def test_calendar_file_is_valid_icalendar_in_utc() -> None:
    data = calendar_file(
        uid="appointment-7@koinotita",
        starts_at=datetime(2026, 11, 30, 7, tzinfo=UTC),
        ends_at=datetime(2026, 11, 30, 7, 30, tzinfo=UTC),
        title="Ραντεβού: 👥 Κοινωνικός λειτουργός — Κέντρο Κοινότητας Δήμου Φλώρινας",
        location="Φλώρινα; ακριβής διεύθυνση άγνωστη",
        description=None,
        now=datetime(2026, 11, 25, 10, tzinfo=UTC),
    )
    text = data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20261130T070000Z" in text and "DTEND:20261130T073000Z" in text
    assert "LOCATION:Φλώρινα\\; ακριβής" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Ραντεβού: 👥 Κοινωνικός λειτουργός — Κέντρο Κοινότητας Δήμου Φλώρινας" in unfolded
