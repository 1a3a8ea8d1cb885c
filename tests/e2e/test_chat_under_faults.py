"""`koinotita chat --faults PLAN`: the same conversation scripts, with Telegram saying no along the way."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_chat_scripts import SCRIPTS, assert_reads, parse_script, run_chat


@pytest.fixture(scope="module")
def faults_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faults-data")


SCRIPT = next(p for p in SCRIPTS if p.name == "emergency_el.chat")


@pytest.mark.parametrize(
    "plan", ["429 every=4 retry_after=1; slow seconds=0.01", "timeout every=5 method=sendMessage; 400-query-too-old"]
)
def test_a_script_under_a_fault_plan_reads_the_same(
    plan: str, sqlite_template: Path, tmp_path: Path, faults_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOINOTITA_FAULT_PLAN", plan)
    actions, expected, forbidden = parse_script(SCRIPT)
    database = tmp_path / "chat.sqlite3"
    shutil.copyfile(sqlite_template, database)
    output = run_chat(actions, f"sqlite+aiosqlite:///{database}", faults_data_dir)
    assert_reads(output, expected, [*forbidden, "Κάτι πήγε στραβά"], f"under {plan!r}")


def test_a_bad_plan_is_refused_with_a_reason() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "koinotita", "chat", "--faults", "418 teapot"],
        input="",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "unknown fault '418'" in result.stderr
