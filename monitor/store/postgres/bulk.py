"""Bulk import on PostgreSQL: a batch's posts and their matches copied in (COPY), their word-form index
left for later.

The posts get their ids from the posts' sequence first (one statement for the batch), so that their
matches are copied in too, each naming its post, instead of being inserted by a join with posts.

When every post of a batch comes after the last stored post of its channel (an export imported into an
archive that has not seen it), none is stored: the batch is copied straight into posts, in a savepoint,
so that posts another process stores meanwhile only send the batch the other way. Otherwise it is
copied into a temporary table of the session (asyncpg's copy_records_to_table: the binary COPY
protocol, no statement text per row; temporary tables write no WAL and no other session sees them) and
moved into posts by one INSERT ... SELECT that leaves out the posts already stored (ON CONFLICT DO
NOTHING). Those are the new posts; every other one goes through the usual plan (writes.py), which keeps
revisions, engagement and outcomes right, so importing an archive again, or a changed copy of it, means
what it means through the daemon's path.

The new posts' stems stay NULL: to_tsvector over some 60 stems a post, the GIN index behind it and the
stemming in Python cost several times what storing the post does, so they are done afterwards, in chunks
(upkeep.py); search meanwhile checks the text of the waiting posts (search.py).
"""

from __future__ import annotations

import asyncpg

from monitor.store.batch import POST_COLUMNS, Encoded
from monitor.store.rows import PostKey

_STAGING = "post_staging"
_COLUMNS = ", ".join(("id", *POST_COLUMNS))
_MATCH_COLUMNS = ("channel_id", "message_id", "conflict", "term", "lang", "start", "end", "post_id")
# posts_id_seq: the sequence of posts.id (0001_initial.sql), named once so that it is looked up once.
_NEXT_IDS = "SELECT array_agg(nextval('posts_id_seq')) FROM generate_series(1, $1)"
# Created once per connection; emptied by every commit, and after each move for the next round.
_CREATE_STAGING = f"""
CREATE TEMP TABLE IF NOT EXISTS {_STAGING} ON COMMIT DELETE ROWS AS
SELECT {_COLUMNS} FROM posts WITH NO DATA
"""
# In key order, as writes.py inserts: two writers storing the same new posts wait for each other in the
# same order instead of deadlocking.
_MOVE_NEW = f"""
INSERT INTO posts ({_COLUMNS}, stems)
SELECT {_COLUMNS}, NULL FROM {_STAGING} ORDER BY channel_id, message_id
ON CONFLICT (channel_id, message_id) DO NOTHING
RETURNING channel_id, message_id
"""
# Whether every post of the batch comes after the last one stored of its channel (given each channel's
# first message id of the batch): then none is stored.
_ALL_AFTER_STORED = """
SELECT coalesce(bool_and(k.first > coalesce(
    (SELECT max(p.message_id) FROM posts AS p WHERE p.channel_id = k.channel_id), -1)), true)
FROM unnest($1::bigint[], $2::bigint[]) AS k (channel_id, first)
"""


async def copy_new(db: asyncpg.Connection, batch: list[Encoded]) -> set[PostKey]:
    """Store the posts of `batch` not stored yet (keys unique within it) with their matches, waiting for
    their word-form index; returns their keys."""
    ordered = sorted(batch, key=lambda item: item.key)  # see _MOVE_NEW
    ids = dict(zip((item.key for item in ordered), await db.fetchval(_NEXT_IDS, len(ordered)), strict=True))
    records = [(ids[item.key], *item.row) for item in ordered]
    stored = await _copy_posts(db, batch, records)
    matches = [
        (*item.key, *match, ids[item.key]) for item in batch if item.key in stored for match in item.matches
    ]
    if matches:
        await db.copy_records_to_table("matches", records=matches, columns=_MATCH_COLUMNS)
    return stored


async def _copy_posts(
    db: asyncpg.Connection, batch: list[Encoded], records: list[tuple[object, ...]]
) -> set[PostKey]:
    columns = ("id", *POST_COLUMNS)
    if await db.fetchval(_ALL_AFTER_STORED, *_first_of_each_channel(batch)):
        try:
            async with db.transaction():  # a savepoint: another process may store some of them meanwhile
                await db.copy_records_to_table("posts", records=records, columns=columns)
            return {item.key for item in batch}
        except asyncpg.UniqueViolationError:
            pass
    await db.execute(_CREATE_STAGING)
    await db.copy_records_to_table(_STAGING, records=records, columns=columns)
    stored = {(row[0], row[1]) for row in await db.fetch(_MOVE_NEW)}
    await db.execute(f"TRUNCATE {_STAGING}")
    return stored


def _first_of_each_channel(batch: list[Encoded]) -> tuple[list[int], list[int]]:
    """The channels of the batch and the lowest message id of each, as two arrays."""
    first: dict[int, int] = {}
    for channel_id, message_id in (item.key for item in batch):
        if message_id < first.get(channel_id, message_id + 1):
            first[channel_id] = message_id
    return list(first), list(first.values())
