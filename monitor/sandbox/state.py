"""What the world stores: channels and supergroups with their messages, members and pts log.

Plain data with the few rules that keep it consistent (one pts step per affected message, ids of
undeleted messages kept sorted); turning it into TL objects is `render`'s job, changing it `world`'s.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telethon.tl import types
from telethon.tl.tlobject import TLObject


def telegram_now() -> datetime:
    """Telegram dates have whole seconds; records and clients then agree exactly."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as the server keeps it; rendered into a TL Message per viewer on the way out."""

    id: int
    date: datetime
    text: str
    sender_id: int | None = None  # None: a broadcast channel post
    entities: tuple[TLObject, ...] = ()
    edit_date: datetime | None = None
    views: int = 0  # views at `views_since`; they grow from there at the channel's rate
    views_since: datetime | None = None
    forwards: int = 0
    fwd_from: types.MessageFwdHeader | None = None
    media: str | None = None
    grouped_id: int | None = None
    reply_to: int | None = None


@dataclass(frozen=True, slots=True)
class ChannelEvent:
    """One pts step (or several, for a deletion of many ids) of a channel."""

    pts: int
    count: int
    kind: str  # new | edit | delete
    ids: tuple[int, ...]


@dataclass(slots=True)
class ChannelState:
    """A broadcast channel or a supergroup, with its messages and update log."""

    id: int
    access_hash: int  # the scenario user's hash; every account has its own (access.py)
    title: str
    created: datetime
    megagroup: bool = False
    username: str | None = None
    about: str = ""
    participants: int = 0
    views_per_minute: float = 0.0
    invite: str | None = None
    members: set[int] = field(default_factory=set)
    pts: int = 1
    last_id: int = 0
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    alive: list[int] = field(default_factory=list)
    events: list[ChannelEvent] = field(default_factory=list)
    event_pts: list[int] = field(default_factory=list)
    random_ids: dict[tuple[int, int], int] = field(default_factory=dict)
    last_event: datetime | None = None

    @property
    def marked_id(self) -> int:
        return int(f"-100{self.id}")

    @property
    def participants_count(self) -> int:
        return len(self.members) if self.megagroup else self.participants

    def log_event(self, kind: str, ids: tuple[int, ...], when: datetime) -> ChannelEvent:
        """Advance pts by one per affected message and remember the step for getChannelDifference."""
        self.pts += len(ids)
        event = ChannelEvent(self.pts, len(ids), kind, ids)
        self.events.append(event)
        self.event_pts.append(event.pts)
        self.last_event = when
        return event

    def creation_of(self, message_id: int) -> ChannelEvent:
        """The pts step that created a message (a re-sent random_id answers with it)."""
        return next(e for e in reversed(self.events) if e.kind == "new" and e.ids == (message_id,))

    def is_alive(self, message_id: int) -> bool:
        i = bisect.bisect_left(self.alive, message_id)
        return i < len(self.alive) and self.alive[i] == message_id

    def events_after(self, pts: int) -> list[ChannelEvent]:
        return self.events[bisect.bisect_right(self.event_pts, pts) :]


def find_channel(channels: dict[int, ChannelState], ref: str | int) -> ChannelState:
    """A channel by username, bare id or -100-marked id; LookupError if unknown."""
    if isinstance(ref, int):
        bare = int(str(ref)[4:]) if str(ref).startswith("-100") else ref
        if bare in channels:
            return channels[bare]
    else:
        name = ref.lstrip("@").lower()
        for state in channels.values():
            if state.username and state.username.lower() == name:
                return state
    raise LookupError(f"no channel {ref!r} in the sandbox")
