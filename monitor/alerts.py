"""Alert texts and delivery decisions: HTML formatting, digests, pacing, mutes and quiet hours (no I/O).

Everything taken from a post or a channel is escaped. A post's link appears in exactly one sent message
(its alert, or one digest): a conflict an edit adds to an alerted post is shown by rewriting that message
(or, for a digest, by a reply), and replies about digested posts carry no link.
"""

from __future__ import annotations

import hashlib
import time as _time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from html import escape
from typing import Any

from monitor.model import OutboxItem, SentMessage

MESSAGE_LIMIT = 4096  # Telegram's limit on a message's text after entity parsing, in UTF-16 code units
SNIPPET_CHARS = 400
DIGEST_SNIPPET_CHARS = 160
TITLE_CHARS = 128
NAME_CHARS = 100
DIGEST_HEADER_RESERVE = 120
LATE_PRECISION_SECONDS = 5.0
_WORD_SNAP = 20
_ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Fragment:
    """HTML together with the plain text Telegram will show, so lengths are known without parsing."""

    html: str = ""
    plain: str = ""

    def __add__(self, other: Fragment) -> Fragment:
        return Fragment(self.html + other.html, self.plain + other.plain)

    @property
    def size(self) -> int:
        """Length in UTF-16 code units, the unit of Telegram's message limit."""
        return len(self.plain.encode("utf-16-le")) // 2


def text(value: str) -> Fragment:
    """Untrusted text, escaped."""
    return Fragment(escape(value), value)


def bold(value: str) -> Fragment:
    return Fragment(f"<b>{escape(value)}</b>", value)


def concat(parts: Iterable[Fragment], sep: Fragment | None = None) -> Fragment:
    html: list[str] = []
    plain: list[str] = []
    for index, part in enumerate(parts):
        if index and sep is not None:
            html.append(sep.html)
            plain.append(sep.plain)
        html.append(part.html)
        plain.append(part.plain)
    return Fragment("".join(html), "".join(plain))


NEWLINE = text("\n")
DOT = text(" · ")


def clip(value: str, limit: int) -> str:
    """Bound a name or title so one long field cannot crowd the message."""
    return value if len(value) <= limit else value[: limit - 1] + _ELLIPSIS


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Sorted, clipped spans with overlapping and adjacent ones joined, so each bold run is one tag."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def snippet_window(body: str, spans: Sequence[tuple[int, int]], width: int) -> tuple[int, int]:
    """The [start, end) window of at most `width` chars shown for a post: from a little before the first
    match, snapped to word boundaries where one is near."""
    if len(body) <= width:
        return 0, len(body)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 4, len(body) - width))
    end = start + width
    if start > 0:
        space = body.find(" ", start, min(start + _WORD_SNAP, first))
        start = space + 1 if space >= 0 else start
    if end < len(body):
        space = body.rfind(" ", max(end - _WORD_SNAP, start + 1), end)
        end = space if space >= 0 else end
    return start, end


def snippet(body: str, spans: Iterable[tuple[int, int]], width: int) -> Fragment:
    """A bounded window of the post text around its first matches, matched spans in bold."""
    merged = merge_spans(spans, len(body))
    start, end = snippet_window(body, merged, width)
    parts = [text(_ELLIPSIS)] if start > 0 else []
    position = start
    for span_start, span_end in merged:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        parts += [text(body[position:span_start]), bold(body[span_start:span_end])]
        position = span_end
    parts.append(text(body[position:end]))
    if end < len(body):
        parts.append(text(_ELLIPSIS))
    return concat(parts)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def post_link(item: OutboxItem) -> str:
    return item.channel.post_link(item.alert.message_id)


def conflict_label(item: OutboxItem) -> Fragment:
    """Conflict name in bold with its severity."""
    if item.conflict is None:
        return bold(clip(item.alert.conflict, NAME_CHARS))
    name, severity = clip(item.conflict.name, NAME_CHARS), clip(item.conflict.severity, NAME_CHARS)
    return bold(name) + text(f" ({severity})")


def conflict_labels(items: Sequence[OutboxItem]) -> Fragment:
    return concat((conflict_label(item) for item in items), text(", "))


def channel_label(item: OutboxItem) -> Fragment:
    channel = item.channel
    label = text(clip(channel.title, TITLE_CHARS))
    return label + text(f" (@{channel.username})") if channel.username else label


