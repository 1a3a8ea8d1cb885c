"""The bot's own conversation state: which flow waits for an answer from whom, and each citizen's user and chat
data — read at the start of a step and written in the step's transaction (table `bot_state`), so that they commit
together with everything else the step did.

- `StateStore` holds the rows of the chats in one batch of steps: loaded in one query, written back in one
  statement per kind of change, and only what changed (compared with what was read).
- `FlowConversationHandler` is PTB's ConversationHandler reading and writing its states in the store of the step
  that runs (`current_store()`), instead of in a dict of its own; the Application turns every ConversationHandler
  registered into one (bot/services.py), so flow modules keep defining ordinary ConversationHandlers.
- "One flow at a time" and erasure use the store's public calls (`active_flows`, `end_flows`, `forget`).
- What a handler would read from the database at a citizen's first step of the batch can be read for the whole
  batch in one query before the steps (`KoinotitaApplication.read_ahead`): `take_read_ahead` hands it to that
  step once, and it is dropped when the citizen's first step ends, so a later step reads what that step left.
- A waiting flow keeps its answer: a conversation's *text* entry point yields to a flow waiting for this citizen's
  answer (another one, or its own step) unless the text is a clear new request (bot/waiting.py).

Rows: kind `user` / `chat` keyed by the id, kind `conversation:<name>` keyed by the JSON `[chat_id, user_id]`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, MutableMapping
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, and_, delete, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler, MessageHandler

from bot.waiting import text_entry_yields
from core.models import BotState, utcnow

CONVERSATION_PREFIX = "conversation:"
Key = tuple[int, ...]
NOT_READ = object()  # `take_read_ahead`: nothing was read ahead for this citizen (the handler reads it itself)

_CURRENT: ContextVar[StateStore | None] = ContextVar("koinotita_state_store", default=None)


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=4096)  # asked for by every conversation on every update, for the same few chats of a batch
def _conversation_key(key: Key) -> str:
    """`json.dumps(list(key))`, without the encoder for the usual (chat id, user id) of ints."""
    if all(type(k) is int for k in key):
        return "[" + ", ".join(map(str, key)) + "]"
    return json.dumps(list(key))


class StateStore:
    """The state of the chats of one batch of steps."""

    def __init__(self, flow_names: Iterable[str]) -> None:
        self.flow_names = [n for n in flow_names]
        self.loaded: dict[tuple[str, str], str] = {}  # (kind, key) -> JSON as read
        self.values: dict[tuple[str, str], Any] = {}  # (kind, key) -> the value now (absent: no row)
        self.erased: set[int] = set()  # chats and users erased (/forget) in this batch
        self.ahead: dict[int, dict[str, Any]] = {}  # user id -> {what: read before the steps}, used once

    # -- loading and saving ------------------------------------------------------------------------------
    async def load(
        self, session: AsyncSession, *, users: Iterable[int], chats: Iterable[int], keys: Iterable[Key]
    ) -> None:
        user_keys = sorted({str(u) for u in users})
        chat_keys = sorted({str(c) for c in chats})
        conversation_keys = sorted({_conversation_key(k) for k in keys})
        conditions = []
        if user_keys:
            conditions.append(and_(BotState.kind == "user", BotState.key.in_(user_keys)))
        if chat_keys:
            conditions.append(and_(BotState.kind == "chat", BotState.key.in_(chat_keys)))
        if conversation_keys and self.flow_names:  # every flow x every key: two lists, not their product
            kinds = [CONVERSATION_PREFIX + n for n in self.flow_names]
            conditions.append(and_(BotState.kind.in_(kinds), BotState.key.in_(conversation_keys)))
        if not conditions:
            return
        query = select(BotState.kind, BotState.key, BotState.data).where(or_(*conditions))
        for kind, key, data in (await session.execute(query)).all():
            self.loaded[(kind, key)] = _dump(data)
            self.values[(kind, key)] = data

    async def save(self, session: AsyncSession) -> int:
        """Write what changed since `load`; returns how many rows were written or deleted."""
        upserts: list[dict[str, Any]] = []
        written: dict[tuple[str, str], str] = {}
        deletes: list[tuple[str, str]] = []
        for ident in set(self.loaded) | set(self.values):
            value = self.values.get(ident)
            empty = value is None or value == {}
            if empty:
                if ident in self.loaded:
                    deletes.append(ident)
                continue
            dumped = _dump(value)
            if self.loaded.get(ident) != dumped:
                upserts.append({"kind": ident[0], "key": ident[1], "data": value, "updated_at": utcnow()})
                written[ident] = dumped
        if deletes:
            await session.execute(delete(BotState).where(tuple_(BotState.kind, BotState.key).in_(deletes)))
        if upserts:
            dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
            # The table, not the mapped class: the ORM's bulk bookkeeping cost more than the statement itself.
            insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(cast(Table, BotState.__table__))
            await session.execute(
                insert.on_conflict_do_update(
                    index_elements=["kind", "key"],
                    set_={"data": insert.excluded.data, "updated_at": insert.excluded.updated_at},
                ),
                upserts,
            )
        self.loaded.update(written)
        for ident in deletes:
            self.loaded.pop(ident, None)
        return len(upserts) + len(deletes)

    # -- read ahead for the batch ---------------------------------------------------------------------------
    def keep_read_ahead(self, what: str, values: dict[int, Any]) -> None:
        for user_id, value in values.items():
            self.ahead.setdefault(user_id, {})[what] = value

    def take_read_ahead(self, what: str, user_id: int) -> Any:
        """What was read ahead of the steps for this user (once), or `NOT_READ`."""
        return self.ahead.get(user_id, {}).pop(what, NOT_READ)

    def step_done(self, user_id: int) -> None:
        """The user's step ended: what was read ahead for them may be out of date for their next step."""
        self.ahead.pop(user_id, None)

    # -- user and chat data --------------------------------------------------------------------------------
    def user_data(self, user_id: int) -> dict[str, Any]:
        return dict(self.values.get(("user", str(user_id))) or {})

    def chat_data(self, chat_id: int) -> dict[str, Any]:
        return dict(self.values.get(("chat", str(chat_id))) or {})

    def keep_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        self.values[("user", str(user_id))] = json.loads(_dump(data))  # a copy, and JSON-only as stored

    def keep_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        self.values[("chat", str(chat_id))] = json.loads(_dump(data))

    # -- conversations ------------------------------------------------------------------------------------
    def state(self, name: str, key: Key) -> object | None:
        return self.values.get((CONVERSATION_PREFIX + name, _conversation_key(key)))

    def set_state(self, name: str, key: Key, state: object | None) -> None:
        ident = (CONVERSATION_PREFIX + name, _conversation_key(key))
        if state is None:
            self.values.pop(ident, None)
        else:
            self.values[ident] = state

    def active_flows(self, key: Key) -> set[str]:
        stored = _conversation_key(key)
        return {n for n in self.flow_names if self.values.get((CONVERSATION_PREFIX + n, stored)) is not None}

    def end_flows(self, key: Key, names: Iterable[str]) -> None:
        for name in names:
            self.set_state(name, key, None)

    def forget(self, user_id: int, chat_id: int) -> None:
        """Erasure: the person's data and every flow of theirs are gone (the rows are deleted by
        `core.privacy.forget_citizen` in the same transaction; nothing here writes them back)."""
        self.erased.update((user_id, chat_id))
        for ident in list(self.values):
            kind, key = ident
            mine = (
                (kind == "user" and key == str(user_id))
                or (kind == "chat" and key == str(chat_id))
                or (kind.startswith(CONVERSATION_PREFIX) and (user_id in json.loads(key) or chat_id in json.loads(key)))
            )
            if mine:
                self.values.pop(ident)
                self.loaded.pop(ident, None)


