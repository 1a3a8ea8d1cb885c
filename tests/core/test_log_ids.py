"""Log lines: our own ids (a 9-digit Telegram update id) are not masked as ΑΦΜ; people's numbers still are."""

from __future__ import annotations

import logging

from core.pii import PiiLogFilter, is_valid_afm, mask_log_line

# A 9-digit number that passes the ΑΦΜ check digit, like one update id in eleven.
VALID = next(str(n) for n in range(166_596_920, 166_597_000) if is_valid_afm(str(n)))


def test_an_update_id_that_looks_like_an_afm_stays_as_it_is() -> None:
    record = logging.LogRecord(
        "bot", logging.ERROR, __file__, 1, "error while handling update %s: %s", (int(VALID), "TimedOut"), None
    )
    assert PiiLogFilter().filter(record)
    assert record.getMessage() == f"error while handling update {VALID}: TimedOut"
    assert mask_log_line(f"outbox {VALID}: delivery failed") == f"outbox {VALID}: delivery failed"


def test_a_persons_tax_number_in_a_log_line_is_still_masked() -> None:
    assert mask_log_line(f"payload: {VALID}") == "payload: [ΑΦΜ]"
    assert mask_log_line(f"text='ο ΑΦΜ μου {VALID}' update 5") == "text='ο ΑΦΜ μου [ΑΦΜ]' update 5"


def test_json_log_lines_carry_the_class_of_an_error_not_its_text() -> None:
    import json

    from core.logs import JsonLineFormatter

    try:
        raise ValueError("Μαρία 6912345678")
    except ValueError:
        import sys

        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "outbox %s failed", (12,), sys.exc_info())
    line = json.loads(JsonLineFormatter().format(record))
    assert line["message"] == "outbox 12 failed" and line["error"] == "ValueError" and line["level"] == "error"
    assert "Μαρία" not in json.dumps(line, ensure_ascii=False)
