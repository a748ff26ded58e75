"""The meta table of a PostgreSQL archive as a MetaTable (store/meta.py), so daemon records, Telegram
problems and notices work on it unchanged. Several processes may change the same key: a change holds a
transaction-scoped advisory lock per key (a key not yet written has no row to lock)."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.store.meta import MetaBase
from monitor.store.postgres.database import PgDatabase
from monitor.store.postgres.session import POSTGRES, PgSession

# The first half of the two-part advisory lock keys that guard meta keys (migrate.py locks a single
# bigint key: PostgreSQL keeps the two kinds of keys apart).
_LOCK_SPACE = 0x6D657461


class PgMeta(MetaBase[PgSession]):
    def __init__(self, database: PgDatabase) -> None:
        super().__init__(database, PgSession, POSTGRES)

    async def _lock(self, db: PgSession, keys: Sequence[str]) -> None:
        for key in sorted(set(keys)):  # one order for every process: no deadlock between two changes
            await db.run("SELECT pg_advisory_xact_lock(:space, hashtext(:key))", space=_LOCK_SPACE, key=key)
