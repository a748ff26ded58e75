"""Bulk import on PostgreSQL: a batch's posts copied in (COPY), their word-form index left for later.

A batch is copied into a temporary table of the session (asyncpg's copy_records_to_table: the binary COPY
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


async def copy_new(db: asyncpg.Connection, batch: list[Encoded]) -> set[PostKey]:
    """Store the posts of `batch` not stored yet (keys unique within it), waiting for their word-form
    index; returns their keys."""
    await db.execute(_CREATE_STAGING)
    await db.copy_records_to_table(_STAGING, records=[item.row for item in batch], columns=POST_COLUMNS)
    stored = {(row[0], row[1]) for row in await db.fetch(_MOVE_NEW)}
    await db.execute(f"TRUNCATE {_STAGING}")
    return stored
