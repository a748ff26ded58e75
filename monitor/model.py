"""The shared vocabulary: immutable records passed along Telegram -> ingest -> analysis -> store -> alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


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
