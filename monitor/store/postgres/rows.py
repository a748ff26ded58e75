"""Reading posts back from PostgreSQL by key, with their matches; the columns that select them
(rows.POST_SELECT) and turning rows into records (rows.assemble) are shared with SQLite."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import asyncpg

from monitor.model import Match, StoredPost
from monitor.store.rows import POST_FROM, POST_SELECT, PostKey, assemble

# Two arrays of the same length, channel ids and message ids, name any number of posts in one statement.
KEYS_JOIN = (
    "JOIN unnest($1::bigint[], $2::bigint[]) AS k (channel_id, message_id) "
    "ON p.channel_id = k.channel_id AND p.message_id = k.message_id"
)


def keys_params(keys: Iterable[PostKey]) -> tuple[list[int], list[int]]:
    pairs = list(keys)
    return [key[0] for key in pairs], [key[1] for key in pairs]


async def stored_posts(db: asyncpg.Connection, rows: Sequence[asyncpg.Record]) -> list[StoredPost]:
    """Complete post rows (selected with POST_SELECT) with their matches, in one extra query."""
    return assemble(rows, await _matches_for(db, [(row["channel_id"], row["message_id"]) for row in rows]))


async def posts_by_key(db: asyncpg.Connection, keys: Iterable[PostKey]) -> dict[PostKey, StoredPost]:
    rows = await db.fetch(f"{POST_SELECT} {POST_FROM} {KEYS_JOIN}", *keys_params(keys))
    return {(s.post.channel_id, s.post.message_id): s for s in await stored_posts(db, rows)}


async def _matches_for(db: asyncpg.Connection, keys: Sequence[PostKey]) -> dict[PostKey, list[Match]]:
    found: dict[PostKey, list[Match]] = defaultdict(list)
    if not keys:
        return found
    sql = (
        'SELECT p.channel_id, p.message_id, p.conflict, p.term, p.lang, p.start, p."end" '
        f"FROM matches AS p {KEYS_JOIN} ORDER BY p.id"
    )
    for row in await db.fetch(sql, *keys_params(set(keys))):
        found[(row[0], row[1])].append(Match(row[2], row[3], row[4], row[5], row[6]))
    return found
