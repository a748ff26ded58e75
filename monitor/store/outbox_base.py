"""The alert outbox, written once for both backends (outbox.py on SQLite, postgres/outbox.py): which alerts
are due, their claim before a send, delivery, retry, suppression and the updates sent alerts still owe,
plus the conflict mutes that decide suppression.

Rows are written by the archive's save (one per flagged post and conflict); from there on only the outbox
moves them along pending -> sending -> sent (or suppressed). Every method is one transaction. A backend
supplies how it reads posts by key and which sent alerts share a message.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Generic

from monitor.model import Conflict, OutboxItem, SentMessage, StoredPost
from monitor.store.codec import clean_text, from_iso, now_iso, to_iso
from monitor.store.errors import ArchiveError
from monitor.store.outbox_items import OPEN, earliest_messages, outbox_items, post_keys, waiting_posts
from monitor.store.rows import PostKey, Row
from monitor.store.session import Dialect, S, Sessions, Transactions


class OutboxBase(ABC, Generic[S]):
    """The alerts table as a delivery queue."""

    # Sent alerts that share a message with one of the flagged alerts :ids and are not flagged themselves
    # (the backends compare a NULL sent message differently).
    SIBLINGS: ClassVar[str]

    def __init__(self, database: Transactions, session: Callable[[Any], S], dialect: Dialect) -> None:
        self._sql = Sessions(database, session, dialect)
        # needs_update counts handed out by needing_update, so mark_updated keeps later changes.
        self._updates_seen: dict[int, int] = {}

    @abstractmethod
    async def _posts(self, db: S, keys: Iterable[PostKey]) -> dict[PostKey, StoredPost]:
        """The stored posts of these keys, with their matches."""

    @abstractmethod
    async def _sent_of_posts(self, db: S, keys: Iterable[PostKey]) -> list[Row]:
        """The sent alerts of these posts (channel_id, message_id, sent_chat_id, sent_message_id, digest),
        earliest first."""

    # -- sending --------------------------------------------------------------------------------------

    async def pending(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Alerts to send: 'sending' rows (a send cut short by a crash) first, then due live alerts, then
        posts the reconciler recovered late, each oldest first; after an outage, fresh news is not kept
        waiting behind the backlog."""
        sql = (
            f"SELECT a.* FROM alerts AS a WHERE {OPEN} "
            "AND (a.status = 'sending' OR a.next_attempt_at IS NULL OR a.next_attempt_at <= :now) "
            "ORDER BY a.status != 'sending', a.late_seconds IS NOT NULL, a.id LIMIT :limit"
        )
        async with self._sql.read() as db:
            rows = await db.fetch(sql, now=to_iso(now), limit=limit)
            return await self._items(db, rows, await self._earlier_messages(db, rows))

    async def claim(self, alert_ids: Iterable[int], random_id: int) -> None:
        """Mark alerts 'sending' with the random_id the send will use; durable before the send happens.

        Re-claiming with the same random_id is a no-op; a row that is sent, suppressed or claimed with
        another random_id raises ArchiveError (and nothing is changed): resending it could duplicate.
        Several senders may share a PostgreSQL archive: the claim is one UPDATE of rows still 'pending',
        whose row locks make a second claimer see them 'sending' and be refused.
        """
        ids = sorted(set(alert_ids))
        in_ids = self._sql.dialect.any_of("id", "ids")
        async with self._sql.write(durable=True) as db:
            await db.run(
                "UPDATE alerts SET status = 'sending', random_id = :random_id, claimed_at = :now "
                f"WHERE {in_ids} AND status = 'pending'",
                random_id=random_id,
                now=now_iso(),
                ids=ids,
            )
            rows = await db.fetch(
                f"SELECT id FROM alerts WHERE {in_ids} AND status = 'sending' AND random_id = :random_id",
                ids=ids,
                random_id=random_id,
            )
            refused = sorted(set(ids) - {row[0] for row in rows})
            if refused:
                raise ArchiveError(
                    f"{self._sql.path}: alerts {refused} cannot be claimed with random_id {random_id}"
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
        async with self._sql.write() as db:
            await db.run(
                "UPDATE alerts SET status = 'sent', sent_at = :now, sent_chat_id = :chat_id, "
                "sent_message_id = :sent_message_id, digest = :digest, "
                "needs_update = needs_update + :needs_update "
                f"WHERE {self._sql.dialect.any_of('id', 'ids')} AND status != 'sent'",
                now=now_iso(),
                chat_id=chat_id,
                sent_message_id=sent_message_id,
                digest=int(digest),
                needs_update=int(needs_update),
                ids=list(alert_ids),
            )

    async def mark_retry(self, alert_ids: Iterable[int], next_attempt_at: datetime, error: str) -> None:
        """Back to pending until `next_attempt_at`; the random_id is kept for the retry to reuse."""
        async with self._sql.write() as db:
            await db.run(
                "UPDATE alerts SET status = 'pending', attempts = attempts + 1, next_attempt_at = :next, "
                f"last_error = :error WHERE {self._sql.dialect.any_of('id', 'ids')} "
                "AND status IN ('pending', 'sending')",
                next=to_iso(next_attempt_at),
                error=clean_text(error),
                ids=list(alert_ids),
            )

    async def mark_suppressed(self, alert_ids: Iterable[int], reason: str) -> None:
        """Never send these (e.g. muted conflict), but keep them for the record."""
        async with self._sql.write() as db:
            await db.run(
                "UPDATE alerts SET status = 'suppressed', suppressed_reason = :reason "
                f"WHERE {self._sql.dialect.any_of('id', 'ids')} AND status != 'sent'",
                reason=clean_text(reason),
                ids=list(alert_ids),
            )

    # -- updates of sent alerts -----------------------------------------------------------------------

    async def needing_update(self, limit: int) -> list[OutboxItem]:
        """Sent alerts whose post was edited or deleted since (or that joined their post's earlier message),
        oldest first, with the post as it is now. The other alerts sent in the same message come along
        (needs_update False), so rewriting that message keeps naming every conflict it announced."""
        sql = (
            "SELECT a.* FROM alerts AS a WHERE a.needs_update > 0 AND a.status = 'sent' "
            "ORDER BY a.id LIMIT :limit"
        )
        async with self._sql.read() as db:
            rows = await db.fetch(sql, limit=limit)
            self._updates_seen.update({row["id"]: row["needs_update"] for row in rows})
            siblings = await db.fetch(self.SIBLINGS, ids=[row["id"] for row in rows]) if rows else []
            return await self._items(db, sorted([*rows, *siblings], key=lambda row: row["id"]))

    async def mark_updated(self, alert_id: int) -> None:
        """Clear the changes this alert was updated for; a change that arrived meanwhile stays pending."""
        seen = self._updates_seen.pop(alert_id, None)
        async with self._sql.write() as db:
            if seen is None:
                await db.run("UPDATE alerts SET needs_update = 0 WHERE id = :id", id=alert_id)
            else:
                await db.run(
                    f"UPDATE alerts SET needs_update = {self._sql.dialect.greatest}(needs_update - :seen, 0) "
                    "WHERE id = :id",
                    seen=seen,
                    id=alert_id,
                )

    # -- backlog --------------------------------------------------------------------------------------

    async def depth(self) -> int:
        """Alerts not yet delivered (pending or mid-send)."""
        return int(await self._sql.value(f"SELECT count(*) FROM alerts AS a WHERE {OPEN}"))

    async def oldest_pending_age(self, now: datetime) -> float | None:
        """Seconds since the oldest undelivered alert was written, None if the outbox is empty."""
        oldest = await self._sql.value(f"SELECT min(a.created_at) FROM alerts AS a WHERE {OPEN}")
        return None if oldest is None else (now - from_iso(oldest)).total_seconds()

    # -- mutes ----------------------------------------------------------------------------------------

    async def set_mute(self, conflict: str, until: datetime | None) -> None:
        """Mute a conflict until the given time; None lifts the mute."""
        async with self._sql.write() as db:
            if until is None:
                await db.run("DELETE FROM mutes WHERE conflict = :conflict", conflict=conflict)
            else:
                await db.run(
                    "INSERT INTO mutes (conflict, until) VALUES (:conflict, :until) "
                    "ON CONFLICT (conflict) DO UPDATE SET until = excluded.until",
                    conflict=conflict,
                    until=to_iso(until),
                )

    async def mutes(self, now: datetime) -> dict[str, datetime]:
        """Mutes still in force at `now`."""
        rows = await self._sql.rows(
            "SELECT conflict, until FROM mutes WHERE until > :now ORDER BY conflict", now=to_iso(now)
        )
        return {row[0]: from_iso(row[1]) for row in rows}  # type: ignore[misc]

    # -- rows as items --------------------------------------------------------------------------------

    async def _items(
        self, db: S, rows: Sequence[Row], earlier: Mapping[PostKey, SentMessage] | None = None
    ) -> list[OutboxItem]:
        """Alert rows as outbox items, each with its post as stored now and its conflict's display facts."""
        posts = await self._posts(db, post_keys(rows))
        names = {row[0]: Conflict(*row) for row in await db.fetch("SELECT id, name, severity FROM conflicts")}
        return outbox_items(rows, posts, names, earlier)

    async def _earlier_messages(self, db: S, rows: Sequence[Row]) -> dict[PostKey, SentMessage]:
        """For the posts of pending alerts, the message that already delivered an alert of theirs."""
        waiting = waiting_posts(rows)
        return earliest_messages(await self._sent_of_posts(db, waiting)) if waiting else {}
