"""An archive file's tables as plain rows, for `monitor archive copy` (copying.py): read in key order a
page at a time, appended with the copy's marks in the same transaction, and the post text indexes kept
as the archive's own writer keeps them."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from monitor.store.database import Database, fetch
from monitor.store.errors import ArchiveError
from monitor.store.writes import INDEX_NEW, INDEX_NEW_STEMS

Key = Sequence[object]


def quoted(names: Sequence[str]) -> str:
    """Column names as SQL (`end` is a keyword): the same quoting on both backends."""
    return ", ".join(f'"{name}"' for name in names)


def after_clause(key: Sequence[str], placeholders: Sequence[str]) -> str:
    """Rows whose key comes after the given one (row-value comparison, on both backends)."""
    return f"({quoted(key)}) > ({', '.join(placeholders)})"


class SqliteTables:
    """The tables of one archive file."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self.shown = str(database.path.resolve())

    @classmethod
    async def open(cls, path: Path, *, readonly: bool) -> SqliteTables:
        return cls(await Database.open(path, readonly=readonly))

    async def close(self) -> None:
        await self._database.close()

    async def columns(self, table: str) -> list[str]:
        return [row["name"] for row in await self._database.rows(f'PRAGMA table_info("{table}")')]

    async def count(self, table: str, key: Sequence[str], after: Key | None) -> int:
        where = "" if after is None else f"WHERE {after_clause(key, ['?'] * len(key))}"
        return int(
            str(await self._database.value(f'SELECT count(*) FROM "{table}" {where}', list(after or ())))
        )

    async def page(
        self, table: str, key: Sequence[str], columns: Sequence[str], after: Key | None, limit: int
    ) -> list[tuple[object, ...]]:
        """Up to `limit` rows (the given columns) after the key `after`, in key order."""
        where = "" if after is None else f"WHERE {after_clause(key, ['?'] * len(key))}"
        sql = f'SELECT {quoted(columns)} FROM "{table}" {where} ORDER BY {quoted(key)} LIMIT ?'
        return [tuple(row) for row in await self._database.rows(sql, [*(after or ()), limit])]

    async def append(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]], marks: Mapping[str, str]
    ) -> None:
        """Insert the rows and set the meta `marks`, all or nothing; new posts are indexed for search."""
        async with self._refused(table), self._database.write() as db:
            before = 0
            if table == "posts" and rows:
                before = int(str((await fetch(db, "SELECT coalesce(max(id), 0) FROM posts"))[0][0]))
            if rows:
                values = ", ".join("?" * len(columns))
                await db.executemany(f'INSERT INTO "{table}" ({quoted(columns)}) VALUES ({values})', rows)
            if table == "posts" and rows:
                await db.execute(INDEX_NEW, (before,))
                await db.execute(INDEX_NEW_STEMS, (before,))
            await db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(marks.items()),
            )

    @asynccontextmanager
    async def _refused(self, table: str) -> AsyncIterator[None]:
        """Rows the file will not take (a repeated key, a broken link) named as such; the file's own
        failures arrive as ArchiveError already."""
        try:
            yield
        except sqlite3.Error as exc:
            raise ArchiveError(f"{self.shown}: table {table} refused rows of the copy: {exc}") from None

    async def mark(self, key: str) -> str | None:
        value = await self._database.value("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)
