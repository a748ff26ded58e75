"""The meta table of a PostgreSQL archive as a MetaTable (store/meta.py), so daemon records, Telegram
problems and notices work on it unchanged. Several processes may change the same key: a change holds a
transaction-scoped advisory lock per key (a key not yet written has no row to lock)."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.store.meta import Change, Values
from monitor.store.postgres.database import PgDatabase

# The first half of the two-part advisory lock keys that guard meta keys (migrate.py locks a single
# bigint key: PostgreSQL keeps the two kinds of keys apart).
_LOCK_SPACE = 0x6D657461


class PgMeta:
    def __init__(self, database: PgDatabase) -> None:
        self._database = database

    async def get(self, key: str) -> str | None:
        value = await self._database.value("SELECT value FROM meta WHERE key = $1", (key,))
        return None if value is None else str(value)

    async def change(self, keys: Sequence[str], change: Change, *, durable: bool = False) -> None:
        async with self._database.write(durable=durable) as db:
            for key in sorted(set(keys)):  # one order for every process: no deadlock between two changes
                await db.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", _LOCK_SPACE, key)
            current: Values = dict.fromkeys(keys)
            rows = await db.fetch("SELECT key, value FROM meta WHERE key = ANY($1::text[])", list(keys))
            current.update({row[0]: row[1] for row in rows})
            for key, value in change(current).items():
                if value is None:
                    await db.execute("DELETE FROM meta WHERE key = $1", key)
                else:
                    await db.execute(
                        "INSERT INTO meta (key, value) VALUES ($1, $2) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        key,
                        value,
                    )
