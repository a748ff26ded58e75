"""The save path: one batch of analysed posts into posts, matches, revisions and the outbox, set-wise.

Plain synchronous sqlite3 code: Store.save runs all of it, transaction included, as one call on the
connection's thread, so a batch costs one hand-over between threads instead of one per statement. Each
step is one statement (or one executemany) over the whole batch; a key repeated within one batch is
handled in a later round so that the second occurrence sees the first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from monitor.model import SaveOutcome
from monitor.store import exact_index, word_forms
from monitor.store.batch import (
    REPLACED,
    Encoded,
    Engagement,
    Stored,
    alert_rows,
    order_like,
    plan_round,
    split_rounds,
)
from monitor.store.rows import PostKey, ids_param
from monitor.store.upkeep import links_complete

# The column order of Encoded.row (batch.POST_COLUMNS).
_INSERT_POST = """
INSERT INTO posts (channel_id, message_id, date, text, edit_date, views, forwards, replies, reactions,
                   forward_origin, media_kind, links, grouped_id,
                   lang, lang_confidence, conflicts, watchlist_version, scores, reply_to, first_stored_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

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
# Posts above an id into the full-text index: one statement per batch (also used by archive copy).
INDEX_NEW = "INSERT INTO posts_fts (rowid, text) SELECT id, text FROM posts WHERE id > ?"
# The stemmed index and its search key (0004_archive_for_analysts.sql), also one statement per batch, unless
# the index is deferred (word_forms.py).
INDEX_NEW_STEMS = """
INSERT INTO post_stems (rowid, text)
SELECT (min(max(coalesce(CAST(strftime('%s', date) AS INTEGER), 0) - 1262304000, 0), 2147483647) << 32) | id,
       stem_text(text)
FROM posts WHERE id > ?
"""
# The row trigger of post_counts (0004) costs about 8 µs a post, a third of inserting the row. A bulk batch
# drops it for its own transaction, counts its new posts with one grouped statement and puts the same
# trigger back (its SQL read from the schema, so it is defined once). No other connection sees it gone.
_COUNT_TRIGGER = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'post_counts_insert'"
_COUNT_NEW = """
INSERT INTO post_counts (day, channel_id, lang, conflicts, posts, deleted, edited)
SELECT substr(date, 1, 10), channel_id, coalesce(lang, ''), coalesce(conflicts, '[]'),
       count(*), count(deleted_at), 0
FROM posts WHERE id > ? GROUP BY 1, 2, 3, 4
ON CONFLICT (day, channel_id, lang, conflicts)
DO UPDATE SET posts = posts + excluded.posts, deleted = deleted + excluded.deleted
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
    imports) new posts wait for a build of the word-form index (they also wait while one is pending) and of
    the exact full-text index (exact_index.py)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if defer_word_forms:
            word_forms.defer(db)
        outcomes = _save(db, encoded, late_seconds, alert, stamp, bulk=defer_word_forms)
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
    *,
    bulk: bool,
) -> list[SaveOutcome]:
    _ensure_channels(db, {item.key[0] for item in encoded}, stamp)
    rounds = split_rounds(encoded)
    outcomes: list[SaveOutcome] = []
    deferred = word_forms.pending(db) is not None
    for batch in rounds:
        outcomes.extend(_save_round(db, batch, late_seconds, alert, stamp, deferred=deferred, bulk=bulk))
    return outcomes if len(rounds) == 1 else order_like(encoded, outcomes)


def _ensure_channels(db: sqlite3.Connection, channel_ids: set[int], stamp: str) -> None:
    """Posts may arrive before their channel is resolved: keep an id-only row so foreign keys hold."""
    db.executemany(
        "INSERT INTO channels (id, first_seen) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
        [(channel_id, stamp) for channel_id in channel_ids],
    )


def _save_round(
    db: sqlite3.Connection,
    batch: list[Encoded],
    late_seconds: Mapping[PostKey, float],
    alert: bool,
    stamp: str,
    *,
    deferred: bool,
    bulk: bool,
) -> list[SaveOutcome]:
    plan = plan_round(batch, _stored(db, batch))
    _insert_new(db, plan.new, index_stems=not deferred, bulk=bulk)
    if plan.edited:
        _index_before_edit(db, [item.key for item, _ in plan.edited], deferred)
    _apply_edits(db, plan.edited, stamp)
    db.executemany(_UPDATE_ENGAGEMENT, plan.engagement)
    touched = plan.new + [item for item, _ in plan.edited]
    alert_ids = _add_alerts(db, touched, late_seconds, stamp) if alert else {}
    statuses = plan.statuses
    return [
        SaveOutcome(key[0], key[1], statuses[key], tuple(alert_ids.get(key, ())))
        for key in (item.key for item in batch)
    ]


def _stored(db: sqlite3.Connection, batch: list[Encoded]) -> dict[PostKey, Stored]:
    """The batch's posts already archived: one indexed look-up per channel in the batch."""
    by_channel: dict[int, list[int]] = {}
    for channel_id, message_id in (item.key for item in batch):
        by_channel.setdefault(channel_id, []).append(message_id)
    cursor = db.cursor()
    cursor.row_factory = None
    found: dict[PostKey, Stored] = {}
    for channel_id, message_ids in by_channel.items():
        for message_id, text, edit_date, *engagement in cursor.execute(
            _SELECT_STORED, (channel_id, ids_param(message_ids))
        ):
            found[(channel_id, message_id)] = Stored(text, edit_date, tuple(engagement))  # type: ignore[arg-type]
    return found


def _insert_new(db: sqlite3.Connection, new: list[Encoded], *, index_stems: bool, bulk: bool) -> None:
    """Insert posts and their matches, then index the batch's texts, one statement per index (see 0002),
    or, for a `bulk` batch, leave them to wait for their index (exact_index.py, word_forms.py) and count
    them in post_counts at once."""
    if not new:
        return
    (before,) = db.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()
    if before == 0:
        links_complete(db)
    if bulk:
        _insert_counted_by_batch(db, [item.row for item in new], before)
        (last,) = db.execute("SELECT max(id) FROM posts").fetchone()
        exact_index.defer(db, before + 1, last)
    else:
        db.executemany(_INSERT_POST, [item.row for item in new])
        db.execute(INDEX_NEW, (before,))
    if index_stems:
        db.execute(INDEX_NEW_STEMS, (before,))
    _insert_matches(db, new)


def _insert_counted_by_batch(db: sqlite3.Connection, rows: list[tuple[object, ...]], before: int) -> None:
    """Insert a bulk batch's new posts (ids above `before`) and count them per post_counts row at once."""
    (trigger,) = db.execute(_COUNT_TRIGGER).fetchone()
    db.execute("DROP TRIGGER post_counts_insert")
    db.executemany(_INSERT_POST, rows)
    db.execute(_COUNT_NEW, (before,))
    db.execute(trigger)


def _index_before_edit(db: sqlite3.Connection, keys: list[PostKey], deferred: bool) -> None:
    """Posts about to be edited that wait for an index get it first, so the update triggers find them."""
    if not deferred and not exact_index.pending(db):
        return
    sql = "SELECT id FROM posts WHERE channel_id = ? AND message_id = ?"
    post_ids = [row[0] for key in keys for row in db.execute(sql, key)]
    exact_index.index_before_edit(db, post_ids)
    if deferred:
        word_forms.index_before_edit(db, post_ids)


def _apply_edits(db: sqlite3.Connection, edited: list[tuple[Encoded, Engagement]], stamp: str) -> None:
    """Keep the earlier text as a revision, replace text and analysis, flag alerts already sent."""
    if not edited:
        return
    keys = [item.key for item, _ in edited]
    db.executemany(_INSERT_REVISION, [(stamp, *key) for key in keys])
    db.executemany(
        _UPDATE_EDITED,
        [
            (item.text, item.edit_date, *engagement, *item.row[REPLACED], *item.key)
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
    rows = alert_rows(items, late_seconds, stamp)
    if not rows:
        return {}
    (before,) = db.execute("SELECT coalesce(max(id), 0) FROM alerts").fetchone()
    db.executemany(_INSERT_ALERT, rows)
    created: dict[PostKey, list[int]] = {}
    sql = "SELECT id, channel_id, message_id FROM alerts WHERE id > ? ORDER BY id"
    for alert_id, channel_id, message_id in db.execute(sql, (before,)):
        created.setdefault((channel_id, message_id), []).append(alert_id)
    return created
