"""Full-text search on PostgreSQL: the archive's query language over the stems index (posts.stems, GIN).

A query finds word forms through the stems the archive indexes itself (stems.py; PostgreSQL has no
Ukrainian configuration), newest first. For a common word the planner walks the date index backwards and
stops after `limit` matches, using the per-word statistics ANALYZE keeps of the stems column; for a rare
one it collects the few matches from the GIN index and sorts them. Exact search (the words as written)
narrows with the stems index and then checks the words in the text itself.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from monitor.store.errors import QueryError
from monitor.store.postgres.rows import POST_FROM, POST_SELECT
from monitor.store.postgres.sql import Params, post_filters
from monitor.store.postgres.tsquery import QuerySyntaxError, Translated, as_words, stems_query, words_query

Filters = tuple[int | None, str | None, str | None, datetime | None, datetime | None]
_ORDER = "ORDER BY p.date DESC, p.channel_id DESC, p.message_id DESC"


async def run(
    db: asyncpg.Connection, query: str, filters: Filters, *, limit: int, strict: bool, exact: bool
) -> list[asyncpg.Record]:
    """The newest `limit` post rows (POST_SELECT) matching `query` and the filters."""
    try:
        stems, words = _translate(query, exact=exact)
    except QuerySyntaxError as exc:
        if strict:
            raise QueryError(query, str(exc)) from None
        stems, words = _translate(as_words(query), exact=exact)
    params = Params()
    conditions = []
    if words is None or not words.negated:  # a NOT in an exact query: its matches may lack the stems
        conditions.append(f"p.stems @@ to_tsquery('simple', {params.add(stems.tsquery)})")
    if words is not None:
        conditions.append(
            f"to_tsvector('simple', p.text) @@ to_tsquery('simple', {params.add(words.tsquery)})"
        )
    where = " AND ".join(conditions) + post_filters(params, *filters)
    sql = f"{POST_SELECT} {POST_FROM} WHERE {where} {_ORDER} LIMIT {params.add(limit)}"
    return await db.fetch(sql, *params.values)


def _translate(query: str, *, exact: bool) -> tuple[Translated, Translated | None]:
    return stems_query(query), words_query(query) if exact else None
