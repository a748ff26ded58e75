"""Learned channel context in a PostgreSQL archive: the counterpart of store/context.py, the same rule
(learning.py) over the same table channel_context. Reached as `PgStore.context`."""

from __future__ import annotations

import json

from monitor.model import NO_CONTEXT, ChannelContext
from monitor.store.codec import load_list, now_iso
from monitor.store.learning import CONTEXT_WINDOW, ContextSource, learn, valid_mark
from monitor.store.postgres.database import PgDatabase
from monitor.store.postgres.rows import KEYS_JOIN, keys_params
from monitor.store.rows import PostKey

_RECENT = """
SELECT message_id, conflicts FROM posts
WHERE channel_id = $1 AND message_id > $2 AND text != '' AND lang IS NOT NULL
ORDER BY message_id DESC LIMIT $3
"""
# Only for a channel the archive knows (a first post may be analysed before its channel row exists).
_UPSERT = """
INSERT INTO channel_context (channel_id, priors, posts, through_message_id, reset_after, updated_at)
SELECT $1::bigint, $2::text, $3::integer, $4::bigint, $5::bigint, $6::text
WHERE EXISTS (SELECT 1 FROM channels WHERE id = $1)
ON CONFLICT (channel_id) DO UPDATE SET priors = excluded.priors, posts = excluded.posts,
    through_message_id = excluded.through_message_id, reset_after = excluded.reset_after,
    updated_at = excluded.updated_at
"""
_RESET = """
INSERT INTO channel_context (channel_id, priors, posts, through_message_id, reset_after, updated_at)
SELECT channel_id, '{}', 0, max(message_id), max(message_id), $1 FROM posts
WHERE $2::bigint IS NULL OR channel_id = $2 GROUP BY channel_id
ON CONFLICT (channel_id) DO UPDATE SET priors = '{}', posts = 0,
    through_message_id = excluded.through_message_id, reset_after = excluded.reset_after,
    updated_at = excluded.updated_at
"""


class PgLearnedContext(ContextSource):
    """Learns each channel's priors from its stored posts and keeps them in channel_context."""

    def __init__(self, database: PgDatabase) -> None:
        self._database = database
        self.readonly = database.readonly

    async def learned(self, channel_id: int) -> ChannelContext:
        """The channel's learned priors, refreshed from its newest posts; a missing or unreadable row is
        rebuilt, never an error."""
        async with self._database.write() as db:
            reset_after = valid_mark(
                await db.fetchval(
                    "SELECT reset_after FROM channel_context WHERE channel_id = $1 FOR UPDATE", channel_id
                )
            )
            recent = [
                (row[0], load_list(row[1]))
                for row in await db.fetch(_RECENT, channel_id, reset_after, CONTEXT_WINDOW)
            ]
            priors = learn([conflicts for _, conflicts in recent])
            through = recent[0][0] if recent else reset_after
            await db.execute(
                _UPSERT, channel_id, json.dumps(dict(priors)), len(recent), through, reset_after, now_iso()
            )
        return ChannelContext(priors, source="learned") if priors else NO_CONTEXT

    async def reset(self, channel_id: int | None = None) -> int:
        """Forget what was learned (of one channel, or of all): only posts after now are learned from.
        Returns how many channels were reset."""
        async with self._database.write() as db:
            status = await db.execute(_RESET, now_iso(), channel_id)
        return int(status.rsplit(" ", 1)[1])  # "INSERT 0 <rows>"

    async def conflicts_of(self, keys: set[PostKey]) -> dict[PostKey, tuple[str, ...]]:
        sql = f"SELECT p.channel_id, p.message_id, p.conflicts FROM posts AS p {KEYS_JOIN}"
        rows = await self._database.rows(sql, keys_params(keys))
        return {(row[0], row[1]): load_list(row[2]) for row in rows}
