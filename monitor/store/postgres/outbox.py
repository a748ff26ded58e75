"""The alert outbox in a PostgreSQL archive: the counterpart of store/outbox.py, with the same states
(pending -> sending -> sent, or suppressed) and the same random_id discipline. Reached as `PgStore.outbox`.

Several processes may share the database: a claim is one UPDATE of rows still 'pending' (row locks make
a second claimer see them 'sending' and be refused), so an alert is claimed by one sender only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import asyncpg

from monitor.model import Conflict, OutboxItem, SentMessage
from monitor.store.codec import clean_text, from_iso, now_iso, to_iso
from monitor.store.errors import ArchiveError
from monitor.store.outbox_items import OPEN, earliest_messages, outbox_items, post_keys, waiting_posts
from monitor.store.postgres.database import PgDatabase
from monitor.store.postgres.rows import keys_params, posts_by_key
from monitor.store.rows import PostKey

# Sent alerts that share a message with one of the given (flagged) alerts and are not flagged themselves.
_SIBLINGS = """
SELECT DISTINCT a.* FROM alerts AS a
JOIN alerts AS f ON f.channel_id = a.channel_id AND f.message_id = a.message_id
                AND f.sent_message_id IS NOT DISTINCT FROM a.sent_message_id
                AND f.sent_chat_id IS NOT DISTINCT FROM a.sent_chat_id
WHERE f.id = ANY($1::bigint[]) AND a.status = 'sent' AND a.needs_update = 0
"""
# The sent alerts of the given posts (two arrays: channel ids, message ids), earliest first.
_SENT_OF_POSTS = """
SELECT a.channel_id, a.message_id, a.sent_chat_id, a.sent_message_id, a.digest FROM alerts AS a
JOIN unnest($1::bigint[], $2::bigint[]) AS k (channel_id, message_id)
  ON a.channel_id = k.channel_id AND a.message_id = k.message_id
