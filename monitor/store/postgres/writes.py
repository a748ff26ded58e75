"""The save path on PostgreSQL: one batch of analysed posts into posts, matches, revisions and the outbox.

The same plan as SQLite's (batch.py sorts the batch into new posts, edits and engagement updates); each
step is one statement over the whole round, its rows passed as one array per column (unnest), so a batch
of a thousand posts costs a handful of round trips. The posts of a round are locked while it is planned
(FOR UPDATE), so two processes saving the same post do not both count it as an edit; a post that another
process stored between the plan and the insert (two workers during a lease takeover) is left to that
process's row (ON CONFLICT DO NOTHING) and planned again, as an edit or unchanged, so saves are
idempotent under concurrency. A bulk import (`defer_word_forms`) copies the new posts in first (bulk.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import asyncpg

from monitor.model import SaveOutcome, SaveStatus
from monitor.store.batch import (
    POST_COLUMNS,
    REPLACED,
    Encoded,
    Engagement,
    Stored,
    alert_rows,
    order_like,
    plan_round,
    split_rounds,
)
from monitor.store.postgres import bulk
from monitor.store.postgres.rows import keys_params
from monitor.store.rows import PostKey
from monitor.store.stems import stem_text

_POST_TYPES = (
    "bigint", "bigint", "text", "text", "text", "bigint", "bigint", "bigint", "text",
    "text", "text", "text", "bigint",
    "text", "float8", "text", "text", "text", "bigint", "text",
)  # fmt: skip
_UNNEST_POSTS = ", ".join(f"${n}::{kind}[]" for n, kind in enumerate(_POST_TYPES, 1))
_STEMS_PARAM = f"${len(_POST_TYPES) + 1}::text[]"
_INSERT_POSTS = f"""
INSERT INTO posts ({", ".join(POST_COLUMNS)}, stems)
SELECT {", ".join(f"u.{column}" for column in POST_COLUMNS)}, to_tsvector('simple', u.stems)
FROM unnest({_UNNEST_POSTS}, {_STEMS_PARAM}) AS u ({", ".join(POST_COLUMNS)}, stems)
ORDER BY u.channel_id, u.message_id
ON CONFLICT (channel_id, message_id) DO NOTHING
RETURNING channel_id, message_id
"""
_EDITED_COLUMNS = ("text", "edit_date", "views", "forwards", "replies", "reactions", *POST_COLUMNS[REPLACED])
_EDITED_TYPES = ("text", "text", "bigint", "bigint", "bigint", "text", *_POST_TYPES[REPLACED])
_UPDATE_EDITED = f"""
UPDATE posts AS p SET {", ".join(f"{column} = u.{column}" for column in _EDITED_COLUMNS)},
    stems = to_tsvector('simple', u.stems)
FROM unnest($1::bigint[], $2::bigint[],
            {", ".join(f"${n}::{kind}[]" for n, kind in enumerate(_EDITED_TYPES, 3))},
            ${len(_EDITED_TYPES) + 3}::text[])
    AS u (channel_id, message_id, {", ".join(_EDITED_COLUMNS)}, stems)
WHERE p.channel_id = u.channel_id AND p.message_id = u.message_id
"""
_UPDATE_ENGAGEMENT = """
UPDATE posts AS p SET views = u.views, forwards = u.forwards, replies = u.replies, reactions = u.reactions
FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[])
    AS u (channel_id, message_id, views, forwards, replies, reactions)
WHERE p.channel_id = u.channel_id AND p.message_id = u.message_id
"""
_KEYS = "unnest($1::bigint[], $2::bigint[]) AS k (channel_id, message_id)"
_SELECT_STORED = f"""
SELECT p.channel_id, p.message_id, p.text, p.edit_date, p.views, p.forwards, p.replies, p.reactions
FROM posts AS p JOIN {_KEYS} ON p.channel_id = k.channel_id AND p.message_id = k.message_id
FOR UPDATE OF p
"""
_INSERT_REVISIONS = f"""
INSERT INTO revisions (channel_id, message_id, text, edit_date, replaced_at, post_id)
SELECT p.channel_id, p.message_id, p.text, p.edit_date, $3, p.id
FROM posts AS p JOIN {_KEYS} ON p.channel_id = k.channel_id AND p.message_id = k.message_id
"""
_DELETE_MATCHES = f"""
DELETE FROM matches AS m USING {_KEYS} WHERE m.channel_id = k.channel_id AND m.message_id = k.message_id
"""
# With the post ids of the posts joined, so the per-row trigger that would look each up is skipped (0005);
# in the order given, which is the order they are read back in.
_INSERT_MATCHES = """
INSERT INTO matches (channel_id, message_id, conflict, term, lang, start, "end", post_id)
SELECT u.channel_id, u.message_id, u.conflict, u.term, u.lang, u.start, u."end", p.id
FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])
    WITH ORDINALITY AS u (channel_id, message_id, conflict, term, lang, start, "end", place)
