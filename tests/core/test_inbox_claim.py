"""Which pending updates a batch claims (core.inbox.claim): oldest first, in order per chat, and — with a per-chat
share — a fair share of the batch for each waiting chat. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter

from core import inbox
from core.db import Database
from core.models import utcnow


def _message(update_id: int, chat: int) -> inbox.Incoming:
    payload = {"update_id": update_id, "message": {"message_id": update_id, "chat": {"id": chat}, "text": "x"}}
    return inbox.Incoming(update_id, chat, payload)


async def _store(database: Database, items: list[inbox.Incoming]) -> None:
    async with database.write() as session:
        await inbox.store(session, items, now=utcnow())


async def _claim(database: Database, *, limit: int, per_chat: int | None) -> list[inbox.PendingUpdate]:
    async with database.write() as session:
        return await inbox.claim(session, replicas=False, limit=limit, per_chat=per_chat)


async def test_many_waiting_chats_each_give_their_oldest_update(database: Database) -> None:
    # 12 chats with 3 pending updates each, interleaved as they arrive; a batch of 10 with a share of 3 per chat
    await _store(database, [_message(100 + n, 500 + n % 12) for n in range(36)])
    claimed = await _claim(database, limit=10, per_chat=3)
    assert len(claimed) == 10
    assert set(Counter(p.chat_key for p in claimed).values()) == {1}  # one each: more chats wait than 10 // 3
    assert [p.update_id for p in claimed] == list(range(100, 110))  # the oldest ten, in order


async def test_few_waiting_chats_give_up_to_their_share(database: Database) -> None:
    await _store(database, [_message(200 + n, 600 + n % 2) for n in range(10)])
    claimed = await _claim(database, limit=10, per_chat=3)
    assert Counter(p.chat_key for p in claimed) == {600: 3, 601: 3}
    for chat in (600, 601):
        ids = [p.update_id for p in claimed if p.chat_key == chat]
        assert ids == sorted(ids) and ids[0] == 200 + (chat - 600)  # each chat's oldest, in order


async def test_the_share_shrinks_to_what_the_batch_has_room_for(database: Database) -> None:
    # 4 chats, room for 10: 10 // 4 = 2 each (not 3), so every waiting chat is in this batch
    await _store(database, [_message(300 + n, 700 + n % 4) for n in range(20)])
    claimed = await _claim(database, limit=10, per_chat=3)
    assert Counter(p.chat_key for p in claimed) == {700: 2, 701: 2, 702: 2, 703: 2}


async def test_without_a_share_a_chat_gives_every_pending_update(database: Database) -> None:
    await _store(database, [_message(400 + n, 800 + n % 3) for n in range(9)])
    claimed = await _claim(database, limit=50, per_chat=None)
    assert Counter(p.chat_key for p in claimed) == {800: 3, 801: 3, 802: 3}


async def test_claimed_updates_handled_leave_the_rest_in_order(database: Database) -> None:
    await _store(database, [_message(500 + n, 900 + n % 12) for n in range(36)])
    seen: list[int] = []
    while True:
        claimed = await _claim(database, limit=10, per_chat=3)
        if not claimed:
            break
        seen.extend(p.update_id for p in claimed)
        async with database.write() as session:
            await inbox.mark_done(session, [p.id for p in claimed], now=utcnow())
    assert sorted(seen) == list(range(500, 536)) and len(seen) == len(set(seen))  # every update once
    for chat in range(900, 912):
        ids = [u for u in seen if (u - 500) % 12 == chat - 900]
        assert ids == sorted(ids)  # per-chat order kept across batches
