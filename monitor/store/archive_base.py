"""The archive's methods whose SQL reads the same on both backends, written once: channels and their refs,
sync state, conflicts, engagement, the post lookups of the reading side, the daemon's liveness, and the
steps around what each backend says its own way.

Store (archive.py) and PgStore (postgres/archive.py) build on ArchiveBase and add that: writing a batch,
search, a page of posts, the stats' queries, finding a channel by name. Every method is one transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, ClassVar, Generic, Protocol, Self, TypedDict

from monitor.model import Analysis, Channel, Conflict, Post, SaveOutcome, StoredPost
from monitor.store.batch import Encoded, encode
from monitor.store.codec import clean_text, dump_reactions, dump_state, from_iso, load_state, now_iso, to_iso
from monitor.store.counts import Filters
from monitor.store.daemon_record import DaemonRecords
from monitor.store.errors import ArchiveError
from monitor.store.figures import Figures
from monitor.store.meta import MetaTable
from monitor.store.notices import Notices
from monitor.store.problems import Problems
from monitor.store.rows import PostKey, Row, channel_filter, resolved_channel
from monitor.store.session import Dialect, S, Sessions, Transactions

_UPSERT_CHANNEL = """
INSERT INTO channels (id, username, title, access_hash, first_seen)
VALUES (:id, :username, :title, :access_hash, :now)
ON CONFLICT (id) DO UPDATE SET username = excluded.username, title = excluded.title,
    access_hash = coalesce(excluded.access_hash, channels.access_hash)
"""
_UPSERT_ENGAGEMENT = """
INSERT INTO engagement (channel_id, message_id, at, views, forwards, replies, reactions)
VALUES (:channel_id, :message_id, :at, :views, :forwards, :replies, :reactions)
ON CONFLICT (channel_id, message_id, at) DO UPDATE SET views = excluded.views,
    forwards = excluded.forwards, replies = excluded.replies, reactions = excluded.reactions
