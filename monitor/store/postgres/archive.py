"""The archive in PostgreSQL: the public methods of store/archive.py (Store), with the same guarantees,
over a PgDatabase. Every public method is one transaction; one PgStore is shared by all tasks of a
process, and several processes may share the database.

The alert outbox and the other parts that hang off the SQLite Store (outbox, figures, context, daemon
records, problems, notices) are attributes here too, with the same interfaces.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import TypeVar

import asyncpg

from monitor.model import Analysis, Channel, Conflict, Post, SaveOutcome, StoredPost
from monitor.store.batch import encode
from monitor.store.codec import clean_text, dump_reactions, dump_state, from_iso, load_state, now_iso, to_iso
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
from monitor.store.postgres.rows import POST_FROM, POST_SELECT, posts_by_key, stored_posts
from monitor.store.postgres.sql import Params, post_filters
from monitor.store.postgres.upkeep import PgUpkeep
from monitor.store.postgres.writes import save_batch
from monitor.store.problems import Problems
from monitor.store.rows import PostKey, channel_filter, resolved_channel

ChannelFilter = int | str | None
T = TypeVar("T")
_PAGE = 500
# Two saves that update the same count rows in different orders (an edit's and a new post's, say) can
# deadlock; the server rolls one back, and it is run again, as often as this.
_SAVE_ATTEMPTS = 3


class PgStore:
    """Async access to one PostgreSQL archive: `await PgStore.open(url)`, or `async with await ...`."""

    def __init__(self, database: PgDatabase) -> None:
        self._database = database
        self.path = database.path  # the URL without its password: what messages name
        self.readonly = database.readonly
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

    async def close(self) -> None:
        await self._database.close()

    def report_file_errors(self, report: Callable[[ArchiveError], None]) -> None:
        """Have every failure of the server reported as it is raised (Store.report_file_errors)."""
        self._database.on_file_error = report

    async def __aenter__(self) -> PgStore:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # -- channels and sync state ----------------------------------------------------------------------

    async def upsert_channel(self, channel: Channel, ref: str | None = None) -> None:
        """Record a resolved channel (a known access hash is kept if the new one is unknown)."""
        async with self._database.write() as db:
            await db.execute(
                """
                INSERT INTO channels (id, username, title, access_hash, first_seen)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (id) DO UPDATE SET username = excluded.username, title = excluded.title,
                    access_hash = coalesce(excluded.access_hash, channels.access_hash)
                """,
                channel.id,
                channel.username,
                clean_text(channel.title),
                channel.access_hash,
                now_iso(),
            )
            if ref is not None:
                await db.execute(
                    "INSERT INTO channel_refs (ref, channel_id) VALUES ($1, $2) "
                    "ON CONFLICT (ref) DO UPDATE SET channel_id = excluded.channel_id",
                    clean_text(ref),
                    channel.id,
                )

    async def channel_for_ref(self, ref: str) -> Channel | None:
        rows = await self._database.rows(
            "SELECT c.* FROM channel_refs AS r JOIN channels AS c ON c.id = r.channel_id WHERE r.ref = $1",
            (clean_text(ref),),
        )
        return _channel(rows[0]) if rows else None

    async def channels(self) -> list[Channel]:
        """Resolved channels by id (channels only seen as an id in imported posts are left out)."""
        rows = await self._database.rows("SELECT * FROM channels WHERE title IS NOT NULL ORDER BY id")
        return [channel for channel in map(_channel, rows) if channel is not None]

    async def channel(self, channel_id: int) -> Channel | None:
        rows = await self._database.rows("SELECT * FROM channels WHERE id = $1", (channel_id,))
        return _channel(rows[0]) if rows else None

    async def max_message_id(self, channel_id: int) -> int:
        """The highest stored message id of the channel (0 if none): where the reconciler resumes."""
        value = await self._database.value(
            "SELECT max(message_id) FROM posts WHERE channel_id = $1", (channel_id,)
        )
        return int(value or 0)

    async def sync_state(self, channel_id: int) -> dict[str, object]:
        return load_state(
            await self._database.value("SELECT state FROM sync_state WHERE channel_id = $1", (channel_id,))
        )

    async def set_sync_state(self, channel_id: int, **fields: object) -> None:
        """Merge `fields` (JSON-able values) into the channel's stored state."""
        stamp = now_iso()
        async with self._database.write() as db:
            await db.execute(
                "INSERT INTO channels (id, first_seen) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
                channel_id,
                stamp,
            )
            # Locks the row (or its key's slot) so that two merges in parallel both land.
            current = await db.fetchval(
                "SELECT state FROM sync_state WHERE channel_id = $1 FOR UPDATE", channel_id
            )
            await db.execute(
                "INSERT INTO sync_state (channel_id, state, updated_at) VALUES ($1, $2, $3) "
                "ON CONFLICT (channel_id) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at",
                channel_id,
                dump_state({**load_state(current), **fields}),
                stamp,
            )

    async def upsert_conflicts(self, conflicts: Iterable[Conflict]) -> None:
        """Store conflicts' display facts so outbox items carry them (OutboxItem.conflict)."""
        rows = [(c.id, clean_text(c.name), c.severity) for c in conflicts]
        async with self._database.write() as db:
            await db.executemany(
                "INSERT INTO conflicts (id, name, severity) VALUES ($1, $2, $3) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, severity = excluded.severity",
                rows,
            )

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
        save = functools.partial(
            save_batch,
            encoded=encoded,
            late_seconds=late_seconds or {},
            alert=alert,
            stamp=stamp,
            defer_word_forms=defer_word_forms,
        )
        for _ in range(_SAVE_ATTEMPTS - 1):
            with contextlib.suppress(asyncpg.DeadlockDetectedError):
                return await self._in_transaction(save)
        return await self._in_transaction(save)

    async def _in_transaction(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        async with self._database.write() as db:
            return await work(db)

    async def mark_deleted(self, channel_id: int, message_ids: Iterable[int], when: datetime) -> int:
        """Tombstone posts (their text stays, and searchable); returns how many were newly marked."""
        async with self._database.write() as db:
            deleted = [
                row[0]
                for row in await db.fetch(
                    "UPDATE posts SET deleted_at = $1 WHERE channel_id = $2 AND deleted_at IS NULL "
                    "AND message_id = ANY($3::bigint[]) RETURNING message_id",
                    to_iso(when),
                    channel_id,
                    list(message_ids),
                )
            ]
            await db.execute(
                "UPDATE alerts SET needs_update = needs_update + 1 WHERE channel_id = $1 "
                "AND message_id = ANY($2::bigint[]) AND status IN ('sent', 'sending')",
                channel_id,
                deleted,
            )
        return len(deleted)

    async def record_engagement(
        self,
        channel_id: int,
        message_id: int,
        *,
        views: int | None,
        forwards: int | None,
        replies: int | None,
        reactions: Iterable[tuple[str, int]],
        at: datetime,
    ) -> bool:
        """Add a history row and update the post; False (nothing written) if the post is not archived."""
        values = (views, forwards, replies, dump_reactions(reactions))
        async with self._database.write() as db:
            status = await db.execute(
                "UPDATE posts SET views = coalesce($1, views), forwards = coalesce($2, forwards), "
                "replies = coalesce($3, replies), reactions = coalesce($4, reactions) "
                "WHERE channel_id = $5 AND message_id = $6",
                *values,
                channel_id,
                message_id,
            )
            if status == "UPDATE 0":
                return False
            await db.execute(
                "INSERT INTO engagement (channel_id, message_id, at, views, forwards, replies, reactions) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (channel_id, message_id, at) DO UPDATE SET "
                "views = excluded.views, forwards = excluded.forwards, replies = excluded.replies, "
                "reactions = excluded.reactions",
                channel_id,
                message_id,
                to_iso(at),
                *values,
            )
        return True

    async def engagement(
        self, channel_id: int, message_id: int
    ) -> list[tuple[datetime, int | None, int | None]]:
        """The recorded (at, views, forwards) history of a post, oldest first."""
        rows = await self._database.rows(
            "SELECT at, views, forwards FROM engagement WHERE channel_id = $1 AND message_id = $2 "
            "ORDER BY at",
            (channel_id, message_id),
        )
        return [(from_iso(row[0]), row[1], row[2]) for row in rows]  # type: ignore[misc]

    async def get_post(self, channel_id: int, message_id: int) -> StoredPost | None:
        async with self._database.read() as db:
            found = await posts_by_key(db, [(channel_id, message_id)])
        return found.get((channel_id, message_id))

    async def revisions(self, channel_id: int, message_id: int) -> list[tuple[datetime | None, str]]:
        """Earlier texts, oldest first, each with the edit date it carried (None for the original)."""
        rows = await self._database.rows(
            "SELECT edit_date, text FROM revisions WHERE channel_id = $1 AND message_id = $2 ORDER BY id",
            (channel_id, message_id),
        )
        return [(from_iso(row[0]), row[1]) for row in rows]

    async def stored_ids_between(self, channel_id: int, above: int, up_to: int) -> list[int]:
        """Stored message ids in (above, up_to], ascending: the gap check, along the (channel, message id)
        index over that range only."""
        rows = await self._database.rows(
            "SELECT message_id FROM posts WHERE channel_id = $1 AND message_id > $2 AND message_id <= $3 "
            "ORDER BY message_id",
            (channel_id, above, up_to),
        )
        return [row[0] for row in rows]

    async def live_posts_after(
        self, channel_id: int, above: int, dated_until: datetime, limit: int
    ) -> list[tuple[int, datetime]]:
        """Up to `limit` (message id, date) of live posts above a message id and dated at or before a moment,
        ascending: the next engagement snapshots of one age, read from a cursor, never from the start."""
        rows = await self._database.rows(
            "SELECT message_id, date FROM posts WHERE channel_id = $1 AND message_id > $2 AND date <= $3 "
            "AND deleted_at IS NULL ORDER BY message_id LIMIT $4",
            (channel_id, above, to_iso(dated_until), limit),
        )
        return [(row[0], from_iso(row[1])) for row in rows]  # type: ignore[misc]

    async def newest_live_ids(self, channel_id: int, limit: int) -> list[int]:
        """The newest `limit` live post ids, ascending: what a recheck after a too-long gap re-reads."""
        rows = await self._database.rows(
            "SELECT message_id FROM posts WHERE channel_id = $1 AND deleted_at IS NULL "
            "ORDER BY message_id DESC LIMIT $2",
            (channel_id, limit),
        )
        return sorted(row[0] for row in rows)

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

    async def conflict_ids(self) -> list[str]:
        """The conflicts whose display facts the daemon stored (an archive only imported into has none)."""
        return [row[0] for row in await self._database.rows("SELECT id FROM conflicts ORDER BY id")]

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

    # -- liveness -------------------------------------------------------------------------------------

    async def heartbeat(self, now: datetime) -> None:
        """Stamp the daemon as alive (meta table), so `monitor health` can tell a stalled process."""
        await self._set_meta("heartbeat", to_iso(now))

    async def last_heartbeat(self) -> datetime | None:
        return from_iso(await self._database.value("SELECT value FROM meta WHERE key = 'heartbeat'"))  # type: ignore[arg-type]

    async def record_reading(self, state: Mapping[str, object]) -> None:
        """Keep the reading side's state in the meta table, for `monitor health` in another process."""
        await self._set_meta("reading", dump_state(dict(state)))

    async def reading(self) -> dict[str, object]:
        """The reading side's state as last recorded by the daemon ({} before its first heartbeat)."""
        return load_state(await self._database.value("SELECT value FROM meta WHERE key = 'reading'"))  # type: ignore[arg-type]

    async def _set_meta(self, key: str, value: str) -> None:
        async with self._database.write() as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                key,
                value,
            )


def _channel(row: asyncpg.Record) -> Channel | None:
    return resolved_channel(row["id"], row["title"], row["username"], row["access_hash"])
