"""`koinotita run` on the embedded defaults: a fresh directory, no settings at all → migrations, seed data,
NLU model, the staff console and a working local chat."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_console(port: int, timeout: float = 120.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the console never answered"
            time.sleep(0.3)


def test_run_on_embedded_defaults_gives_a_working_local_chat_and_console(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOINOTITA_", "TELEGRAM_"))}
    env["KOINOTITA_CONSOLE_PORT"] = str(port)
    process = subprocess.Popen(
        [sys.executable, "-m", "koinotita", "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        login = wait_for_console(port)
        assert login.status_code == 200
        assert "<form" in login.text
        stdout, stderr = process.communicate(
            "/start\n[🇬🇷 Ελληνικά]\nπου ειναι το κεντρο κοινοτητας στη σιατιστα\n", timeout=300
        )
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr[-3000:]
    assert "Πώς θέλετε να μιλάμε" in stdout
    assert "Εντάξει, θα μιλάμε στα ελληνικά." in stdout
    assert "Κέντρο Κοινότητας Δήμου Βοΐου" in stdout
    database = tmp_path / "var" / "koinotita.sqlite3"
    with sqlite3.connect(database) as conn:
        assert conn.execute("select count(*) from centre").fetchone()[0] == 15
    assert list((tmp_path / "var" / "nlu-cache").glob("builtin-*.pickle")), "the NLU model is cached"
