"""The alert outbox: which alerts are due, their claim before a send, delivery, retry, suppression and the
updates sent alerts still owe, plus the conflict mutes that decide suppression.

Rows are written by the archive's save (one per flagged post and conflict); from there on only this module
moves them along pending -> sending -> sent (or suppressed). Reached as `Store.outbox`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import aiosqlite

from monitor.model import Conflict, OutboxItem, SentMessage
from monitor.store.codec import clean_text, from_iso, now_iso, to_iso
from monitor.store.database import Database, fetch
from monitor.store.errors import ArchiveError
from monitor.store.outbox_items import OPEN, earliest_messages, outbox_items, post_keys, waiting_posts
from monitor.store.rows import PostKey, ids_param, keys_param, posts_by_key

# Sent alerts that share a message with one of the given (flagged) alerts and are not flagged themselves.
_SIBLINGS = """
SELECT DISTINCT a.* FROM alerts AS a
JOIN alerts AS f ON f.channel_id = a.channel_id AND f.message_id = a.message_id
                AND f.sent_message_id IS a.sent_message_id AND f.sent_chat_id IS a.sent_chat_id
WHERE f.id IN (SELECT value FROM json_each(?)) AND a.status = 'sent' AND a.needs_update = 0
"""
# The sent alerts of the given posts (a JSON array of [channel_id, message_id]), earliest first.
_SENT_OF_POSTS = """
SELECT a.channel_id, a.message_id, a.sent_chat_id, a.sent_message_id, a.digest FROM alerts AS a
JOIN json_each(?) AS k ON a.channel_id = json_extract(k.value, '$[0]')
                      AND a.message_id = json_extract(k.value, '$[1]')
