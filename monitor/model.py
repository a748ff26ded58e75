"""The shared vocabulary: immutable records passed along Telegram -> ingest -> analysis -> store -> alerts,
including what the archive hands back (stored posts, outbox items, save outcomes) for the alerts to format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal


def utcnow() -> datetime:
    """Every timestamp the monitor makes is timezone-aware UTC, like Telegram's own dates."""
    return datetime.now(UTC)


def bare_channel_id(number: int) -> int:
    """Turn a -100-marked channel id into the bare positive id the archive keys posts by."""
    digits = str(abs(number))
    if number < 0 and digits.startswith("100") and len(digits) > 3:
        return int(digits[3:])
    return abs(number)


@dataclass(frozen=True, slots=True)
class Channel:
    """A watched channel as resolved once; the access hash spares later username look-ups."""

    id: int
    title: str
    username: str | None = None
    access_hash: int | None = None

    def post_link(self, message_id: int) -> str:
        if self.username:
            return f"https://t.me/{self.username}/{message_id}"
        return f"https://t.me/c/{self.id}/{message_id}"


@dataclass(frozen=True, slots=True)
class Post:
    """One channel message, identified by (channel_id, message_id); dates are timezone-aware UTC."""

    channel_id: int
    message_id: int
    date: datetime
    text: str
    edit_date: datetime | None = None
    views: int | None = None
    forwards: int | None = None
    replies: int | None = None
    reactions: tuple[tuple[str, int], ...] = ()
    forward_origin: str | None = None
    media_kind: str | None = None
    links: tuple[str, ...] = ()
    grouped_id: int | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """One watchlist hit; start/end index the original (not normalised) text so alerts can highlight it."""

    conflict: str
    term: str
    lang: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Analysis:
    """What analysis concluded about one text. `conflicts` are those the watchlist rules flagged."""

    lang: str
    lang_confidence: float
    matches: tuple[Match, ...] = ()
    conflicts: tuple[str, ...] = ()
    watchlist_version: str = ""


@dataclass(frozen=True, slots=True)
class Conflict:
    """A tracked conflict's display facts (the terms live in the compiled watchlist)."""

    id: str
    name: str
    severity: str = "medium"


@dataclass(frozen=True, slots=True)
class Alert:
    """An outbox row: one alert per (channel, message, conflict), delivered at most once."""

    id: int
    channel_id: int
    message_id: int
    conflict: str
    status: str
    created_at: datetime
    late_seconds: float | None = None
    sent_message_id: int | None = None
    attempts: int = 0


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

    @property
    def channel(self) -> Channel:
        """The stored channel, or a stand-in whose link is the private form when it was never resolved."""
        channel_id = self.alert.channel_id
        return self.post.channel or Channel(id=channel_id, title=f"channel {channel_id}")


@dataclass(frozen=True, slots=True)
class TelegramProblem:
    """A state Telegram put the monitor in (a dead account, a flood wait, a chat it may not write to),
    recorded in the archive so `monitor health` and `/status` can name it.

    `subject` says what is affected ("account", "sending", "flood:messages.getHistory", ...); `fatal`
    problems make the monitor unhealthy, the others are shown as notes."""

    subject: str
    state: str
    detail: str
    since: datetime
    until: datetime | None = None
    fatal: bool = True
