"""Full-text search on PostgreSQL: the archive's query language over the stems index (posts.stems, GIN).

A query finds word forms through the stems the archive indexes itself (stems.py; PostgreSQL has no
Ukrainian configuration), newest first. For a common word the planner walks the date index backwards and
stops after `limit` matches, using the per-word statistics ANALYZE keeps of the stems column; for a rare
one it collects the few matches from the GIN index and sorts them.

Exact search (the words as written) has no index of its own: it reads the stems' matches newest first, a
page at a time, and checks the words in each text (to_tsvector of the text, about 0.1 ms a post), until
`limit` posts pass. Checking every stem match at once would let the planner check them all before
sorting: seconds for a common word.

Posts a bulk import stored without stems (upkeep.py) are searched meanwhile by their text: a word-form
search adds the newest of them whose words start with a query word's shortest stem; exact search takes
them as candidates too. While none waits (the partial index of 0005 says so at once), nothing changes.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from monitor.store.errors import QueryError
from monitor.store.postgres.sql import Params, post_filters
from monitor.store.postgres.tsquery import (
    QuerySyntaxError,
    Translated,
    as_words,
    stems_query,
    waiting_query,
    words_query,
)
from monitor.store.rows import POST_FROM, POST_SELECT

Filters = tuple[int | None, str | None, str | None, datetime | None, datetime | None]
_KEY = "p.date, p.channel_id, p.message_id"
_ORDER = "ORDER BY p.date DESC, p.channel_id DESC, p.message_id DESC"
_FIRST_PAGE, _LAST_PAGE = 200, 20_000
_ANY_WAITING = "SELECT EXISTS (SELECT 1 FROM posts WHERE stems IS NULL)"


async def run(
    db: asyncpg.Connection, query: str, filters: Filters, *, limit: int, strict: bool, exact: bool
) -> list[asyncpg.Record]:
    """The newest `limit` post rows (POST_SELECT) matching `query` and the filters."""
    try:
        stems, words = _translate(query, exact=exact)
    except QuerySyntaxError as exc:
        if strict:
            raise QueryError(query, str(exc)) from None
        query = as_words(query)
        stems, words = _translate(query, exact=exact)
    waiting = bool(await db.fetchval(_ANY_WAITING))
    if words is not None:
        return await _exact(db, stems, words, filters, limit, waiting=waiting)
    found = await _newest(db, "p.stems @@ to_tsquery('simple', {})", stems.tsquery, filters, limit)
    if waiting:
        checked = "p.stems IS NULL AND to_tsvector('simple', p.text) @@ to_tsquery('simple', {})"
        found += await _newest(db, checked, waiting_query(query).tsquery, filters, limit)
        found.sort(key=lambda row: (row["date"], row["channel_id"], row["message_id"]), reverse=True)
    return found[:limit]


async def _newest(
    db: asyncpg.Connection, condition: str, tsquery: str, filters: Filters, limit: int
) -> list[asyncpg.Record]:
    """The newest `limit` post rows meeting `condition` (the tsquery goes in its `{}`) and the filters."""
    params = Params()
    where = condition.format(params.add(tsquery)) + post_filters(params, *filters)
    sql = f"{POST_SELECT} {POST_FROM} WHERE {where} {_ORDER} LIMIT {params.add(limit)}"
    return list(await db.fetch(sql, *params.values))


def _translate(query: str, *, exact: bool) -> tuple[Translated, Translated | None]:
    return stems_query(query), words_query(query) if exact else None


async def _exact(
    db: asyncpg.Connection,
    stems: Translated,
    words: Translated,
    filters: Filters,
    limit: int,
    *,
    waiting: bool,
) -> list[asyncpg.Record]:
    """Pages of candidates newest first (each four times larger, up to _LAST_PAGE), checked as written;
    posts `waiting` for their stems are candidates too."""
    found: list[int] = []
    after: tuple[object, ...] | None = None
    page = _FIRST_PAGE
    while len(found) < limit:
        params = Params()
        # With a NOT, a post may pass without holding the stems: every post is a candidate.
        where = "true" if words.negated else f"p.stems @@ to_tsquery('simple', {params.add(stems.tsquery)})"
        if waiting and not words.negated:
            where = f"({where} OR p.stems IS NULL)"
        where += post_filters(params, *filters)
        if after is not None:
            where += f" AND ({_KEY}) < ({', '.join(params.add(value) for value in after)})"
        checked = f"to_tsvector('simple', p.text) @@ to_tsquery('simple', {params.add(words.tsquery)})"
        sql = f"SELECT p.id, {_KEY}, {checked} FROM posts AS p WHERE {where} {_ORDER} LIMIT {page}"
        rows = await db.fetch(sql, *params.values)
        found.extend(row[0] for row in rows if row[4])
        if len(rows) < page:
            break
        after = tuple(rows[-1][1:4])
        page = min(page * 4, _LAST_PAGE)
    sql = f"{POST_SELECT} {POST_FROM} WHERE p.id = ANY($1::bigint[]) {_ORDER} LIMIT $2"
    return await db.fetch(sql, found[:limit], limit)
