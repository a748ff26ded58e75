"""Bulk import on PostgreSQL: a batch's posts copied in (COPY), their word-form index left for later.

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
from monitor.store.postgres.rows import keys_params
from monitor.store.rows import PostKey

_STAGING = "post_staging"
_COLUMNS = ", ".join(POST_COLUMNS)
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


# Whether every post of the batch comes after the last one stored of its channel: then none is stored.
_ALL_AFTER_STORED = """
SELECT coalesce(bool_and(k.first > coalesce(
    (SELECT max(p.message_id) FROM posts AS p WHERE p.channel_id = k.channel_id), -1)), true)
FROM (SELECT channel_id, min(message_id) AS first FROM unnest($1::bigint[], $2::bigint[])
      AS u (channel_id, message_id) GROUP BY channel_id) AS k
"""


async def copy_new(db: asyncpg.Connection, batch: list[Encoded]) -> set[PostKey]:
    """Store the posts of `batch` not stored yet (keys unique within it), waiting for their word-form
    index; returns their keys."""
    if await db.fetchval(_ALL_AFTER_STORED, *keys_params(item.key for item in batch)):
        try:
            async with db.transaction():  # a savepoint: another process may store some of them meanwhile
                records = [item.row for item in sorted(batch, key=lambda item: item.key)]  # see _MOVE_NEW
                await db.copy_records_to_table("posts", records=records, columns=POST_COLUMNS)
            return {item.key for item in batch}
        except asyncpg.UniqueViolationError:
            pass
    await db.execute(_CREATE_STAGING)
    await db.copy_records_to_table(_STAGING, records=[item.row for item in batch], columns=POST_COLUMNS)
    stored = {(row[0], row[1]) for row in await db.fetch(_MOVE_NEW)}
    await db.execute(f"TRUNCATE {_STAGING}")
    return stored
