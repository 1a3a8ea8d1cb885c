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
    model_config = SettingsConfigDict(env_prefix="", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default="", alias="KOINOTITA_DATABASE_URL")
    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    nlu_backend: Literal["builtin", "rasa"] = Field(default="builtin", alias="KOINOTITA_NLU_BACKEND")
    rasa_url: str = Field(default="http://127.0.0.1:5005", alias="KOINOTITA_RASA_URL")
    secret_key: SecretStr = Field(default=SecretStr(DEV_SECRET), alias="KOINOTITA_SECRET_KEY")
    webhook_url: str | None = Field(default=None, alias="KOINOTITA_WEBHOOK_URL")
    # The bot's @username, for the mediators' one-time Telegram links in the console. Unset: asked from Telegram
    # (getMe) with the token; in local mode, the local stand-in's name.
    bot_username: str | None = Field(default=None, alias="KOINOTITA_BOT_USERNAME", pattern=r"^[A-Za-z0-9_]{5,32}$")
    webhook_secret: SecretStr | None = Field(default=None, alias="KOINOTITA_WEBHOOK_SECRET")
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, alias="KOINOTITA_DATA_DIR")
    console_host: str = Field(default="127.0.0.1", alias="KOINOTITA_CONSOLE_HOST")
    console_port: int = Field(default=8080, alias="KOINOTITA_CONSOLE_PORT")
    # The reverse proxies whose X-Forwarded-For the console believes (addresses or networks, comma-separated).
    # Empty: nobody's; the address of the connection is the client's.
    trusted_proxies: str = Field(default="", alias="KOINOTITA_TRUSTED_PROXIES")
    webhook_listen: str = Field(default="127.0.0.1", alias="KOINOTITA_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, alias="KOINOTITA_WEBHOOK_PORT")
    # Telegram's limits (bot/rate_limit.py): messages a second for the bot and per chat (after a short burst).
    # Unset: 30 and 1 with Telegram; not paced in local mode, where there is no Telegram to protect.
    telegram_rate: float | None = Field(default=None, alias="KOINOTITA_TELEGRAM_RATE", ge=0)
    telegram_chat_rate: float | None = Field(default=None, alias="KOINOTITA_TELEGRAM_CHAT_RATE", ge=0)
    telegram_chat_burst: int = Field(default=3, alias="KOINOTITA_TELEGRAM_CHAT_BURST", ge=1)
    # Local mode only: Telegram's failures injected by the stand-in (bot/fault_plan.py), e.g. "429 every=5".
    fault_plan: str | None = Field(default=None, alias="KOINOTITA_FAULT_PLAN")
    json_logs: bool = Field(default=False, alias="KOINOTITA_JSON_LOGS")
    # Announcement messages in flight at once (bot/announcements.py): 1 = each citizen once even across a crash.
    announcement_senders: int = Field(default=1, alias="KOINOTITA_ANNOUNCEMENT_SENDERS", ge=1, le=16)
    # A separate `koinotita bot` process serves its own /metrics on this port (0: none).
    bot_metrics_port: int = Field(default=0, alias="KOINOTITA_BOT_METRICS_PORT", ge=0)

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
    def bot_rate(self) -> float | None:
        if self.telegram_rate is not None:
            return self.telegram_rate or None
        return None if self.run_mode is RunMode.LOCAL else 30.0

    @property
    def chat_rate(self) -> float | None:
        if self.telegram_chat_rate is not None:
            return self.telegram_chat_rate or None
        return None if self.run_mode is RunMode.LOCAL else 1.0

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
                raise PlaceholderSecretError("KOINOTITA_WEBHOOK_SECRET must be set (16+ characters) for webhook mode")


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
