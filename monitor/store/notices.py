"""Messages to the analyst chat that are not alerts (an outage's summary), queued in the archive so each
is sent exactly once, and the open outage they summarise. Reached as `Store.notices`.

An outage's counts grow in the meta table as recovered posts are stored; closing it queues its summary
with the random_id its send will use and clears the counts in one transaction, so a crash either leaves
the outage open (closed again after the restart) or its summary queued (sent after the restart, where
Telegram answers RANDOM_ID_DUPLICATE if the first send went through). Kept in the meta table: the queue
holds one entry per outage, and is emptied as the sender delivers.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import aiosqlite

from monitor.store.codec import dump_state, load_state
from monitor.store.database import Database

_OUTAGE = "open_outage"
_QUEUE = "notices"


@dataclass(frozen=True, slots=True)
class Notice:
    """One queued message: its text (plain) and the random_id every attempt to send it uses."""

    random_id: int
    text: str


class Notices:
    """The notice queue and the open outage, each one JSON value in the meta table."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def open_outage(self) -> dict[str, object]:
        """The counts of the outage not yet summarised ({} when there is none)."""
        return load_state(await self._database.value("SELECT value FROM meta WHERE key = ?", (_OUTAGE,)))

    async def keep_outage(self, state: Mapping[str, object]) -> None:
        async with self._database.write() as db:
            await _put(db, _OUTAGE, dump_state(dict(state)))

    async def close_outage(self, text: str) -> Notice:
        """Queue the outage's summary and forget its counts, in one durable transaction."""
        notice = Notice(secrets.randbits(63) | 4, text)
        async with self._database.write(durable=True) as db:
            queue = await _queue(db)
            queue.append({"random_id": notice.random_id, "text": notice.text})
            await _put(db, _QUEUE, json.dumps(queue, ensure_ascii=False))
            await db.execute("DELETE FROM meta WHERE key = ?", (_OUTAGE,))
        return notice

    async def pending(self) -> list[Notice]:
        """Queued notices, oldest first."""
        async with self._database.read() as db:
            return [Notice(int(entry["random_id"]), str(entry["text"])) for entry in await _queue(db)]

    async def mark_sent(self, random_id: int) -> None:
        """Take a delivered notice off the queue (a second call changes nothing)."""
        async with self._database.write() as db:
            queue = [entry for entry in await _queue(db) if entry["random_id"] != random_id]
            await _put(db, _QUEUE, json.dumps(queue, ensure_ascii=False))


async def _queue(db: aiosqlite.Connection) -> list[dict[str, object]]:
    async with db.execute("SELECT value FROM meta WHERE key = ?", (_QUEUE,)) as cursor:
        row = await cursor.fetchone()
    return list(json.loads(row[0])) if row and row[0] else []


async def _put(db: aiosqlite.Connection, key: str, value: str) -> None:
    await db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
