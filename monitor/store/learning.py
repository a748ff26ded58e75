"""Learned channel context without a database: the rule that turns a channel's recent flags into priors,
which post a post answers, and how each post's context is put together. The archive file (context.py) and
a PostgreSQL archive (postgres/context.py) only read and keep what this decides; a benchmark can replay
the rule on a channel's history without either.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from monitor.model import CONTEXT_OFF, NO_CONTEXT, Analysis, ChannelContext, Post
from monitor.store.rows import PostKey, Reader, Row

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


def replay(texts: Iterable[str], analyze: Callable[[str, ChannelContext], Analysis]) -> list[Analysis]:
    """Analyse one channel's posts, oldest first, each with the context its earlier posts teach by the rule
    above (from their flags alone): what the daemon would flag had it read the channel in this order."""
    recent: deque[tuple[str, ...]] = deque(maxlen=CONTEXT_WINDOW)
    analyses = []
    for text in texts:
        analysis = analyze(text, ChannelContext(learn(recent), source="learned"))
        if text.strip():
            recent.appendleft(analysis.conflicts)
        analyses.append(analysis)
    return analyses


def parent_key(post: Post) -> PostKey | None:
    """The archive key of the post this one replies to (same channel) or forwards ("channel:ID/POST")."""
    if post.reply_to is not None:
        return (post.channel_id, post.reply_to)
    origin = post.forward_origin or ""
    channel, _, message = origin.removeprefix("channel:").partition("/")
    if origin.startswith("channel:") and channel.isdigit() and message.isdigit():
        return (int(channel), int(message))
    return None


def valid_mark(value: object) -> int:
    """A stored reset mark as a message id; 0 (learn from everything) when it is missing or unreadable."""
    return value if isinstance(value, int) and value >= 0 else 0


def shown(row: Row) -> dict[str, object]:
    """A channel_context row (with the channel's username and title) as `monitor context show` lists it."""
    return {
        "channel_id": row["channel_id"],
        "channel": row["username"] or row["title"],
        "priors": _priors(row["priors"]),
        "posts": row["posts"],
        "through_message_id": row["through_message_id"],
        "reset_after": row["reset_after"],
        "updated_at": row["updated_at"],
    }


def _priors(text: object) -> dict[str, float]:
    try:
        value = json.loads(text) if isinstance(text, str) else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class ContextSource(ABC):
    """What both archives do with learned context; each says how it learns a channel's priors and finds
    the flags of stored posts."""

    readonly: bool
    _database: Reader

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
            elif self.readonly:
                channels[channel_id] = NO_CONTEXT
            else:
                channels[channel_id] = await self.learned(channel_id)
        open_posts = [post for post in posts if channels[post.channel_id] != CONTEXT_OFF]
        keys = {key for post in open_posts if (key := parent_key(post)) is not None}
        parents = await self.conflicts_of(keys) if keys else {}
        return [
            replace(channels[post.channel_id], parent=parents[key])
            if (key := parent_key(post)) in parents
            else channels[post.channel_id]
            for post in posts
        ]

    async def show(self) -> list[dict[str, object]]:
        """What was learned, per channel (refreshed first), for `monitor context show`."""
        ids = [row[0] for row in await self._database.rows("SELECT DISTINCT channel_id FROM posts")]
        for channel_id in ids:
            await self.learned(channel_id)
        rows = await self._database.rows(
            "SELECT x.*, c.username, c.title FROM channel_context AS x "
            "JOIN channels AS c ON c.id = x.channel_id ORDER BY x.channel_id"
        )
        return [shown(row) for row in rows]

    @abstractmethod
    async def learned(self, channel_id: int) -> ChannelContext:
        """The channel's learned priors, refreshed from its newest posts."""

    @abstractmethod
    async def conflicts_of(self, keys: set[PostKey]) -> dict[PostKey, tuple[str, ...]]:
        """The flagged conflicts of those of the posts the archive has."""
