"""What every handler needs, built once per Application: settings, database, NLU and routing.

Kept on the Application (not in bot_data) so nothing here is ever written to persistence.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from telegram import Update
from telegram.ext import Application, ContextTypes, ConversationHandler

from core.db import Database
from core.settings import Settings

if TYPE_CHECKING:
    from core.routing import Router
    from nlu.types import NluEngine

log = logging.getLogger(__name__)


ROUTING_REFRESH_SECONDS = 60.0  # how stale the routing may be after an admin changes a centre's municipalities


@dataclass
class Services:
    settings: Settings
    db: Database
    nlu: NluEngine | None = None
    _router: Router | None = field(default=None, repr=False)
    _routing_loaded_at: float | None = field(default=None, repr=False)

    async def refresh_routing(self, now: float | None = None) -> None:
        """Route with the database's centres (the truth at run time; the YAML only seeds), re-read at most
        once a minute. If the database cannot be read, the last routing stays."""
        now = time.monotonic() if now is None else now
        if self._routing_loaded_at is not None and now - self._routing_loaded_at < ROUTING_REFRESH_SECONDS:
            return
        from core.routing import Router, database_routing

        try:
            async with self.db.session() as session:
                serving, annexes = await database_routing(session)
        except Exception:  # a database hiccup must not stop the bot answering
            log.warning("routing: could not read the centres; keeping the last routing", exc_info=True)
            return
        self._router = Router.default().with_centres(serving, annexes)
        self._routing_loaded_at = now

    @property
    def router(self) -> Router:
        if self._router is None:
            from core.routing import Router

            self._router = Router.default()
        return self._router


class KoinotitaApplication(Application):
    """The PTB Application plus our services.

    - One flow at a time: when an update starts a flow (booking, an intake, a pre-check...) while another is
      waiting for an answer, the older one ends, so the next thing the citizen types goes to the flow they
      see, not to a question asked earlier.
    - Persistence is written after every update, so that a crash (even `kill -9`) never loses a step the
      user has already seen answered.
    """

    services: Services

    async def process_update(self, update: object) -> None:
        await self.services.refresh_routing()
        key = _conversation_key(update)
        before = self._active_flows(key)
        await super().process_update(update)
        if key is not None and before:
            started = self._active_flows(key) - before
            if started:
                self._end_flows(key, before)
        if self.persistence is not None:
            await self.update_persistence()

    def end_flows(self, update: object) -> None:
        """The citizen went back to the start or the menu: no flow is waiting for an answer any more. (Drafts in
        user data stay, so a flow entered again resumes with what was typed.)"""
        key = _conversation_key(update)
        if key is not None:
            self._end_flows(key, self._active_flows(key))

    def _conversations(self) -> list[ConversationHandler]:
        return [h for h in self.handlers.get(0, []) if isinstance(h, ConversationHandler)]

    def _active_flows(self, key: tuple[int, int] | None) -> set[str]:
        if key is None:
            return set()
        # PTB has no public "is this conversation active" call; its state dict is the source of truth.
        return {str(h.name) for h in self._conversations() if key in h._conversations}

    def _end_flows(self, key: tuple[int, int], names: set[str]) -> None:
        for handler in self._conversations():
            if handler.name in names and key in handler._conversations:
                # The same deletion PTB performs when a callback returns END (tracked for persistence).
                del handler._conversations[key]


def _conversation_key(update: object) -> tuple[int, int] | None:
    """The (chat, user) key our conversations use (per_chat and per_user, not per_message)."""
    if not isinstance(update, Update) or update.effective_chat is None or update.effective_user is None:
        return None
    return update.effective_chat.id, update.effective_user.id


def services_of(context: ContextTypes.DEFAULT_TYPE | Any) -> Services:
    return cast(KoinotitaApplication, context.application).services
