"""One ordered registration of every flow's handlers. Order matters: the first matching handler of a group
wins, and group -10 (emergency) runs before everything else."""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import centres, emergency, errors, fallback, free_text, menu, start, topics


def register(app: Application) -> None:
    app.add_handlers(emergency.HANDLERS, group=emergency.GROUP)
    app.add_handlers([
        *start.HANDLERS,
        *menu.HANDLERS,
        *centres.HANDLERS,
        *topics.HANDLERS,
        *free_text.HANDLERS,
        *fallback.HANDLERS,
    ])
    app.add_error_handler(errors.on_error)
