"""PTB persistence on our own database (table `bot_state`), so that a restart — even `kill -9` — resumes every
conversation where it was. Everything stored must be JSON: conversation states, user and chat data.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, cast

from sqlalchemy import delete, select
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from core.db import Database
from core.models import BotState

CONVERSATION_PREFIX = "conversation:"


class SQLAlchemyPersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    def __init__(self, database: Database, update_interval: float = 5) -> None:
        # bot_data holds nothing we need to keep; callback data are our own short ids, not PTB's cache.
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False, chat_data=True, user_data=True),
            update_interval=update_interval,
        )
        self.database = database

    # -- reading -------------------------------------------------------------------------------
    async def _rows(self, kind: str) -> list[BotState]:
        async with self.database.session() as session:
            return list((await session.scalars(select(BotState).where(BotState.kind == kind))).all())

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        return defaultdict(dict, {int(r.key): dict(r.data) for r in await self._rows("user")})

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return defaultdict(dict, {int(r.key): dict(r.data) for r in await self._rows("chat")})

    async def get_bot_data(self) -> dict[str, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self._rows(CONVERSATION_PREFIX + name)
        return {cast(ConversationKey, tuple(json.loads(r.key))): r.data for r in rows}

    # -- writing ---------------------------------------------------------------------------------
    # Writes take the write lock up front (`Database.write()`): a read-then-write transaction on SQLite that
    # meets another writer fails at once with "database is locked" instead of waiting its turn.
    async def _put(self, kind: str, key: str, data: Any) -> None:
        async with self.database.write() as session:
            await session.merge(BotState(kind=kind, key=key, data=data))

    async def _drop(self, kind: str, key: str) -> None:
        async with self.database.write() as session:
            await session.execute(delete(BotState).where(BotState.kind == kind, BotState.key == key))

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        encoded = json.dumps(list(key))
        if new_state is None:
            await self._drop(CONVERSATION_PREFIX + name, encoded)
        else:
            await self._put(CONVERSATION_PREFIX + name, encoded, new_state)

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        await self._put("user", str(user_id), data)

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        await self._put("chat", str(chat_id), data)

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._drop("chat", str(chat_id))

    async def drop_user_data(self, user_id: int) -> None:
        await self._drop("user", str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
