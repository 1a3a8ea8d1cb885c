"""Settings from the environment and an optional `.env` (DESIGN.md: "Command line")."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev-secret-not-for-production"})
DEV_SECRET = "dev-secret-not-for-production"


class RunMode(StrEnum):
    LOCAL = "local"
    POLLING = "polling"
    WEBHOOK = "webhook"


class PlaceholderSecretError(RuntimeError):
    """A production start was asked with a secret that is a placeholder or missing."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(default="", alias="KOINOTITA_DATABASE_URL")
    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    nlu_backend: Literal["builtin", "rasa"] = Field(default="builtin", alias="KOINOTITA_NLU_BACKEND")
    rasa_url: str = Field(default="http://127.0.0.1:5005", alias="KOINOTITA_RASA_URL")
    secret_key: SecretStr = Field(default=SecretStr(DEV_SECRET), alias="KOINOTITA_SECRET_KEY")
    webhook_url: str | None = Field(default=None, alias="KOINOTITA_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="KOINOTITA_WEBHOOK_SECRET")
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, alias="KOINOTITA_DATA_DIR")
    console_host: str = Field(default="127.0.0.1", alias="KOINOTITA_CONSOLE_HOST")
    console_port: int = Field(default=8080, alias="KOINOTITA_CONSOLE_PORT")
    # The reverse proxies whose X-Forwarded-For the console believes (addresses or networks, comma-separated).
    # Empty: nobody's; the address of the connection is the client's.
    trusted_proxies: str = Field(default="", alias="KOINOTITA_TRUSTED_PROXIES")
    webhook_listen: str = Field(default="127.0.0.1", alias="KOINOTITA_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, alias="KOINOTITA_WEBHOOK_PORT")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'koinotita.sqlite3').as_posix()}"

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @property
    def token(self) -> str | None:
        value = self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else ""
        return value or None

    @property
    def run_mode(self) -> RunMode:
        if not self.token:
            return RunMode.LOCAL
        return RunMode.WEBHOOK if self.webhook_url else RunMode.POLLING

    @property
    def nlu_cache_dir(self) -> Path:
        return self.data_dir / "nlu-cache"

    def require_production_secrets(self) -> None:
        """Refuse to start a front end reachable from outside with placeholder secrets."""
        if self.run_mode is RunMode.LOCAL:
            return
        if self.secret_key.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
            raise PlaceholderSecretError(
                "KOINOTITA_SECRET_KEY is a placeholder: set a long random value before a production start"
            )
        if self.run_mode is RunMode.WEBHOOK:
            secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
            if secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < 16:
                raise PlaceholderSecretError(
                    "KOINOTITA_WEBHOOK_SECRET must be set (16+ characters) for webhook mode"
                )


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
