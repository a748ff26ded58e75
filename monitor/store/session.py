"""SQL that both backends run alike, written once: the parts of the archive whose statements read the same
on SQLite and PostgreSQL (archive_base.py, outbox_base.py, leases_base.py, context_base.py) run them
through a Session.

A statement names its parameters (`:name`) and a Session takes the values by keyword: SQLite binds the
names itself, postgres/session.py numbers them as PostgreSQL wants ($1, $2 ...). A list value is a list
of ids: SQLite binds it as a JSON array, PostgreSQL as an array, and the Dialect says how each reads it.
What only one backend can say stays in that backend's module, next to the shared part it completes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import aiosqlite

from monitor.store.rows import Reader, Row


@dataclass(frozen=True, slots=True)
class Dialect:
    """How a backend spells what shared SQL cannot write the same on both."""

    # A list of ids bound as `:{name}`: as rows of one column (ids) and as a condition on `{column}` (any_of).
    ids_sql: str
    any_of_sql: str
    # The larger of two values (SQLite's max with two arguments, PostgreSQL's greatest).
    greatest: str
    # Appended to a SELECT inside a write that must lock the rows it read (SQLite's write locks the file).
    for_update: str

    def ids(self, name: str) -> str:
        return self.ids_sql.format(name=name)

    def any_of(self, column: str, name: str, *, of: str = "bigint") -> str:
        """`column` is one of the list `:name` (PostgreSQL needs the SQL type `of` its items)."""
        return self.any_of_sql.format(column=column, name=name, of=of)


SQLITE = Dialect(
    ids_sql="SELECT value FROM json_each(:{name})",
    any_of_sql="{column} IN (SELECT value FROM json_each(:{name}))",
    greatest="max",
    for_update="",
)


class Session(Protocol):
    """A connection inside one read or one transaction, running statements with named parameters."""

    async def fetch(self, sql: str, /, **values: object) -> list[Row]: ...

    async def value(self, sql: str, /, **values: object) -> Any:
        """The first column of the first row (None if there is none)."""

    async def run(self, sql: str, /, **values: object) -> int:
        """Run a change; how many rows it changed."""

    async def run_many(self, sql: str, values: Iterable[Mapping[str, object]]) -> None: ...


S = TypeVar("S", bound=Session)


class Transactions(Reader, Protocol):
    """What Database and PgDatabase both offer: reads and all-or-nothing writes on their own connection
    (and, as Readers, statements without parameters read on their own)."""

    path: Path | str
    readonly: bool

    def read(self) -> AbstractAsyncContextManager[Any]: ...

    def write(self, *, durable: bool = False) -> AbstractAsyncContextManager[Any]: ...


class Sessions(Generic[S]):
    """A backend's reads and transactions, each handed out as a Session of its kind `S` (the backend's
    own parts of a shared class reach its connection there)."""

    def __init__(self, database: Transactions, session: Callable[[Any], S], dialect: Dialect) -> None:
        self._database = database
        self._session = session
        self.dialect = dialect

    @property
    def path(self) -> Path | str:
        """What messages name: the archive file, or the URL without its password."""
        return self._database.path

    @asynccontextmanager
    async def read(self) -> AsyncIterator[S]:
        async with self._database.read() as connection:
            yield self._session(connection)

    @asynccontextmanager
    async def write(self, *, durable: bool = False) -> AsyncIterator[S]:
        async with self._database.write(durable=durable) as connection:
            yield self._session(connection)

    async def rows(self, sql: str, /, **values: object) -> list[Row]:
        """All rows of one query, read on its own."""
        async with self.read() as session:
            return await session.fetch(sql, **values)

    async def value(self, sql: str, /, **values: object) -> Any:
        async with self.read() as session:
            return await session.value(sql, **values)


class SqliteSession:
    """A Session on the archive file's connection (held by Database.read or write)."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection

    async def fetch(self, sql: str, /, **values: object) -> list[Row]:
        async with self.connection.execute(sql, _bound(values)) as cursor:
            return list(await cursor.fetchall())

    async def value(self, sql: str, /, **values: object) -> Any:
        rows = await self.fetch(sql, **values)
        return rows[0][0] if rows else None

    async def run(self, sql: str, /, **values: object) -> int:
        async with self.connection.execute(sql, _bound(values)) as cursor:
            return cursor.rowcount

    async def run_many(self, sql: str, values: Iterable[Mapping[str, object]]) -> None:
        await self.connection.executemany(sql, [_bound(row) for row in values])


def _bound(values: Mapping[str, object]) -> dict[str, object]:
    """Values as SQLite binds them: a list (of ids) as a JSON array, which `json_each` reads."""
    return {name: json.dumps(value) if isinstance(value, list) else value for name, value in values.items()}