def current_store() -> StateStore | None:
    return _CURRENT.get()


def use_store(store: StateStore | None) -> Any:
    """Make `store` the current one (returns the token to reset with `reset_store`)."""
    return _CURRENT.set(store)


def reset_store(token: Any) -> None:
    _CURRENT.reset(token)


class _StoreStates(MutableMapping[Key, object]):
    """What a ConversationHandler reads and writes as its states: the current step's store."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getitem__(self, key: Key) -> object:
        state = self.get(key)
        if state is None:
            raise KeyError(key)
        return state

    def get(self, key: Key, default: Any = None) -> Any:
        """PTB asks every conversation for its state on every update: answered without raising KeyError."""
        store = current_store()
        state = store.state(self.name, key) if store is not None else None
        return default if state is None else state

    def __setitem__(self, key: Key, state: object) -> None:
        store = current_store()
        if store is None:
            raise RuntimeError("a conversation state changed outside a step")
        store.set_state(self.name, key, state)

    def __delitem__(self, key: Key) -> None:
        store = current_store()
        if store is None or store.state(self.name, key) is None:
            raise KeyError(key)
        store.set_state(self.name, key, None)

    def __iter__(self) -> Iterator[Key]:
        return iter(())  # never listed: states are read one key at a time

    def __len__(self) -> int:
        return 0


class FlowConversationHandler(ConversationHandler[Any]):
    """A ConversationHandler whose states live in the step's `StateStore` (see the module docstring)."""

    @classmethod
    def from_handler(cls, handler: ConversationHandler[Any]) -> FlowConversationHandler:
        if not handler.name:
            raise ValueError("every conversation needs a name= (its state is stored under it)")
        made = cls(
            entry_points=handler.entry_points,
            states=handler.states,
            fallbacks=handler.fallbacks,
            allow_reentry=handler.allow_reentry,
            per_chat=handler.per_chat,
            per_user=handler.per_user,
            per_message=handler.per_message,
            conversation_timeout=handler.conversation_timeout,
            name=handler.name,
            persistent=False,
            map_to_parent=handler.map_to_parent,
            block=handler.block,
        )
        made._conversations = _StoreStates(handler.name)  # type: ignore[assignment]
        return made

    def check_update(self, update: object) -> Any:
        """PTB's choice of handler, except that a text entry point lets a waiting flow have the message (see
        bot/waiting.py): another flow's step then gets it, or — when this flow waits — this flow's own step."""
        checked = super().check_update(update)
        if checked is None or not isinstance(update, Update):
            return checked
        state, conversation_key, handler, _check = checked
        key = cast(Key, conversation_key)
        store = current_store()
        if store is None or handler not in self.entry_points or not isinstance(handler, MessageHandler):
            return checked
        waiting = {name: store.state(name, key) for name in store.active_flows(key)}
        if not text_entry_yields(update, waiting):
            return checked
        return None if state is None else self._step_handler(update, state, key)

    def _step_handler(self, update: Update, state: object, key: Key) -> Any:
        """The handler of this flow's step `state` (or a fallback) for `update`, as if entry points were not
        looked at; None when none takes it."""
        candidates: list[BaseHandler[Any, Any, Any]] = [*self.states.get(state, []), *self.fallbacks]
        for candidate in candidates:
            check = candidate.check_update(update)
            if check is not None and check is not False:
                return state, key, candidate, check
        return None
