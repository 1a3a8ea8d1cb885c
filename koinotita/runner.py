"""Starting Koinotita: prepare the database, then run the bot (polling, webhook or local chat) and the console."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from contextlib import suppress

import uvicorn

from bot.app import build_application, publish_commands
from bot.fault_plan import FaultPlan
from bot.lifecycle import running
from bot.local_api import RecordingBotApi
from bot.local_chat import DEFAULT_LOCATION, DEFAULT_PHONE, LocalChat, format_message
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


class _Printer:
    """Prints every message the user would see, in order, exactly once: answers to the user's actions and
    messages the bot sends on its own (staff replies, reminders) between them."""

    def __init__(self, api: RecordingBotApi) -> None:
        self.api = api
        self.printed = 0
        self.lock = asyncio.Lock()

    async def flush(self) -> None:
        async with self.lock:
            order = self.api.outbox_order
            while self.printed < len(order):
                print(format_message(self.api.messages[order[self.printed]]), flush=True)
                self.printed += 1

    async def keep_flushing(self, every: float = 0.2) -> None:
        while True:
            await asyncio.sleep(every)
            await self.flush()


async def chat_loop(
    settings: Settings,
    *,
    user_id: int,
    interactive: bool,
    linger: float = 0.0,
    phone: str | None = None,
    location: tuple[float, float] | None = None,
    first_name: str = "Πολίτης",
) -> int:
    api = RecordingBotApi(FaultPlan.parse(settings.fault_plan))
    app = build_application(settings.model_copy(update={"telegram_bot_token": None}), request=api)
    failures = 0
    printer = _Printer(api)
    async with running(app):  # post_init: NLU model, background jobs (staff replies, reminders reach the chat)
        flusher = asyncio.create_task(printer.keep_flushing())
        try:
            chat = LocalChat(
                app,
                api,
                user_id=user_id,
                phone=phone or DEFAULT_PHONE,
                location=location or DEFAULT_LOCATION,
                first_name=first_name,
            )
            if interactive:
                print(
                    "Koinotita — local chat. Type a message, /start, [Button label] or @loc LAT,LON. Ctrl-D to quit.",
                    file=sys.stderr,
                )
            while True:
                line = await _read_line()
                if not line:
                    break
                if not line.strip() and not interactive:
                    continue
                try:
                    await chat.act(line)
                except LookupError as exc:
                    failures += 1
                    await printer.flush()
                    print(f"! {exc}", file=sys.stderr, flush=True)
                    continue
                await printer.flush()
            if linger > 0:  # let messages the bot sends on its own arrive before ending
                await asyncio.sleep(linger)
            await printer.flush()
        finally:
            flusher.cancel()
            with suppress(asyncio.CancelledError):
                await flusher
    return 1 if failures else 0


async def run_local_chat(
    settings: Settings,
    *,
    user_id: int = 424242,
    interactive: bool = False,
    linger: float = 0.0,
    phone: str | None = None,
    location: tuple[float, float] | None = None,
    first_name: str = "Πολίτης",
) -> int:
    await prepare(settings)
    return await chat_loop(
        settings,
        user_id=user_id,
        interactive=interactive,
        linger=linger,
        phone=phone,
        location=location,
        first_name=first_name,
    )


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
    if mode is not None and settings.run_mode is RunMode.LOCAL:  # asked for Telegram, and there is no token
        print(
            f"koinotita bot --{mode}: TELEGRAM_BOT_TOKEN is not set; a {mode} process talks to Telegram. "
            "Without a token, `koinotita chat` (or `koinotita bot`) talks to the bot here.",
            file=sys.stderr,
        )
        return 2
    await prepare(settings)
    if settings.run_mode is RunMode.LOCAL:
        print("No TELEGRAM_BOT_TOKEN: starting the local chat instead.", file=sys.stderr)
        return await chat_loop(settings, user_id=424242, interactive=sys.stdin.isatty())
    settings.require_production_secrets()
    wanted = RunMode(mode) if mode in ("polling", "webhook") else settings.run_mode
    app = build_application(settings)
    if settings.bot_metrics_port:  # a bot process of its own: its counters on 127.0.0.1:PORT/metrics
        from prometheus_client import start_http_server

        start_http_server(settings.bot_metrics_port, addr="127.0.0.1")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with running(app):  # post_init: NLU model, background jobs; stopped through post_stop/post_shutdown
        if mode != "worker":  # a worker replica only handles what the shared inbox holds (docs/delivery.md)
            await publish_commands(app)
            await start_updates(app, settings, wanted)
        await app.start()  # and the inbox loop
        log.info("bot running in %s mode", "worker" if mode == "worker" else wanted.value)
        await stop.wait()
    return 0


async def add_user(settings: Settings, *, username: str, role: str, centre_id: str | None, password: str) -> int:
    """`koinotita users add`: prints the new account's id; a refused account says why and changes nothing."""
    from core.users import AccountError, create_user

    await prepare(settings)
    db = Database(settings.effective_database_url)
    try:
        async with db.session() as session:
            try:
                user = await create_user(session, username=username, role=role, password=password, centre_id=centre_id)
            except AccountError as exc:
                print(f"koinotita users add: {exc}", file=sys.stderr)
                return 2
            from core.audit import record

            record(
                session,
                actor_kind="system",
                actor_id="cli",
                action="create",
                record_kind="staff_user",
                record_id=str(user.id),
                details={"role": role, "centre_id": centre_id},
            )
            await session.commit()
            print(f"created {role} account {username!r} (id {user.id})", file=sys.stderr)
            return 0
    finally:
        await db.dispose()


