"""The archive: channels, posts with their analysis, revisions, tombstones, engagement, sync state, search
and stats, in one SQLite file (WAL). Every public method is one transaction; one Store is shared by all
tasks of a process, and its alert outbox (`Store.outbox`, outbox.py) shares its connection. The methods
whose SQL PostgreSQL reads alike are written once, in archive_base.py.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import aiosqlite

from monitor.model import Analysis, Post, SaveOutcome, StoredPost
from monitor.store import counts
from monitor.store.archive_base import ArchiveBase
from monitor.store.batch import encode
from monitor.store.codec import (
    clean_text,
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
    posts_by_key,
    stored_posts,
)
from monitor.store.search_sql import as_words, exact_search, stem_search, with_pending
from monitor.store.session import SQLITE, SqliteSession
from monitor.store.upkeep import Upkeep
from monitor.store.word_forms import PENDING_SQL, parse_pending
from monitor.store.writes import save_batch

ChannelFilter = int | str | None
_PAGE = 500


class Store(ArchiveBase[SqliteSession]):
    """Async access to one archive file: `await Store.open(path)`, or `async with await Store.open(path)`.
    Its alert outbox is `store.outbox` and its learned channel context `store.context` (same connection)."""

    def __init__(self, database: Database) -> None:
        super().__init__(database, SqliteSession, SQLITE)
        self._database = database
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
