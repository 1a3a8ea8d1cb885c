"""The `koinotita` commands other tools rely on: accounts, mediator links, retention purge, route, nlu parse."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def env(sqlite_template: Path, tmp_path: Path) -> dict[str, str]:
    database = tmp_path / "cli.sqlite3"
    shutil.copyfile(sqlite_template, database)
    values = {k: v for k, v in os.environ.items() if not k.startswith(("KOINOTITA_", "TELEGRAM_"))}
    values["KOINOTITA_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    values["KOINOTITA_DATA_DIR"] = str(tmp_path / "data")
    return values


def koinotita(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "koinotita", *args], input=stdin, capture_output=True, text=True, env=env, timeout=300
    )


def test_users_add_and_mediator_link(env: dict[str, str]) -> None:
    made = koinotita(
        env,
        "users",
        "add",
        "--username",
        "eleni",
        "--role",
        "mediator",
        "--centre",
        "annex-roma-kastoria",
        "--password-stdin",
        stdin="pale-lantern-over-harbour-17\n",
    )
    assert made.returncode == 0, made.stderr
    link = koinotita(env, "users", "link", "--username", "eleni")
    assert link.returncode == 0, link.stderr
    assert link.stdout.startswith("https://t.me/koinotita_local_bot?start=link-")
    assert "pale-lantern-over-harbour-17" not in made.stderr + made.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "staff"], "needs --centre"),
        (["--role", "staff", "--centre", "kk-atlantis"], "no centre"),
        (["--role", "mediator", "--centre", "kk-kozani"], "Roma annex"),
    ],
)
def test_users_add_refuses_what_cannot_be(env: dict[str, str], args: list[str], message: str) -> None:
    result = koinotita(
        env, "users", "add", "--username", "x", *args, "--password-stdin", stdin="pale-lantern-over-harbour-17\n"
    )
    assert result.returncode == 2
    assert message in result.stderr


def test_privacy_purge_prints_counts(env: dict[str, str]) -> None:
    result = koinotita(env, "privacy", "purge")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert set(counts) >= {"intake", "handoff", "outbox", "citizen"}


def test_route_and_nlu_parse_contracts(env: dict[str, str]) -> None:
    routed = koinotita(env, "route", stdin="μένω στη Σιάτιστα\nxyz\n")
    lines = [json.loads(line) for line in routed.stdout.splitlines()]
    assert lines == [
        {"text": "μένω στη Σιάτιστα", "centre_id": "kk-voio", "place": "Σιάτιστα"},
        {"text": "xyz", "centre_id": None, "place": None},
    ]
    parsed = koinotita(env, "nlu", "parse", stdin="thelw rantevou stin kozani\n")
    result = json.loads(parsed.stdout)
    assert set(result) == {"text", "intent", "confidence", "entities"}
    assert result["intent"] == "book_appointment"
    assert {"entity": "place", "value": "Κοζάνη", "start": 20, "end": 26} in result["entities"]


@pytest.mark.parametrize("mode", ["--worker", "--polling", "--webhook"])
def test_a_telegram_mode_without_a_token_says_so_and_changes_nothing(env: dict[str, str], mode: str) -> None:
    before = Path(env["KOINOTITA_DATABASE_URL"].split("///", 1)[1]).read_bytes()
    result = koinotita(env, "bot", mode, stdin="/start\n")
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr and "koinotita chat" in result.stderr
    assert "local chat" not in result.stderr and result.stdout == ""  # no chat started in its place
    assert Path(env["KOINOTITA_DATABASE_URL"].split("///", 1)[1]).read_bytes() == before
