"""A PostgreSQL archive's tables as plain rows, for `monitor archive copy` (copying.py): the counterpart of
store/tables.py. A page is appended in one INSERT over arrays (one per column, typed from the catalog),
so the statement triggers that keep counts and post ids run once per page; posts get their search stems
as the archive's writer gives them, and the id sequences move past the copied ids."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager

import asyncpg

from monitor.store.errors import ArchiveError
from monitor.store.postgres.database import PgDatabase
from monitor.store.stems import stem_text
from monitor.store.tables import Key, after_clause, quoted

# Tables whose id column is an identity: new rows written after a copy must get ids above the copied ones.
_IDENTITY_TABLES = ("posts", "matches", "revisions", "alerts")


class PgTables:
    """The tables of one PostgreSQL archive."""

    def __init__(self, database: PgDatabase) -> None:
        self._database = database
        self.shown = database.path
        self._types: dict[str, dict[str, str]] = {}

    @classmethod
    async def open(cls, url: str, *, readonly: bool) -> PgTables:
        return cls(await PgDatabase.open(url, readonly=readonly))

    async def close(self) -> None:
        await self._database.close()

    async def columns(self, table: str) -> list[str]:
        return list(await self._column_types(table))

    async def count(self, table: str, key: Sequence[str], after: Key | None) -> int:
        where = "" if after is None else f"WHERE {after_clause(key, _placeholders(len(key)))}"
        return int(
            str(await self._database.value(f'SELECT count(*) FROM "{table}" {where}', list(after or ())))
        )

    async def page(
        self, table: str, key: Sequence[str], columns: Sequence[str], after: Key | None, limit: int
    ) -> list[tuple[object, ...]]:
        """Up to `limit` rows (the given columns) after the key `after`, in key order."""
        given = list(after or ())
        where = "" if after is None else f"WHERE {after_clause(key, _placeholders(len(key)))}"
        sql = (
            f'SELECT {quoted(columns)} FROM "{table}" {where} ORDER BY {quoted(key)} LIMIT ${len(given) + 1}'
        )
        return [tuple(row) for row in await self._database.rows(sql, [*given, limit])]

    async def append(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]], marks: Mapping[str, str]
    ) -> None:
        """Insert the rows and set the meta `marks`, all or nothing."""
        types = await self._column_types(table)
        names = list(columns)
        arrays = [[row[i] for row in rows] for i in range(len(names))]
        casts = [f"${n}::{types[name]}[]" for n, name in enumerate(names, 1)]
        select = [f"u.{quoted([name])}" for name in names]
        if table == "posts":
            arrays.append([stem_text(str(text)) for text in arrays[names.index("text")]])
            casts.append(f"${len(casts) + 1}::text[]")
            select.append("to_tsvector('simple', u.stems)")
            names = [*names, "stems"]
        sql = (
            f'INSERT INTO "{table}" ({quoted(names)}) SELECT {", ".join(select)} '
            f"FROM unnest({', '.join(casts)}) AS u ({quoted(names)})"
        )
        async with self._refused(table), self._database.write() as db:
            if rows:
                await db.execute(sql, *arrays)
            if table in _IDENTITY_TABLES:
                await db.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM \"{table}\" "
                    "HAVING max(id) IS NOT NULL"
                )
            await db.executemany(
                "INSERT INTO meta (key, value) VALUES ($1, $2) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(marks.items()),
            )

    @asynccontextmanager
    async def _refused(self, table: str) -> AsyncIterator[None]:
        """Rows the database will not take (a value of the wrong type, a broken link) named as such."""
        try:
            yield
        except asyncpg.PostgresError as exc:
            raise ArchiveError(f"{self.shown}: table {table} refused rows of the copy: {exc}") from None

    async def mark(self, key: str) -> str | None:
        value = await self._database.value("SELECT value FROM meta WHERE key = $1", (key,))
        return None if value is None else str(value)

    async def _column_types(self, table: str) -> dict[str, str]:
        """The table's columns in order, each with its type as SQL (from the catalog, read once)."""
        if table not in self._types:
            rows = await self._database.rows(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                (table,),
            )
            self._types[table] = {row[0]: row[1] for row in rows}
        return self._types[table]


def _placeholders(count: int) -> list[str]:
    return [f"${n}" for n in range(1, count + 1)]
