"""Named values in the archive's meta table (one text, usually JSON, per key), as the parts that keep their
state there see it: daemon records, Telegram problems and notices are written once against `MetaTable`
and run on either backend; `SqliteMeta` is the archive file's table, postgres/meta.py the database's."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from monitor.store.database import Database, fetch

# Keys and their values: None stands for a key that is absent (read) or is to be removed (written).
Values = dict[str, str | None]
Change = Callable[[Values], Mapping[str, str | None]]


class MetaTable(Protocol):
    """Reads and all-or-nothing changes of a few keys."""

    async def get(self, key: str) -> str | None: ...

    async def change(self, keys: Sequence[str], change: Change, *, durable: bool = False) -> None:
        """Read `keys` (None for absent ones) and write what `change` returns of them, in one transaction
        that no other change of those keys interleaves with."""
        ...


async def put(meta: MetaTable, key: str, value: str) -> None:
    """Set one key, whatever it held."""
    await meta.change([key], lambda _: {key: value})


class SqliteMeta:
    """The meta table of an archive file; the file's write lock keeps changes apart."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def get(self, key: str) -> str | None:
        value = await self._database.value("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def change(self, keys: Sequence[str], change: Change, *, durable: bool = False) -> None:
        async with self._database.write(durable=durable) as db:
            current: Values = dict.fromkeys(keys)
            sql = "SELECT key, value FROM meta WHERE key IN (SELECT value FROM json_each(?))"
            current.update({row[0]: row[1] for row in await fetch(db, sql, [json.dumps(list(keys))])})
            for key, value in change(current).items():
                if value is None:
                    await db.execute("DELETE FROM meta WHERE key = ?", (key,))
                else:
                    await db.execute(
                        "INSERT INTO meta (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (key, value),
                    )
