"""The save path: one batch of analysed posts into posts, matches, revisions and the outbox, set-wise.

Plain synchronous sqlite3 code: Store.save runs all of it, transaction included, as one call on the
connection's thread, so a batch costs one hand-over between threads instead of one per statement. Each
step is one statement (or one executemany) over the whole batch; a key repeated within one batch is
handled in a later round so that the second occurrence sees the first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from monitor.model import Analysis, Post, SaveOutcome, SaveStatus
from monitor.store import word_forms
from monitor.store.codec import (
    clean_optional,
    clean_text,
    dump_list,
    dump_reactions,
    dump_scores,
    from_iso,
    to_iso,
    to_iso_optional,
)
from monitor.store.rows import PostKey, ids_param
from monitor.store.upkeep import links_complete

# The column order of Encoded.row; first_stored_at comes last so a row is built in one go.
_INSERT_POST = """
INSERT INTO posts (channel_id, message_id, date, text, edit_date, views, forwards, replies, reactions,
                   forward_origin, media_kind, links, grouped_id,
                   lang, lang_confidence, conflicts, watchlist_version, scores, reply_to, first_stored_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_TEXT, _EDIT_DATE = 3, 4
_ENGAGEMENT = slice(5, 9)  # views, forwards, replies, reactions
_REPLACED = slice(9, 19)  # forward_origin ... reply_to: what an edit overwrites besides the text

_UPDATE_EDITED = """
UPDATE posts SET text = ?, edit_date = ?, views = ?, forwards = ?, replies = ?, reactions = ?,
                 forward_origin = ?, media_kind = ?, links = ?, grouped_id = ?,
                 lang = ?, lang_confidence = ?, conflicts = ?, watchlist_version = ?, scores = ?, reply_to = ?
WHERE channel_id = ? AND message_id = ?
"""
_UPDATE_ENGAGEMENT = """
UPDATE posts SET views = ?, forwards = ?, replies = ?, reactions = ? WHERE channel_id = ? AND message_id = ?
"""
_SELECT_STORED = """
SELECT message_id, text, edit_date, views, forwards, replies, reactions FROM posts
WHERE channel_id = ? AND message_id IN (SELECT value FROM json_each(?))
"""
_INDEX_NEW = "INSERT INTO posts_fts (rowid, text) SELECT id, text FROM posts WHERE id > ?"
# The stemmed index and its search key (0004_archive_for_analysts.sql), also one statement per batch, unless
# the index is deferred (word_forms.py).
_INDEX_NEW_STEMS = """
INSERT INTO post_stems (rowid, text)
SELECT (min(max(coalesce(CAST(strftime('%s', date) AS INTEGER), 0) - 1262304000, 0), 2147483647) << 32) | id,
       stem_text(text)
FROM posts WHERE id > ?
"""
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

_Engagement = tuple[int | None, int | None, int | None, str | None]


class Encoded(NamedTuple):
    """One (post, analysis) pair as the posts row to insert (a tuple: cheap to build and to bind)."""

    key: PostKey
    row: tuple[object, ...]
    conflicts: tuple[str, ...]
    matches: tuple[tuple[str, str, str, int, int], ...]

    @property
    def text(self) -> str:
        return self.row[_TEXT]  # type: ignore[return-value]

    @property
    def edit_date(self) -> str | None:
        return self.row[_EDIT_DATE]  # type: ignore[return-value]


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


def encode(items: Sequence[tuple[Post, Analysis]], stamp: str) -> list[Encoded]:
    """Done before the transaction starts; `stamp` is the first_stored_at of the posts that are new."""
    return [_encode(post, analysis, stamp) for post, analysis in items]


def _encode(post: Post, analysis: Analysis, stamp: str) -> Encoded:
    row = (
        post.channel_id,
        post.message_id,
        to_iso(post.date),
        clean_text(post.text),
        to_iso_optional(post.edit_date),
        post.views,
        post.forwards,
        post.replies,
        dump_reactions(post.reactions),
        clean_optional(post.forward_origin),
        clean_optional(post.media_kind),
        dump_list(post.links),
        post.grouped_id,
        # Analysis strings come from the watchlist and the detector, not from Telegram: no cleaning
        # (except a match's term, which callers may take from the text itself).
        analysis.lang,
        analysis.lang_confidence,
        dump_list(analysis.conflicts),
        analysis.watchlist_version,
        dump_scores(analysis.scores),
        post.reply_to,
        stamp,
    )
    matches = tuple((m.conflict, clean_text(m.term), m.lang, m.start, m.end) for m in analysis.matches)
    return Encoded((post.channel_id, post.message_id), row, analysis.conflicts, matches)


def save_batch(
    db: sqlite3.Connection,
    encoded: list[Encoded],
    *,
    late_seconds: Mapping[PostKey, float],
    alert: bool,
    stamp: str,
    defer_word_forms: bool = False,
) -> list[SaveOutcome]:
    """One transaction: all of the batch or, on any error, nothing of it. With `defer_word_forms` (bulk
    imports) new posts wait for a build of the word-form index; they also wait while one is pending."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if defer_word_forms:
            word_forms.defer(db)
        outcomes = _save(db, encoded, late_seconds, alert, stamp)
    except BaseException:
        db.rollback()
        raise
    db.commit()
    return outcomes


def _save(
    db: sqlite3.Connection,
    encoded: list[Encoded],
    late_seconds: Mapping[PostKey, float],
    alert: bool,
    stamp: str,
) -> list[SaveOutcome]:
    _ensure_channels(db, {item.key[0] for item in encoded}, stamp)
    rounds = _rounds(encoded)
    outcomes: list[SaveOutcome] = []
    deferred = word_forms.pending(db) is not None
    for batch in rounds:
        outcomes.extend(_save_round(db, batch, late_seconds, alert, stamp, deferred))
    return outcomes if len(rounds) == 1 else _order_like(encoded, outcomes)


def _ensure_channels(db: sqlite3.Connection, channel_ids: set[int], stamp: str) -> None:
    """Posts may arrive before their channel is resolved: keep an id-only row so foreign keys hold."""
    db.executemany(
        "INSERT INTO channels (id, first_seen) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
        [(channel_id, stamp) for channel_id in channel_ids],
    )


def _rounds(encoded: list[Encoded]) -> list[list[Encoded]]:
    """Split so that no round holds a key twice; the n-th copy of a key goes to round n."""
    if len({item.key for item in encoded}) == len(encoded):
        return [encoded]
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


def _save_round(
    db: sqlite3.Connection,
    batch: list[Encoded],
    late_seconds: Mapping[PostKey, float],
    alert: bool,
    stamp: str,
    deferred: bool,
) -> list[SaveOutcome]:
    plan = _plan(batch, _stored(db, batch))
    _insert_new(db, plan.new, index_stems=not deferred)
    if deferred and plan.edited:
        word_forms.index_before_edit(db, _post_ids(db, [item.key for item, _ in plan.edited]))
    _apply_edits(db, plan.edited, stamp)
    db.executemany(_UPDATE_ENGAGEMENT, plan.engagement)
    touched = plan.new + [item for item, _ in plan.edited]
    alert_ids = _add_alerts(db, touched, late_seconds, stamp) if alert else {}
    statuses = plan.statuses
    return [
        SaveOutcome(key[0], key[1], statuses[key], tuple(alert_ids.get(key, ())))
        for key in (item.key for item in batch)
    ]


def _stored(db: sqlite3.Connection, batch: list[Encoded]) -> dict[PostKey, _Stored]:
    """The batch's posts already archived: one indexed look-up per channel in the batch."""
    by_channel: dict[int, list[int]] = {}
    for channel_id, message_id in (item.key for item in batch):
        by_channel.setdefault(channel_id, []).append(message_id)
    cursor = db.cursor()
    cursor.row_factory = None
    found: dict[PostKey, _Stored] = {}
    for channel_id, message_ids in by_channel.items():
        for message_id, text, edit_date, *engagement in cursor.execute(
            _SELECT_STORED, (channel_id, ids_param(message_ids))
        ):
            found[(channel_id, message_id)] = _Stored(text, edit_date, tuple(engagement))  # type: ignore[arg-type]
    return found


def _plan(batch: list[Encoded], stored: dict[PostKey, _Stored]) -> _Plan:
    plan = _Plan(new=[], edited=[], engagement=[], statuses={})
    if not stored:  # the common case of an import: every post is new
        plan.new = batch
        plan.statuses = dict.fromkeys((item.key for item in batch), "new")
        return plan
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
    views, forwards, replies, reactions = item.row[_ENGAGEMENT]
    known = before.engagement
    return (
        known[0] if views is None else views,  # type: ignore[return-value]
        known[1] if forwards is None else forwards,
        known[2] if replies is None else replies,
        known[3] if reactions is None else reactions,
    )


def _insert_new(db: sqlite3.Connection, new: list[Encoded], *, index_stems: bool) -> None:
    """Insert posts and their matches, then index the batch's texts, one statement per index (see 0002)."""
    if not new:
        return
    (before,) = db.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()
    if before == 0:
        links_complete(db)
    db.executemany(_INSERT_POST, [item.row for item in new])
    db.execute(_INDEX_NEW, (before,))
    if index_stems:
        db.execute(_INDEX_NEW_STEMS, (before,))
    _insert_matches(db, new)


def _post_ids(db: sqlite3.Connection, keys: list[PostKey]) -> list[int]:
    sql = "SELECT id FROM posts WHERE channel_id = ? AND message_id = ?"
    return [row[0] for key in keys for row in db.execute(sql, key)]


def _apply_edits(db: sqlite3.Connection, edited: list[tuple[Encoded, _Engagement]], stamp: str) -> None:
    """Keep the earlier text as a revision, replace text and analysis, flag alerts already sent."""
    if not edited:
        return
    keys = [item.key for item, _ in edited]
    db.executemany(_INSERT_REVISION, [(stamp, *key) for key in keys])
    db.executemany(
        _UPDATE_EDITED,
        [
            (item.text, item.edit_date, *engagement, *item.row[_REPLACED], *item.key)
            for item, engagement in edited
        ],
    )
    db.executemany("DELETE FROM matches WHERE channel_id = ? AND message_id = ?", keys)
    _insert_matches(db, [item for item, _ in edited])
    db.executemany(_FLAG_SENT_ALERTS, keys)


def _insert_matches(db: sqlite3.Connection, items: list[Encoded]) -> None:
    rows = [(*item.key, *match) for item in items for match in item.matches]
    if rows:
        db.executemany(_INSERT_MATCH, rows)


def _add_alerts(
    db: sqlite3.Connection, items: list[Encoded], late_seconds: Mapping[PostKey, float], stamp: str
) -> dict[PostKey, list[int]]:
    """One outbox row per flagged conflict not alerted before; returns the ids of the rows created."""
    rows = [
        (*item.key, conflict, stamp, late_seconds.get(item.key))
        for item in items
        for conflict in dict.fromkeys(item.conflicts)
    ]
    if not rows:
        return {}
    (before,) = db.execute("SELECT coalesce(max(id), 0) FROM alerts").fetchone()
    db.executemany(_INSERT_ALERT, rows)
    created: dict[PostKey, list[int]] = {}
    sql = "SELECT id, channel_id, message_id FROM alerts WHERE id > ? ORDER BY id"
    for alert_id, channel_id, message_id in db.execute(sql, (before,)):
        created.setdefault((channel_id, message_id), []).append(alert_id)
    return created
