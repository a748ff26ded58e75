"""The archive: one SQLite file (WAL) holding channels, posts, analysis, revisions, engagement and the
alert outbox. Every public method is one transaction; one Store is shared by all tasks of a process.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import aiosqlite

from monitor.model import (
    Analysis,
    Channel,
    Conflict,
    OutboxItem,
    Post,
    SaveOutcome,
    SentMessage,
    StoredPost,
    bare_channel_id,
)
from monitor.store import schema
from monitor.store.codec import (
    clean_text,
    dump_reactions,
    dump_state,
    from_iso,
    load_state,
    now_iso,
    to_iso,
)
from monitor.store.errors import ArchiveError
from monitor.store.rows import (
    POST_FROM,
    POST_SELECT,
    PostKey,
    alert_of,
    ids_param,
    keys_param,
    posts_by_key,
    resolved_channel,
    stored_posts,
)
from monitor.store.writes import encode, save_batch

ChannelFilter = int | str | None
T = TypeVar("T")
R = TypeVar("R")
_PAGE = 500
_OPEN = "a.status IN ('pending', 'sending')"
# Sent alerts that share a message with one of the given (flagged) alerts and are not flagged themselves.
_SIBLINGS = """
SELECT DISTINCT a.* FROM alerts AS a
JOIN alerts AS f ON f.channel_id = a.channel_id AND f.message_id = a.message_id
                AND f.sent_message_id IS a.sent_message_id AND f.sent_chat_id IS a.sent_chat_id
WHERE f.id IN (SELECT value FROM json_each(?)) AND a.status = 'sent' AND a.needs_update = 0
"""
# The sent alerts of the given posts (a JSON array of [channel_id, message_id]), earliest first.
_SENT_OF_POSTS = """
SELECT a.channel_id, a.message_id, a.sent_chat_id, a.sent_message_id, a.digest FROM alerts AS a
JOIN json_each(?) AS k ON a.channel_id = json_extract(k.value, '$[0]')
                      AND a.message_id = json_extract(k.value, '$[1]')
