"""The alert outbox of an archive file (outbox_base.py says what it does): SQLite's way of reading posts by
key and of comparing a sent message that may be NULL. Reached as `Store.outbox`.
"""

from __future__ import annotations

from collections.abc import Iterable

from monitor.model import StoredPost
from monitor.store.database import Database, fetch
from monitor.store.outbox_base import OutboxBase
from monitor.store.rows import PostKey, Row, keys_param, posts_by_key
from monitor.store.session import SQLITE, SqliteSession

# The sent alerts of the given posts (a JSON array of [channel_id, message_id]), earliest first.
_SENT_OF_POSTS = """
SELECT a.channel_id, a.message_id, a.sent_chat_id, a.sent_message_id, a.digest FROM alerts AS a
JOIN json_each(?) AS k ON a.channel_id = json_extract(k.value, '$[0]')
                      AND a.message_id = json_extract(k.value, '$[1]')
WHERE a.status = 'sent' ORDER BY a.id
"""


class Outbox(OutboxBase[SqliteSession]):
    """The alerts table as a delivery queue, on the archive's connection."""

    SIBLINGS = """
    SELECT DISTINCT a.* FROM alerts AS a
    JOIN alerts AS f ON f.channel_id = a.channel_id AND f.message_id = a.message_id
                    AND f.sent_message_id IS a.sent_message_id AND f.sent_chat_id IS a.sent_chat_id
    WHERE f.id IN (SELECT value FROM json_each(:ids)) AND a.status = 'sent' AND a.needs_update = 0
    """

    def __init__(self, database: Database) -> None:
        super().__init__(database, SqliteSession, SQLITE)

    async def _posts(self, db: SqliteSession, keys: Iterable[PostKey]) -> dict[PostKey, StoredPost]:
        return await posts_by_key(db.connection, keys)

    async def _sent_of_posts(self, db: SqliteSession, keys: Iterable[PostKey]) -> list[Row]:
        return await fetch(db.connection, _SENT_OF_POSTS, [keys_param(keys)])
