"""The archive in PostgreSQL: the public methods of store/archive.py (Store), with the same guarantees,
over a PgDatabase. What SQLite reads alike is written once, in store/archive_base.py; what PostgreSQL
says its own way is here. Every public method is one transaction; one PgStore is shared by all tasks of
a process, and several processes may share the database.

The alert outbox and the other parts that hang off the SQLite Store (outbox, figures, context, daemon
records, problems, notices) are attributes here too, with the same interfaces.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence

import asyncpg

from monitor.model import SaveOutcome, StoredPost
from monitor.store.archive_base import PAGE, ArchiveBase, SaveOptions
from monitor.store.batch import Encoded
from monitor.store.counts import Filters
from monitor.store.postgres import counts, search
from monitor.store.postgres.context import PgLearnedContext
from monitor.store.postgres.database import PgDatabase
from monitor.store.postgres.leases import PgLeases
from monitor.store.postgres.meta import PgMeta
from monitor.store.postgres.outbox import PgOutbox
from monitor.store.postgres.rows import posts_by_key, stored_posts
from monitor.store.postgres.session import POSTGRES, PgSession
from monitor.store.postgres.sql import Params, post_filters
from monitor.store.postgres.upkeep import PgUpkeep
from monitor.store.postgres.writes import save_batch
from monitor.store.rows import POST_FROM, POST_SELECT, PostKey

# Two saves that update the same count rows in different orders (an edit's and a new post's, say) can
# deadlock; the server rolls one back, and it is run again, as often as this.
_SAVE_ATTEMPTS = 3


class PgStore(ArchiveBase[PgSession]):
    """Async access to one PostgreSQL archive: `await PgStore.open(url)`, or `async with await ...`.
    The methods whose SQL SQLite reads alike are ArchiveBase's (store/archive_base.py)."""

    CHANNEL_BY_NAME = (
        "SELECT id FROM channels WHERE lower(username) = lower(:name) "
        "UNION ALL SELECT channel_id FROM channel_refs WHERE ref = :ref LIMIT 1"
    )

    def __init__(self, database: PgDatabase) -> None:
        super().__init__(database, PgSession, POSTGRES, PgMeta(database))
        self._database = database
        # The same interfaces as Store's parts.
        self.outbox = PgOutbox(database)
        self.context = PgLearnedContext(database)
        self.leases = PgLeases(database)
        self.upkeep = PgUpkeep(database)

    @property
    def database(self) -> PgDatabase:
        """The connection pool and its transactions, for the parts that share them (outbox, ...)."""
        return self._database

    @classmethod
    async def open(cls, url: str, *, readonly: bool = False) -> PgStore:
        return cls(await PgDatabase.open(url, readonly=readonly))

    # -- posts ----------------------------------------------------------------------------------------

    async def _save(self, encoded: list[Encoded], options: SaveOptions) -> list[SaveOutcome]:
        """New posts are copied in (writes.py says what each case does); a save the server rolls back as
        a deadlock's victim is run again."""
        for _ in range(_SAVE_ATTEMPTS - 1):
            with contextlib.suppress(asyncpg.DeadlockDetectedError):
                return await self._save_once(encoded, options)
        return await self._save_once(encoded, options)

    async def _save_once(self, encoded: list[Encoded], options: SaveOptions) -> list[SaveOutcome]:
        async with self._database.write() as db:
            return await save_batch(db, encoded, **options)

    async def _posts(self, db: PgSession, keys: Iterable[PostKey]) -> dict[PostKey, StoredPost]:
        return await posts_by_key(db.connection, keys)

    # -- queries --------------------------------------------------------------------------------------

    async def flagged(self, conflict: str) -> bool:
        """Whether any post is flagged with `conflict` (may read the whole table: for checks, not queries)."""
        return bool(
            await self._database.value(
                "SELECT EXISTS (SELECT 1 FROM posts WHERE conflicts::jsonb ? $1)", (conflict,)
            )
        )

    async def languages(self) -> list[str]:
        """Every language code stored on a post (reads the whole table: for messages, not queries)."""
        rows = await self._database.rows(
            'SELECT DISTINCT lang COLLATE "C" FROM posts WHERE lang IS NOT NULL ORDER BY 1'
        )
        return [row[0] for row in rows]

    async def _page(
        self, db: PgSession, filters: Filters, key: str, after: Sequence[object] | None
    ) -> list[StoredPost]:
        params = Params()
        where = post_filters(
            params, filters.channel_id, filters.conflict, filters.lang, filters.since, filters.until
        )
        if after is not None:
            where += f" AND ({key}) > ({', '.join(params.add(value) for value in after)})"
        sql = f"{POST_SELECT} {POST_FROM} WHERE true {where} ORDER BY {key} LIMIT {PAGE}"
        return await stored_posts(db.connection, await db.connection.fetch(sql, *params.values))

    async def _search(
        self, db: PgSession, query: str, filters: Filters, *, limit: int, strict: bool, exact: bool
    ) -> list[StoredPost]:
        """search.py says how PostgreSQL runs the query language and its word forms."""
        values = (filters.channel_id, filters.conflict, filters.lang, filters.since, filters.until)
        rows = await search.run(db.connection, query, values, limit=limit, strict=strict, exact=exact)
        return await stored_posts(db.connection, rows)

    async def _count(self, db: PgSession, filters: Filters) -> dict[str, object]:
        return await counts.count(db.connection, filters)
