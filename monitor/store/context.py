"""Learned channel context in the archive file: each channel's priors, learned from its stored posts by
learning.py's rule and kept in table channel_context (migration 0003) to show and reset. Reached as
`Store.context`.
"""

from __future__ import annotations

import json

import aiosqlite

from monitor.model import NO_CONTEXT, ChannelContext
from monitor.store.codec import load_list, now_iso
from monitor.store.database import Database
from monitor.store.learning import CONTEXT_WINDOW, ContextSource, learn, valid_mark
from monitor.store.rows import KEYS_JOIN, PostKey, keys_param


class LearnedContext(ContextSource):
    """The archive's side of channel context: learns each channel's priors from its stored posts, keeps
    them in channel_context (to show and reset), and finds the conflicts of answered/forwarded posts."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self.readonly = database.readonly

    async def learned(self, channel_id: int) -> ChannelContext:
        """The channel's learned priors, refreshed from its newest posts; a missing or unreadable row is
        rebuilt, never an error."""
        async with self._database.write() as db:
            reset_after = await _reset_after(db, channel_id)
            async with db.execute(_RECENT, (channel_id, reset_after, CONTEXT_WINDOW)) as cursor:
                recent = [(row[0], load_list(row[1])) for row in await cursor.fetchall()]
            priors = learn([conflicts for _, conflicts in recent])
            through = recent[0][0] if recent else reset_after
            await db.execute(
                _UPSERT,
                (channel_id, json.dumps(dict(priors)), len(recent), through, reset_after, now_iso()),
            )
        return ChannelContext(priors, source="learned") if priors else NO_CONTEXT

    async def reset(self, channel_id: int | None = None) -> int:
        """Forget what was learned (of one channel, or of all): only posts after now are learned from.
        Returns how many channels were reset."""
        where, params = ("WHERE channel_id = ?", (channel_id,)) if channel_id is not None else ("", ())
        async with self._database.write() as db:
            cursor = await db.execute(
                "INSERT INTO channel_context (channel_id, priors, posts, through_message_id, reset_after, "
                "updated_at) SELECT channel_id, '{}', 0, max(message_id), max(message_id), ? FROM posts "
                f"{where} GROUP BY channel_id ON CONFLICT (channel_id) DO UPDATE SET priors = '{{}}', "
                "posts = 0, through_message_id = excluded.through_message_id, "
                "reset_after = excluded.reset_after, updated_at = excluded.updated_at",
                (now_iso(), *params),
            )
            return cursor.rowcount

    async def conflicts_of(self, keys: set[PostKey]) -> dict[PostKey, tuple[str, ...]]:
        sql = f"SELECT p.channel_id, p.message_id, p.conflicts FROM posts AS p {KEYS_JOIN}"
        rows = await self._database.rows(sql, (keys_param(keys),))
        return {(row[0], row[1]): load_list(row[2]) for row in rows}


_RECENT = """
SELECT message_id, conflicts FROM posts
WHERE channel_id = ? AND message_id > ? AND text != '' AND lang IS NOT NULL
ORDER BY message_id DESC LIMIT ?
"""
# Only for a channel the archive knows (a first post may be analysed before its channel row exists).
_UPSERT = """
INSERT INTO channel_context (channel_id, priors, posts, through_message_id, reset_after, updated_at)
SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM channels WHERE id = ?1)
ON CONFLICT (channel_id) DO UPDATE SET priors = excluded.priors, posts = excluded.posts,
    through_message_id = excluded.through_message_id, reset_after = excluded.reset_after,
    updated_at = excluded.updated_at
"""


async def _reset_after(db: aiosqlite.Connection, channel_id: int) -> int:
    """The reset mark of a channel; 0 (learn from everything) when there is none or it is unreadable."""
    async with db.execute(
        "SELECT reset_after FROM channel_context WHERE channel_id = ?", (channel_id,)
    ) as cur:
        row = await cur.fetchone()
    return valid_mark(row[0] if row else 0)
