"""Learned channel context in the archive, written once for both backends (context.py on SQLite,
postgres/context.py): each channel's priors, learned from its stored posts by learning.py's rule and kept
in table channel_context (migration 0003) to show and reset. A backend supplies how it finds the flags of
posts by key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Generic

from monitor.model import NO_CONTEXT, ChannelContext
from monitor.store.codec import load_list, now_iso
from monitor.store.learning import CONTEXT_WINDOW, ContextSource, learn, valid_mark
from monitor.store.session import Dialect, S, Sessions, Transactions

_RECENT = """
SELECT message_id, conflicts FROM posts
WHERE channel_id = :channel_id AND message_id > :after AND text != '' AND lang IS NOT NULL
ORDER BY message_id DESC LIMIT :limit
"""
# Only for a channel the archive knows (a first post may be analysed before its channel row exists). The
# casts name the types of the values selected, which PostgreSQL cannot tell from a parameter alone.
_UPSERT = """
INSERT INTO channel_context (channel_id, priors, posts, through_message_id, reset_after, updated_at)
SELECT CAST(:channel_id AS BIGINT), CAST(:priors AS TEXT), CAST(:posts AS INTEGER),
       CAST(:through AS BIGINT), CAST(:reset_after AS BIGINT), CAST(:now AS TEXT)
WHERE EXISTS (SELECT 1 FROM channels WHERE id = :channel_id)
ON CONFLICT (channel_id) DO UPDATE SET priors = excluded.priors, posts = excluded.posts,
    through_message_id = excluded.through_message_id, reset_after = excluded.reset_after,
    updated_at = excluded.updated_at
"""


class ContextBase(ContextSource, Generic[S]):
    """The archive's side of channel context: learns each channel's priors from its stored posts, keeps
    them in channel_context (to show and reset), and finds the conflicts of answered/forwarded posts."""

    def __init__(self, database: Transactions, session: Callable[[Any], S], dialect: Dialect) -> None:
        self._database = database
        self._sql = Sessions(database, session, dialect)
        self.readonly = database.readonly

    async def learned(self, channel_id: int) -> ChannelContext:
        """The channel's learned priors, refreshed from its newest posts; a missing or unreadable row is
        rebuilt, never an error."""
        async with self._sql.write() as db:
            mark = await db.value(
                "SELECT reset_after FROM channel_context WHERE channel_id = :channel_id"
                + self._sql.dialect.for_update,
                channel_id=channel_id,
            )
            reset_after = valid_mark(mark)
            rows = await db.fetch(_RECENT, channel_id=channel_id, after=reset_after, limit=CONTEXT_WINDOW)
            recent = [(row[0], load_list(row[1])) for row in rows]
            priors = learn([conflicts for _, conflicts in recent])
            await db.run(
                _UPSERT,
                channel_id=channel_id,
                priors=json.dumps(dict(priors)),
                posts=len(recent),
                through=recent[0][0] if recent else reset_after,
                reset_after=reset_after,
                now=now_iso(),
            )
        return ChannelContext(priors, source="learned") if priors else NO_CONTEXT

    async def reset(self, channel_id: int | None = None) -> int:
        """Forget what was learned (of one channel, or of all): only posts after now are learned from.
        Returns how many channels were reset."""
        where = "WHERE channel_id = :channel_id" if channel_id is not None else ""
        async with self._sql.write() as db:
            return await db.run(
                "INSERT INTO channel_context (channel_id, priors, posts, through_message_id, reset_after, "
                "updated_at) SELECT channel_id, '{}', 0, max(message_id), max(message_id), :now FROM posts "
                f"{where} GROUP BY channel_id ON CONFLICT (channel_id) DO UPDATE SET priors = '{{}}', "
                "posts = 0, through_message_id = excluded.through_message_id, "
                "reset_after = excluded.reset_after, updated_at = excluded.updated_at",
                now=now_iso(),
                channel_id=channel_id,
            )
