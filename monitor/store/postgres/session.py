"""A Session (store/session.py) on an asyncpg connection: the statements both backends share, with their
named parameters numbered (sql.named), and PostgreSQL's spelling of what they cannot write alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import asyncpg

from monitor.store.postgres.sql import named, numbered
from monitor.store.rows import Row
from monitor.store.session import Dialect

POSTGRES = Dialect(
    ids_sql="SELECT unnest(:{name}::bigint[])",
    any_of_sql="{column} = ANY(:{name}::{of}[])",
    greatest="greatest",
    for_update=" FOR UPDATE",
)


class PgSession:
    """A Session on a connection held by PgDatabase.read or write."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def fetch(self, sql: str, /, **values: object) -> list[Row]:
        statement, params = named(sql, values)
        return await self.connection.fetch(statement, *params)

    async def value(self, sql: str, /, **values: object) -> Any:
        statement, params = named(sql, values)
        return await self.connection.fetchval(statement, *params)

    async def run(self, sql: str, /, **values: object) -> int:
        """The count that ends the command's status ('UPDATE 3', 'INSERT 0 1')."""
        statement, params = named(sql, values)
        status = await self.connection.execute(statement, *params)
        return int(status.rsplit(" ", 1)[-1])

    async def run_many(self, sql: str, values: Iterable[Mapping[str, object]]) -> None:
        statement, names = numbered(sql)
        await self.connection.executemany(statement, [[row[name] for name in names] for row in values])
