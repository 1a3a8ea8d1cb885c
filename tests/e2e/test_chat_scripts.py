"""Conversation scripts played through the real `koinotita chat` process.

A script (`tests/e2e/scripts/**/*.chat`) has three kinds of lines:
  `> action`   one user action of the chat protocol (text, /command, [Button], @loc LAT,LON);
  `~ text`     the bot's output contains `text`, after what the previous `~` line matched (order matters);
  `! text`     the bot's output of the whole script never contains `text`.
Blank lines and lines starting with `#` are ignored.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).parent / "scripts").rglob("*.chat"))


def parse_script(path: Path) -> tuple[list[str], list[str], list[str]]:
    actions, expected, forbidden = [], [], []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("> "):
            actions.append(raw[2:])
        elif raw.startswith("~ "):
            expected.append(raw[2:])
        elif raw.startswith("! "):
            forbidden.append(raw[2:])
        elif raw.strip() and not raw.startswith("#"):
            raise ValueError(f"{path.name}: unknown line {raw!r}")
    return actions, expected, forbidden


def assert_reads(output: str, expected: list[str], forbidden: list[str], what: str) -> None:
    """Every expected text appears in `output`, in order; no forbidden text appears at all."""
    position = 0
    for text in expected:
        found = output.find(text, position)
        assert found >= 0, f"{what}: expected {text!r} after position {position}; output:\n{output}"
        position = found + len(text)
    for text in forbidden:
        assert text not in output, f"{what}: {text!r} must not appear; output:\n{output}"


def run_chat(actions: list[str], database_url: str, data_dir: Path, user_id: int = 424242) -> str:
    env = {**os.environ, "KOINOTITA_DATABASE_URL": database_url, "KOINOTITA_DATA_DIR": str(data_dir)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "koinotita", "chat", "--user-id", str(user_id)],
        input="\n".join(actions) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, f"koinotita chat failed ({result.returncode}):\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="session")
def chat_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chat-data")


@pytest.mark.parametrize(
    "script", SCRIPTS, ids=[str(p.relative_to(Path(__file__).parent / "scripts")) for p in SCRIPTS]
)
def test_conversation_script(script: Path, sqlite_template: Path, tmp_path: Path, chat_data_dir: Path) -> None:
    actions, expected, forbidden = parse_script(script)
    database = tmp_path / "chat.sqlite3"
    shutil.copyfile(sqlite_template, database)
    output = run_chat(actions, f"sqlite+aiosqlite:///{database}", chat_data_dir)
    assert_reads(output, expected, forbidden, script.name)


def test_scripts_exist() -> None:
    assert len(SCRIPTS) >= 1
