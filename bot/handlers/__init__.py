"""One ordered registration of every flow's handlers. Order matters: within a group the first matching handler wins.
Groups -12 and -11 keep what a citizen types while an intake note is being written or a conversation is handed over
to staff; group -10 (emergency) answers danger before anything else; group -9 (listening) keeps what a message
tells about the citizen for the conversation memory; group -8 (keeping) brings back, once a conversation, what the
citizen let us keep; group 0 holds the flows: every conversation first (so that a step of a flow in progress is
never taken by a handler listening for an intent elsewhere), then the stand-alone handlers, then free text, then
the kind answers for whatever is left.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, ConversationHandler

from bot.handlers import (
    announcements,
    booking,
    centres,
    eligibility,
    emergency,
    entitlements,
    errors,
    events,
    fallback,
    free_text,
    handoff,
    intake,
    keeping,
    listen,
    listening,
    media,
    mediator,
    menu,
    my_appointments,
    privacy,
    start,
    topics,
)
from bot.services import KoinotitaApplication

Handler = BaseHandler[Update, Any, Any]

# Flows in the order they are offered the update; mediator first: `/start link-<token>` must reach it before the
# plain /start. The questionnaires come next: while one waits for an answer, a typed reply is read as the answer
# first (an intent entry point of a later flow must not take «θέλω…» from them); they leave themselves on a sure
# request for something else, keeping the answers.
FLOWS: list[list[Handler]] = [
    mediator.HANDLERS,
    eligibility.HANDLERS,
    entitlements.HANDLERS,
    booking.HANDLERS,
    my_appointments.HANDLERS,
    start.HANDLERS,
    menu.HANDLERS,
    centres.HANDLERS,
    topics.HANDLERS,
    events.HANDLERS,
    intake.HANDLERS,
    handoff.HANDLERS,
    privacy.HANDLERS,
    keeping.HANDLERS,
    announcements.HANDLERS,
    emergency.RESUME_HANDLERS,
    media.HANDLERS,
    listen.HANDLERS,
]


def fresh(handler: Handler) -> Handler:
    """A ConversationHandler keeps its users' states; each Application gets its own, restored from
    persistence, so that two Applications in one process (tests, a restart in place) never share them."""
    if not isinstance(handler, ConversationHandler):
        return handler
    return ConversationHandler(
        entry_points=handler.entry_points,
        states=handler.states,
        fallbacks=handler.fallbacks,
        allow_reentry=handler.allow_reentry,
        per_chat=handler.per_chat,
        per_user=handler.per_user,
        per_message=handler.per_message,
        conversation_timeout=handler.conversation_timeout,
        name=handler.name,
        persistent=handler.persistent,
        map_to_parent=handler.map_to_parent,
        block=handler.block,
    )


def ordered_flows() -> list[Handler]:
    handlers = [h for flow in FLOWS for h in flow]
    conversations = [fresh(h) for h in handlers if isinstance(h, ConversationHandler)]
    others = [h for h in handlers if not isinstance(h, ConversationHandler)]
    return [*conversations, *others, *free_text.HANDLERS, *fallback.HANDLERS]


def register(app: Application) -> None:
    app.add_handlers(intake.EARLY_HANDLERS, group=intake.EARLY_GROUP)
    app.add_handlers(handoff.EARLY_HANDLERS, group=handoff.EARLY_GROUP)
    app.add_handlers(emergency.HANDLERS, group=emergency.GROUP)
    app.add_handlers(listening.HANDLERS, group=listening.GROUP)
    app.add_handlers(keeping.RESTORE_HANDLERS, group=keeping.GROUP)
    if isinstance(app, KoinotitaApplication):
        app.read_ahead(keeping.read_kept_ahead)
    app.add_handlers(ordered_flows())
    app.add_error_handler(errors.on_error)
