"""Learned channel context in the archive file (context_base.py says what it keeps): SQLite's way of
finding the flags of posts by key. Reached as `Store.context`.
"""

from __future__ import annotations

from monitor.store.codec import load_list
from monitor.store.context_base import ContextBase
from monitor.store.database import Database
from monitor.store.rows import KEYS_JOIN, PostKey, keys_param
from monitor.store.session import SQLITE, SqliteSession


class LearnedContext(ContextBase[SqliteSession]):
    """Channel context kept in the archive file."""

    def __init__(self, database: Database) -> None:
        super().__init__(database, SqliteSession, SQLITE)

    async def conflicts_of(self, keys: set[PostKey]) -> dict[PostKey, tuple[str, ...]]:
        sql = f"SELECT p.channel_id, p.message_id, p.conflicts FROM posts AS p {KEYS_JOIN}"
        rows = await self._database.rows(sql, (keys_param(keys),))
        return {(row[0], row[1]): load_list(row[2]) for row in rows}
