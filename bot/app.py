"""`build_application(settings)`: the Telegram front end, the same in every run mode.

- polling: a token and no webhook URL — for a small site;
- webhook: a token and `KOINOTITA_WEBHOOK_URL` — production, Telegram's `secret_token` checked on every call;
- local: no token — the Bot API is replaced by the in-process `RecordingBotApi` (`koinotita chat`, tests).

Every update is a step of the inbox (bot/inbox.py, docs/delivery.md): the Application's update queue stores it
before PTB acknowledges it, the Bot is a `StepBot` that records what a step sends, and conversation state is
the bot's own (bot/flow_state.py) — PTB's persistence is not used. A rate limiter, when there is one, is passed
to the `StepBot` (`rate_limiter=`): recording is not paced, only the real sending after the commit.
"""

from __future__ import annotations

import gc
import logging

from telegram import BotCommand
from telegram.ext import ApplicationBuilder, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot.fault_plan import FaultPlan
from bot.handlers import register
from bot.inbox import InboxQueue, StepRunner
from bot.lifecycle import RunningApplication, post_init, post_shutdown, post_stop
from bot.local_api import RecordingBotApi
from bot.reachability import make_rate_limiter, register_reachability
from bot.services import KoinotitaApplication, Services
from bot.step_bot import StepBot
from core.db import Database
from core.settings import RunMode, Settings

log = logging.getLogger(__name__)
LOCAL_TOKEN = "1000000001:LOCAL-MODE-NO-TELEGRAM"

COMMANDS = [
    ("start", "Αρχή / Start"),
    ("menu", "Μενού / Menu"),
    ("sos", "Έκτακτη ανάγκη / Emergency"),
    ("centre", "Το Κέντρο μου / My centre"),
    ("book", "Ραντεβού / Appointment"),
    ("appointments", "Τα ραντεβού μου / My appointments"),
    ("request", "Αίτημα στο Κέντρο / Request"),
    ("privacy", "Προσωπικά δεδομένα / Privacy"),
    ("mydata", "Τα στοιχεία μου / My data"),
    ("forget", "Διαγραφή στοιχείων / Delete my data"),
    ("subscribe", "Ανακοινώσεις / Announcements"),
    ("unsubscribe", "Τέλος ανακοινώσεων / Stop announcements"),
    ("language", "Γλώσσα / Language"),
    ("help", "Βοήθεια / Help"),
    ("cancel", "Ακύρωση / Cancel"),
]


def build_application(
    settings: Settings,
    *,
    database: Database | None = None,
    request: BaseRequest | None = None,
) -> KoinotitaApplication:
    """The bot for `settings`. Tests and local mode pass a `RecordingBotApi` as `request`.

    Every call to Telegram goes through one rate limiter (bot/rate_limit.py); background work starts in
    `post_init` and stops in `post_stop`/`post_shutdown` (bot/lifecycle.py)."""
    db = database or Database(settings.effective_database_url)
    local = settings.run_mode is RunMode.LOCAL
    if local and request is None:
        request = RecordingBotApi(FaultPlan.parse(settings.fault_plan))
    bot = StepBot(
        settings.token or LOCAL_TOKEN,
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=request or HTTPXRequest(),
        defaults=Defaults(block=True),
        rate_limiter=make_rate_limiter(settings, db),
    )
    queue = InboxQueue()
    builder = (
        ApplicationBuilder()
        .application_class(RunningApplication)
        .bot(bot)
        .update_queue(queue)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    if local:  # no Telegram to poll or to call us: updates come from the local chat or the tests
        builder = builder.updater(None)
    app = builder.build()
    assert isinstance(app, KoinotitaApplication)
    app.services = Services(settings=settings, db=db)
    app.runner = queue.runner = StepRunner(app)
    register_reachability(app)
    register(app)
    return app


async def start_services(app: KoinotitaApplication) -> None:
    """Load what handlers need beyond the database (the NLU model, compiled texts). Called by every run mode after
    `initialize()`, which has already restored persisted conversations."""
    from bot.nlu_loader import load_nlu
    from knowledge.warm import warm_up

    app.services.nlu = await load_nlu(app.services.settings)
    warm_up()  # texts, templates, the emergency plan: compiled now, not while the first citizens wait
    # What start-up loaded (the NLU model, the gazetteer, compiled texts: some 200,000 objects) lives as long as
    # the process. Frozen out of the cyclic collector, a full collection, which can land on any update and in the
    # middle of a parse or a batch, walks only what came after (bench/README.md: 160-300 ms -> ~0 per collection).
    gc.collect()
    gc.freeze()


async def stop_services(app: KoinotitaApplication) -> None:
    gc.unfreeze()  # what start-up froze can be collected again (a test process starts and stops many apps)
    close = getattr(app.services.nlu, "aclose", None)
    if close is not None:
        await close()
    await app.services.db.dispose()


async def publish_commands(app: KoinotitaApplication) -> None:
    """Show the commands in the Telegram client's menu (real Telegram only)."""
    await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
