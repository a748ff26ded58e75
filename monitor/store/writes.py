"""The save path: one batch of analysed posts into posts, matches, revisions and the outbox, set-wise.

Runs inside the caller's transaction. Each step is one executemany over the whole batch, which is what
makes bulk import fast; a key repeated within one batch is handled in a later round so that the second
occurrence sees the first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import aiosqlite

from monitor.model import Analysis, Post
from monitor.store.codec import (
    clean_optional,
    clean_text,
    dump_list,
    dump_reactions,
    from_iso,
    to_iso,
    to_iso_optional,
)
from monitor.store.records import SaveOutcome, SaveStatus
from monitor.store.rows import KEYS_JOIN, PostKey, keys_param

_INSERT_POST = """
INSERT INTO posts (channel_id, message_id, date, text, edit_date, views, forwards, replies, reactions,
                   forward_origin, media_kind, links, grouped_id, first_stored_at,
                   lang, lang_confidence, conflicts, watchlist_version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_UPDATE_EDITED = """
UPDATE posts SET text = ?, edit_date = ?, views = ?, forwards = ?, replies = ?, reactions = ?,
                 forward_origin = ?, media_kind = ?, links = ?, grouped_id = ?,
                 lang = ?, lang_confidence = ?, conflicts = ?, watchlist_version = ?
WHERE channel_id = ? AND message_id = ?
"""
_UPDATE_ENGAGEMENT = """
UPDATE posts SET views = ?, forwards = ?, replies = ?, reactions = ? WHERE channel_id = ? AND message_id = ?
"""
_INDEX_NEW = "INSERT INTO posts_fts (rowid, text) SELECT id, text FROM posts WHERE id > ?"
_INSERT_REVISION = """
INSERT INTO revisions (channel_id, message_id, text, edit_date, replaced_at)
SELECT channel_id, message_id, text, edit_date, ? FROM posts WHERE channel_id = ? AND message_id = ?
"""
_INSERT_MATCH = """
INSERT INTO matches (channel_id, message_id, conflict, term, lang, start, end) VALUES (?, ?, ?, ?, ?, ?, ?)
"""
_INSERT_ALERT = """
INSERT INTO alerts (channel_id, message_id, conflict, created_at, late_seconds) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (channel_id, message_id, conflict) DO NOTHING
"""
_FLAG_SENT_ALERTS = """
UPDATE alerts SET needs_update = needs_update + 1
WHERE channel_id = ? AND message_id = ? AND status IN ('sent', 'sending')
"""


class Encoded(NamedTuple):
    """One (post, analysis) pair as column values, text already made storable (a tuple: cheap to build)."""

    key: PostKey
    date: str
    text: str
    edit_date: str | None
    views: int | None
    forwards: int | None
    replies: int | None
    reactions: str | None
    forward_origin: str | None
    media_kind: str | None
    links: str | None
    grouped_id: int | None
    lang: str
    lang_confidence: float
    conflicts: tuple[str, ...]
    watchlist_version: str
    matches: tuple[tuple[str, str, str, int, int], ...]

    @classmethod
    def of(cls, post: Post, analysis: Analysis) -> Encoded:
        return cls(
            key=(post.channel_id, post.message_id),
            date=to_iso(post.date),
            text=clean_text(post.text),
            edit_date=to_iso_optional(post.edit_date),
            views=post.views,
            forwards=post.forwards,
            replies=post.replies,
            reactions=dump_reactions(post.reactions),
            forward_origin=clean_optional(post.forward_origin),
            media_kind=clean_optional(post.media_kind),
            links=dump_list(post.links),
            grouped_id=post.grouped_id,
            # Analysis strings come from the watchlist and the detector, not from Telegram: no cleaning.
            lang=analysis.lang,
            lang_confidence=analysis.lang_confidence,
            conflicts=analysis.conflicts,
            watchlist_version=analysis.watchlist_version,
            matches=tuple((m.conflict, m.term, m.lang, m.start, m.end) for m in analysis.matches),
        )

    def analysis_columns(self) -> tuple[object, ...]:
        return (self.lang, self.lang_confidence, dump_list(self.conflicts), self.watchlist_version)


_Engagement = tuple[int | None, int | None, int | None, str | None]


@dataclass(frozen=True, slots=True)
class _Stored:
    """The columns of an archived post that decide what a new copy of it changes."""

    text: str
    edit_date: str | None
    engagement: _Engagement


@dataclass(slots=True)
class _Plan:
    """The batch sorted into what each statement has to do."""

    new: list[Encoded]
    edited: list[tuple[Encoded, _Engagement]]
    engagement: list[tuple[object, ...]]
    statuses: dict[PostKey, SaveStatus]


def encode(items: Sequence[tuple[Post, Analysis]]) -> list[Encoded]:
    """Done before the transaction starts, so it can overlap with the previous batch's SQL."""
    return [Encoded.of(post, analysis) for post, analysis in items]


async def save_batch(
    db: aiosqlite.Connection,
    encoded: list[Encoded],
    *,
    late_seconds: Mapping[PostKey, float],
    alert: bool,
    now: datetime,
) -> list[SaveOutcome]:
    stamp = to_iso(now)
    await _ensure_channels(db, {item.key[0] for item in encoded}, stamp)
    rounds = _rounds(encoded)
    outcomes: list[SaveOutcome] = []
    for batch in rounds:
        outcomes.extend(await _save_round(db, batch, late_seconds, alert, stamp))
    return outcomes if len(rounds) == 1 else _order_like(encoded, outcomes)


async def _ensure_channels(db: aiosqlite.Connection, channel_ids: set[int], stamp: str) -> None:
    """Posts may arrive before their channel is resolved: keep an id-only row so foreign keys hold."""
    await db.executemany(
        "INSERT INTO channels (id, first_seen) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
        [(channel_id, stamp) for channel_id in channel_ids],
    )


def _rounds(encoded: list[Encoded]) -> list[list[Encoded]]:
    """Split so that no round holds a key twice; the n-th copy of a key goes to round n."""
    rounds: list[list[Encoded]] = []
    seen: dict[PostKey, int] = {}
    for item in encoded:
        index = seen.get(item.key, 0)
        seen[item.key] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(item)
    return rounds


def _order_like(encoded: list[Encoded], outcomes: list[SaveOutcome]) -> list[SaveOutcome]:
    """Outcomes come out round by round; hand them back in the order the posts came in."""
    queues: dict[PostKey, list[SaveOutcome]] = {}
    for outcome in outcomes:
        queues.setdefault((outcome.channel_id, outcome.message_id), []).append(outcome)
    for queue in queues.values():
        queue.reverse()
    return [queues[item.key].pop() for item in encoded]


async def _save_round(
    db: aiosqlite.Connection,
    batch: list[Encoded],
    late_seconds: Mapping[PostKey, float],
    alert: bool,
    stamp: str,
) -> list[SaveOutcome]:
    plan = _plan(batch, await _stored(db, batch))
    await _insert_new(db, plan.new, stamp)
    await _apply_edits(db, plan.edited, stamp)
    await db.executemany(_UPDATE_ENGAGEMENT, plan.engagement)
    touched = plan.new + [item for item, _ in plan.edited]
    alert_ids = await _add_alerts(db, touched, late_seconds, stamp) if alert else {}
    return [
        SaveOutcome(item.key[0], item.key[1], plan.statuses[item.key], tuple(alert_ids.get(item.key, ())))
        for item in batch
    ]


async def _stored(db: aiosqlite.Connection, batch: list[Encoded]) -> dict[PostKey, _Stored]:
    sql = (
        "SELECT p.channel_id, p.message_id, p.text, p.edit_date, p.views, p.forwards, p.replies, p.reactions "
        f"FROM posts AS p {KEYS_JOIN}"
    )
    async with db.execute(sql, (keys_param(item.key for item in batch),)) as cursor:
        return {(row[0], row[1]): _Stored(row[2], row[3], tuple(row[4:8])) for row in await cursor.fetchall()}


def _plan(batch: list[Encoded], stored: dict[PostKey, _Stored]) -> _Plan:
    plan = _Plan(new=[], edited=[], engagement=[], statuses={})
    for item in batch:
        before = stored.get(item.key)
        if before is None:
            plan.new.append(item)
            plan.statuses[item.key] = "new"
        elif _is_edit(before, item):
            plan.edited.append((item, _merged_engagement(before, item)))
            plan.statuses[item.key] = "edited"
        else:
            plan.statuses[item.key] = "unchanged"
            engagement = _merged_engagement(before, item)
            if engagement != before.engagement:
                plan.engagement.append((*engagement, *item.key))
    return plan


def _is_edit(before: _Stored, item: Encoded) -> bool:
    """A changed text or a newer edit date is an edit; an older copy (stale edit date) changes nothing."""
    if before.edit_date is not None and (
        item.edit_date is None or from_iso(item.edit_date) < from_iso(before.edit_date)
    ):
        return False
    return item.text != before.text or item.edit_date != before.edit_date


def _merged_engagement(before: _Stored, item: Encoded) -> _Engagement:
    """An unknown value (None, no reactions) in the new copy never erases a known one."""
    views, forwards, replies, reactions = before.engagement
    return (
        item.views if item.views is not None else views,
        item.forwards if item.forwards is not None else forwards,
        item.replies if item.replies is not None else replies,
        item.reactions if item.reactions is not None else reactions,
    )


async def _insert_new(db: aiosqlite.Connection, new: list[Encoded], stamp: str) -> None:
    """Insert posts and their matches, then index the batch's texts in one statement (see 0002_search.sql)."""
    if not new:
        return
    async with db.execute("SELECT coalesce(max(id), 0) FROM posts") as cursor:
        (before,) = await cursor.fetchone()
    await db.executemany(
        _INSERT_POST,
        [
            (
                *item.key,
                item.date,
                item.text,
                item.edit_date,
                item.views,
                item.forwards,
                item.replies,
                item.reactions,
                item.forward_origin,
                item.media_kind,
                item.links,
                item.grouped_id,
                stamp,
                *item.analysis_columns(),
            )
            for item in new
        ],
    )
    await db.execute(_INDEX_NEW, (before,))
    await _insert_matches(db, new)


async def _apply_edits(
    db: aiosqlite.Connection, edited: list[tuple[Encoded, _Engagement]], stamp: str
) -> None:
    """Keep the earlier text as a revision, replace text and analysis, flag alerts already sent."""
    if not edited:
        return
    keys = [item.key for item, _ in edited]
    await db.executemany(_INSERT_REVISION, [(stamp, *key) for key in keys])
    await db.executemany(
        _UPDATE_EDITED,
        [
            (
                item.text,
                item.edit_date,
                *engagement,
                item.forward_origin,
                item.media_kind,
                item.links,
                item.grouped_id,
                *item.analysis_columns(),
                *item.key,
            )
            for item, engagement in edited
        ],
    )
    await db.executemany("DELETE FROM matches WHERE channel_id = ? AND message_id = ?", keys)
    await _insert_matches(db, [item for item, _ in edited])
    await db.executemany(_FLAG_SENT_ALERTS, keys)


async def _insert_matches(db: aiosqlite.Connection, items: list[Encoded]) -> None:
    await db.executemany(_INSERT_MATCH, [(*item.key, *match) for item in items for match in item.matches])


async def _add_alerts(
    db: aiosqlite.Connection, items: list[Encoded], late_seconds: Mapping[PostKey, float], stamp: str
) -> dict[PostKey, list[int]]:
    """One outbox row per flagged conflict not alerted before; returns the ids of the rows created."""
    rows = [
        (*item.key, conflict, stamp, late_seconds.get(item.key))
        for item in items
        for conflict in dict.fromkeys(item.conflicts)
    ]
    if not rows:
        return {}
    async with db.execute("SELECT coalesce(max(id), 0) FROM alerts") as cursor:
        (before,) = await cursor.fetchone()
    await db.executemany(_INSERT_ALERT, rows)
    created: dict[PostKey, list[int]] = {}
    sql = "SELECT id, channel_id, message_id FROM alerts WHERE id > ? ORDER BY id"
    async with db.execute(sql, (before,)) as cursor:
        async for alert_id, channel_id, message_id in cursor:
            created.setdefault((channel_id, message_id), []).append(alert_id)
    return created
