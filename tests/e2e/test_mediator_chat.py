"""A mediator driven through the real `koinotita chat` process: the account is made and linked with the CLI
(`koinotita users add` / `users link`), and the script in tests/e2e/mediator_scripts/ plays the linked Telegram
account (its `{TOKEN}` replaced by the one-time link's token). Same line kinds as tests/e2e/test_chat_scripts.py."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_chat_scripts import assert_reads, parse_script, run_chat

SCRIPTS = sorted((Path(__file__).parent / "mediator_scripts").glob("*.chat"))
MEDIATOR_TELEGRAM = 515151


def koinotita(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "koinotita", *args], input=stdin, capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_mediator_script(script: Path, sqlite_template: Path, tmp_path: Path) -> None:
    database = tmp_path / "chat.sqlite3"
    shutil.copyfile(sqlite_template, database)
    url = f"sqlite+aiosqlite:///{database}"
    env = {**os.environ, "KOINOTITA_DATABASE_URL": url, "KOINOTITA_DATA_DIR": str(tmp_path)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    koinotita(
        env,
        *("users", "add", "--username", "eleni", "--role", "mediator", "--centre", "annex-roma-florina"),
        "--password-stdin",
        stdin="pale-lantern-over-harbour-17\n",
    )
    token = koinotita(env, "users", "link", "--username", "eleni").strip().rsplit("start=link-", 1)[-1]
    actions, expected, forbidden = parse_script(script)
    output = run_chat([a.replace("{TOKEN}", token) for a in actions], url, tmp_path, user_id=MEDIATOR_TELEGRAM)
    assert_reads(output, expected, forbidden, script.name)
    with sqlite3.connect(database) as db:  # stored for the annex, by the mediator, with oral consent, no chat
        rows = db.execute(
            "SELECT i.centre_id, i.created_by_kind, i.consent_version, i.telegram_chat_id, c.name, c.telegram_id"
            " FROM intake i JOIN citizen c ON c.id = i.citizen_id"
        ).fetchall()
    assert rows == [("annex-roma-florina", "mediator", "oral-1", None, "Σταυρούλα Μιχαηλίδου", None)]
