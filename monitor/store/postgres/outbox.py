"""The alert outbox in a PostgreSQL archive (store/outbox_base.py says what it does): PostgreSQL's way of
reading posts by key and of comparing a sent message that may be NULL. Reached as `PgStore.outbox`.
"""

from __future__ import annotations

from collections.abc import Iterable

from monitor.model import StoredPost
from monitor.store.outbox_base import OutboxBase
from monitor.store.postgres.database import PgDatabase
from monitor.store.postgres.rows import keys_params, posts_by_key
from monitor.store.postgres.session import POSTGRES, PgSession
from monitor.store.rows import PostKey, Row

# The sent alerts of the given posts (two arrays: channel ids, message ids), earliest first.
_SENT_OF_POSTS = """
SELECT a.channel_id, a.message_id, a.sent_chat_id, a.sent_message_id, a.digest FROM alerts AS a
JOIN unnest($1::bigint[], $2::bigint[]) AS k (channel_id, message_id)
  ON a.channel_id = k.channel_id AND a.message_id = k.message_id
WHERE a.status = 'sent' ORDER BY a.id
"""


class PgOutbox(OutboxBase[PgSession]):
    """The alerts table as a delivery queue, in the archive's database."""

    SIBLINGS = """
    SELECT DISTINCT a.* FROM alerts AS a
    JOIN alerts AS f ON f.channel_id = a.channel_id AND f.message_id = a.message_id
                    AND f.sent_message_id IS NOT DISTINCT FROM a.sent_message_id
                    AND f.sent_chat_id IS NOT DISTINCT FROM a.sent_chat_id
    WHERE f.id = ANY(:ids::bigint[]) AND a.status = 'sent' AND a.needs_update = 0
    """

    def __init__(self, database: PgDatabase) -> None:
        super().__init__(database, PgSession, POSTGRES)

    async def _posts(self, db: PgSession, keys: Iterable[PostKey]) -> dict[PostKey, StoredPost]:
        return await posts_by_key(db.connection, keys)

    async def _sent_of_posts(self, db: PgSession, keys: Iterable[PostKey]) -> list[Row]:
        return await db.connection.fetch(_SENT_OF_POSTS, *keys_params(keys))