def late_marker(late_seconds: float | None) -> str | None:
    """The delay of a post the reconciler recovered after the live path missed it (None: a live post).

    Every recovered post is marked, since a miss of the live path is worth knowing however quickly it was
    caught up; below LATE_PRECISION_SECONDS the delay is only shown as a bound, because a post's date has
    one-second precision and an immediate catch-up measures as a fraction of a second."""
    if late_seconds is None:
        return None
    if late_seconds < LATE_PRECISION_SECONDS:
        return f"late by <{LATE_PRECISION_SECONDS:g} s"
    if late_seconds < 59.5:
        return f"late by {round(late_seconds)} s"
    minutes = round(late_seconds / 60)
    if minutes < 60:
        return f"late by {minutes} min"
    return f"late by {minutes // 60} h {minutes % 60} min"


def match_spans(items: Sequence[OutboxItem]) -> list[tuple[int, int]]:
    """The matched spans of the conflicts these alerts are about (all matches if none are theirs)."""
    analysis = items[0].post.analysis
    if analysis is None:
        return []
    conflicts = {item.alert.conflict for item in items}
    own = [(m.start, m.end) for m in analysis.matches if m.conflict in conflicts]
    return own or [(m.start, m.end) for m in analysis.matches]


def facts_line(items: Sequence[OutboxItem], moment: str) -> Fragment:
    """Post time, language and the late marker: the facts an analyst triages by."""
    analysis = items[0].post.analysis
    facts = [text(moment), text(analysis.lang if analysis else "und")]
    late = late_marker(
        max((i.alert.late_seconds for i in items if i.alert.late_seconds is not None), default=None)
    )
    if late:
        facts.append(bold(late))
    return concat(facts, DOT)


def status_line(item: OutboxItem) -> Fragment | None:
    """Why an alert was updated: a deletion (text kept) or an edit (snippet shows the new text)."""
    stored = item.post
    if stored.deleted_at is not None:
        return bold(f"🗑 deleted at {utc(stored.deleted_at)}") + text(" (original text below)")
    if stored.revisions > 0 or stored.post.edit_date is not None:
        when = stored.post.edit_date
        return bold("✏️ edited" + (f" at {utc(when)}" if when else "")) + text(" (current text below)")
    return None


def alert_fragment(items: Sequence[OutboxItem]) -> Fragment:
    """One post's alert: its conflicts, channel, facts, snippet and link (items share one post)."""
    first = items[0]
    lines = [
        text("⚠️ ") + conflict_labels(items),
        channel_label(first),
        facts_line(items, utc(first.post.post.date)),
    ]
    status = status_line(first)
    if status is not None:
        lines.append(status)
    lines += [text(""), snippet(first.post.post.text, match_spans(items), SNIPPET_CHARS), text("")]
    lines.append(text(post_link(first)))
    return concat(lines, NEWLINE)


def format_alert(items: Sequence[OutboxItem]) -> str:
    """The HTML of one post's alert, also used to rewrite it after an edit or a deletion."""
    return alert_fragment(items).html


def digest_entry(items: Sequence[OutboxItem]) -> Fragment:
    """One post in a digest: compact, but with the same facts and the post's link."""
    first = items[0]
    head = concat(
        [
            conflict_labels(items),
            channel_label(first),
            facts_line(items, first.post.post.date.astimezone(UTC).strftime("%H:%M UTC")),
        ],
        DOT,
    )
    body = snippet(first.post.post.text, match_spans(items), DIGEST_SNIPPET_CHARS)
    return concat([text("• ") + head, body, text(post_link(first))], NEWLINE)


def digest_fragment(units: Sequence[Sequence[OutboxItem]], part: int = 1, parts: int = 1) -> Fragment:
    alerts = sum(len(unit) for unit in units)
    header = bold(f"📋 Digest: {alerts} alerts from {len(units)} posts")
    if parts > 1:
        header += text(f" (part {part}/{parts})")
    return concat([header, *(digest_entry(unit) for unit in units)], text("\n\n"))


def split_digest(units: Sequence[Sequence[OutboxItem]]) -> list[list[Sequence[OutboxItem]]]:
    """Consecutive groups of posts whose digest message each fits Telegram's limit; order kept, none lost."""
    chunks: list[list[Sequence[OutboxItem]]] = []
    budget = MESSAGE_LIMIT - DIGEST_HEADER_RESERVE
    used = budget + 1
    for unit in units:
        size = digest_entry(unit).size + 2
        if used + size > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(unit)
        used += size
    return chunks


