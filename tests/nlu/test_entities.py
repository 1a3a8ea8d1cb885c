"""Dates, times and phones, in Greek, Greeklish and English, with offsets on the original text."""

from __future__ import annotations

from datetime import date

import pytest

from nlu.entities import extract_entities

TODAY = date(2026, 11, 25)  # a Wednesday


def found(text: str) -> list[tuple[str, str, str]]:
    return [(e.entity, e.value, text[e.start : e.end]) for e in extract_entities(text, TODAY)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("σήμερα", "2026-11-25"),
        ("SIMERA", "2026-11-25"),
        ("αύριο", "2026-11-26"),
        ("avrio", "2026-11-26"),
        ("aurio", "2026-11-26"),
        ("tomorrow", "2026-11-26"),
        ("μεθαύριο", "2026-11-27"),
        ("methavrio", "2026-11-27"),
        ("τη Δευτέρα", "2026-11-30"),
        ("thn deytera", "2026-11-30"),
        ("την Τετάρτη", "2026-12-02"),  # today's weekday named means next week's
        ("Κυριακή", "2026-11-29"),
        ("kuriaki", "2026-11-29"),
        ("on friday", "2026-11-27"),
        ("25/12", "2026-12-25"),
        ("25-12-2026", "2026-12-25"),
        ("1/2", "2027-02-01"),
        ("25 Δεκεμβρίου", "2026-12-25"),
        ("3 Ιανουαρίου", "2027-01-03"),
    ],
)
def test_dates(text: str, value: str) -> None:
    dates = [(v, s) for kind, v, s in found(text) if kind == "date"]
    assert len(dates) == 1
    assert dates[0][0] == value
    assert dates[0][1].strip()


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("στις 10", "10:00", "10"),
        ("stis 10:30", "10:30", "10:30"),
        ("στις 10.30", "10:30", "10.30"),
        ("στις 3", "15:00", "3"),
        ("5 το απόγευμα", "17:00", "5 το απόγευμα"),
        ("στις 9 π.μ.", "09:00", "9 π.μ."),
        ("at 3pm", "15:00", "3pm"),
        ("10am", "10:00", "10am"),
        ("το πρωί", "morning", "πρωί"),
        ("to prwi", "morning", "prwi"),
        ("το απόγευμα", "afternoon", "απόγευμα"),
        ("to apogeuma", "afternoon", "apogeuma"),
        ("βράδυ", "evening", "βράδυ"),
        ("in the morning", "morning", "morning"),
    ],
)
def test_times(text: str, value: str, surface: str) -> None:
    assert [(v, s) for kind, v, s in found(text) if kind == "time"] == [(value, surface)]


def test_date_and_time_together() -> None:
    assert found("Θέλω ραντεβού αύριο το πρωί") == [
        ("date", "2026-11-26", "αύριο"),
        ("time", "morning", "πρωί"),
    ]
    assert found("avrio to prwi") == [("date", "2026-11-26", "avrio"), ("time", "morning", "prwi")]
    assert found("τη Δευτέρα στις 10:30") == [("date", "2026-11-30", "Δευτέρα"), ("time", "10:30", "10:30")]


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("6912345678", "+306912345678"),
        ("694 123 4567", "+306941234567"),
        ("69-1234-5678", "+306912345678"),
        ("+30 694 123 4567", "+306941234567"),
        ("0030 2310 123456", "+302310123456"),
        ("2461025155", "+302461025155"),
        ("210-123-4567", "+302101234567"),
    ],
)
def test_phones(text: str, e164: str) -> None:
    message = f"πάρτε με στο {text}, ευχαριστώ"
    assert found(message) == [("phone", e164, text)]


def test_numbers_that_are_not_entities() -> None:
    assert found("έχω 3 παιδιά και είμαι 45 χρονών") == []
    assert found("πήρα 534 ευρώ") == []
    assert found("12345") == []


def test_phone_is_not_read_as_date_or_time() -> None:
    assert [k for k, _, _ in found("6912345678 αύριο")] == ["phone", "date"]


def test_default_today_is_athens() -> None:
    # Without `today`, "σήμερα" resolves to a real date.
    (entity,) = extract_entities("σήμερα")
    assert date.fromisoformat(entity.value)


def test_the_verb_pefti_is_not_thursday() -> None:
    """ "Πότε πέφτει το ΚΕΑ" asks when a benefit is paid; it names no day."""
    assert [e for e in extract_entities("ΠΟΤΕ ΠΕΦΤΕΙ ΤΟ ΚΕΑ", today=date(2026, 11, 25)) if e.entity == "date"] == []
    thursday = [e for e in extract_entities("ραντεβού την Πέμπτη", today=date(2026, 11, 25)) if e.entity == "date"]
    assert [e.value for e in thursday] == ["2026-11-26"]
