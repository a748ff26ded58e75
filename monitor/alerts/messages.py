"""The texts analysts receive: one alert, a digest of several, an update note, a period summary.

Everything taken from a post or a channel is escaped. A post's link appears in exactly one sent message
(its alert, or one digest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from monitor.alerts.markup import DOT, NEWLINE, Fragment, bold, clip, concat, snippet, text
from monitor.model import OutboxItem

MESSAGE_LIMIT = 4096  # Telegram's limit on a message's text after entity parsing, in UTF-16 code units
ENTITY_LIMIT = 100  # Telegram's limit on formatting entities in one message
SNIPPET_CHARS = 400
# How much of each post a digest shows, most detailed first: a backlog is folded into the fewest messages
# by showing less of each post (down to its conflict, channel, time and link), never by dropping any.
DIGEST_SNIPPETS = (160, 60, 0)
TITLE_CHARS = 128
NAME_CHARS = 100
DIGEST_HEADER_RESERVE = 120
# A recovered post is marked late only when it was found this long after it was posted: the reconciler
# catching a post up within a couple of minutes is routine, and a marker on it would cry wolf.
LATE_AFTER_SECONDS = 120.0
# What the parts of an alert mean, for /help and the README.
ALERT_LEGEND = (
    ("(score S / T)", "the post's score for the conflict against the threshold T it had to reach"),
    ("matched:", "the words that matched, as the post writes them (bold in the text below)"),
    (
        "late by",
        f"the post was found over {LATE_AFTER_SECONDS / 60:g} min after it was posted "
        "(missed live, recovered when the channel was read again)",
    ),
)
# The "matched:" line names at most this many distinct words, each clipped, so it stays one short line.
MATCHED_WORDS = 8
MATCHED_WORD_CHARS = 40


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def post_link(item: OutboxItem) -> str:
    return item.channel.post_link(item.alert.message_id)


def strength(item: OutboxItem) -> str | None:
    """The post's score for the alert's conflict against the threshold it had to reach ("score 2.5 / 1").

    The conflict's configured severity said the same for every post of a conflict; the score says how
    clearly this post is about it. None when the analysis kept no score (archives from before scoring)."""
    analysis = item.post.analysis
    score = analysis.score_of(item.alert.conflict) if analysis else None
    if score is None:
        return None
    return f"score {round(score.score, 2):g} / {round(score.threshold, 2):g}"


def conflict_label(item: OutboxItem) -> Fragment:
    """Conflict name in bold with the post's score against its threshold."""
    name = bold(clip(item.conflict.name if item.conflict else item.alert.conflict, NAME_CHARS))
    score = strength(item)
    return name + text(f" ({score})") if score else name


def conflict_labels(items: Sequence[OutboxItem]) -> Fragment:
    return concat((conflict_label(item) for item in items), text(", "))


def channel_label(item: OutboxItem) -> Fragment:
    channel = item.channel
    label = text(clip(channel.title, TITLE_CHARS))
    return label + text(f" (@{channel.username})") if channel.username else label


def late_marker(late_seconds: float | None) -> str | None:
    """The delay of a post the reconciler recovered after the live path missed it, when it is at least
    LATE_AFTER_SECONDS (None: a live post, or one caught up soon enough that the delay does not matter)."""
    if late_seconds is None or late_seconds < LATE_AFTER_SECONDS:
        return None
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


def matched_words(items: Sequence[OutboxItem]) -> list[str]:
    """The words that matched for these alerts' conflicts, as the post spells them, in text order and
    each once (ignoring case): what an analyst reads to see why the post was flagged."""
    body = items[0].post.post.text
    seen: dict[str, str] = {}
    for start, end in sorted(match_spans(items)):
        word = " ".join(body[start:end].split())
        if word:
            seen.setdefault(word.casefold(), word)
    return list(seen.values())