WHERE a.status = 'sent' ORDER BY a.id
"""


class PgOutbox:
    """The alerts table as a delivery queue (every method is one transaction)."""

    def __init__(self, database: PgDatabase) -> None:
        self._database = database
        # needs_update counts handed out by needing_update, so mark_updated keeps later changes.
        self._updates_seen: dict[int, int] = {}

    # -- sending --------------------------------------------------------------------------------------

    async def pending(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Alerts to send: interrupted sends first, then due live alerts, then late ones (Outbox.pending)."""
        sql = (
            f"SELECT a.* FROM alerts AS a WHERE {OPEN} "
            "AND (a.status = 'sending' OR a.next_attempt_at IS NULL OR a.next_attempt_at <= $1) "
            "ORDER BY a.status != 'sending', a.late_seconds IS NOT NULL, a.id LIMIT $2"
        )
        async with self._database.read() as db:
            rows = await db.fetch(sql, to_iso(now), limit)
            return await _items(db, rows, await _earlier_messages(db, rows))

    async def claim(self, alert_ids: Iterable[int], random_id: int) -> None:
        """Mark alerts 'sending' with the random_id the send will use; durable before the send happens.
        Re-claiming with the same random_id is a no-op; any other refusal raises ArchiveError and changes
        nothing (Outbox.claim)."""
        ids = sorted(set(alert_ids))
        async with self._database.write(durable=True) as db:
            await db.execute(
                "UPDATE alerts SET status = 'sending', random_id = $1, claimed_at = $2 "
                "WHERE id = ANY($3::bigint[]) AND status = 'pending'",
                random_id,
                now_iso(),
                ids,
            )
            rows = await db.fetch(
                "SELECT id FROM alerts WHERE id = ANY($1::bigint[]) AND status = 'sending' "
                "AND random_id = $2",
                ids,
                random_id,
            )
            refused = sorted(set(ids) - {row[0] for row in rows})
            if refused:
                raise ArchiveError(
                    f"{self._database.path}: alerts {refused} cannot be claimed with random_id {random_id}"
                )

    async def mark_sent(
        self,
        alert_ids: Iterable[int],
        chat_id: int,
        sent_message_id: int | None,
        *,
        digest: bool = False,
        needs_update: bool = False,
    ) -> None:
        """Record delivery; a sent alert stays sent (Outbox.mark_sent)."""
        async with self._database.write() as db:
            await db.execute(
                "UPDATE alerts SET status = 'sent', sent_at = $1, sent_chat_id = $2, sent_message_id = $3, "
                "digest = $4, needs_update = needs_update + $5 "
                "WHERE id = ANY($6::bigint[]) AND status != 'sent'",
                now_iso(),
                chat_id,
                sent_message_id,
                int(digest),
                int(needs_update),
                list(alert_ids),
            )

    async def mark_retry(self, alert_ids: Iterable[int], next_attempt_at: datetime, error: str) -> None:
        """Back to pending until `next_attempt_at`; the random_id is kept for the retry to reuse."""
        async with self._database.write() as db:
            await db.execute(
                "UPDATE alerts SET status = 'pending', attempts = attempts + 1, next_attempt_at = $1, "
                "last_error = $2 WHERE id = ANY($3::bigint[]) AND status IN ('pending', 'sending')",
                to_iso(next_attempt_at),
                clean_text(error),
                list(alert_ids),
            )

    async def mark_suppressed(self, alert_ids: Iterable[int], reason: str) -> None:
        """Never send these (e.g. muted conflict), but keep them for the record."""
        async with self._database.write() as db:
            await db.execute(
                "UPDATE alerts SET status = 'suppressed', suppressed_reason = $1 "
                "WHERE id = ANY($2::bigint[]) AND status != 'sent'",
                clean_text(reason),
                list(alert_ids),
            )

    # -- updates of sent alerts -----------------------------------------------------------------------

    async def needing_update(self, limit: int) -> list[OutboxItem]:
        """Sent alerts whose post changed since, with the alerts sent in the same message
        (Outbox.needing_update)."""
        sql = (
            "SELECT a.* FROM alerts AS a WHERE a.needs_update > 0 AND a.status = 'sent' "
            "ORDER BY a.id LIMIT $1"
        )
        async with self._database.read() as db:
            rows = await db.fetch(sql, limit)
            self._updates_seen.update({row["id"]: row["needs_update"] for row in rows})
            siblings = await db.fetch(_SIBLINGS, [row["id"] for row in rows]) if rows else []
            return await _items(db, sorted([*rows, *siblings], key=lambda row: row["id"]))

    async def mark_updated(self, alert_id: int) -> None:
        """Clear the changes this alert was updated for; a change that arrived meanwhile stays pending."""
        seen = self._updates_seen.pop(alert_id, None)
        async with self._database.write() as db:
            if seen is None:
                await db.execute("UPDATE alerts SET needs_update = 0 WHERE id = $1", alert_id)
            else:
                await db.execute(
                    "UPDATE alerts SET needs_update = greatest(needs_update - $1, 0) WHERE id = $2",
                    seen,
                    alert_id,
                )

    # -- backlog --------------------------------------------------------------------------------------

    async def depth(self) -> int:
        """Alerts not yet delivered (pending or mid-send)."""
        return int(str(await self._database.value(f"SELECT count(*) FROM alerts AS a WHERE {OPEN}")))

    async def oldest_pending_age(self, now: datetime) -> float | None:
        """Seconds since the oldest undelivered alert was written, None if the outbox is empty."""
        oldest = await self._database.value(f"SELECT min(a.created_at) FROM alerts AS a WHERE {OPEN}")
        return None if oldest is None else (now - from_iso(str(oldest))).total_seconds()  # type: ignore[operator]

    # -- mutes ----------------------------------------------------------------------------------------

    async def set_mute(self, conflict: str, until: datetime | None) -> None:
        """Mute a conflict until the given time; None lifts the mute."""
        async with self._database.write() as db:
            if until is None:
                await db.execute("DELETE FROM mutes WHERE conflict = $1", conflict)
            else:
                await db.execute(
                    "INSERT INTO mutes (conflict, until) VALUES ($1, $2) "
                    "ON CONFLICT (conflict) DO UPDATE SET until = excluded.until",
                    conflict,
                    to_iso(until),
                )

    async def mutes(self, now: datetime) -> dict[str, datetime]:
        """Mutes still in force at `now`."""
        rows = await self._database.rows(
            "SELECT conflict, until FROM mutes WHERE until > $1 ORDER BY conflict", (to_iso(now),)
        )
        return {row[0]: from_iso(row[1]) for row in rows}  # type: ignore[misc]


async def _items(
    db: asyncpg.Connection,
    rows: Sequence[asyncpg.Record],
    earlier: Mapping[PostKey, SentMessage] | None = None,
) -> list[OutboxItem]:
    """Alert rows as outbox items, each with its post as stored now and its conflict's display facts."""
    posts = await posts_by_key(db, post_keys(rows))
    names = {row[0]: Conflict(*row) for row in await db.fetch("SELECT id, name, severity FROM conflicts")}
    return outbox_items(rows, posts, names, earlier)


async def _earlier_messages(
    db: asyncpg.Connection, rows: Sequence[asyncpg.Record]
) -> dict[PostKey, SentMessage]:
    """For the posts of pending alerts, the message that already delivered an alert of theirs."""
    waiting = waiting_posts(rows)
    return earliest_messages(await db.fetch(_SENT_OF_POSTS, *keys_params(waiting))) if waiting else {}
