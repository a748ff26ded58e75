"""The archive: channels, posts with their analysis, revisions, tombstones, engagement, sync state, search
and stats, in one SQLite file (WAL). Every public method is one transaction; one Store is shared by all
tasks of a process, and its alert outbox (`Store.outbox`, outbox.py) shares its connection.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType

import aiosqlite

from monitor.model import Analysis, Channel, Conflict, Post, SaveOutcome, StoredPost
from monitor.store import counts
from monitor.store.batch import encode
from monitor.store.codec import (
    clean_text,
    dump_reactions,
    dump_state,
    from_iso,
    load_state,
    now_iso,
    to_iso,
)
from monitor.store.context import LearnedContext
from monitor.store.daemon_record import DaemonRecords
from monitor.store.database import Database, fetch
from monitor.store.errors import ArchiveError, QueryError
from monitor.store.figures import Figures
from monitor.store.leases import Leases
from monitor.store.meta import SqliteMeta
from monitor.store.notices import Notices
from monitor.store.outbox import Outbox
from monitor.store.problems import Problems
from monitor.store.rows import (
    POST_FROM,
    POST_SELECT,
    PostKey,
    channel_filter,
    ids_param,
    posts_by_key,
    resolved_channel,
    stored_posts,
)
from monitor.store.search_sql import as_words, exact_search, stem_search, with_pending
from monitor.store.upkeep import Upkeep
from monitor.store.word_forms import PENDING_SQL, parse_pending
from monitor.store.writes import save_batch

ChannelFilter = int | str | None
_PAGE = 500


class Store:
    """Async access to one archive file: `await Store.open(path)`, or `async with await Store.open(path)`.
    Its alert outbox is `store.outbox` and its learned channel context `store.context` (same connection)."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self.path = database.path
        self.readonly = database.readonly
        self.outbox = Outbox(database)
        self.figures = Figures(database)
        self.context = LearnedContext(database)
        meta = SqliteMeta(database)
        self.daemon = DaemonRecords(meta)
        self.problems = Problems(meta)
        self.notices = Notices(meta)
        self.leases = Leases(database)
        self.upkeep = Upkeep(database)

    @classmethod
    async def open(cls, path: str | Path, *, readonly: bool = False) -> Store:
        return cls(await Database.open(Path(path), readonly=readonly))

    async def close(self) -> None:
        await self._database.close()

    def report_file_errors(self, report: Callable[[ArchiveError], None]) -> None:
        """Have every file error (corrupt page, read-only, full disk) reported as it is raised, so the
        daemon can record it beside an archive that cannot record it itself."""
        self._database.on_file_error = report

    async def __aenter__(self) -> Store:
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
                INSERT INTO channels (id, username, title, access_hash, first_seen) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET username = excluded.username, title = excluded.title,
                    access_hash = coalesce(excluded.access_hash, channels.access_hash)
                """,
                (channel.id, channel.username, clean_text(channel.title), channel.access_hash, now_iso()),
            )
            if ref is not None:
                await db.execute(
                    "INSERT INTO channel_refs (ref, channel_id) VALUES (?, ?) "
                    "ON CONFLICT (ref) DO UPDATE SET channel_id = excluded.channel_id",
                    (clean_text(ref), channel.id),
                )

    async def channel_for_ref(self, ref: str) -> Channel | None:
        rows = await self._database.rows(
            "SELECT c.* FROM channel_refs AS r JOIN channels AS c ON c.id = r.channel_id WHERE r.ref = ?",
            (clean_text(ref),),
        )
        return _channel(rows[0]) if rows else None

    async def channels(self) -> list[Channel]:
        """Resolved channels by id (channels only seen as an id in imported posts are left out)."""
        rows = await self._database.rows("SELECT * FROM channels WHERE title IS NOT NULL ORDER BY id")
        return [channel for channel in map(_channel, rows) if channel is not None]

    async def channel(self, channel_id: int) -> Channel | None:
        rows = await self._database.rows("SELECT * FROM channels WHERE id = ?", (channel_id,))
        return _channel(rows[0]) if rows else None

    async def max_message_id(self, channel_id: int) -> int:
        """The highest stored message id of the channel (0 if none): where the reconciler resumes."""
        value = await self._database.value(
            "SELECT max(message_id) FROM posts WHERE channel_id = ?", (channel_id,)
        )
        return int(value or 0)

    async def sync_state(self, channel_id: int) -> dict[str, object]:
        return load_state(
            await self._database.value("SELECT state FROM sync_state WHERE channel_id = ?", (channel_id,))
        )

    async def set_sync_state(self, channel_id: int, **fields: object) -> None:
        """Merge `fields` (JSON-able values) into the channel's stored state."""
        async with self._database.write() as db:
            async with db.execute("SELECT state FROM sync_state WHERE channel_id = ?", (channel_id,)) as cur:
                row = await cur.fetchone()
            state = {**load_state(row[0] if row else None), **fields}
            stamp = now_iso()
            await db.execute(
                "INSERT INTO channels (id, first_seen) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                (channel_id, stamp),
            )
            await db.execute(
                "INSERT INTO sync_state (channel_id, state, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (channel_id) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at",
                (channel_id, dump_state(state), stamp),
            )

    async def upsert_conflicts(self, conflicts: Iterable[Conflict]) -> None:
        """Store conflicts' display facts so outbox items carry them (OutboxItem.conflict)."""
        async with self._database.write() as db:
            await db.executemany(
                "INSERT INTO conflicts (id, name, severity) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, severity = excluded.severity",
                [(c.id, clean_text(c.name), c.severity) for c in conflicts],
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
        """Store a batch in one transaction; outcomes in input order (writes.py says what each case does).
        With `defer_word_forms`, new posts wait for `store.upkeep.build_word_forms()` (word_forms.py)."""
        if not items:
            return []
        self._database.check_writable()
        stamp = now_iso()
        encoded = encode(items, stamp)
        work = functools.partial(
            save_batch,
            late_seconds=late_seconds or {},
            alert=alert,
            stamp=stamp,
            defer_word_forms=defer_word_forms,
        )
        return await self._database.run_on_thread(work, encoded)

    async def mark_deleted(self, channel_id: int, message_ids: Iterable[int], when: datetime) -> int:
        """Tombstone posts (their text stays, and searchable); returns how many were newly marked."""
        async with self._database.write() as db:
            async with db.execute(
                "UPDATE posts SET deleted_at = ? WHERE channel_id = ? AND deleted_at IS NULL "
                "AND message_id IN (SELECT value FROM json_each(?)) RETURNING message_id",
                (to_iso(when), channel_id, ids_param(message_ids)),
            ) as cursor:
                deleted = [row[0] for row in await cursor.fetchall()]
            await db.execute(
                "UPDATE alerts SET needs_update = needs_update + 1 WHERE channel_id = ? "
                "AND message_id IN (SELECT value FROM json_each(?)) AND status IN ('sent', 'sending')",
                (channel_id, ids_param(deleted)),
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
            cursor = await db.execute(
                "UPDATE posts SET views = coalesce(?, views), forwards = coalesce(?, forwards), "
                "replies = coalesce(?, replies), reactions = coalesce(?, reactions) "
                "WHERE channel_id = ? AND message_id = ?",
                (*values, channel_id, message_id),
            )
            if cursor.rowcount == 0:
                return False
            await db.execute(
                "INSERT INTO engagement (channel_id, message_id, at, views, forwards, replies, reactions) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, message_id, at) DO UPDATE SET "
                "views = excluded.views, forwards = excluded.forwards, replies = excluded.replies, "
                "reactions = excluded.reactions",
                (channel_id, message_id, to_iso(at), *values),
            )
        return True

    async def engagement(
        self, channel_id: int, message_id: int
    ) -> list[tuple[datetime, int | None, int | None]]:
        """The recorded (at, views, forwards) history of a post, oldest first."""
        rows = await self._database.rows(
            "SELECT at, views, forwards FROM engagement WHERE channel_id = ? AND message_id = ? ORDER BY at",
            (channel_id, message_id),
        )
        return [(from_iso(row[0]), row[1], row[2]) for row in rows]

    async def get_post(self, channel_id: int, message_id: int) -> StoredPost | None:
        async with self._database.read() as db:
            found = await posts_by_key(db, [(channel_id, message_id)])
        return found.get((channel_id, message_id))

    async def revisions(self, channel_id: int, message_id: int) -> list[tuple[datetime | None, str]]:
        """Earlier texts, oldest first, each with the edit date it carried (None for the original)."""
        rows = await self._database.rows(
            "SELECT edit_date, text FROM revisions WHERE channel_id = ? AND message_id = ? ORDER BY id",
            (channel_id, message_id),
        )
        return [(from_iso(row[0]), row[1]) for row in rows]

    async def stored_ids_between(self, channel_id: int, above: int, up_to: int) -> list[int]:
        """Stored message ids in (above, up_to], ascending: the gap check. It walks the (channel, message id)
        index over that range only, so its cost follows what is new, not the size of the archive."""
        rows = await self._database.rows(
            "SELECT message_id FROM posts WHERE channel_id = ? AND message_id > ? AND message_id <= ? "
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
            "SELECT message_id, date FROM posts WHERE channel_id = ? AND message_id > ? AND date <= ? "
            "AND deleted_at IS NULL ORDER BY message_id LIMIT ?",
            (channel_id, above, to_iso(dated_until), limit),
        )
        return [(row[0], from_iso(row[1])) for row in rows]

    async def newest_live_ids(self, channel_id: int, limit: int) -> list[int]:
        """The newest `limit` live post ids, ascending: what a recheck after a too-long gap re-reads."""
        rows = await self._database.rows(
            "SELECT message_id FROM posts WHERE channel_id = ? AND deleted_at IS NULL "
            "ORDER BY message_id DESC LIMIT ?",
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
        """Full-text search, newest first. `query` is FTS5 syntax; if invalid, its words are searched, or
        with `strict` (the command line, where a script must not get other results than it asked for)
        QueryError names the problem.

        Words find their other forms (`Херсон` finds `Херсона`, stems.py says how) unless `exact`, which
        finds the words as written. Word-form search reads the newest matches first and stops at `limit`.
        """
        query = clean_text(query).replace("\x00", " ").strip()  # FTS5 stops reading a query at NUL
        if not query:
            return []
        async with self._database.read() as db:
            where, params = await self._filters(db, channel, conflict, lang, since, until)
            if exact:
                sql, bind = exact_search(where, params)
            else:
                sql, bind = stem_search(where, params, since, until)
                if pending := await fetch(db, PENDING_SQL):
                    sql, bind = with_pending(sql, bind, where, params, parse_pending(pending[0][0]))
            try:
                rows = await fetch(db, sql, bind(query, limit))
            except sqlite3.OperationalError as exc:
                if strict:
                    raise QueryError(query, str(exc)) from None
                rows = await fetch(db, sql, bind(as_words(query), limit))
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
        """Posts by date (then channel and message id), fetched page by page so memory stays flat.

        Each page starts after the last key of the one before (keyset paging): with one channel, along
        the (channel_id, date, message_id) index, so a channel's export reads each post once.
        """
        key = "p.date, p.message_id" if channel is not None else "p.date, p.channel_id, p.message_id"
        after: list[object] | None = None
        while True:
            async with self._database.read() as db:
                where, params = await self._filters(db, channel, conflict, lang, since, until)
                if after is not None:
                    where += f" AND ({key}) > ({', '.join('?' * len(after))})"
                    params = [*params, *after]
                sql = f"{POST_SELECT} {POST_FROM} WHERE 1 {where} ORDER BY {key} LIMIT {_PAGE}"
                page = await stored_posts(db, await fetch(db, sql, params))
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
        """Counts over the posts matching the filters (JSON-able), from the summary tables (counts.py).

        Keys: posts, deleted, edited (posts with a stored revision), channels (list of {id, username,
        title, posts}, most posts first), conflicts ({id: flagged posts}), langs ({lang: posts}) and
        alerts ({status: count} over those posts' alerts, restricted to `conflict` when given).
        """
        async with self._database.read() as db:
            channel_id = None if channel is None else await self._channel_id(db, channel)
            return await counts.count(db, counts.Filters(channel_id, conflict, lang, since, until))

    async def conflict_ids(self) -> list[str]:
        """The conflicts whose display facts the daemon stored (an archive only imported into has none)."""
        return [row[0] for row in await self._database.rows("SELECT id FROM conflicts ORDER BY id")]

    async def flagged(self, conflict: str) -> bool:
        """Whether any post is flagged with `conflict` (may read the whole table: for checks, not queries)."""
        return bool(
            await self._database.rows(
                "SELECT 1 FROM posts AS p, json_each(p.conflicts) AS j WHERE j.value = ? LIMIT 1", (conflict,)
            )
        )

    async def languages(self) -> list[str]:
        """Every language code stored on a post (reads the whole table: for messages, not queries)."""
        rows = await self._database.rows("SELECT DISTINCT lang FROM posts WHERE lang IS NOT NULL ORDER BY 1")
        return [row[0] for row in rows]

    async def _filters(
        self,
        db: aiosqlite.Connection,
        channel: ChannelFilter,
        conflict: str | None,
        lang: str | None,
        since: datetime | None,
        until: datetime | None,
    ) -> tuple[str, list[object]]:
        """SQL conditions (each starting with AND) on posts `p`; `since` is inclusive, `until` exclusive."""
        clauses: list[str] = []
        params: list[object] = []
        if channel is not None:
            clauses.append("p.channel_id = ?")
            params.append(await self._channel_id(db, channel))
        if conflict is not None:
            clauses.append("EXISTS (SELECT 1 FROM json_each(p.conflicts) WHERE value = ?)")
            params.append(conflict)
        if lang is not None:
            clauses.append("p.lang = ?")
            params.append(lang)
        if since is not None:
            clauses.append("p.date >= ?")
            params.append(to_iso(since))
        if until is not None:
            clauses.append("p.date < ?")
            params.append(to_iso(until))
        return "".join(f" AND {clause}" for clause in clauses), params

    async def _channel_id(self, db: aiosqlite.Connection, channel: int | str) -> int:
        """Resolve a channel filter: an id, '@username', a t.me link or a configured ref."""
        name = channel_filter(channel)
        candidate: int | None
        if isinstance(name, int):
            candidate = name
        else:
            rows = await fetch(
                db,
                "SELECT id FROM channels WHERE username = ? COLLATE NOCASE "
                "UNION ALL SELECT channel_id FROM channel_refs WHERE ref = ?",
                [name, str(channel)],
            )
            candidate = rows[0][0] if rows else None
        if candidate is None or not await fetch(db, "SELECT 1 FROM channels WHERE id = ?", [candidate]):
            raise ArchiveError(f"{self.path}: no channel {channel!r} in the archive")
        return candidate

    # -- liveness -------------------------------------------------------------------------------------

    async def heartbeat(self, now: datetime) -> None:
        """Stamp the daemon as alive (meta table), so `monitor health` can tell a stalled process."""
        async with self._database.write() as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES ('heartbeat', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (to_iso(now),),
            )

    async def last_heartbeat(self) -> datetime | None:
        return from_iso(await self._database.value("SELECT value FROM meta WHERE key = 'heartbeat'"))

    async def record_reading(self, state: Mapping[str, object]) -> None:
        """Keep the reading side's state (channels waiting to resolve or join, channels polled because they
        are not joined, the request budget) in the meta table, for `monitor health` in another process."""
        async with self._database.write() as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES ('reading', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (dump_state(dict(state)),),
            )

    async def reading(self) -> dict[str, object]:
        """The reading side's state as last recorded by the daemon ({} before its first heartbeat)."""
        return load_state(await self._database.value("SELECT value FROM meta WHERE key = 'reading'"))


def _channel(row: sqlite3.Row) -> Channel | None:
    return resolved_channel(row["id"], row["title"], row["username"], row["access_hash"])
