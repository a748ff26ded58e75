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
    reply_to: int | None = None  # the message id (same channel) this post replies to


@dataclass(frozen=True, slots=True)
class Match:
    """One watchlist hit; start/end index the original (not normalised) text so alerts can highlight it."""

    conflict: str
    term: str
    lang: str
    start: int
    end: int


EvidenceKind = Literal["terms", "places", "actors", "events", "partial", "context"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of what a conflict's score is made of, with the points it added.

    `kind` says what it is: "terms" (a strong term, or an anchor sentence with its war words in
    `detail`), "places", "actors", "events" (names of the language-independent layer), "partial"
    (evidence short of the rules, worth at most half a point in all) or "context" (the channel's or the
    answered post's history; `detail` says which).
    """

    kind: EvidenceKind
    text: str
    points: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ConflictScore:
    """A conflict's score on one post, the threshold it was held to, and the evidence behind it."""

    conflict: str
    score: float
    threshold: float
    evidence: tuple[Evidence, ...] = ()

    @property
    def flagged(self) -> bool:
        return self.score >= self.threshold


@dataclass(frozen=True, slots=True)
class ChannelContext:
    """What is known about a post's surroundings before it is read: per conflict, the share (0..1) of
    the channel's recent posts flagged for it, and conflicts of the post it replies to or forwards.

    Built by the caller (learned by the archive, or set in the config) so that analysis stays pure.
    `source` names where the priors came from ("learned", "config", "none", or "off": no context at all).
    """

    priors: tuple[tuple[str, float], ...] = ()
    parent: tuple[str, ...] = ()
    source: str = "none"

    def prior(self, conflict: str) -> float:
        return dict(self.priors).get(conflict, 0.0)


NO_CONTEXT = ChannelContext()
# Context switched off (config "off", import --no-context): not even an answered post lends any.
CONTEXT_OFF = ChannelContext(source="off")


@dataclass(frozen=True, slots=True)
class Analysis:
    """What analysis concluded about one text. `conflicts` are those the watchlist rules flagged;
    `scores` holds every conflict with any evidence (flagged or not), so the dial can be tuned later."""

    lang: str
    lang_confidence: float
    matches: tuple[Match, ...] = ()
    conflicts: tuple[str, ...] = ()
    watchlist_version: str = ""
    scores: tuple[ConflictScore, ...] = ()

    def score_of(self, conflict: str) -> ConflictScore | None:
        return next((score for score in self.scores if score.conflict == conflict), None)


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
