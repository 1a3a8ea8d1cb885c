"""What every handler needs, built once per Application: settings, database, NLU and routing.

Kept on the Application (not in bot_data) so nothing here is ever written to persistence.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from telegram import Update
from telegram.ext import Application, BaseHandler, ContextTypes, ConversationHandler

from bot.flow_state import FlowConversationHandler, StateStore, current_store
from bot.inbox import chat_key_of
from bot.prompts import PromptedConversationHandler
from bot.scheduler import STOP_GRACE_S
from core.db import Database
from core.settings import Settings

if TYPE_CHECKING:
    from bot.inbox import BatchReader, StepRunner
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
    """The PTB Application plus our services, handling every update as a step (bot/inbox.py).

    - `process_update(update)` stores the update in the inbox, handles that chat's pending updates in one
      transaction and sends their messages: when it returns, the update is handled and answered (the local chat
      and the tests use it). Webhook and polling put updates into the inbox through the update queue instead,
      and the inbox loop handles them.
    - Conversations keep their state in the step's store (bot/flow_state.py): every ConversationHandler added is
      turned into a `FlowConversationHandler`.
    - One flow at a time: when an update starts a flow (booking, an intake, a pre-check...) while another is
      waiting for an answer, the older one ends, so the next thing the citizen types goes to the flow they
      see, not to a question asked earlier.
    """

    services: Services
    runner: StepRunner
    batch_readers: tuple[BatchReader, ...] = ()
    _inbox_task: asyncio.Task[None] | None = None
    _inbox_stop: asyncio.Event | None = None

    async def start(self) -> None:
        """PTB's start, and the inbox loop: updates the webhook or polling stored (or another replica's
        process received) are handled by it."""
        from bot.inbox import run_inbox_loop

        await super().start()
        self._inbox_stop = asyncio.Event()
        self._inbox_task = asyncio.create_task(run_inbox_loop(self, stop=self._inbox_stop), name="inbox")

    async def stop(self) -> None:
        if self._inbox_task is not None:
            # The batch in hand is finished first: its answers are sent and marked, so none is sent twice later.
            if self._inbox_stop is not None:
                self._inbox_stop.set()
                self.runner.wake.set()
            await asyncio.wait({self._inbox_task}, timeout=STOP_GRACE_S)
            self._inbox_task.cancel()
            with suppress(asyncio.CancelledError):
                await self._inbox_task
            self._inbox_task = None
        await super().stop()

    def read_ahead(self, reader: BatchReader) -> None:
        """Run `reader` before the steps of every batch (bot/inbox.py `BatchReader`)."""
        self.batch_readers = (*self.batch_readers, reader)

    def add_handler(self, handler: BaseHandler[Any, Any, Any], group: int = 0) -> None:
        if isinstance(handler, ConversationHandler) and not isinstance(handler, FlowConversationHandler):
            handler = PromptedConversationHandler.from_handler(handler)
        super().add_handler(handler, group)

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        await self.runner.receive(update)
        key = chat_key_of(update)
        while await self.runner.run_batch(chat_keys=[key] if key is not None else None):
            pass

    async def dispatch(self, update: Update) -> None:
        """PTB's handling of one update, inside a step."""
        key = self.conversation_key(update)
        store = current_store()
        before = store.active_flows(key) if store is not None and key is not None else set()
        await super().process_update(update)
        if store is not None and key is not None and before and store.active_flows(key) - before:
            store.end_flows(key, before)

    def end_flows(self, update: object) -> None:
        """The citizen went back to the start or the menu: no flow is waiting for an answer any more. (Drafts in
        user data stay, so a flow entered again resumes with what was typed.)"""
        key = self.conversation_key(update)
        store = current_store()
        if key is not None and store is not None:
            store.end_flows(key, store.active_flows(key))

    def forget_state(self, user_id: int, chat_id: int) -> None:
        """Erasure (/forget): the person's user and chat data and flows are gone from this step on."""
        store = current_store()
        if store is not None:
            store.forget(user_id, chat_id)
        self.user_data[user_id].clear()
        self.chat_data[chat_id].clear()

    def flow_states(self, update: object) -> dict[str, object]:
        """The flows waiting for this citizen's answer, each with the state (question) it is at."""
        key = self.conversation_key(update)
        store = current_store()
        if key is None or store is None:
            return {}
        return {name: store.state(name, key) for name in store.active_flows(key)}

    def conversation(self, name: str) -> ConversationHandler | None:
        """The flow (ConversationHandler) registered under `name`."""
        return next(
            (h for hs in self.handlers.values() for h in hs if isinstance(h, ConversationHandler) and h.name == name),
            None,
        )

    def resume_flow(self, update: object, name: str, state: object) -> bool:
        """Put the citizen back at `state` of the flow `name` (after an emergency interrupted it); False when
        there is no such flow. Stored with the step, like any state PTB sets."""
        key, store, handler = self.conversation_key(update), current_store(), self.conversation(name)
        if key is None or store is None or handler is None or state not in handler.states:
            return False
        store.set_state(name, key, state)
        return True

    async def active_flows(self, key: tuple[int, int]) -> set[str]:
        """The flows waiting for an answer from this (chat, user), as stored."""
        store = StateStore(self.flow_names())
        async with self.services.db.session() as session:
            await store.load(session, users=[], chats=[], keys=[key])
        return store.active_flows(key)

    def flow_names(self) -> list[str]:
        return [str(h.name) for hs in self.handlers.values() for h in hs if isinstance(h, FlowConversationHandler)]

    @staticmethod
    def conversation_key(update: object) -> tuple[int, int] | None:
        """The (chat, user) key our conversations use (per_chat and per_user, not per_message)."""
        if not isinstance(update, Update) or update.effective_chat is None or update.effective_user is None:
            return None
        return update.effective_chat.id, update.effective_user.id


def services_of(context: ContextTypes.DEFAULT_TYPE | Any) -> Services:
    return cast(KoinotitaApplication, context.application).services
