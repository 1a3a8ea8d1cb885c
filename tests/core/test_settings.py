"""Settings from the environment; a production start refuses placeholder secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import PlaceholderSecretError, RunMode, Settings


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KOINOTITA_DATABASE_URL", "TELEGRAM_BOT_TOKEN", "KOINOTITA_NLU_BACKEND", "KOINOTITA_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    s = settings()
    assert s.run_mode is RunMode.LOCAL
    assert s.nlu_backend == "builtin"
    assert s.effective_database_url == "sqlite+aiosqlite:///var/koinotita.sqlite3"
    s.require_production_secrets()  # local mode: nothing to refuse


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KOINOTITA_DATABASE_URL", "postgresql+asyncpg://u@h/db")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("KOINOTITA_NLU_BACKEND", "rasa")
    monkeypatch.setenv("KOINOTITA_RASA_URL", "http://127.0.0.1:5999")
    s = settings()
    assert s.effective_database_url == "postgresql+asyncpg://u@h/db"
    assert s.run_mode is RunMode.POLLING
    assert (s.nlu_backend, s.rasa_url) == ("rasa", "http://127.0.0.1:5999")


def test_dotenv_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOINOTITA_NLU_BACKEND", raising=False)
    env = tmp_path / ".env"
    env.write_text("KOINOTITA_NLU_BACKEND=rasa\n", encoding="utf-8")
    assert Settings(_env_file=env).nlu_backend == "rasa"  # type: ignore[call-arg]


@pytest.mark.parametrize("secret", ["", "change-me", "dev-secret-not-for-production"])
def test_polling_refuses_a_placeholder_secret_key(secret: str) -> None:
    s = settings(TELEGRAM_BOT_TOKEN="123:abc", KOINOTITA_SECRET_KEY=secret)
    with pytest.raises(PlaceholderSecretError):
        s.require_production_secrets()


def test_webhook_needs_its_own_secret() -> None:
    base = {
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "KOINOTITA_SECRET_KEY": "x" * 40,
        "KOINOTITA_WEBHOOK_URL": "https://bot.example.org/telegram",
    }
    assert settings(**base).run_mode is RunMode.WEBHOOK
    with pytest.raises(PlaceholderSecretError):
        settings(**base).require_production_secrets()
    settings(**base, KOINOTITA_WEBHOOK_SECRET="s" * 32).require_production_secrets()


def test_invalid_backend_is_rejected() -> None:
    with pytest.raises(ValueError):
        settings(KOINOTITA_NLU_BACKEND="gpt")
