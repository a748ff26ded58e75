"""Delivery decisions: what to send now, as alerts or digests, within Telegram's pace, mutes and quiet
hours; and which sent messages an edit must update (a conflict an edit adds to an alerted post is shown
by rewriting that message or, for a digest, by a reply that carries no link)."""

from __future__ import annotations

import hashlib
import time as _time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from monitor.alerts.messages import (
    fit_digests,
    format_alert,
    format_message,
    format_update_note,
    group_by_post,
    post_key,
    utc,
)
from monitor.model import OutboxItem, SentMessage


class TokenBucket:
    """Telegram's send limits as a token bucket: `burst` messages at once, refilled at `per_minute`."""

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = _time.monotonic) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("per_minute must be positive and burst at least 1")
        self.rate = per_minute / 60.0
        self.capacity = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    @property
    def tokens(self) -> int:
        """Whole messages that may be sent now."""
        self._refill()
        return int(self._tokens)

    def take(self) -> bool:
        self._refill()
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def wait_seconds(self) -> float:
        """How long until the next message may be sent."""
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def empty(self) -> None:
        """After a flood wait the server's own budget is spent; start again from nothing."""
        self._refill()
        self._tokens = 0.0


def in_quiet_hours(now: datetime, quiet: tuple[time, time] | None) -> bool:
    """Whether `now` (UTC) falls in [start, end), a range that may wrap midnight."""
    if quiet is None:
        return False
    start, end = quiet
    clock = now.astimezone(UTC).time().replace(tzinfo=None)
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message to send and the alerts it delivers; `random_id` is an earlier claim's, to resend."""

    alert_ids: tuple[int, ...]
    html: str
    digest: bool
    random_id: int | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """Alerts added to a post whose link an earlier message already carries (e.g. an edit added their
    conflict): recorded as delivered by that message, which an update then rewrites or replies to."""

    alert_ids: tuple[int, ...]
    message: SentMessage


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with due alerts now; alerts in none of the lists wait for tokens or for quiet hours."""

    deliveries: tuple[Delivery, ...]
    suppressed: Mapping[str, tuple[int, ...]]  # reason -> alert ids
    attached: tuple[Attachment, ...] = ()


def delivery(
    units: Sequence[Sequence[OutboxItem]], part: int = 1, parts: int = 1, snippet_chars: int | None = None
) -> Delivery:
    """One message for `units`; a digest in the given style, else the most detailed one it fits in."""
    ids = tuple(item.alert.id for unit in units for item in unit)
    claims = {item.claim_random_id for unit in units for item in unit}
    random_id = claims.pop() if len(claims) == 1 else None
    if snippet_chars is None:
        snippet_chars, _ = fit_digests(units, 1)
    html = format_message(units, part, parts, snippet_chars)
    return Delivery(ids, html, digest=len(units) > 1, random_id=random_id)


def resumed_deliveries(items: Sequence[OutboxItem]) -> list[Delivery]:
    """Claimed alerts go out again exactly as grouped before, with the claim's random_id, so a send that
    reached Telegram before a crash is recognised as a duplicate instead of delivered twice."""
    groups: dict[int, list[OutboxItem]] = {}
    for item in items:
        if item.claim_random_id is not None:
            groups.setdefault(item.claim_random_id, []).append(item)
    return [delivery(group_by_post(group)) for group in groups.values()]


def fresh_deliveries(units: Sequence[Sequence[OutboxItem]], tokens: int, digest_after: int) -> list[Delivery]:
    """Single alerts while tokens allow; a queue longer than `digest_after` folds into digest messages
    (as many as tokens allow, the rest wait), each showing less of every post the longer the queue, so a
    surge is condensed into the messages Telegram allows, never dropped."""
    deliveries: list[Delivery] = []
    queue = list(units)
    while queue and tokens > 0:
        if len(queue) <= digest_after:
            deliveries.append(delivery([queue.pop(0)]))
            tokens -= 1
            continue
        snippet_chars, chunks = fit_digests(queue, tokens)
        deliveries += [
            delivery(chunk, n, len(chunks), snippet_chars) for n, chunk in enumerate(chunks[:tokens], 1)
        ]
        break
    return deliveries


def attachments(items: Iterable[OutboxItem]) -> list[Attachment]:
    """One attachment per post (its alerts share the earlier message), first-seen order kept."""
    return [
        Attachment(tuple(item.alert.id for item in group), group[0].earlier_message)  # type: ignore[arg-type]
        for group in group_by_post(items)
    ]


@dataclass(frozen=True, slots=True)
class Update:
    """How to show an edit or deletion: rewrite the sent alert (`edit_html`), or reply to it with a note."""

    alert_ids: tuple[int, ...]  # the alerts this update shows a change of (their needs_update is cleared)
    message_id: int | None  # the sent alert; None when Telegram reported it delivered without its id
    edit_html: str | None  # None: the sent message is a digest (or unknown), so only a note fits
    note_html: str
    random_id: int  # derived from the change, so a note repeated after a crash is dropped as a duplicate


def note_random_id(items: Sequence[OutboxItem]) -> int:
    """Derived from the alerts being updated and the change, so each distinct note is sent once."""
    first = items[0]
    ids = ",".join(str(item.alert.id) for item in items)
    key = (
        f"{ids}:{first.alert.sent_message_id}:{first.alert.channel_id}:{first.alert.message_id}:"
        f"{first.post.revisions}:{first.post.deleted_at}"
    )
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def plan_updates(items: Iterable[OutboxItem]) -> list[Update]:
    """One update per sent message and post with alerts needing one: single alerts are rewritten in place
    naming every conflict the message announced (items without needs_update are those already shown),
    digests get a note."""
    groups: dict[tuple[int | None, int, int], list[OutboxItem]] = {}
    for item in items:
        key = (item.alert.sent_message_id, item.alert.channel_id, item.alert.message_id)
        groups.setdefault(key, []).append(item)
    updates = []
    for (message_id, _, _), group in groups.items():
        changed = [item for item in group if item.needs_update]
        if not changed:
            continue
        editable = message_id is not None and not any(item.digest for item in group)
        ids = tuple(item.alert.id for item in changed)
        edit_html = format_alert(group) if editable else None
        updates.append(Update(ids, message_id, edit_html, format_update_note(group), note_random_id(changed)))
    return updates


def mute_reason(conflict: str, mutes: Mapping[str, datetime], config_muted: Iterable[str]) -> str | None:
    if conflict in config_muted:
        return "muted in config"
    if conflict in mutes:
        return f"muted until {utc(mutes[conflict])}"
    return None


def plan(
    items: Sequence[OutboxItem],
    *,
    tokens: int,
    digest_after: int,
    mutes: Mapping[str, datetime],
    config_muted: Iterable[str] = (),
    quiet: bool = False,
    chat_id: int | None = None,
) -> Plan:
    """Decide the deliveries for the due alerts: resumed claims first, then mutes, quiet hours, pacing.

    An alert whose post already has a sent message in `chat_id` (any chat if None) is attached to that
    message rather than sent with the link again; one whose post has a claimed send still open waits
    until that send is recorded, so it can be attached to it.
    """
    resumed = resumed_deliveries(items)[: max(tokens, 0)]
    tokens -= len(resumed)
    suppressed: dict[str, list[int]] = {}
    fresh: list[OutboxItem] = []
    attach: list[OutboxItem] = []
    muted_config = frozenset(config_muted)
    claimed = {post_key(item) for item in items if item.claim_random_id is not None}
    for item in items:
        if item.claim_random_id is not None:
            continue
        reason = mute_reason(item.alert.conflict, mutes, muted_config)
        earlier = item.earlier_message
        if reason is not None:
            suppressed.setdefault(reason, []).append(item.alert.id)
        elif earlier is not None and chat_id in (None, earlier.chat_id):
            attach.append(item)
        elif post_key(item) not in claimed:
            fresh.append(item)
    new = [] if quiet else fresh_deliveries(group_by_post(fresh), tokens, digest_after)
    attached = () if quiet else tuple(attachments(attach))
    return Plan(tuple(resumed + new), {reason: tuple(ids) for reason, ids in suppressed.items()}, attached)