def format_message(units: Sequence[Sequence[OutboxItem]], part: int = 1, parts: int = 1) -> str:
    """A single post's alert, or a digest of several posts."""
    if len(units) == 1:
        return format_alert(units[0])
    return digest_fragment(units, part, parts).html


def format_update_note(items: Sequence[OutboxItem]) -> str:
    """A reply to a digest about one of its posts: what changed, without the link the digest already has."""
    first = items[0]
    stored = first.post
    subject = concat(
        [
            conflict_labels(items),
            channel_label(first),
            text(f"post {first.alert.message_id} of {utc(stored.post.date)}"),
        ],
        DOT,
    )
    if stored.deleted_at is not None:
        return concat([bold(f"🗑 Deleted at {utc(stored.deleted_at)}"), subject], NEWLINE).html
    when = f" at {utc(stored.post.edit_date)}" if stored.post.edit_date else ""
    body = snippet(stored.post.text, match_spans(items), SNIPPET_CHARS)
    return concat([bold(f"✏️ Edited{when}"), subject, body], NEWLINE).html


def post_key(item: OutboxItem) -> tuple[int, int]:
    return item.alert.channel_id, item.alert.message_id


def group_by_post(items: Iterable[OutboxItem]) -> list[list[OutboxItem]]:
    """Alerts of one post travel together so its link is sent once; first-seen order is kept."""
    units: dict[tuple[int, int], list[OutboxItem]] = {}
    for item in items:
        units.setdefault(post_key(item), []).append(item)
    return list(units.values())


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


def delivery(units: Sequence[Sequence[OutboxItem]], part: int = 1, parts: int = 1) -> Delivery:
    ids = tuple(item.alert.id for unit in units for item in unit)
    claims = {item.claim_random_id for unit in units for item in unit}
    random_id = claims.pop() if len(claims) == 1 else None
    return Delivery(ids, format_message(units, part, parts), digest=len(units) > 1, random_id=random_id)


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
    (as many as tokens allow, the rest wait), so a burst is delayed and condensed, never dropped."""
    deliveries: list[Delivery] = []
    queue = list(units)
    while queue and tokens > 0:
        if len(queue) <= digest_after:
            deliveries.append(delivery([queue.pop(0)]))
            tokens -= 1
            continue
        chunks = split_digest(queue)
        deliveries += [delivery(chunk, n, len(chunks)) for n, chunk in enumerate(chunks[:tokens], 1)]
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


def format_summary(
    title: str,
    since: datetime,
    until: datetime,
    posts: int,
    per_conflict: Mapping[str, int],
    per_channel: Mapping[str, int],
) -> str:
    """A periodic summary: flagged posts per conflict and posts per channel over [since, until)."""
    lines = [bold(clip(title, NAME_CHARS)) + text(f": {utc(since)} – {utc(until)}"), text(f"Posts: {posts}")]
    lines += _counts("Flagged per conflict", per_conflict)
    lines += _counts("Posts per channel", per_channel)
    fragment = concat(lines, NEWLINE)
    return fragment.html if fragment.size <= MESSAGE_LIMIT else _shorter_summary(lines)


def summary_from_stats(title: str, since: datetime, until: datetime, stats: Mapping[str, Any]) -> str:
    """The summary of a period from Store.stats(since=..., until=...)."""
    per_channel = {
        f"@{c['username']}" if c.get("username") else str(c.get("title") or c["id"]): int(c["posts"])
        for c in stats.get("channels") or ()
    }
    per_conflict = {str(k): int(v) for k, v in (stats.get("conflicts") or {}).items()}
    return format_summary(title, since, until, int(stats.get("posts") or 0), per_conflict, per_channel)


def _counts(heading: str, counts: Mapping[str, int]) -> list[Fragment]:
    if not counts:
        return [text(""), bold(heading) + text(": none")]
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    rows = [text(f"{count:>6}  {clip(name, TITLE_CHARS)}") for name, count in ranked]
    return [text(""), bold(heading), *rows]


def _shorter_summary(lines: Sequence[Fragment]) -> str:
    """Drop rows from the end until the summary fits; the leading rows are the largest counts."""
    kept = list(lines)
    while concat(kept, NEWLINE).size > MESSAGE_LIMIT - 2:
        kept.pop()
    return concat([*kept, text("…")], NEWLINE).html
