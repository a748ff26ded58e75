"""A batch of posts to save, sorted into what it changes: new posts, edits, engagement-only updates.

Backend-independent: both archives (writes.py for SQLite, postgres/writes.py) encode a batch here, split
it into rounds so that a key repeated within one batch sees its earlier copy, and plan each round against
the stored copies they read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from monitor.model import Analysis, Post, SaveOutcome, SaveStatus
from monitor.store.codec import (
    clean_optional,
    clean_text,
    dump_list,
    dump_reactions,
    dump_scores,
    from_iso,
    to_iso,
    to_iso_optional,
)
from monitor.store.rows import PostKey

# Encoded.row holds the posts columns in this order; first_stored_at comes last so a row is built in one go.
POST_COLUMNS = (
    "channel_id", "message_id", "date", "text", "edit_date", "views", "forwards", "replies", "reactions",
    "forward_origin", "media_kind", "links", "grouped_id",
    "lang", "lang_confidence", "conflicts", "watchlist_version", "scores", "reply_to", "first_stored_at",
)  # fmt: skip
TEXT, EDIT_DATE = 3, 4
ENGAGEMENT = slice(5, 9)  # views, forwards, replies, reactions
REPLACED = slice(9, 19)  # forward_origin ... reply_to: what an edit overwrites besides the text

Engagement = tuple[int | None, int | None, int | None, str | None]


class Encoded(NamedTuple):
    """One (post, analysis) pair as the posts row to insert (a tuple: cheap to build and to bind)."""

    key: PostKey
    row: tuple[object, ...]
    conflicts: tuple[str, ...]
    matches: tuple[tuple[str, str, str, int, int], ...]

    @property
    def text(self) -> str:
        return self.row[TEXT]  # type: ignore[return-value]

    @property
    def edit_date(self) -> str | None:
        return self.row[EDIT_DATE]  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Stored:
    """The columns of an archived post that decide what a new copy of it changes."""

    text: str
    edit_date: str | None
    engagement: Engagement


@dataclass(slots=True)
class Plan:
    """The batch sorted into what each statement has to do."""

    new: list[Encoded]
    edited: list[tuple[Encoded, Engagement]]
    engagement: list[tuple[object, ...]]
    statuses: dict[PostKey, SaveStatus]


def encode(items: Sequence[tuple[Post, Analysis]], stamp: str) -> list[Encoded]:
    """Done before the transaction starts; `stamp` is the first_stored_at of the posts that are new."""
    return [_encode(post, analysis, stamp) for post, analysis in items]


def _encode(post: Post, analysis: Analysis, stamp: str) -> Encoded:
    row = (
        post.channel_id,
        post.message_id,
        to_iso(post.date),
        clean_text(post.text),
        to_iso_optional(post.edit_date),
        post.views,
        post.forwards,
        post.replies,
        dump_reactions(post.reactions),
        clean_optional(post.forward_origin),
        clean_optional(post.media_kind),
        dump_list(post.links),
        post.grouped_id,
        # Analysis strings come from the watchlist and the detector, not from Telegram: no cleaning
        # (except a match's term, which callers may take from the text itself).
        analysis.lang,
        analysis.lang_confidence,
        dump_list(analysis.conflicts),
        analysis.watchlist_version,
        dump_scores(analysis.scores),
        post.reply_to,
        stamp,
    )
    matches = tuple((m.conflict, clean_text(m.term), m.lang, m.start, m.end) for m in analysis.matches)
    return Encoded((post.channel_id, post.message_id), row, analysis.conflicts, matches)


def alert_rows(
    items: list[Encoded], late_seconds: Mapping[PostKey, float], stamp: str
) -> list[tuple[object, ...]]:
    """(channel_id, message_id, conflict, created_at, late_seconds): one outbox row per flagged conflict."""
    return [
        (*item.key, conflict, stamp, late_seconds.get(item.key))
        for item in items
        for conflict in dict.fromkeys(item.conflicts)
    ]


def split_rounds(encoded: list[Encoded]) -> list[list[Encoded]]:
    """Split so that no round holds a key twice; the n-th copy of a key goes to round n."""
    if len({item.key for item in encoded}) == len(encoded):
        return [encoded]
    rounds: list[list[Encoded]] = []
    seen: dict[PostKey, int] = {}
    for item in encoded:
        index = seen.get(item.key, 0)
        seen[item.key] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(item)
    return rounds


def order_like(encoded: list[Encoded], outcomes: list[SaveOutcome]) -> list[SaveOutcome]:
    """Outcomes come out round by round; hand them back in the order the posts came in."""
    queues: dict[PostKey, list[SaveOutcome]] = {}
    for outcome in outcomes:
        queues.setdefault((outcome.channel_id, outcome.message_id), []).append(outcome)
    for queue in queues.values():
        queue.reverse()
    return [queues[item.key].pop() for item in encoded]


def plan_round(batch: list[Encoded], stored: dict[PostKey, Stored]) -> Plan:
    plan = Plan(new=[], edited=[], engagement=[], statuses={})
    if not stored:  # the common case of an import: every post is new
        plan.new = batch
        plan.statuses = dict.fromkeys((item.key for item in batch), "new")
        return plan
    for item in batch:
        before = stored.get(item.key)
        if before is None:
            plan.new.append(item)
            plan.statuses[item.key] = "new"
        elif _is_edit(before, item):
            plan.edited.append((item, _merged_engagement(before, item)))
            plan.statuses[item.key] = "edited"
        else:
            plan.statuses[item.key] = "unchanged"
            engagement = _merged_engagement(before, item)
            if engagement != before.engagement:
                plan.engagement.append((*engagement, *item.key))
    return plan


def _is_edit(before: Stored, item: Encoded) -> bool:
    """A changed text or a newer edit date is an edit; an older copy (stale edit date) changes nothing."""
    if before.edit_date is not None and (
        item.edit_date is None or from_iso(item.edit_date) < from_iso(before.edit_date)
    ):
        return False
    return item.text != before.text or item.edit_date != before.edit_date


def _merged_engagement(before: Stored, item: Encoded) -> Engagement:
    """An unknown value (None, no reactions) in the new copy never erases a known one."""
    views, forwards, replies, reactions = item.row[ENGAGEMENT]
    known = before.engagement
    return (
        known[0] if views is None else views,  # type: ignore[return-value]
        known[1] if forwards is None else forwards,
        known[2] if replies is None else replies,
        known[3] if reactions is None else reactions,
    )
