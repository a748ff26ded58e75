"""The archive: channels, posts with their analysis, revisions, tombstones, engagement, sync state, search
and stats, in one SQLite file (WAL). Every public method is one transaction; one Store is shared by all
tasks of a process, and its alert outbox (`Store.outbox`, outbox.py) shares its connection. The methods
whose SQL PostgreSQL reads alike are written once, in archive_base.py.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from monitor.model import SaveOutcome, StoredPost
from monitor.store import counts
from monitor.store.archive_base import PAGE, ArchiveBase, SaveOptions
from monitor.store.batch import Encoded
from monitor.store.codec import to_iso
from monitor.store.context import LearnedContext
from monitor.store.counts import Filters
from monitor.store.database import Database, fetch
from monitor.store.errors import QueryError
from monitor.store.leases import Leases
from monitor.store.meta import SqliteMeta
from monitor.store.outbox import Outbox
from monitor.store.rows import (
    POST_FROM,
    POST_SELECT,
    PostKey,
    posts_by_key,
    stored_posts,
)
from monitor.store.search_sql import as_words, exact_search, stem_search, with_pending
from monitor.store.session import SQLITE, SqliteSession
from monitor.store.upkeep import Upkeep
from monitor.store.word_forms import PENDING_SQL, parse_pending
from monitor.store.writes import save_batch


class Store(ArchiveBase[SqliteSession]):
    """Async access to one archive file: `await Store.open(path)`, or `async with await Store.open(path)`.
    Its alert outbox is `store.outbox` and its learned channel context `store.context` (same connection)."""

    CHANNEL_BY_NAME = (
        "SELECT id FROM channels WHERE username = :name COLLATE NOCASE "
        "UNION ALL SELECT channel_id FROM channel_refs WHERE ref = :ref"
    )

    def __init__(self, database: Database) -> None:
        super().__init__(database, SqliteSession, SQLITE, SqliteMeta(database))
        self._database = database
        self.outbox = Outbox(database)
        self.context = LearnedContext(database)
        self.leases = Leases(database)
        self.upkeep = Upkeep(database)

    @classmethod
    async def open(cls, path: str | Path, *, readonly: bool = False) -> Store:
        return cls(await Database.open(Path(path), readonly=readonly))

    # -- posts ----------------------------------------------------------------------------------------

    async def _save(self, encoded: list[Encoded], options: SaveOptions) -> list[SaveOutcome]:
        """On the connection's own thread, in one hand-over (writes.py says what each case does)."""
        return await self._database.run_on_thread(functools.partial(save_batch, **options), encoded)

    async def _posts(self, db: SqliteSession, keys: Iterable[PostKey]) -> dict[PostKey, StoredPost]:
        return await posts_by_key(db.connection, keys)

    # -- queries --------------------------------------------------------------------------------------

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

    async def _page(
        self, db: SqliteSession, filters: Filters, key: str, after: Sequence[object] | None
    ) -> list[StoredPost]:
        where, params = _where(filters)
        if after is not None:
            where += f" AND ({key}) > ({', '.join('?' * len(after))})"
            params = [*params, *after]
        sql = f"{POST_SELECT} {POST_FROM} WHERE 1 {where} ORDER BY {key} LIMIT {PAGE}"
        return await stored_posts(db.connection, await fetch(db.connection, sql, params))

    async def _search(
        self, db: SqliteSession, query: str, filters: Filters, *, limit: int, strict: bool, exact: bool
    ) -> list[StoredPost]:
        connection = db.connection
        where, params = _where(filters)
        if exact:
            sql, bind = exact_search(where, params)
        else:
            sql, bind = stem_search(where, params, filters.since, filters.until)
            if pending := await fetch(connection, PENDING_SQL):
                sql, bind = with_pending(sql, bind, where, params, parse_pending(pending[0][0]))
        try:
            rows = await fetch(connection, sql, bind(query, limit))
        except sqlite3.OperationalError as exc:
            if strict:
                raise QueryError(query, str(exc)) from None
            rows = await fetch(connection, sql, bind(as_words(query), limit))
        return await stored_posts(connection, rows)

    async def _count(self, db: SqliteSession, filters: Filters) -> dict[str, object]:
        return await counts.count(db.connection, filters)


def _where(filters: Filters) -> tuple[str, list[object]]:
    """SQL conditions (each starting with AND) on posts `p`; `since` is inclusive, `until` exclusive."""
    clauses: list[str] = []
    params: list[object] = []
    if filters.channel_id is not None:
        clauses.append("p.channel_id = ?")
        params.append(filters.channel_id)
    if filters.conflict is not None:
        clauses.append("EXISTS (SELECT 1 FROM json_each(p.conflicts) WHERE value = ?)")
        params.append(filters.conflict)
    if filters.lang is not None:
        clauses.append("p.lang = ?")
        params.append(filters.lang)
    if filters.since is not None:
        clauses.append("p.date >= ?")
        params.append(to_iso(filters.since))
    if filters.until is not None:
        clauses.append("p.date < ?")
        params.append(to_iso(filters.until))
    return "".join(f" AND {clause}" for clause in clauses), params