def match_line(items: Sequence[OutboxItem]) -> Fragment | None:
    """'matched: word, word' (bounded: the first MATCHED_WORDS, then how many more)."""
    words = matched_words(items)
    if not words:
        return None
    shown = ", ".join(clip(word, MATCHED_WORD_CHARS) for word in words[:MATCHED_WORDS])
    more = f" and {len(words) - MATCHED_WORDS} more" if len(words) > MATCHED_WORDS else ""
    return text(f"matched: {shown}{more}")


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
    lines += [line for line in (match_line(items), status_line(first)) if line is not None]
    lines += [text(""), snippet(first.post.post.text, match_spans(items), SNIPPET_CHARS), text("")]
    lines.append(text(post_link(first)))
    return concat(lines, NEWLINE)


def format_alert(items: Sequence[OutboxItem]) -> str:
    """The HTML of one post's alert, also used to rewrite it after an edit or a deletion."""
    return alert_fragment(items).html


def digest_entry(items: Sequence[OutboxItem], snippet_chars: int = DIGEST_SNIPPETS[0]) -> Fragment:
    """One post in a digest: compact, but with the same facts and the post's link; without a snippet
    (the densest digests) one line of facts without bold (the entry costs one entity, its link), the
    channel named by the link unless it has no username."""
    first = items[0]
    moment = first.post.post.date.astimezone(UTC).strftime("%H:%M UTC")
    if snippet_chars == 0:
        late = late_marker(
            max((i.alert.late_seconds for i in items if i.alert.late_seconds is not None), default=None)
        )
        names = ", ".join(
            clip(i.conflict.name if i.conflict else i.alert.conflict, NAME_CHARS) for i in items
        )
        source = [] if first.channel.username else [clip(first.channel.title, NAME_CHARS)]
        facts = " · ".join([moment[:5], names, *source, *([late] if late else [])])
        return text(f"• {facts}\n{post_link(first)}")
    head = concat([conflict_labels(items), channel_label(first), facts_line(items, moment)], DOT)
    body = snippet(first.post.post.text, match_spans(items), snippet_chars)
    return concat([text("• ") + head, body, text(post_link(first))], NEWLINE)


def digest_fragment(
    units: Sequence[Sequence[OutboxItem]],
    part: int = 1,
    parts: int = 1,
    snippet_chars: int = DIGEST_SNIPPETS[0],
) -> Fragment:
    alerts = sum(len(unit) for unit in units)
    header = bold(f"📋 Digest: {alerts} alerts from {len(units)} posts")
    if parts > 1:
        header += text(f" (part {part}/{parts})")
    if not snippet_chars:
        header += text(" · times UTC")
    separator = text("\n\n" if snippet_chars else "\n")
    return concat([header, *(digest_entry(unit, snippet_chars) for unit in units)], separator)


def split_digest(
    units: Sequence[Sequence[OutboxItem]], snippet_chars: int = DIGEST_SNIPPETS[0]
) -> list[list[Sequence[OutboxItem]]]:
    """Consecutive groups of posts whose digest message each fits Telegram's length and entity limits;
    order kept, none lost."""
    chunks: list[list[Sequence[OutboxItem]]] = []
    budget = MESSAGE_LIMIT - DIGEST_HEADER_RESERVE
    entity_budget = ENTITY_LIMIT - 1  # the header's bold
    used = entities = budget + 1
    for unit in units:
        entry = digest_entry(unit, snippet_chars)
        size = entry.size + 2
        if used + size > budget or entities + entry.entities > entity_budget:
            chunks.append([])
            used = entities = 0
        chunks[-1].append(unit)
        used += size
        entities += entry.entities
    return chunks


def fit_digests(
    units: Sequence[Sequence[OutboxItem]], messages: int
) -> tuple[int, list[list[Sequence[OutboxItem]]]]:
    """The most detailed digest style (snippet length) that carries every post in `messages` messages,
    with its chunks; the densest style when none does (the chunks beyond `messages` wait)."""
    for snippet_chars in DIGEST_SNIPPETS:
        chunks = split_digest(units, snippet_chars)
        if len(chunks) <= messages:
            return snippet_chars, chunks
    return snippet_chars, chunks


def format_message(
    units: Sequence[Sequence[OutboxItem]],
    part: int = 1,
    parts: int = 1,
    snippet_chars: int = DIGEST_SNIPPETS[0],
) -> str:
    """A single post's alert, or a digest of several posts."""
    if len(units) == 1:
        return format_alert(units[0])
    return digest_fragment(units, part, parts, snippet_chars).html


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
