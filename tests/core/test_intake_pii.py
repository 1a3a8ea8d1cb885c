"""Recognising and masking ΑΜΚΑ, ΑΦΜ, ID card numbers and IBANs in free text."""

from __future__ import annotations

import logging

from hypothesis import given
from hypothesis import strategies as st

from core.pii import PiiLogFilter, contains_pii, find_pii, is_valid_afm, is_valid_amka, is_valid_iban, mask_pii

VALID_AFM = "090000045"  # a well-known valid test ΑΦΜ (check digit 5)
VALID_IBAN = "GR16 0110 1250 0000 0001 2300 695"


def make_amka(prefix: str) -> str:
    """Complete 10 digits with the Luhn check digit."""
    for last in "0123456789":
        if is_valid_amka(prefix + last):
            return prefix + last
    raise AssertionError("no check digit")


def test_checksums() -> None:
    amka = make_amka("0101901234")
    assert is_valid_amka(amka)
    assert not is_valid_amka(amka[:-1] + str((int(amka[-1]) + 1) % 10))
    assert not is_valid_amka("3213901234" + "5")  # 32/13 is no date
    assert is_valid_afm(VALID_AFM) and not is_valid_afm("090000046")
    assert is_valid_iban(VALID_IBAN) and not is_valid_iban(VALID_IBAN.replace("695", "696"))


def test_every_kind_is_masked_and_ordinary_numbers_are_not() -> None:
    amka = make_amka("1505851234")
    text = (
        f"ΑΜΚΑ μου {amka}, αφμ {VALID_AFM}, ταυτότητα ΑΚ 123456, iban {VALID_IBAN} ok. "
        "Τηλέφωνο 6912345678, 3 παιδιά, γεννήθηκα το 1985, ΤΚ 50100."
    )
    masked = mask_pii(text)
    assert amka not in masked and VALID_AFM not in masked and "ΑΚ 123456" not in masked and "0110" not in masked
    assert [m.kind for m in find_pii(text)] == ["amka", "afm", "id_card", "iban"]
    assert "[ΑΜΚΑ]" in masked and "[ΑΦΜ]" in masked and "[ΑΔΤ]" in masked and "[IBAN]" in masked
    # A phone number, a year, a postcode and a count stay: they are not the numbers we mask.
    assert "6912345678" in masked and "1985" in masked and "50100" in masked and "3 παιδιά" in masked
    assert masked.endswith("ΤΚ 50100.")


def test_keyword_masks_a_number_without_a_valid_check_digit() -> None:
    assert mask_pii("AFM: 123456789") == "AFM: [ΑΦΜ]"
    assert mask_pii("amka 12345678901") == "amka [ΑΜΚΑ]"
    assert not contains_pii("έχω 123456789 προβλήματα")  # nine digits, no keyword, no valid check digit


@given(
    st.integers(min_value=1, max_value=28),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=9999),
)
def test_any_valid_amka_inside_text_is_masked(day: int, month: int, year: int, serial: int) -> None:
    amka = make_amka(f"{day:02d}{month:02d}{year:02d}{serial:04d}")
    masked = mask_pii(f"ο αριθμός είναι {amka} ευχαριστώ")
    assert amka not in masked and "[ΑΜΚΑ]" in masked


def test_log_filter_masks_records() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "got %s", (f"afm {VALID_AFM}",), None)
    assert PiiLogFilter().filter(record)
    assert record.getMessage() == "got afm [ΑΦΜ]"


def test_keyword_a_few_words_before_the_number() -> None:
    assert mask_pii("Το ΑΜΚΑ μου είναι 01019012345") == "Το ΑΜΚΑ μου είναι [ΑΜΚΑ]"
    assert mask_pii("o afm tis einai 123456789!") == "o afm tis einai [ΑΦΜ]!"