async def purge(settings: Settings) -> int:
    """`koinotita privacy purge`: deletes what is past its retention period; prints the counts as JSON."""
    import json
    from datetime import UTC, datetime

    from core.retention import purge_expired

    await prepare(settings)
    db = Database(settings.effective_database_url)
    try:
        async with db.write() as session:
            counts = await purge_expired(session, datetime.now(UTC))
        await db.checkpoint()
        print(json.dumps(counts, ensure_ascii=False))
        return 0
    finally:
        await db.dispose()


async def link_mediator(settings: Settings, *, username: str) -> int:
    """`koinotita users link`: prints a one-time deep link that ties a mediator's Telegram to the account."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from bot.local_api import BOT_USER
    from core.booking.mediators import create_link_token, deep_link
    from core.models import StaffUser

    await prepare(settings)
    bot_username = str(BOT_USER["username"])
    if settings.token:
        from telegram import Bot

        async with Bot(settings.token) as bot:
            bot_username = bot.username
    db = Database(settings.effective_database_url)
    try:
        async with db.write() as session:
            user = await session.scalar(select(StaffUser).where(StaffUser.username == username))
            if user is None:
                print(f"koinotita users link: no account {username!r}", file=sys.stderr)
                return 2
            try:
                token = await create_link_token(session, user.id, datetime.now(UTC))
            except ValueError as exc:
                print(f"koinotita users link: {exc}", file=sys.stderr)
                return 2
        print(deep_link(bot_username, token))
        return 0
    finally:
        await db.dispose()


def _console_server(settings: Settings) -> uvicorn.Server:
    from staff_console.app import create_app

    config = uvicorn.Config(
        create_app(settings),
        host=settings.console_host,
        port=settings.console_port,
        # X-Forwarded-For is read inside the app, from KOINOTITA_TRUSTED_PROXIES only.
        proxy_headers=False,
        log_level="warning",
    )
    return uvicorn.Server(config)


async def run_console(settings: Settings) -> int:
    await prepare(settings)
    settings.require_production_secrets()
    log.info("staff console on http://%s:%s", settings.console_host, settings.console_port)
    await _console_server(settings).serve()
    return 0


async def run_everything(settings: Settings) -> int:
    """Every front end on one machine: the staff console in the background, the bot in the foreground (the
    local chat in this terminal when there is no Telegram token). When the bot ends, the console ends too."""
    await prepare(settings)
    settings.require_production_secrets()
    server = _console_server(settings)
    console = asyncio.create_task(server.serve(), name="console")
    print(f"Staff console: http://{settings.console_host}:{settings.console_port}/", file=sys.stderr)
    try:
        return await run_bot(settings)
    finally:
        server.should_exit = True
        await console


__all__ = ["chat_loop", "format_message", "prepare", "run_bot", "run_console", "run_everything", "run_local_chat"]
