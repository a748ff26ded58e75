"""Named values in the archive's meta table (one text, usually JSON, per key), as the parts that keep their
state there see it: daemon records, Telegram problems and notices are written once against `MetaTable`
and run on either backend; `MetaBase` is that table's SQL written once, `SqliteMeta` the archive file's
table and postgres/meta.py the database's."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Protocol

from monitor.store.database import Database
from monitor.store.session import SQLITE, Dialect, S, Sessions, SqliteSession, Transactions

# Keys and their values: None stands for a key that is absent (read) or is to be removed (written).
Values = dict[str, str | None]
Change = Callable[[Values], Mapping[str, str | None]]


class MetaTable(Protocol):
    """Reads and all-or-nothing changes of a few keys."""

    async def get(self, key: str) -> str | None: ...

    async def change(self, keys: Sequence[str], change: Change, *, durable: bool = False) -> None:
        """Read `keys` (None for absent ones) and write what `change` returns of them, in one transaction
        that no other change of those keys interleaves with."""


async def put(meta: MetaTable, key: str, value: str) -> None:
    """Set one key, whatever it held."""
    await meta.change([key], lambda _: {key: value})


class MetaBase(ABC, Generic[S]):
    """A MetaTable written once for both backends; each says how a change keeps others of its keys out."""

    def __init__(self, database: Transactions, session: Callable[[Any], S], dialect: Dialect) -> None:
        self._sql = Sessions(database, session, dialect)

    @abstractmethod
    async def _lock(self, db: S, keys: Sequence[str]) -> None:
        """Keep other changes of these keys out until this transaction ends."""

    async def get(self, key: str) -> str | None:
        value = await self._sql.value("SELECT value FROM meta WHERE key = :key", key=key)
        return None if value is None else str(value)

    async def change(self, keys: Sequence[str], change: Change, *, durable: bool = False) -> None:
        async with self._sql.write(durable=durable) as db:
            await self._lock(db, keys)
            current: Values = dict.fromkeys(keys)
            sql = f"SELECT key, value FROM meta WHERE {self._sql.dialect.any_of('key', 'keys', of='text')}"
            current.update({row[0]: row[1] for row in await db.fetch(sql, keys=list(keys))})
            for key, value in change(current).items():
                if value is None:
                    await db.run("DELETE FROM meta WHERE key = :key", key=key)
                else:
                    await db.run(
                        "INSERT INTO meta (key, value) VALUES (:key, :value) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        key=key,
                        value=value,
                    )


class SqliteMeta(MetaBase[SqliteSession]):
    """The meta table of an archive file."""

    def __init__(self, database: Database) -> None:
        super().__init__(database, SqliteSession, SQLITE)

    async def _lock(self, db: SqliteSession, keys: Sequence[str]) -> None:
        """The file's write lock keeps changes apart already."""
