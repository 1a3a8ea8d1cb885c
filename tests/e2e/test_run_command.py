"""`koinotita run` on the embedded defaults: a fresh directory, no settings at all → migrations, seed data,
NLU model and a working local chat."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def test_run_on_embedded_defaults_gives_a_working_local_chat(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOINOTITA_", "TELEGRAM_"))}
    result = subprocess.run(
        [sys.executable, "-m", "koinotita", "run"],
        input="/start\n[🇬🇷 Ελληνικά]\nπου ειναι το κεντρο κοινοτητας στη σιατιστα\n",
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Πώς θέλετε να μιλάμε" in result.stdout
    assert "Εντάξει, θα μιλάμε στα ελληνικά." in result.stdout
    assert "Κέντρο Κοινότητας Δήμου Βοΐου" in result.stdout
    database = tmp_path / "var" / "koinotita.sqlite3"
    assert database.exists()
    with sqlite3.connect(database) as conn:
        assert conn.execute("select count(*) from centre").fetchone()[0] == 15
    assert list((tmp_path / "var" / "nlu-cache").glob("builtin-*.pickle")), "the NLU model is cached"
