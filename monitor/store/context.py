"""Learned channel context: the share of a channel's recent posts flagged for each conflict.

The archive keeps what it learned per channel (table channel_context, migration 0003) and hands it to
analysis as a `ChannelContext`; the rule itself is this pure function, so a benchmark can replay it on
a channel's history without an archive.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import aiosqlite

from monitor.model import CONTEXT_OFF, NO_CONTEXT, ChannelContext, Post
from monitor.store.codec import load_list, now_iso
from monitor.store.database import Database
from monitor.store.rows import KEYS_JOIN, PostKey, keys_param

# How many of a channel's most recent posts with text the priors are learned from, and how many it needs
# before it lends any context (a new channel has no history to speak of).
CONTEXT_WINDOW = 50
MIN_POSTS = 10


def learn(recent: Sequence[Iterable[str]]) -> tuple[tuple[str, float], ...]:
    """Per conflict, the share of `recent` (each post's flagged conflicts, newest first) flagged for it."""
    window = list(recent)[:CONTEXT_WINDOW]
    if len(window) < MIN_POSTS:
        return ()
    counts = Counter(conflict for conflicts in window for conflict in set(conflicts))
    return tuple(sorted((conflict, round(count / len(window), 3)) for conflict, count in counts.items()))


class LearnedContext:
    """The archive's side of channel context: learns each channel's priors from its stored posts, keeps
    them in channel_context (to show and reset), and finds the conflicts of answered/forwarded posts."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def for_posts(
        self, posts: Sequence[Post], fixed: Mapping[int, ChannelContext] | None = None, *, learn: bool = True
    ) -> list[ChannelContext]:
        """One context per post: its channel's priors (`fixed` ones win; learned unless `learn` is False)
        and the flags of the post it replies to or forwards, where the archive has that post. A channel
        whose context is CONTEXT_OFF (or any channel not fixed, when `learn` is False) gets none at all."""
        fixed = fixed or {}
        channels: dict[int, ChannelContext] = {}
        for channel_id in dict.fromkeys(post.channel_id for post in posts):
            if channel_id in fixed:
                channels[channel_id] = fixed[channel_id]
            elif not learn:
                channels[channel_id] = CONTEXT_OFF
            elif self._database.readonly:
                channels[channel_id] = NO_CONTEXT
            else:
                channels[channel_id] = await self.learned(channel_id)
        open_posts = [post for post in posts if channels[post.channel_id] != CONTEXT_OFF]
        parents = await self._parent_conflicts(open_posts)
        return [
            replace(channels[post.channel_id], parent=parents[key])
            if (key := parent_key(post)) in parents
            else channels[post.channel_id]
            for post in posts
        ]

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

    async def show(self) -> list[dict[str, object]]:
        """What was learned, per channel (refreshed first), for `monitor context show`."""
        ids = [row[0] for row in await self._database.rows("SELECT DISTINCT channel_id FROM posts")]
        for channel_id in ids:
            await self.learned(channel_id)
        rows = await self._database.rows(
            "SELECT x.*, c.username, c.title FROM channel_context AS x "
            "JOIN channels AS c ON c.id = x.channel_id ORDER BY x.channel_id"
        )
        return [
            {
                "channel_id": row["channel_id"],
                "channel": row["username"] or row["title"],
                "priors": _priors(row["priors"]),
                "posts": row["posts"],
                "through_message_id": row["through_message_id"],
                "reset_after": row["reset_after"],
                "updated_at": row["updated_at"],
            }
            for row in rows
        ]

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

    async def _parent_conflicts(self, posts: Sequence[Post]) -> dict[PostKey, tuple[str, ...]]:
        keys = {key for post in posts if (key := parent_key(post)) is not None}
        if not keys:
            return {}
        sql = f"SELECT p.channel_id, p.message_id, p.conflicts FROM posts AS p {KEYS_JOIN}"
        rows = await self._database.rows(sql, (keys_param(keys),))
        return {(row[0], row[1]): load_list(row[2]) for row in rows}


def parent_key(post: Post) -> PostKey | None:
    """The archive key of the post this one replies to (same channel) or forwards ("channel:ID/POST")."""
    if post.reply_to is not None:
        return (post.channel_id, post.reply_to)
    origin = post.forward_origin or ""
    channel, _, message = origin.removeprefix("channel:").partition("/")
    if origin.startswith("channel:") and channel.isdigit() and message.isdigit():
        return (int(channel), int(message))
    return None


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
    value = row[0] if row else 0
    return value if isinstance(value, int) and value >= 0 else 0


def _priors(text: object) -> dict[str, float]:
    try:
        value = json.loads(text) if isinstance(text, str) else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