WHERE a.status = 'sent' ORDER BY a.id
"""


class Store:
    """Async access to one archive file: `await Store.open(path)`, or `async with await Store.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: Path, readonly: bool) -> None:
        self._db = db
        self.path = path
        self.readonly = readonly
        self._lock = asyncio.Lock()
        # needs_update counts handed out by alerts_needing_update, so mark_updated keeps later changes.
        self._updates_seen: dict[int, int] = {}

    @classmethod
    async def open(cls, path: str | Path, *, readonly: bool = False) -> Store:
        path = Path(path)
        return cls(await schema.connect(path, readonly=readonly), path, readonly)

    async def close(self) -> None:
        async with self._lock:
            await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # -- plumbing -------------------------------------------------------------------------------------

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Serialise with writers: the connection is shared and a read must not land inside a transaction."""
        async with self._lock:
            yield self._db

    def _check_writable(self) -> None:
        if self.readonly:
            raise ArchiveError(f"{self.path}: opened read-only, cannot write")

    @asynccontextmanager
    async def _write(self, *, durable: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """One transaction: all of it or nothing. `durable` syncs the commit to disk (survives power loss)."""
        self._check_writable()
        async with self._lock:
            if durable:
                await self._db.execute("PRAGMA synchronous = FULL")
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    await self._db.rollback()
                    raise
                await self._db.commit()
            finally:
                if durable:
                    await self._db.execute("PRAGMA synchronous = NORMAL")

    async def _rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        async with self._read() as db, db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _value(self, sql: str, params: Sequence[object] = ()) -> object:
        rows = await self._rows(sql, params)
        return rows[0][0] if rows else None

    # -- channels and sync state ----------------------------------------------------------------------

    async def upsert_channel(self, channel: Channel, ref: str | None = None) -> None:
        """Record a resolved channel (a known access hash is kept if the new one is unknown)."""
        async with self._write() as db:
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
        rows = await self._rows(
            "SELECT c.* FROM channel_refs AS r JOIN channels AS c ON c.id = r.channel_id WHERE r.ref = ?",
            (clean_text(ref),),
        )
        return _channel(rows[0]) if rows else None

    async def channels(self) -> list[Channel]:
        """Resolved channels by id (channels only seen as an id in imported posts are left out)."""
        rows = await self._rows("SELECT * FROM channels WHERE title IS NOT NULL ORDER BY id")
        return [channel for channel in map(_channel, rows) if channel is not None]

    async def channel(self, channel_id: int) -> Channel | None:
        rows = await self._rows("SELECT * FROM channels WHERE id = ?", (channel_id,))
        return _channel(rows[0]) if rows else None

    async def max_message_id(self, channel_id: int) -> int:
        """The highest stored message id of the channel (0 if none): where the reconciler resumes."""
        value = await self._value("SELECT max(message_id) FROM posts WHERE channel_id = ?", (channel_id,))
        return int(value or 0)

    async def sync_state(self, channel_id: int) -> dict[str, object]:
        return load_state(
            await self._value("SELECT state FROM sync_state WHERE channel_id = ?", (channel_id,))
        )

    async def set_sync_state(self, channel_id: int, **fields: object) -> None:
        """Merge `fields` (JSON-able values) into the channel's stored state."""
        async with self._write() as db:
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
        async with self._write() as db:
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
    ) -> list[SaveOutcome]:
        """Store a batch in one transaction; outcomes in input order (writes.py says what each case does)."""
        if not items:
            return []
        self._check_writable()
        stamp = now_iso()
        encoded = encode(items, stamp)
        work = functools.partial(save_batch, late_seconds=late_seconds or {}, alert=alert, stamp=stamp)
        async with self._lock:
            return await _on_connection_thread(self._db, work, encoded)

    async def mark_deleted(self, channel_id: int, message_ids: Iterable[int], when: datetime) -> int:
        """Tombstone posts (their text stays, and searchable); returns how many were newly marked."""
        async with self._write() as db:
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
        async with self._write() as db:
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
        rows = await self._rows(
            "SELECT at, views, forwards FROM engagement WHERE channel_id = ? AND message_id = ? ORDER BY at",
            (channel_id, message_id),
        )
        return [(from_iso(row[0]), row[1], row[2]) for row in rows]

    async def get_post(self, channel_id: int, message_id: int) -> StoredPost | None:
        async with self._read() as db:
            found = await posts_by_key(db, [(channel_id, message_id)])
        return found.get((channel_id, message_id))

    async def revisions(self, channel_id: int, message_id: int) -> list[tuple[datetime | None, str]]:
        """Earlier texts, oldest first, each with the edit date it carried (None for the original)."""
        rows = await self._rows(
            "SELECT edit_date, text FROM revisions WHERE channel_id = ? AND message_id = ? ORDER BY id",
            (channel_id, message_id),
        )
        return [(from_iso(row[0]), row[1]) for row in rows]

    async def recent_message_ids(self, channel_id: int, since: datetime) -> list[int]:
        """Ids of live (not deleted) posts dated at or after `since`, ascending: what to re-read for edits."""
        rows = await self._rows(
            "SELECT message_id FROM posts WHERE channel_id = ? AND date >= ? AND deleted_at IS NULL "
            "ORDER BY message_id",
            (channel_id, to_iso(since)),
        )
        return [row[0] for row in rows]

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
    ) -> list[StoredPost]:
        """Full-text search, newest first. `query` is FTS5 syntax; if invalid, its words are searched."""
        query = clean_text(query).replace("\x00", " ").strip()  # FTS5 stops reading a query at NUL
        if not query:
            return []
        async with self._read() as db:
            where, params = await self._filters(db, channel, conflict, lang, since, until)
            sql = (
                f"{POST_SELECT} FROM posts_fts JOIN posts AS p ON p.id = posts_fts.rowid "
                f"JOIN channels AS c ON c.id = p.channel_id WHERE posts_fts MATCH ? {where} "
                "ORDER BY p.date DESC, p.id DESC LIMIT ?"
            )
            try:
                rows = await _fetch(db, sql, [query, *params, limit])
            except sqlite3.OperationalError:
                rows = await _fetch(db, sql, [_as_words(query), *params, limit])
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
        """Posts by date (then channel and message id), fetched page by page so memory stays flat."""
        after: tuple[object, ...] | None = None
        while True:
            async with self._read() as db:
                where, params = await self._filters(db, channel, conflict, lang, since, until)
                if after is not None:
                    where += " AND (p.date, p.channel_id, p.message_id) > (?, ?, ?)"
                    params = [*params, *after]
                sql = (
                    f"{POST_SELECT} {POST_FROM} WHERE 1 {where} "
                    f"ORDER BY p.date, p.channel_id, p.message_id LIMIT {_PAGE}"
                )
                page = await stored_posts(db, await _fetch(db, sql, params))
            for stored in page:
                yield stored
            if len(page) < _PAGE:
                return
            last = page[-1].post
            after = (to_iso(last.date), last.channel_id, last.message_id)

    async def stats(
        self,
        *,
        channel: ChannelFilter = None,
        conflict: str | None = None,
        lang: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> dict[str, object]:
        """Counts over the posts matching the filters (JSON-able).

        Keys: posts, deleted, edited (posts with a stored revision), channels (list of {id, username,
        title, posts}, most posts first), conflicts ({id: flagged posts}), langs ({lang: posts}) and
        alerts ({status: count} over those posts' alerts, restricted to `conflict` when given).
        """
        async with self._read() as db:
            where, params = await self._filters(db, channel, conflict, lang, since, until)
            base = f"FROM posts AS p WHERE 1 {where}"
            edited = (
                "EXISTS (SELECT 1 FROM revisions AS r "
                "WHERE r.channel_id = p.channel_id AND r.message_id = p.message_id)"
            )
            (posts, deleted, edited_count), *_ = await _fetch(
                db, f"SELECT count(*), count(p.deleted_at), coalesce(sum({edited}), 0) {base}", params
            )
            per_channel = await _fetch(
                db,
                "SELECT c.id, c.username, c.title, n FROM channels AS c JOIN "
                f"(SELECT p.channel_id, count(*) AS n {base} GROUP BY p.channel_id) AS s "
                "ON s.channel_id = c.id "
                "ORDER BY n DESC, c.id",
                params,
            )
            per_conflict = await _fetch(
                db,
                f"SELECT j.value, count(*) FROM posts AS p, json_each(p.conflicts) AS j WHERE 1 {where} "
                "GROUP BY j.value ORDER BY count(*) DESC, j.value",
                params,
            )
            per_lang = await _fetch(
                db, f"SELECT p.lang, count(*) {base} GROUP BY p.lang ORDER BY count(*) DESC, p.lang", params
            )
            alert_where = where + (" AND a.conflict = ?" if conflict else "")
            per_status = await _fetch(
                db,
                "SELECT a.status, count(*) FROM alerts AS a JOIN posts AS p "
                f"ON p.channel_id = a.channel_id AND p.message_id = a.message_id WHERE 1 {alert_where} "
                "GROUP BY a.status ORDER BY a.status",
                [*params, conflict] if conflict else params,
            )
        return {
            "posts": posts,
            "deleted": deleted,
            "edited": edited_count,
            "channels": [{"id": r[0], "username": r[1], "title": r[2], "posts": r[3]} for r in per_channel],
            "conflicts": {r[0]: r[1] for r in per_conflict},
            "langs": {r[0]: r[1] for r in per_lang},
            "alerts": {r[0]: r[1] for r in per_status},
        }

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
        name = str(channel).strip().removeprefix("@")
        name = name.split("t.me/", 1)[-1].strip("/")
        candidate: int | None
        if name.removeprefix("-").isdigit():
            candidate = bare_channel_id(int(name))
        else:
            rows = await _fetch(
                db,
                "SELECT id FROM channels WHERE username = ? COLLATE NOCASE "
                "UNION ALL SELECT channel_id FROM channel_refs WHERE ref = ?",
                [name, str(channel)],
            )
            candidate = rows[0][0] if rows else None
        if candidate is None or not await _fetch(db, "SELECT 1 FROM channels WHERE id = ?", [candidate]):
            raise ArchiveError(f"{self.path}: no channel {channel!r} in the archive")
        return candidate

    # -- alert outbox ---------------------------------------------------------------------------------

    async def pending_alerts(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Alerts to send: 'sending' rows (a send cut short by a crash) first, then due live alerts, then
        posts the reconciler recovered late, each oldest first; after an outage, fresh news is not kept
        waiting behind the backlog."""
        sql = (
            f"SELECT a.* FROM alerts AS a WHERE {_OPEN} "
            "AND (a.status = 'sending' OR a.next_attempt_at IS NULL OR a.next_attempt_at <= ?) "
            "ORDER BY a.status != 'sending', a.late_seconds IS NOT NULL, a.id LIMIT ?"
        )
        async with self._read() as db:
            rows = await _fetch(db, sql, [to_iso(now), limit])
            return await self._outbox_items(db, rows, await _earlier_messages(db, rows))

    async def claim(self, alert_ids: Iterable[int], random_id: int) -> None:
        """Mark alerts 'sending' with the random_id the send will use; durable before the send happens.

        Re-claiming with the same random_id is a no-op; a row that is sent, suppressed or claimed with
        another random_id raises ArchiveError (and nothing is changed): resending it could duplicate.
        """
        ids = sorted(set(alert_ids))
        async with self._write(durable=True) as db:
            await db.execute(
                "UPDATE alerts SET status = 'sending', random_id = ?, claimed_at = ? "
                "WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending'",
                (random_id, now_iso(), ids_param(ids)),
            )
            rows = await _fetch(
                db,
                "SELECT id FROM alerts WHERE id IN (SELECT value FROM json_each(?)) "
                "AND status = 'sending' AND random_id = ?",
                [ids_param(ids), random_id],
            )
            refused = sorted(set(ids) - {row[0] for row in rows})
            if refused:
                raise ArchiveError(
                    f"{self.path}: alerts {refused} cannot be claimed with random_id {random_id}"
                )

    async def mark_sent(
        self,
        alert_ids: Iterable[int],
        chat_id: int,
        sent_message_id: int | None,
        *,
        digest: bool = False,
        needs_update: bool = False,
    ) -> None:
        """Record delivery (sent_message_id None: delivered earlier, e.g. Telegram reported the duplicate).
        A sent alert stays sent: marking it again changes nothing. `needs_update` records alerts handed to
        their post's earlier message (OutboxItem.earlier_message), which an update still has to show."""
        async with self._write() as db:
            await db.execute(
                "UPDATE alerts SET status = 'sent', sent_at = ?, sent_chat_id = ?, sent_message_id = ?, "
                "digest = ?, needs_update = needs_update + ? "
                "WHERE id IN (SELECT value FROM json_each(?)) AND status != 'sent'",
                (now_iso(), chat_id, sent_message_id, int(digest), int(needs_update), ids_param(alert_ids)),
            )

    async def mark_retry(self, alert_ids: Iterable[int], next_attempt_at: datetime, error: str) -> None:
        """Back to pending until `next_attempt_at`; the random_id is kept for the retry to reuse."""
        async with self._write() as db:
            await db.execute(
                "UPDATE alerts SET status = 'pending', attempts = attempts + 1, next_attempt_at = ?, "
                "last_error = ? WHERE id IN (SELECT value FROM json_each(?)) "
                "AND status IN ('pending', 'sending')",
                (to_iso(next_attempt_at), clean_text(error), ids_param(alert_ids)),
            )

    async def mark_suppressed(self, alert_ids: Iterable[int], reason: str) -> None:
        """Never send these (e.g. muted conflict), but keep them for the record."""
        async with self._write() as db:
            await db.execute(
                "UPDATE alerts SET status = 'suppressed', suppressed_reason = ? "
                "WHERE id IN (SELECT value FROM json_each(?)) AND status != 'sent'",
                (clean_text(reason), ids_param(alert_ids)),
            )

    async def alerts_needing_update(self, limit: int) -> list[OutboxItem]:
        """Sent alerts whose post was edited or deleted since (or that joined their post's earlier message),
        oldest first, with the post as it is now. The other alerts sent in the same message come along
        (needs_update False), so rewriting that message keeps naming every conflict it announced."""
        sql = (
            "SELECT a.* FROM alerts AS a WHERE a.needs_update > 0 AND a.status = 'sent' ORDER BY a.id LIMIT ?"
        )
        async with self._read() as db:
            rows = await _fetch(db, sql, [limit])
            self._updates_seen.update({row["id"]: row["needs_update"] for row in rows})
            siblings = await _fetch(db, _SIBLINGS, [ids_param(row["id"] for row in rows)]) if rows else []
            return await self._outbox_items(db, sorted([*rows, *siblings], key=lambda row: row["id"]))

    async def mark_updated(self, alert_id: int) -> None:
        """Clear the changes this alert was updated for; a change that arrived meanwhile stays pending."""
        seen = self._updates_seen.pop(alert_id, None)
        async with self._write() as db:
            if seen is None:
                await db.execute("UPDATE alerts SET needs_update = 0 WHERE id = ?", (alert_id,))
            else:
                await db.execute(
                    "UPDATE alerts SET needs_update = max(needs_update - ?, 0) WHERE id = ?", (seen, alert_id)
                )

    async def outbox_depth(self) -> int:
        return int(await self._value(f"SELECT count(*) FROM alerts AS a WHERE {_OPEN}"))

    async def oldest_pending_age(self, now: datetime) -> float | None:
        """Seconds since the oldest undelivered alert was written, None if the outbox is empty."""
        oldest = await self._value(f"SELECT min(a.created_at) FROM alerts AS a WHERE {_OPEN}")
        return None if oldest is None else (now - from_iso(oldest)).total_seconds()

    async def _outbox_items(
        self,
        db: aiosqlite.Connection,
        rows: Sequence[sqlite3.Row],
        earlier: Mapping[PostKey, SentMessage] | None = None,
    ) -> list[OutboxItem]:
        posts = await posts_by_key(db, {(row["channel_id"], row["message_id"]) for row in rows})
        names = {
            row[0]: Conflict(*row) for row in await _fetch(db, "SELECT id, name, severity FROM conflicts")
        }
        return [
            OutboxItem(
                alert=alert_of(row),
                post=posts[(row["channel_id"], row["message_id"])],
                conflict=names.get(row["conflict"]),
                claim_random_id=row["random_id"],
                needs_update=row["needs_update"] > 0,
                digest=bool(row["digest"]),
                earlier_message=(earlier or {}).get((row["channel_id"], row["message_id"])),
            )
            for row in rows
        ]

    # -- mutes and heartbeat --------------------------------------------------------------------------

    async def set_mute(self, conflict: str, until: datetime | None) -> None:
        """Mute a conflict until the given time; None lifts the mute."""
        async with self._write() as db:
            if until is None:
                await db.execute("DELETE FROM mutes WHERE conflict = ?", (conflict,))
            else:
                await db.execute(
                    "INSERT INTO mutes (conflict, until) VALUES (?, ?) "
                    "ON CONFLICT (conflict) DO UPDATE SET until = excluded.until",
                    (conflict, to_iso(until)),
                )

    async def mutes(self, now: datetime) -> dict[str, datetime]:
        """Mutes still in force at `now`."""
        rows = await self._rows(
            "SELECT conflict, until FROM mutes WHERE until > ? ORDER BY conflict", (to_iso(now),)
        )
        return {row[0]: from_iso(row[1]) for row in rows}

    async def heartbeat(self, now: datetime) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES ('heartbeat', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (to_iso(now),),
            )

    async def last_heartbeat(self) -> datetime | None:
        return from_iso(await self._value("SELECT value FROM meta WHERE key = 'heartbeat'"))


async def _on_connection_thread(
    db: aiosqlite.Connection, work: Callable[[sqlite3.Connection, T], R], arg: T
) -> R:
    """Run `work(connection, arg)` on the connection's own thread: one hand-over for a whole batch.

    aiosqlite has no public call for this (each `await db.execute` is a round trip between threads,
    about 70 µs); `_execute` is the queue its own methods use, so `work` runs in order with them.
    """
    return await db._execute(lambda: work(db._conn, arg))


def _channel(row: sqlite3.Row) -> Channel | None:
    return resolved_channel(row["id"], row["title"], row["username"], row["access_hash"])


async def _earlier_messages(
    db: aiosqlite.Connection, rows: Sequence[sqlite3.Row]
) -> dict[PostKey, SentMessage]:
    """For the posts of pending alerts, the message that already delivered an alert of theirs."""
    waiting = {(row["channel_id"], row["message_id"]) for row in rows if row["status"] == "pending"}
    if not waiting:
        return {}
    found: dict[PostKey, SentMessage] = {}
    for channel_id, message_id, chat_id, sent_id, digest in await _fetch(
        db, _SENT_OF_POSTS, [keys_param(waiting)]
    ):
        found.setdefault((channel_id, message_id), SentMessage(chat_id, sent_id, bool(digest)))
    return found


async def _fetch(db: aiosqlite.Connection, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
    async with db.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


def _as_words(query: str) -> str:
    """Quote every word, so text that is not valid FTS5 syntax is searched as plain words."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())
