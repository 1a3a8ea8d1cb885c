"""Loading and validating the content data (knowledge/programmes.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.answer import REGISTERS
from knowledge.programmes import DATA_DIR, ContentError, load_knowledge

REQUIRED_PROGRAMMES = {
    "min_income",
    "child_benefit",
    "birth_allowance",
    "housing_allowance",
    "disability_benefits",
    "personal_assistant",
    "uninsured_elderly",
    "kot",
    "food_aid",
    "unemployment",
    "home_help",
    "kdap_vouchers",
    "legal_aid",
    "social_tourism",
    "mountain_income",
}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("eligibility*", "centres*"))
    return target


def _edit(path: Path, change: Callable[[Any], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_package_data_loads_with_every_required_programme() -> None:
    kn = load_knowledge()
    assert set(kn.programmes) >= REQUIRED_PROGRAMMES
    for prog in kn.programmes.values():
        for reg in REGISTERS:
            assert prog.name[reg] and prog.what[reg] and prog.who[reg] and prog.apply[reg]


def test_min_income_amounts_are_the_facts_with_dates_and_sources() -> None:
    prog = load_knowledge().programmes["min_income"]
    by_key = {a.key: a for a in prog.amounts}
    assert [str(by_key[k].values[0]) for k in ("single", "extra_adult", "minor", "ceiling")] == [
        "216",
        "108",
        "54",
        "972",
    ]
    assert by_key["income_limit_single"].values[0] == 1296
    for a in prog.amounts:
        assert a.source and a.source.startswith("https://")
        assert a.checked is not None and (a.since or a.as_of)
    assert str(by_key["single"].since) == "2023-12-01"


def test_checked_month_only_displays_month_and_year() -> None:
    amount = load_knowledge().programmes["min_income"].amounts[0]
    assert amount.checked is not None
    assert amount.checked.display() == "11/2026"
    assert not amount.checked.day_known


def test_missing_register_text_is_reported_with_file_and_field(data_copy: Path) -> None:
    _edit(data_copy / "programmes" / "kot.yaml", lambda d: d["name"].pop("el-simple"))
    with pytest.raises(ContentError) as err:
        load_knowledge(data_copy)
    assert "kot.yaml: name.el-simple: missing or empty" in err.value.problems


def test_topic_naming_an_unknown_programme_is_reported(data_copy: Path) -> None:
    _edit(data_copy / "topics.yaml", lambda d: d["topics"]["ask_housing"].update(programmes=["nope"]))
    with pytest.raises(ContentError) as err:
        load_knowledge(data_copy)
    assert any("ask_housing" in p and "unknown programme 'nope'" in p for p in err.value.problems)


def test_every_problem_is_collected_not_just_the_first(data_copy: Path) -> None:
    def break_amount(d: dict[str, Any]) -> None:
        d["amounts"][0]["unit"] = "fortnight"
        d["amounts"][1]["value"] = "lots"

    _edit(data_copy / "programmes" / "min_income.yaml", break_amount)
    with pytest.raises(ContentError) as err:
        load_knowledge(data_copy)
    text = "\n".join(err.value.problems)
    assert "amounts[0].unit" in text and "amounts[1].value" in text


def test_helplines_keep_112_and_leave_out_unverified_numbers() -> None:
    numbers = [h.number for h in load_knowledge().helplines]
    assert {"112", "197", "15900", "1056", "10306", "1018", "10201"} <= set(numbers)
    assert not {"100", "166", "199"} & set(numbers)
