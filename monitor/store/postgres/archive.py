"""The archive in PostgreSQL: the public methods of store/archive.py (Store), with the same guarantees,
over a PgDatabase. Every public method is one transaction; one PgStore is shared by all tasks of a
process, and several processes may share the database.

The alert outbox and the other parts that hang off the SQLite Store (outbox, figures, context, daemon
records, problems, notices) are attributes here too, with the same interfaces.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime

import asyncpg

from monitor.model import Analysis, Post, SaveOutcome, StoredPost
from monitor.store.archive_base import ArchiveBase
from monitor.store.batch import encode
from monitor.store.codec import clean_text, now_iso, to_iso
from monitor.store.daemon_record import DaemonRecords
from monitor.store.errors import ArchiveError
from monitor.store.figures import Figures
from monitor.store.notices import Notices
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
from monitor.store.problems import Problems
from monitor.store.rows import POST_FROM, POST_SELECT, PostKey, channel_filter

ChannelFilter = int | str | None
_PAGE = 500


class PgStore(ArchiveBase[PgSession]):
    """Async access to one PostgreSQL archive: `await PgStore.open(url)`, or `async with await ...`.
    The methods whose SQL SQLite reads alike are ArchiveBase's (store/archive_base.py)."""

    def __init__(self, database: PgDatabase) -> None:
        super().__init__(database, PgSession, POSTGRES)
        self._database = database
        # The same interfaces as Store's parts (figures, records, problems and notices are shared code).
        self.outbox = PgOutbox(database)
        self.figures = Figures(database)
        self.context = PgLearnedContext(database)
        meta = PgMeta(database)
        self.daemon = DaemonRecords(meta)
        self.problems = Problems(meta)
        self.notices = Notices(meta)
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

    async def save(
        self,
        items: Sequence[tuple[Post, Analysis]],
        *,
        late_seconds: Mapping[PostKey, float] | None = None,
        alert: bool = True,
        defer_word_forms: bool = False,
    ) -> list[SaveOutcome]:
        """Store a batch in one transaction; outcomes in input order (batch.py says what each case does).
        With `defer_word_forms`, new posts are copied in and wait for `store.upkeep.build_word_forms()`."""
        if not items:
            return []
        self._database.check_writable()
        stamp = now_iso()
        encoded = encode(items, stamp)
        async with self._database.write() as db:
            return await save_batch(
                db,
                encoded,
                late_seconds=late_seconds or {},
                alert=alert,
                stamp=stamp,
                defer_word_forms=defer_word_forms,
            )

    async def get_post(self, channel_id: int, message_id: int) -> StoredPost | None:
        async with self._database.read() as db:
            found = await posts_by_key(db, [(channel_id, message_id)])
        return found.get((channel_id, message_id))

    # -- queries --------------------------------------------------------------------------------------

    async def search(
        self,
        query: str,
        *,
        channel: ChannelFilter = None,
        conflict: str | None = None,
        lang: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        strict: bool = False,
        exact: bool = False,
    ) -> list[StoredPost]:
        """Full-text search, newest first, as Store.search: the same query language and word forms
        (search.py says how PostgreSQL runs it); invalid syntax is QueryError with `strict`, else its
        words are searched."""
        query = clean_text(query).replace("\x00", " ").strip()
        if not query:
            return []
        async with self._database.read() as db:
            channel_id = None if channel is None else await self._channel_id(db, channel)
            filters = (channel_id, conflict, lang, since, until)
            rows = await search.run(db, query, filters, limit=limit, strict=strict, exact=exact)
            return await stored_posts(db, rows)

    async def iter_posts(
        self,
        *,
        channel: ChannelFilter = None,
        conflict: str | None = None,
        lang: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> AsyncIterator[StoredPost]:
        """Posts by date (then channel and message id), page by page after the last key of the page before
        (keyset paging), so memory stays flat and a channel's export reads each post once."""
        key = "p.date, p.message_id" if channel is not None else "p.date, p.channel_id, p.message_id"
        after: list[object] | None = None
        while True:
            async with self._database.read() as db:
                params = Params()
                channel_id = None if channel is None else await self._channel_id(db, channel)
                where = post_filters(params, channel_id, conflict, lang, since, until)
                if after is not None:
                    where += f" AND ({key}) > ({', '.join(params.add(value) for value in after)})"
                sql = f"{POST_SELECT} {POST_FROM} WHERE true {where} ORDER BY {key} LIMIT {_PAGE}"
                page = await stored_posts(db, await db.fetch(sql, *params.values))
            for stored in page:
                yield stored
            if len(page) < _PAGE:
                return
            last = page[-1].post
            after = [to_iso(last.date), last.message_id]
            if channel is None:
                after.insert(1, last.channel_id)

    async def stats(
        self,
        *,
        channel: ChannelFilter = None,
        conflict: str | None = None,
        lang: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> dict[str, object]:
        """Counts over the posts matching the filters, from the summary tables (Store.stats lists the
        keys)."""
        async with self._database.read() as db:
            channel_id = None if channel is None else await self._channel_id(db, channel)
            return await counts.count(db, counts.Filters(channel_id, conflict, lang, since, until))

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

    async def _channel_id(self, db: asyncpg.Connection, channel: int | str) -> int:
        """Resolve a channel filter: an id, '@username', a t.me link or a configured ref."""
        name = channel_filter(channel)
        candidate = (
            name
            if isinstance(name, int)
            else await db.fetchval(
                "SELECT id FROM channels WHERE lower(username) = lower($1) "
                "UNION ALL SELECT channel_id FROM channel_refs WHERE ref = $2 LIMIT 1",
                name,
                str(channel),
            )
        )
        if candidate is None or not await db.fetchval("SELECT 1 FROM channels WHERE id = $1", candidate):
            raise ArchiveError(f"{self.path}: no channel {channel!r} in the archive")
        return candidate
