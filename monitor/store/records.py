"""What the archive hands back: posts with their stored context, outbox items and save outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from monitor.model import Alert, Analysis, Channel, Conflict, Post


class ArchiveError(Exception):
    """The archive file cannot be used as asked; the message is one line naming the file."""


@dataclass(frozen=True, slots=True)
class StoredPost:
    """A post as archived: its channel (None if never resolved), analysis, tombstone and revision count."""

    post: Post
    channel: Channel | None
    analysis: Analysis | None
    deleted_at: datetime | None
    revisions: int


SaveStatus = Literal["new", "edited", "unchanged"]


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    """What save() did with one post, and which outbox rows it created for it."""

    channel_id: int
    message_id: int
    status: SaveStatus
    new_alert_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class SentMessage:
    """The chat message that delivered a post's alerts (`message_id` None: delivered, id unknown)."""

    chat_id: int
    message_id: int | None
    digest: bool


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """An alert to deliver (or to update), with everything needed to format it.

    `claim_random_id` is set once the row was claimed: a resend must reuse it so Telegram drops a duplicate.
    `conflict` is None when the conflict's display facts were never stored (see Store.upsert_conflicts).
    `digest` tells whether a sent alert went out inside a digest (then only a reply can show a change).
    `earlier_message`, on a pending alert, is the message that already delivered other alerts of its post:
    the post's link was sent there, so this alert updates that message instead of sending the link again.
    """

    alert: Alert
    post: StoredPost
    conflict: Conflict | None
    claim_random_id: int | None
    needs_update: bool
    digest: bool = False
    earlier_message: SentMessage | None = None