WHERE a.status = 'sent' ORDER BY a.id
"""


class Outbox:
    """The alerts table as a delivery queue, on the archive's connection (every method is one transaction)."""

    def __init__(self, database: Database) -> None:
        self._database = database
        # needs_update counts handed out by needing_update, so mark_updated keeps later changes.
        self._updates_seen: dict[int, int] = {}

    # -- sending --------------------------------------------------------------------------------------

    async def pending(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Alerts to send: 'sending' rows (a send cut short by a crash) first, then due live alerts, then
        posts the reconciler recovered late, each oldest first; after an outage, fresh news is not kept
        waiting behind the backlog."""
        sql = (
            f"SELECT a.* FROM alerts AS a WHERE {OPEN} "
            "AND (a.status = 'sending' OR a.next_attempt_at IS NULL OR a.next_attempt_at <= ?) "
            "ORDER BY a.status != 'sending', a.late_seconds IS NOT NULL, a.id LIMIT ?"
        )
        async with self._database.read() as db:
            rows = await fetch(db, sql, [to_iso(now), limit])
            return await _items(db, rows, await _earlier_messages(db, rows))

    async def claim(self, alert_ids: Iterable[int], random_id: int) -> None:
        """Mark alerts 'sending' with the random_id the send will use; durable before the send happens.

        Re-claiming with the same random_id is a no-op; a row that is sent, suppressed or claimed with
        another random_id raises ArchiveError (and nothing is changed): resending it could duplicate.
        """
        ids = sorted(set(alert_ids))
        async with self._database.write(durable=True) as db:
            await db.execute(
                "UPDATE alerts SET status = 'sending', random_id = ?, claimed_at = ? "
                "WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending'",
                (random_id, now_iso(), ids_param(ids)),
            )
            rows = await fetch(
                db,
                "SELECT id FROM alerts WHERE id IN (SELECT value FROM json_each(?)) "
                "AND status = 'sending' AND random_id = ?",
                [ids_param(ids), random_id],
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
        """Record delivery (sent_message_id None: delivered earlier, e.g. Telegram reported the duplicate).
        A sent alert stays sent: marking it again changes nothing. `needs_update` records alerts handed to
        their post's earlier message (OutboxItem.earlier_message), which an update still has to show."""
        async with self._database.write() as db:
            await db.execute(
                "UPDATE alerts SET status = 'sent', sent_at = ?, sent_chat_id = ?, sent_message_id = ?, "
                "digest = ?, needs_update = needs_update + ? "
                "WHERE id IN (SELECT value FROM json_each(?)) AND status != 'sent'",
                (now_iso(), chat_id, sent_message_id, int(digest), int(needs_update), ids_param(alert_ids)),
            )

    async def mark_retry(self, alert_ids: Iterable[int], next_attempt_at: datetime, error: str) -> None:
        """Back to pending until `next_attempt_at`; the random_id is kept for the retry to reuse."""
        async with self._database.write() as db:
            await db.execute(
                "UPDATE alerts SET status = 'pending', attempts = attempts + 1, next_attempt_at = ?, "
                "last_error = ? WHERE id IN (SELECT value FROM json_each(?)) "
                "AND status IN ('pending', 'sending')",
                (to_iso(next_attempt_at), clean_text(error), ids_param(alert_ids)),
            )

    async def mark_suppressed(self, alert_ids: Iterable[int], reason: str) -> None:
        """Never send these (e.g. muted conflict), but keep them for the record."""
        async with self._database.write() as db:
            await db.execute(
                "UPDATE alerts SET status = 'suppressed', suppressed_reason = ? "
                "WHERE id IN (SELECT value FROM json_each(?)) AND status != 'sent'",
                (clean_text(reason), ids_param(alert_ids)),
            )

    # -- updates of sent alerts -----------------------------------------------------------------------

    async def needing_update(self, limit: int) -> list[OutboxItem]:
        """Sent alerts whose post was edited or deleted since (or that joined their post's earlier message),
        oldest first, with the post as it is now. The other alerts sent in the same message come along
        (needs_update False), so rewriting that message keeps naming every conflict it announced."""
        sql = (
            "SELECT a.* FROM alerts AS a WHERE a.needs_update > 0 AND a.status = 'sent' ORDER BY a.id LIMIT ?"
        )
        async with self._database.read() as db:
            rows = await fetch(db, sql, [limit])
            self._updates_seen.update({row["id"]: row["needs_update"] for row in rows})
            siblings = await fetch(db, _SIBLINGS, [ids_param(row["id"] for row in rows)]) if rows else []
            return await _items(db, sorted([*rows, *siblings], key=lambda row: row["id"]))

    async def mark_updated(self, alert_id: int) -> None:
        """Clear the changes this alert was updated for; a change that arrived meanwhile stays pending."""
        seen = self._updates_seen.pop(alert_id, None)
        async with self._database.write() as db:
            if seen is None:
                await db.execute("UPDATE alerts SET needs_update = 0 WHERE id = ?", (alert_id,))
            else:
                await db.execute(
                    "UPDATE alerts SET needs_update = max(needs_update - ?, 0) WHERE id = ?", (seen, alert_id)
                )

    # -- backlog --------------------------------------------------------------------------------------

    async def depth(self) -> int:
        """Alerts not yet delivered (pending or mid-send)."""
        return int(await self._database.value(f"SELECT count(*) FROM alerts AS a WHERE {OPEN}"))

    async def oldest_pending_age(self, now: datetime) -> float | None:
        """Seconds since the oldest undelivered alert was written, None if the outbox is empty."""
        oldest = await self._database.value(f"SELECT min(a.created_at) FROM alerts AS a WHERE {OPEN}")
        return None if oldest is None else (now - from_iso(oldest)).total_seconds()

    # -- mutes ----------------------------------------------------------------------------------------

    async def set_mute(self, conflict: str, until: datetime | None) -> None:
        """Mute a conflict until the given time; None lifts the mute."""
        async with self._database.write() as db:
            if until is None:
                await db.execute("DELETE FROM mutes WHERE conflict = ?", (conflict,))
            else:
                await db.execute(
                    "INSERT INTO mutes (conflict, until) VALUES (?, ?) "
                    "ON CONFLICT (conflict) DO UPDATE SET until = excluded.until",
                    (conflict, to_iso(until)),
                )

    async def mutes(self, now: datetime) -> dict[str, datetime]:
        """Mutes still in force at `now`."""
        rows = await self._database.rows(
            "SELECT conflict, until FROM mutes WHERE until > ? ORDER BY conflict", (to_iso(now),)
        )
        return {row[0]: from_iso(row[1]) for row in rows}


async def _items(
    db: aiosqlite.Connection,
    rows: Sequence[sqlite3.Row],
    earlier: Mapping[PostKey, SentMessage] | None = None,
) -> list[OutboxItem]:
    """Alert rows as outbox items, each with its post as stored now and its conflict's display facts."""
    posts = await posts_by_key(db, post_keys(rows))
    names = {row[0]: Conflict(*row) for row in await fetch(db, "SELECT id, name, severity FROM conflicts")}
    return outbox_items(rows, posts, names, earlier)


async def _earlier_messages(
    db: aiosqlite.Connection, rows: Sequence[sqlite3.Row]
) -> dict[PostKey, SentMessage]:
    """For the posts of pending alerts, the message that already delivered an alert of theirs."""
    waiting = waiting_posts(rows)
    return earliest_messages(await fetch(db, _SENT_OF_POSTS, [keys_param(waiting)])) if waiting else {}
