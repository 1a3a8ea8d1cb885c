"""`koinotita` — the commands of DESIGN.md. Other tools rely on their names, options and output formats."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from core.settings import Settings, load_settings

NOT_AVAILABLE_EXIT = 3
Command = Callable[[argparse.Namespace, Settings], int]


def _configure_logging(verbose: bool, *, json_lines: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from core.pii import PiiLogFilter

    if json_lines:  # KOINOTITA_JSON_LOGS: one JSON object a line, for a log collector
        from core.logs import JsonLineFormatter

        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonLineFormatter())

    for handler in logging.getLogger().handlers:  # a library that logs a payload must not leak ΑΜΚΑ or IBAN
        handler.addFilter(PiiLogFilter())
    # httpx logs every request URL, which contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from core.migrate import upgrade

    upgrade(settings.effective_database_url)
    print("database is up to date", file=sys.stderr)
    return 0


def cmd_route(args: argparse.Namespace, settings: Settings) -> int:
    from core.routing import Router

    router = Router.default()
    for line in sys.stdin:
        text = line.rstrip("\n")
        result = router.route_text(text)
        print(
            json.dumps({"text": text, "centre_id": result.centre_id, "place": result.place}, ensure_ascii=False),
            flush=True,
        )
    return 0


def _lat_lon(value: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected LAT,LON, e.g. 40.30,21.79") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError("latitude or longitude out of range")
    return lat, lon


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from koinotita.runner import run_local_chat

    if args.faults is not None:
        from bot.fault_plan import FaultPlan, FaultPlanError

        try:
            FaultPlan.parse(args.faults)
        except FaultPlanError as exc:
            print(f"koinotita chat: {exc}", file=sys.stderr)
            return 2
        settings = settings.model_copy(update={"fault_plan": args.faults})
    return asyncio.run(
        run_local_chat(
            settings,
            user_id=args.user_id,
            interactive=sys.stdin.isatty(),
            linger=args.linger,
            phone=args.phone,
            location=args.location,
            first_name=args.first_name,
        )
    )


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from koinotita.runner import run_everything

    return asyncio.run(run_everything(settings))


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    from koinotita.runner import run_bot

    mode = "webhook" if args.webhook else "polling" if args.polling else "worker" if args.worker else None
    return asyncio.run(run_bot(settings, mode=mode))


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from koinotita.runner import run_console

    return asyncio.run(run_console(settings))


def cmd_nlu(args: argparse.Namespace, settings: Settings) -> int:
    from koinotita import nlu_commands

    handlers: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
        "parse": nlu_commands.parse,
        "train": nlu_commands.train,
        "evaluate": nlu_commands.evaluate,
    }
    return handlers[args.nlu_command](args, settings)


def cmd_knowledge_check(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date

    from knowledge.check import run_check

    report = run_check(date.today())
    print(report.format())
    return 0 if report.ok else 1


def cmd_users_add(args: argparse.Namespace, settings: Settings) -> int:
    from koinotita.runner import add_user

    password = sys.stdin.readline().rstrip("\r\n")
    return asyncio.run(
        add_user(settings, username=args.username, role=args.role, centre_id=args.centre, password=password)
    )


def cmd_users_link(args: argparse.Namespace, settings: Settings) -> int:
    from koinotita.runner import link_mediator

    return asyncio.run(link_mediator(settings, username=args.username))


def cmd_privacy_purge(args: argparse.Namespace, settings: Settings) -> int:
    from koinotita.runner import purge

    return asyncio.run(purge(settings))


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from core.backup import BackupError, backup

    try:
        backup(settings.effective_database_url, Path(args.path))
    except BackupError as exc:
        print(f"koinotita backup: {exc}", file=sys.stderr)
        return 2
    print(f"backup written to {args.path} (readable by its owner only: it holds personal data)", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from core.backup import BackupError, restore

    try:
        restore(settings.effective_database_url, Path(args.path))
    except BackupError as exc:
        print(f"koinotita restore: {exc}", file=sys.stderr)
        return 2
    print(
        f"restored from {args.path}; run `koinotita db upgrade` if the backup is older than this version",
        file=sys.stderr,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="koinotita", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="migrations, seed data, NLU model, bot and console on one machine").set_defaults(
        func=cmd_run
    )
    bot = sub.add_parser("bot", help="the Telegram bot only")
    mode = bot.add_mutually_exclusive_group()
    mode.add_argument("--polling", action="store_true")
    mode.add_argument("--webhook", action="store_true")
    mode.add_argument(
        "--worker",
        action="store_true",
        help="a replica on PostgreSQL: handle the shared inbox, receive nothing (docs/delivery.md)",
    )
    bot.set_defaults(func=cmd_bot)
    sub.add_parser("console", help="the staff console only").set_defaults(func=cmd_console)
    chat = sub.add_parser("chat", help="talk to the real bot in the terminal (protocol in DESIGN.md)")
    chat.add_argument("--user-id", type=int, default=424242, help="the Telegram user id to play")
    chat.add_argument(
        "--linger",
        type=float,
        default=0.0,
        help="after the input ends, keep running this many seconds (staff replies, reminders)",
    )
    chat.add_argument(
        "--faults",
        metavar="PLAN",
        default=None,
        help="Telegram's failures to inject, e.g. '429 every=5; slow seconds=0.2' (bot/fault_plan.py); "
        "default: KOINOTITA_FAULT_PLAN",
    )
    chat.add_argument("--phone", help="the number a request-contact button shares (default: +306912345678)")
    chat.add_argument(
        "--location",
        type=_lat_lon,
        metavar="LAT,LON",
        help="where a request-location button says the user is (default: Κοζάνη, 40.30069,21.78896)",
    )
    chat.add_argument("--first-name", default="Πολίτης", help="the user's Telegram first name")
    chat.set_defaults(func=cmd_chat)

    nlu = sub.add_parser("nlu", help="understanding messages")
    nlu_sub = nlu.add_subparsers(dest="nlu_command", required=True)
    nlu_sub.add_parser("parse", help="stdin: a message a line; stdout: JSON a line")
    nlu_sub.add_parser("train", help="train (or refresh the cached) built-in model")
    evaluate = nlu_sub.add_parser("evaluate", help="evaluate on Rasa-format YAML test files")
    evaluate.add_argument("paths", nargs="+", type=Path)
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    nlu.set_defaults(func=cmd_nlu)

    sub.add_parser("route", help="stdin: a place or sentence a line; stdout: JSON a line").set_defaults(func=cmd_route)

    users = sub.add_parser("users", help="staff, mediator and admin accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=["admin", "coordinator", "staff", "mediator"])
    add.add_argument("--centre")
    add.add_argument("--password-stdin", action="store_true", required=True)
    add.set_defaults(func=cmd_users_add)
    link = users_sub.add_parser("link", help="a one-time Telegram deep link for a mediator's account")
    link.add_argument("--username", required=True)
    link.set_defaults(func=cmd_users_link)

    db = sub.add_parser("db", help="database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations")
    db.set_defaults(func=cmd_db_upgrade)

    privacy = sub.add_parser("privacy", help="data protection")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    privacy_sub.add_parser("purge", help="delete records past their retention period (run daily)")
    privacy.set_defaults(func=cmd_privacy_purge)

    backup = sub.add_parser("backup", help="a consistent copy of the database (SQLite online backup; pg_dump)")
    backup.add_argument("path", help="the new backup file (never overwritten)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="replace the database with a backup (stop the bot and console first)")
    restore.add_argument("path", help="a file written by `koinotita backup`")
    restore.set_defaults(func=cmd_restore)

    knowledge = sub.add_parser("knowledge", help="programme content")
    knowledge_sub = knowledge.add_subparsers(dest="knowledge_command", required=True)
    knowledge_sub.add_parser("check", help="every answer, source, date and register checked")
    knowledge.set_defaults(func=cmd_knowledge_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings()
    _configure_logging(args.verbose, json_lines=settings.json_logs)
    func: Command = args.func
    return func(args, settings)
