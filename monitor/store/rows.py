"""Turning archive rows back into model records, and the SQL that selects them."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import aiosqlite

from monitor.model import Alert, Analysis, Channel, Match, Post, StoredPost, bare_channel_id
from monitor.store.codec import from_iso, load_list, load_reactions, load_scores

PostKey = tuple[int, int]


class Row(Protocol):
    """A row read by name or position: sqlite3.Row and asyncpg.Record both are one."""

    def __getitem__(self, key: str | int, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...


class Reader(Protocol):
    """Queries read on their own: Database and PgDatabase both are one (for statements without parameters,
    the SQL is the same on both)."""

    async def value(self, sql: str, params: Sequence[object] = ()) -> object: ...

    async def rows(self, sql: str, params: Sequence[object] = ()) -> Sequence[Any]: ...


POST_SELECT = """
SELECT p.channel_id, p.message_id, p.date, p.text, p.edit_date, p.views, p.forwards, p.replies,
       p.reactions, p.forward_origin, p.media_kind, p.links, p.grouped_id, p.deleted_at,
       p.lang, p.lang_confidence, p.conflicts, p.watchlist_version, p.scores, p.reply_to,
       c.title AS channel_title, c.username AS channel_username, c.access_hash AS channel_access_hash,
       (SELECT count(*) FROM revisions AS r
         WHERE r.channel_id = p.channel_id AND r.message_id = p.message_id) AS revision_count
"""
POST_FROM = "FROM posts AS p JOIN channels AS c ON c.id = p.channel_id"

# Joining a JSON array of [channel_id, message_id] pairs lets one statement look up any number of posts
# through the (channel_id, message_id) index.
KEYS_JOIN = (
    "JOIN json_each(?) AS k ON p.channel_id = json_extract(k.value, '$[0]') "
    "AND p.message_id = json_extract(k.value, '$[1]')"
)


def keys_param(keys: Iterable[PostKey]) -> str:
    return json.dumps([list(key) for key in keys])


def ids_param(ids: Iterable[int]) -> str:
    return json.dumps(list(ids))


def channel_filter(channel: int | str) -> int | str:
    """A channel filter as given (an id, '@username', a t.me link or a configured ref): the bare channel id
    when it names one by number, else the name to look up."""
    name = str(channel).strip().removeprefix("@")
    name = name.split("t.me/", 1)[-1].strip("/")
    return bare_channel_id(int(name)) if name.removeprefix("-").isdigit() else name


def resolved_channel(
    channel_id: int, title: str | None, username: str | None, access_hash: int | None
) -> Channel | None:
    """A channel row as a Channel; None while it was only seen as an id and never resolved."""
    if title is None:
        return None
    return Channel(id=channel_id, title=title, username=username, access_hash=access_hash)


def post_of(row: Row) -> Post:
    return Post(
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        date=from_iso(row["date"]),
        text=row["text"],
        edit_date=from_iso(row["edit_date"]),
        views=row["views"],
        forwards=row["forwards"],
        replies=row["replies"],
        reactions=load_reactions(row["reactions"]),
        forward_origin=row["forward_origin"],
        media_kind=row["media_kind"],
        links=load_list(row["links"]),
        grouped_id=row["grouped_id"],
        reply_to=row["reply_to"],
    )


def analysis_of(row: Row, matches: Sequence[Match]) -> Analysis | None:
    if row["lang"] is None:
        return None
    return Analysis(
        lang=row["lang"],
        lang_confidence=row["lang_confidence"],
        matches=tuple(matches),
        conflicts=load_list(row["conflicts"]),
        watchlist_version=row["watchlist_version"] or "",
        scores=load_scores(row["scores"]),
    )


def alert_of(row: Row) -> Alert:
    return Alert(
        id=row["id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        conflict=row["conflict"],
        status=row["status"],
        created_at=from_iso(row["created_at"]),
        late_seconds=row["late_seconds"],
        sent_message_id=row["sent_message_id"],
        attempts=row["attempts"],
    )


async def stored_posts(db: aiosqlite.Connection, rows: Sequence[sqlite3.Row]) -> list[StoredPost]:
    """Complete post rows (selected with POST_SELECT) with their matches, in one extra query."""
    return assemble(rows, await _matches_for(db, [(row["channel_id"], row["message_id"]) for row in rows]))


def assemble(rows: Sequence[Row], matches: Mapping[PostKey, Sequence[Match]]) -> list[StoredPost]:
    """Post rows with the columns of POST_SELECT, from either backend, and their matches as records."""
    return [
        StoredPost(
            post=post_of(row),
            channel=resolved_channel(
                row["channel_id"], row["channel_title"], row["channel_username"], row["channel_access_hash"]
            ),
            analysis=analysis_of(row, matches.get((row["channel_id"], row["message_id"]), ())),
            deleted_at=from_iso(row["deleted_at"]),
            revisions=row["revision_count"],
        )
        for row in rows
    ]


async def posts_by_key(db: aiosqlite.Connection, keys: Iterable[PostKey]) -> dict[PostKey, StoredPost]:
    sql = f"{POST_SELECT} {POST_FROM} {KEYS_JOIN}"
    async with db.execute(sql, (keys_param(keys),)) as cursor:
        rows = await cursor.fetchall()
    return {
        (stored.post.channel_id, stored.post.message_id): stored for stored in await stored_posts(db, rows)
    }


async def _matches_for(db: aiosqlite.Connection, keys: Sequence[PostKey]) -> dict[PostKey, list[Match]]:
    found: dict[PostKey, list[Match]] = defaultdict(list)
    if not keys:
        return found
    # Aliased `p` because KEYS_JOIN names its table so; matches share the posts' key columns.
    sql = (
        "SELECT p.channel_id, p.message_id, p.conflict, p.term, p.lang, p.start, p.end "
        f"FROM matches AS p {KEYS_JOIN} ORDER BY p.id"
    )
    async with db.execute(sql, (keys_param(keys),)) as cursor:
        async for row in cursor:
            found[(row[0], row[1])].append(Match(row[2], row[3], row[4], row[5], row[6]))
    return found
