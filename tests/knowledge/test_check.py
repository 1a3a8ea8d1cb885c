"""`koinotita knowledge check` (knowledge/check.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.check import run_check
from knowledge.programmes import DATA_DIR

TODAY = date(2026, 11, 25)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("eligibility*", "centres*"))
    return target


def _edit(path: Path, change: Callable[[Any], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_shipped_content_passes() -> None:
    report = run_check(TODAY)
    assert report.ok, report.format()
    assert report.format().endswith("OK")


def test_a_programme_amount_without_source_is_an_error(data_copy: Path) -> None:
    _edit(data_copy / "programmes" / "min_income.yaml", lambda d: d["amounts"][0].pop("source"))
    report = run_check(TODAY, data_copy)
    assert not report.ok
    assert "programmes/min_income.yaml: amount single: no source" in report.errors
    assert report.format().endswith("FAILED")


def test_a_programme_with_no_source_at_all_is_an_error(data_copy: Path) -> None:
    def strip(d: dict[str, Any]) -> None:
        d.pop("sources")
        d.pop("official")

    _edit(data_copy / "programmes" / "legal_aid.yaml", strip)
    assert "programmes/legal_aid.yaml: no source at all" in run_check(TODAY, data_copy).errors


def test_a_missing_topic_is_an_error(data_copy: Path) -> None:
    _edit(data_copy / "topics.yaml", lambda d: d["topics"].pop("ask_events"))
    assert "topics.yaml: no answer for intent ask_events" in run_check(TODAY, data_copy).errors


def test_old_checks_become_warnings_after_six_months() -> None:
    fresh = run_check(date(2027, 4, 30))
    stale = run_check(date(2027, 6, 2))
    assert not any("more than 6 months ago" in w for w in fresh.warnings)
    assert any("min_income.yaml: amount single" in w and "more than 6 months ago" in w for w in stale.warnings)
    assert stale.ok  # stale is a warning, not an error


def test_el_simple_text_over_the_limits_is_an_error(data_copy: Path) -> None:
    long_line = (
        "Η αίτηση υποβάλλεται ηλεκτρονικά από τον ίδιο τον αιτούντα ή μέσω του Δήμου ή του "
        "Κέντρου Κοινότητας οποτεδήποτε μέσα στο έτος."
    )
    _edit(data_copy / "programmes" / "kot.yaml", lambda d: d["apply"].update({"el-simple": [long_line]}))
    report = run_check(TODAY, data_copy)
    assert any(e.startswith("programme kot [el-simple]: readability sentence_length") for e in report.errors)


def test_a_document_without_register_texts_is_reported(data_copy: Path) -> None:
    _edit(data_copy / "programmes" / "kot.yaml", lambda d: d["documents"].append({"text": "plain"}))
    report = run_check(TODAY, data_copy)
    assert any("kot.yaml: text" in e for e in report.errors)


def test_structural_errors_are_listed_in_the_report(data_copy: Path) -> None:
    _edit(data_copy / "programmes" / "kot.yaml", lambda d: d["name"].pop("en"))
    report = run_check(TODAY, data_copy)
    assert "kot.yaml: name.en: missing or empty" in report.errors
