"""Starting Koinotita: prepare the database, then run the bot (polling, webhook or local chat) and the console."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from contextlib import suppress

from bot.app import build_application, publish_commands, start_services, stop_services
from bot.local_api import RecordingBotApi
from bot.local_chat import LocalChat, format_message
from bot.services import KoinotitaApplication
from core.db import Database
from core.migrate import upgrade
from core.seed import seed_reference_data
from core.settings import RunMode, Settings

log = logging.getLogger(__name__)
WEBHOOK_PATH = "telegram"


async def prepare(settings: Settings) -> None:
    """Migrations and seed data (centres) — idempotent, safe on every start."""
    await asyncio.to_thread(upgrade, settings.effective_database_url)
    db = Database(settings.effective_database_url)
    try:
        await seed_reference_data(db)
    finally:
        await db.dispose()


async def _read_line() -> str:
    return await asyncio.to_thread(sys.stdin.readline)


async def chat_loop(settings: Settings, *, user_id: int, interactive: bool) -> int:
    api = RecordingBotApi()
    app = build_application(settings.model_copy(update={"telegram_bot_token": None}), request=api)
    failures = 0
    async with app:
        await start_services(app)
        try:
            chat = LocalChat(app, api, user_id=user_id)
            if interactive:
                print("Koinotita — local chat. Type a message, /start, [Button label] or @loc LAT,LON. "
                      "Ctrl-D to quit.", file=sys.stderr)
            while True:
                line = await _read_line()
                if not line:
                    break
                if not line.strip() and not interactive:
                    continue
                try:
                    replies = await chat.act(line)
                except LookupError as exc:
                    failures += 1
                    print(f"! {exc}", file=sys.stderr, flush=True)
                    continue
                for message in replies:
                    print(format_message(message), flush=True)
        finally:
            await stop_services(app)
    return 1 if failures else 0


async def run_local_chat(settings: Settings, *, user_id: int = 424242, interactive: bool = False) -> int:
    await prepare(settings)
    return await chat_loop(settings, user_id=user_id, interactive=interactive)


async def start_updates(app: KoinotitaApplication, settings: Settings, mode: RunMode) -> None:
    """Start receiving updates from Telegram: a webhook server checking Telegram's secret token on every
    call, or long polling."""
    assert app.updater is not None
    if mode is RunMode.WEBHOOK:
        if not settings.webhook_url or not settings.webhook_secret:
            raise SystemExit("webhook mode needs KOINOTITA_WEBHOOK_URL and KOINOTITA_WEBHOOK_SECRET")
        await app.updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=WEBHOOK_PATH,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            drop_pending_updates=False,
        )
    else:
        await app.updater.start_polling(drop_pending_updates=False)


async def run_bot(settings: Settings, *, mode: str | None = None) -> int:
    await prepare(settings)
    if settings.run_mode is RunMode.LOCAL:
        print("No TELEGRAM_BOT_TOKEN: starting the local chat instead.", file=sys.stderr)
        return await chat_loop(settings, user_id=424242, interactive=sys.stdin.isatty())
    settings.require_production_secrets()
    wanted = RunMode(mode) if mode else settings.run_mode
    app = build_application(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with app:
        await start_services(app)
        await publish_commands(app)
        await start_updates(app, settings, wanted)
        await app.start()
        log.info("bot running in %s mode", wanted.value)
        await stop.wait()
        await app.updater.stop()
        await app.stop()
        await stop_services(app)
    return 0


async def add_user(settings: Settings, *, username: str, role: str, centre_id: str | None, password: str) -> int:
    """`koinotita users add`: prints the new account's id; a refused account says why and changes nothing."""
    from core.users import AccountError, create_user

    await prepare(settings)
    db = Database(settings.effective_database_url)
    try:
        async with db.session() as session:
            try:
                user = await create_user(session, username=username, role=role, password=password,
                                         centre_id=centre_id)
            except AccountError as exc:
                print(f"koinotita users add: {exc}", file=sys.stderr)
                return 2
            from core.audit import record

            record(session, actor_kind="system", actor_id="cli", action="create", record_kind="staff_user",
                   record_id=str(user.id), details={"role": role, "centre_id": centre_id})
            await session.commit()
            print(f"created {role} account {username!r} (id {user.id})", file=sys.stderr)
            return 0
    finally:
        await db.dispose()


async def run_console(settings: Settings) -> int:
    print("koinotita console: not available yet (the staff console is a later issue)", file=sys.stderr)
    return 3


async def run_everything(settings: Settings) -> int:
    """Every front end that exists, on one machine: today the bot (local chat without a token)."""
    return await run_bot(settings)


__all__ = ["chat_loop", "format_message", "prepare", "run_bot", "run_console", "run_everything", "run_local_chat"]
