"""Turning alert rows into outbox items, for both backends: the row, its post as stored now, its
conflict's display facts, and the message that already carries an alert of the same post."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from monitor.model import Conflict, OutboxItem, SentMessage, StoredPost
from monitor.store.rows import PostKey, Row, alert_of

# Statuses of alerts not yet delivered.
OPEN = "a.status IN ('pending', 'sending')"


def outbox_items(
    rows: Sequence[Row],
    posts: Mapping[PostKey, StoredPost],
    conflicts: Mapping[str, Conflict],
    earlier: Mapping[PostKey, SentMessage] | None = None,
) -> list[OutboxItem]:
    return [
        OutboxItem(
            alert=alert_of(row),
            post=posts[(row["channel_id"], row["message_id"])],
            conflict=conflicts.get(row["conflict"]),
            claim_random_id=row["random_id"],
            needs_update=row["needs_update"] > 0,
            digest=bool(row["digest"]),
            earlier_message=(earlier or {}).get((row["channel_id"], row["message_id"])),
        )
        for row in rows
    ]


def post_keys(rows: Iterable[Row]) -> set[PostKey]:
    return {(row["channel_id"], row["message_id"]) for row in rows}


def waiting_posts(rows: Iterable[Row]) -> set[PostKey]:
    """The posts of pending alerts: those whose alerts may join a message already sent for the post."""
    return post_keys(row for row in rows if row["status"] == "pending")


def earliest_messages(sent: Iterable[Row]) -> dict[PostKey, SentMessage]:
    """Per post, the first message (sent rows earliest first, with channel_id, message_id, sent_chat_id,
    sent_message_id and digest) that delivered an alert of it."""
    found: dict[PostKey, SentMessage] = {}
    for row in sent:
        key = (row["channel_id"], row["message_id"])
        found.setdefault(key, SentMessage(row["sent_chat_id"], row["sent_message_id"], bool(row["digest"])))
    return found