"""


ChannelFilter = int | str | None
# Posts per page of iter_posts.
PAGE = 500


class Backend(Transactions, Protocol):
    """What an archive asks of its database besides transactions: Database and PgDatabase both are one."""

    on_file_error: Callable[[ArchiveError], None] | None

    async def close(self) -> None: ...

    def check_writable(self) -> None: ...


class SaveOptions(TypedDict):
    """How a batch is saved (each backend's writes.save_batch takes them by these names)."""

    late_seconds: Mapping[PostKey, float]
    alert: bool
    stamp: str
    defer_word_forms: bool


class ArchiveBase(ABC, Generic[S]):
    """The shared half of an archive, over its backend's database and that backend's kind of Session."""

    # A channel filter's name as a username (whatever its case) or else a configured ref (:name, :ref);
    # the first row's id is the channel.
    CHANNEL_BY_NAME: ClassVar[str]

    def __init__(
        self, database: Backend, session: Callable[[Any], S], dialect: Dialect, meta: MetaTable
    ) -> None:
        self._sql = Sessions(database, session, dialect)
        self._backend = database
        # What messages name: the archive file, or the URL without its password.
        self.path = database.path
        self.readonly = database.readonly
        # The parts written once over the meta table and plain reads; each backend adds its outbox,
        # learned context, leases and upkeep.
        self.figures = Figures(database)
        self.daemon = DaemonRecords(meta)
        self.problems = Problems(meta)
        self.notices = Notices(meta)

    async def close(self) -> None:
        await self._backend.close()

    def report_file_errors(self, report: Callable[[ArchiveError], None]) -> None:
        """Have every failure of the archive (a corrupt page, a read-only or full disk, a server gone away)
        reported as it is raised, so the daemon can record it beside an archive that cannot record it."""
        self._backend.on_file_error = report

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # -- what each backend says its own way -----------------------------------------------------------

    @abstractmethod
    async def _save(self, encoded: list[Encoded], options: SaveOptions) -> list[SaveOutcome]:
        """Write an encoded batch in one transaction (the backend's writes.py)."""

    @abstractmethod
    async def _posts(self, db: S, keys: Iterable[PostKey]) -> dict[PostKey, StoredPost]:
        """The stored posts of these keys, with their matches."""

    @abstractmethod
    async def _page(
        self, db: S, filters: Filters, key: str, after: Sequence[object] | None
    ) -> list[StoredPost]:
        """Up to PAGE posts matching `filters` in the order of the columns `key`, after the values `after`
        of those columns (from the start when None)."""

    @abstractmethod
    async def _search(
        self, db: S, query: str, filters: Filters, *, limit: int, strict: bool, exact: bool
    ) -> list[StoredPost]:
        """The newest `limit` posts matching a cleaned, non-empty `query` and the filters (search)."""

    @abstractmethod
    async def _count(self, db: S, filters: Filters) -> dict[str, object]:
        """The figures of `stats` (the backend's counts.py)."""

    # -- channels and sync state ----------------------------------------------------------------------

    async def upsert_channel(self, channel: Channel, ref: str | None = None) -> None:
        """Record a resolved channel (a known access hash is kept if the new one is unknown)."""
        async with self._sql.write() as db:
            await db.run(
                _UPSERT_CHANNEL,
                id=channel.id,
                username=channel.username,
                title=clean_text(channel.title),
                access_hash=channel.access_hash,
                now=now_iso(),
            )
            if ref is not None:
                await db.run(
                    "INSERT INTO channel_refs (ref, channel_id) VALUES (:ref, :channel_id) "
                    "ON CONFLICT (ref) DO UPDATE SET channel_id = excluded.channel_id",
                    ref=clean_text(ref),
                    channel_id=channel.id,
                )

    async def channel_for_ref(self, ref: str) -> Channel | None:
        rows = await self._sql.rows(
            "SELECT c.* FROM channel_refs AS r JOIN channels AS c ON c.id = r.channel_id WHERE r.ref = :ref",
            ref=clean_text(ref),
        )
        return _channel(rows[0]) if rows else None

    async def channels(self) -> list[Channel]:
        """Resolved channels by id (channels only seen as an id in imported posts are left out)."""
        rows = await self._sql.rows("SELECT * FROM channels WHERE title IS NOT NULL ORDER BY id")
        return [channel for channel in map(_channel, rows) if channel is not None]

    async def channel(self, channel_id: int) -> Channel | None:
        rows = await self._sql.rows("SELECT * FROM channels WHERE id = :id", id=channel_id)
        return _channel(rows[0]) if rows else None

    async def max_message_id(self, channel_id: int) -> int:
        """The highest stored message id of the channel (0 if none): where the reconciler resumes."""
        value = await self._sql.value(
            "SELECT max(message_id) FROM posts WHERE channel_id = :id", id=channel_id
        )
        return int(value or 0)

    async def sync_state(self, channel_id: int) -> dict[str, object]:
        return load_state(
            await self._sql.value("SELECT state FROM sync_state WHERE channel_id = :id", id=channel_id)
        )

    async def set_sync_state(self, channel_id: int, **fields: object) -> None:
        """Merge `fields` (JSON-able values) into the channel's stored state."""
        stamp = now_iso()
        async with self._sql.write() as db:
            await db.run(
                "INSERT INTO channels (id, first_seen) VALUES (:id, :now) ON CONFLICT (id) DO NOTHING",
                id=channel_id,
                now=stamp,
            )
            # Locks the row (or its key's slot) where writers run in parallel, so that two merges both land.
            current = await db.value(
                f"SELECT state FROM sync_state WHERE channel_id = :id{self._sql.dialect.for_update}",
                id=channel_id,
            )
            await db.run(
                "INSERT INTO sync_state (channel_id, state, updated_at) VALUES (:id, :state, :now) "
                "ON CONFLICT (channel_id) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at",
                id=channel_id,
                state=dump_state({**load_state(current), **fields}),
                now=stamp,
            )

    async def upsert_conflicts(self, conflicts: Iterable[Conflict]) -> None:
        """Store conflicts' display facts so outbox items carry them (OutboxItem.conflict)."""
        rows = [{"id": c.id, "name": clean_text(c.name), "severity": c.severity} for c in conflicts]
        async with self._sql.write() as db:
            await db.run_many(
                "INSERT INTO conflicts (id, name, severity) VALUES (:id, :name, :severity) "
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
        With `defer_word_forms` (an import's bulk path), new posts wait for `store.upkeep.build_word_forms()`
        (word_forms.py) and, in an archive file, for `build_exact_index()` too (exact_index.py)."""
        if not items:
            return []
        self._backend.check_writable()
        stamp = now_iso()
        options = SaveOptions(
            late_seconds=late_seconds or {}, alert=alert, stamp=stamp, defer_word_forms=defer_word_forms
        )
        return await self._save(encode(items, stamp), options)

    async def get_post(self, channel_id: int, message_id: int) -> StoredPost | None:
        async with self._sql.read() as db:
            found = await self._posts(db, [(channel_id, message_id)])
        return found.get((channel_id, message_id))

    async def mark_deleted(self, channel_id: int, message_ids: Iterable[int], when: datetime) -> int:
        """Tombstone posts (their text stays, and searchable); returns how many were newly marked."""
        dialect = self._sql.dialect
        async with self._sql.write() as db:
            rows = await db.fetch(
                "UPDATE posts SET deleted_at = :when WHERE channel_id = :channel_id AND deleted_at IS NULL "
                f"AND {dialect.any_of('message_id', 'ids')} RETURNING message_id",
                when=to_iso(when),
                channel_id=channel_id,
                ids=list(message_ids),
            )
            deleted = [row[0] for row in rows]
            await db.run(
                "UPDATE alerts SET needs_update = needs_update + 1 WHERE channel_id = :channel_id "
                f"AND {dialect.any_of('message_id', 'ids')} AND status IN ('sent', 'sending')",
                channel_id=channel_id,
                ids=deleted,
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
        values = {
            "views": views,
            "forwards": forwards,
            "replies": replies,
            "reactions": dump_reactions(reactions),
        }
        key = {"channel_id": channel_id, "message_id": message_id}
        async with self._sql.write() as db:
            changed = await db.run(
                "UPDATE posts SET views = coalesce(:views, views), forwards = coalesce(:forwards, forwards), "
                "replies = coalesce(:replies, replies), reactions = coalesce(:reactions, reactions) "
                "WHERE channel_id = :channel_id AND message_id = :message_id",
                **values,
                **key,
            )
            if changed == 0:
                return False
            await db.run(_UPSERT_ENGAGEMENT, at=to_iso(at), **values, **key)
        return True

    async def engagement(
        self, channel_id: int, message_id: int
    ) -> list[tuple[datetime, int | None, int | None]]:
        """The recorded (at, views, forwards) history of a post, oldest first."""
        rows = await self._sql.rows(
            "SELECT at, views, forwards FROM engagement WHERE channel_id = :channel_id "
            "AND message_id = :message_id ORDER BY at",
            channel_id=channel_id,
            message_id=message_id,
        )
        return [(from_iso(row[0]), row[1], row[2]) for row in rows]  # type: ignore[misc]

    async def revisions(self, channel_id: int, message_id: int) -> list[tuple[datetime | None, str]]:
        """Earlier texts, oldest first, each with the edit date it carried (None for the original)."""
        rows = await self._sql.rows(
            "SELECT edit_date, text FROM revisions WHERE channel_id = :channel_id "
            "AND message_id = :message_id ORDER BY id",
            channel_id=channel_id,
            message_id=message_id,
        )
        return [(from_iso(row[0]), row[1]) for row in rows]

    async def stored_ids_between(self, channel_id: int, above: int, up_to: int) -> list[int]:
        """Stored message ids in (above, up_to], ascending: the gap check. It walks the (channel, message id)
        index over that range only, so its cost follows what is new, not the size of the archive."""
        rows = await self._sql.rows(
            "SELECT message_id FROM posts WHERE channel_id = :channel_id AND message_id > :above "
            "AND message_id <= :up_to ORDER BY message_id",
            channel_id=channel_id,
            above=above,
            up_to=up_to,
        )
        return [row[0] for row in rows]

    async def live_posts_after(
        self, channel_id: int, above: int, dated_until: datetime, limit: int
    ) -> list[tuple[int, datetime]]:
        """Up to `limit` (message id, date) of live posts above a message id and dated at or before a moment,
        ascending: the next engagement snapshots of one age, read from a cursor, never from the start."""
        rows = await self._sql.rows(
            "SELECT message_id, date FROM posts WHERE channel_id = :channel_id AND message_id > :above "
            "AND date <= :until AND deleted_at IS NULL ORDER BY message_id LIMIT :limit",
            channel_id=channel_id,
            above=above,
            until=to_iso(dated_until),
            limit=limit,
        )
        return [(row[0], from_iso(row[1])) for row in rows]  # type: ignore[misc]

    async def newest_live_ids(self, channel_id: int, limit: int) -> list[int]:
        """The newest `limit` live post ids, ascending: what a recheck after a too-long gap re-reads."""
        rows = await self._sql.rows(
            "SELECT message_id FROM posts WHERE channel_id = :channel_id AND deleted_at IS NULL "
            "ORDER BY message_id DESC LIMIT :limit",
            channel_id=channel_id,
            limit=limit,
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
        """Full-text search, newest first. `query` is FTS5 syntax (postgres/search.py reads the same
        language); if invalid, its words are searched, or with `strict` (the command line, where a script
        must not get other results than it asked for) QueryError names the problem.

        Words find their other forms (`Херсон` finds `Херсона`, stems.py says how) unless `exact`, which
        finds the words as written. Word-form search reads the newest matches first and stops at `limit`.
        """
        query = clean_text(query).replace("\x00", " ").strip()  # FTS5 stops reading a query at NUL
        if not query:
            return []
        async with self._sql.read() as db:
            filters = await self._filters(db, channel, conflict, lang, since, until)
            return await self._search(db, query, filters, limit=limit, strict=strict, exact=exact)

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
            async with self._sql.read() as db:
                filters = await self._filters(db, channel, conflict, lang, since, until)
                page = await self._page(db, filters, key, after)
            for stored in page:
                yield stored
            if len(page) < PAGE:
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
        async with self._sql.read() as db:
            return await self._count(db, await self._filters(db, channel, conflict, lang, since, until))

    async def conflict_ids(self) -> list[str]:
        """The conflicts whose display facts the daemon stored (an archive only imported into has none)."""
        return [row[0] for row in await self._sql.rows("SELECT id FROM conflicts ORDER BY id")]

    async def _filters(
        self,
        db: S,
        channel: ChannelFilter,
        conflict: str | None,
        lang: str | None,
        since: datetime | None,
        until: datetime | None,
    ) -> Filters:
        """A listing's filters with its channel found (`since` is inclusive, `until` exclusive)."""
        channel_id = None if channel is None else await self._channel_id(db, channel)
        return Filters(channel_id, conflict, lang, since, until)

    async def _channel_id(self, db: S, channel: int | str) -> int:
        """Resolve a channel filter: an id, '@username', a t.me link or a configured ref."""
        name = channel_filter(channel)
        candidate = (
            name
            if isinstance(name, int)
            else await db.value(self.CHANNEL_BY_NAME, name=name, ref=str(channel))
        )
        if candidate is None or not await db.value("SELECT 1 FROM channels WHERE id = :id", id=candidate):
            raise ArchiveError(f"{self.path}: no channel {channel!r} in the archive")
        return int(candidate)

    # -- liveness -------------------------------------------------------------------------------------

    async def heartbeat(self, now: datetime) -> None:
        """Stamp the daemon as alive (meta table), so `monitor health` can tell a stalled process."""
        await self._set_meta("heartbeat", to_iso(now))

    async def last_heartbeat(self) -> datetime | None:
        return from_iso(await self._sql.value("SELECT value FROM meta WHERE key = 'heartbeat'"))

    async def record_reading(self, state: Mapping[str, object]) -> None:
        """Keep the reading side's state (channels waiting to resolve or join, channels polled because they
        are not joined, the request budget) in the meta table, for `monitor health` in another process."""
        await self._set_meta("reading", dump_state(dict(state)))

    async def reading(self) -> dict[str, object]:
        """The reading side's state as last recorded by the daemon ({} before its first heartbeat)."""
        return load_state(await self._sql.value("SELECT value FROM meta WHERE key = 'reading'"))

    async def _set_meta(self, key: str, value: str) -> None:
        async with self._sql.write() as db:
            await db.run(
                "INSERT INTO meta (key, value) VALUES (:key, :value) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                key=key,
                value=value,
            )


def _channel(row: Row) -> Channel | None:
    return resolved_channel(row["id"], row["title"], row["username"], row["access_hash"])
