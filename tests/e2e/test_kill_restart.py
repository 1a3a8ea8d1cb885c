"""`kill -9` of the bot process mid-conversation, then a new process: the conversation resumes where it was."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

MARK = "---"


def read_messages(stream: IO[str], count: int, timeout: float = 120.0) -> list[str]:
    """Read `count` bot messages (each ends with a '---' line) from the chat's stdout."""
    messages: list[str] = []
    current: list[str] = []
    deadline = time.monotonic() + timeout
    while len(messages) < count:
        assert time.monotonic() < deadline, f"timed out; got {messages}"
        line = stream.readline()
        assert line, f"the chat ended early; got {messages}"
        if line.rstrip("\n") == MARK:
            messages.append("\n".join(current))
            current = []
        else:
            current.append(line.rstrip("\n"))
    return messages


def start_chat(database: Path, data_dir: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "KOINOTITA_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "KOINOTITA_DATA_DIR": str(data_dir),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-m", "koinotita", "chat", "--user-id", "777"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        bufsize=1,
    )


def say(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


def test_kill_9_mid_conversation_then_resume(sqlite_template: Path, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    shutil.copyfile(sqlite_template, database)
    data_dir = tmp_path / "data"

    first = start_chat(database, data_dir)
    assert first.stdout is not None
    say(first, "/start")
    read_messages(first.stdout, 1)
    say(first, "[🙂 Απλά ελληνικά]")
    read_messages(first.stdout, 2)  # "Εντάξει..." and the menu
    say(first, "[📍 Πού είναι το Κέντρο μου]")
    asked = read_messages(first.stdout, 1)
    assert "Πού μένετε;" in asked[0]
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL

    second = start_chat(database, data_dir)
    assert second.stdout is not None
    try:
        # Typed, not pressed: the new process has no buttons on screen, but the conversation is still waiting
        # for a place, so the reply-keyboard label is understood; outside it, it would not be.
        say(second, "📋 Λίστα")
        listed = read_messages(second.stdout, 2)
        assert "Διαλέξτε το Κέντρο σας:" in listed[0]
        assert "[📍 Κοζάνη — Κέντρο Κοινότητας]" in listed[1]
    finally:
        if second.stdin:
            second.stdin.close()
        second.wait(timeout=60)
