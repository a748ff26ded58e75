"""Learned channel context in a PostgreSQL archive (store/context_base.py says what it keeps):
PostgreSQL's way of finding the flags of posts by key. Reached as `PgStore.context`."""

from __future__ import annotations

from monitor.store.codec import load_list
from monitor.store.context_base import ContextBase
from monitor.store.postgres.database import PgDatabase
from monitor.store.postgres.rows import KEYS_JOIN, keys_params
from monitor.store.postgres.session import POSTGRES, PgSession
from monitor.store.rows import PostKey


class PgLearnedContext(ContextBase[PgSession]):
    """Channel context kept in the archive's database."""

    def __init__(self, database: PgDatabase) -> None:
        super().__init__(database, PgSession, POSTGRES)

    async def conflicts_of(self, keys: set[PostKey]) -> dict[PostKey, tuple[str, ...]]:
        sql = f"SELECT p.channel_id, p.message_id, p.conflicts FROM posts AS p {KEYS_JOIN}"
        rows = await self._database.rows(sql, keys_params(keys))
        return {(row[0], row[1]): load_list(row[2]) for row in rows}