JOIN posts AS p ON p.channel_id = u.channel_id AND p.message_id = u.message_id
ORDER BY u.place
"""
_FLAG_SENT_ALERTS = f"""
UPDATE alerts AS a SET needs_update = a.needs_update + 1 FROM {_KEYS}
WHERE a.channel_id = k.channel_id AND a.message_id = k.message_id AND a.status IN ('sent', 'sending')
"""
_INSERT_ALERTS = """
INSERT INTO alerts (channel_id, message_id, conflict, created_at, late_seconds)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::float8[])
ON CONFLICT (channel_id, message_id, conflict) DO NOTHING
RETURNING id, channel_id, message_id
"""


async def save_batch(
    db: asyncpg.Connection,
    encoded: list[Encoded],
    *,
    late_seconds: Mapping[PostKey, float],
    alert: bool,
    stamp: str,
    defer_word_forms: bool = False,
) -> list[SaveOutcome]:
    """Within the caller's transaction: all of the batch or, on any error, nothing of it. With
    `defer_word_forms`, new posts are copied in and wait for their word-form index (bulk.py)."""
    channel_ids = sorted({item.key[0] for item in encoded})
    await db.execute(
        "INSERT INTO channels (id, first_seen) SELECT unnest($1::bigint[]), $2 ON CONFLICT (id) DO NOTHING",
        channel_ids,
        stamp,
    )
    rounds = split_rounds(encoded)
    outcomes: list[SaveOutcome] = []
    for batch in rounds:
        outcomes.extend(await _save_round(db, batch, late_seconds, alert, stamp, defer_word_forms))
    return outcomes if len(rounds) == 1 else order_like(encoded, outcomes)


async def _save_round(
    db: asyncpg.Connection,
    batch: list[Encoded],
    late_seconds: Mapping[PostKey, float],
    alert: bool,
    stamp: str,
    defer: bool,
) -> list[SaveOutcome]:
    statuses: dict[PostKey, SaveStatus] = {}
    touched: list[Encoded] = []
    waiting = batch
    if defer:
        copied = await bulk.copy_new(db, batch)  # with their matches
        touched = [item for item in batch if item.key in copied]
        statuses.update(dict.fromkeys(copied, "new"))
        waiting = [item for item in batch if item.key not in copied]
    while waiting:
        plan = plan_round(waiting, await _stored(db, waiting))
        inserted = await _insert_new(db, plan.new)
        await _apply_edits(db, plan.edited, stamp)
        if plan.engagement:
            await db.execute(_UPDATE_ENGAGEMENT, *_columns(plan.engagement, 6, first=4))
        touched += [item for item in plan.new if item.key in inserted] + [item for item, _ in plan.edited]
        statuses.update((key, status) for key, status in plan.statuses.items() if status != "new")
        statuses.update(dict.fromkeys(inserted, "new"))
        # Stored by another process since the plan: planned again against its row.
        waiting = [item for item in plan.new if item.key not in inserted]
    alert_ids = await _add_alerts(db, touched, late_seconds, stamp) if alert else {}
    return [
        SaveOutcome(key[0], key[1], statuses[key], tuple(alert_ids.get(key, ())))
        for key in (item.key for item in batch)
    ]


def _columns(rows: Sequence[Sequence[object]], width: int, *, first: int = 0) -> list[list[object]]:
    """Rows as one list per column (what unnest takes); `first` rotates the columns so that the key
    columns, last in the engagement rows, come first."""
    columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]
    return columns[first:] + columns[:first]


async def _stored(db: asyncpg.Connection, batch: list[Encoded]) -> dict[PostKey, Stored]:
    rows = await db.fetch(_SELECT_STORED, *keys_params(item.key for item in batch))
    return {
        (row[0], row[1]): Stored(row[2], row[3], (row[4], row[5], row[6], row[7]))  # type: ignore[arg-type]
        for row in rows
    }


async def _insert_new(db: asyncpg.Connection, new: list[Encoded]) -> set[PostKey]:
    """Insert the posts with their stems and matches; returns the keys inserted (not those another
    process stored meanwhile)."""
    if not new:
        return set()
    columns = _columns([item.row for item in new], len(POST_COLUMNS))
    rows = await db.fetch(_INSERT_POSTS, *columns, [stem_text(item.text) for item in new])
    inserted = {(row[0], row[1]) for row in rows}
    await _insert_matches(db, [item for item in new if item.key in inserted])
    return inserted


async def _apply_edits(db: asyncpg.Connection, edited: list[tuple[Encoded, Engagement]], stamp: str) -> None:
    """Keep the earlier text as a revision, replace text and analysis, flag alerts already sent."""
    if not edited:
        return
    keys = keys_params(item.key for item, _ in edited)
    await db.execute(_INSERT_REVISIONS, *keys, stamp)
    rows = [
        (*item.key, item.text, item.edit_date, *engagement, *item.row[REPLACED], stem_text(item.text))
        for item, engagement in edited
    ]
    await db.execute(_UPDATE_EDITED, *_columns(rows, len(_EDITED_COLUMNS) + 3))
    await db.execute(_DELETE_MATCHES, *keys)
    await _insert_matches(db, [item for item, _ in edited])
    await db.execute(_FLAG_SENT_ALERTS, *keys)


async def _insert_matches(db: asyncpg.Connection, items: list[Encoded]) -> None:
    rows = [(*item.key, *match) for item in items for match in item.matches]
    if rows:
        await db.execute(_INSERT_MATCHES, *_columns(rows, 7))


async def _add_alerts(
    db: asyncpg.Connection, items: list[Encoded], late_seconds: Mapping[PostKey, float], stamp: str
) -> dict[PostKey, list[int]]:
    """One outbox row per flagged conflict not alerted before; returns the ids of the rows created."""
    rows = alert_rows(items, late_seconds, stamp)
    if not rows:
        return {}
    created: dict[PostKey, list[int]] = {}
    for alert_id, channel_id, message_id in sorted(await db.fetch(_INSERT_ALERTS, *_columns(rows, 5))):
        created.setdefault((channel_id, message_id), []).append(alert_id)
    return created
