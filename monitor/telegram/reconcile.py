"""The archive is the truth: fetch what live updates missed, backfill history, snapshot engagement.

Telethon silently loses channel messages across disconnects, and drops the edits and deletions it finds
in a channel difference; so when change detection (`sweep.py`) sees a channel move past what was stored,
this module reads what is missing: the channel's difference from the pts the archive last saw, or its
history above the id up to which history was read. Posts found this way are stored and alerted like live
ones, marked late with their delay. Every request waits for its turn in the account's request budget.

History policy: when a channel is first seen, its newest message id is recorded. Everything above it
is news. Below it, the posts of the news window before that sighting (`[alerts] backfill_alert_hours`,
a day by default) are news too, alerted and marked late: a monitor started this morning should still
report last night's posts, and posts made while it was being set up are never lost. Older history
(the configured backfill, `monitor backfill`) is stored and analysed without alerts, because history is
not news. The same window bounds recovery: a post recovered after an outage longer than the window is
stored and analysed but counted into the outage's summary instead of alerted on its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from telethon import TelegramClient, errors, functions
from telethon.tl import types

from monitor.logs import log_event
from monitor.model import Post, utcnow
from monitor.store import Store
from monitor.telegram.budget import Lane, RequestBudget
from monitor.telegram.channels import WatchedChannel
from monitor.telegram.dialogs import DialogMark
from monitor.telegram.ingest import Ingestor, to_post

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH = 100
DIFFERENCE_LIMIT = 100  # what Telegram expects of ordinary users (10-100)
MAX_DIFFERENCE_SLICES = 10  # more than this per look waits for the next look, within the budget


@dataclass
class OutageSummary:
    """Posts recovered too late to be news, counted by channel and conflict for one summary per outage."""

    by_channel: Counter[str] = field(default_factory=Counter)
    by_conflict: Counter[str] = field(default_factory=Counter)
    oldest: datetime | None = None

    def add(self, label: str, post: Post, conflicts: tuple[str, ...]) -> None:
        self.by_channel[label] += 1
        for conflict in conflicts:
            self.by_conflict[conflict] += 1
        self.oldest = post.date if self.oldest is None else min(self.oldest, post.date)

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())

    def as_state(self) -> dict[str, object]:
        """The counts as kept in the archive between a restart and the summary."""
        oldest = None if self.oldest is None else self.oldest.isoformat()
        return {"by_channel": dict(self.by_channel), "by_conflict": dict(self.by_conflict), "oldest": oldest}

    @classmethod
    def from_state(cls, state: Mapping[str, object]) -> OutageSummary:
        channels, conflicts, oldest = state.get("by_channel"), state.get("by_conflict"), state.get("oldest")
        return cls(
            Counter(channels if isinstance(channels, dict) else {}),
            Counter(conflicts if isinstance(conflicts, dict) else {}),
            datetime.fromisoformat(oldest) if isinstance(oldest, str) else None,
        )

    def describe(self, archive: str, now: datetime) -> str:
        """The one analyst message for an outage: counts by conflict and channel, and how to list them."""
        since, until = (self.oldest or now).date().isoformat(), now.date().isoformat()
        conflicts = ", ".join(f"{c} {n}" for c, n in self.by_conflict.most_common()) or "none flagged"
        channels = ", ".join(f"{c} {n}" for c, n in self.by_channel.most_common(10))
        more = len(self.by_channel) - 10
        return "\n".join(
            [
                f"Recovered after an outage: {self.total} posts older than the news window, archived and "
                "analysed without an alert each.",
                f"By conflict: {conflicts}.",
                f"By channel: {channels}" + (f" and {more} more." if more > 0 else "."),
                f"List them: monitor export --archive {archive} --since {since} --until {until}",
            ]
        )


class Reconciler:
    """Per-channel reads of what live updates missed, backfill and engagement snapshots; each runs in a task
    of its own, never on the live path, and asks the request budget before every request."""

    def __init__(
        self,
        client: TelegramClient,
        store: Store,
        ingestor: Ingestor,
        budget: RequestBudget,
        *,
        news_window: timedelta,
    ) -> None:
        self.client = client
        self.store = store
        self.ingestor = ingestor
        self.budget = budget
        self.news_window = news_window
        self.last_reconcile: dict[int, datetime] = {}
        self.outage = OutageSummary()
        self._running: dict[int, asyncio.Lock] = {}
        self._warned: set[tuple[int, str]] = set()

    # -- first sighting -------------------------------------------------------------------------------

    async def prepare(self, watched: WatchedChannel, mark: DialogMark | None = None) -> dict[str, object]:
        """Record the first sighting of a channel (its newest message id and pts) once; later starts reuse
        it. The dialog mark, when change detection has one, makes the sighting free."""
        state = await self.store.sync_state(watched.id)
        if "top_at_first_seen" in state:
            return state
        if mark is None:
            latest = await self._read(
                "messages.getHistory", lambda: self.client.get_messages(watched.peer, limit=1, wait_time=0)
            )
            top, pts = (latest[0].id if latest else 0), 0
            top_date = latest[0].date if latest else None
        else:
            top, pts, top_date = mark.top_message, mark.pts, mark.top_date
        await self.store.set_sync_state(
            watched.id,
            first_seen=utcnow().isoformat(),
            top_at_first_seen=top,
            reconciled_to=top,
            pts=pts,
            backfill_cursor=top + 1,
            backfill_done=top == 0,
            top_date_at_first_seen=top_date.isoformat() if top_date else None,
        )
        log_event(log, "channel_first_seen", channel=watched.id, top=top, pts=pts)
        return await self.store.sync_state(watched.id)

    # -- what live updates missed ---------------------------------------------------------------------

    async def reconcile(self, watched: WatchedChannel, *, lane: Lane = "foreground") -> int:
        """Fetch and ingest what the archive lacks above the reconciled mark; returns how many posts were new.

        One pass per channel at a time: a request while a pass runs is answered by that pass.
        """
        lock = self._running.setdefault(watched.id, asyncio.Lock())
        if lock.locked():
            return 0
        async with lock:
            try:
                return await self._reconcile(watched, lane=lane)
            except (errors.RPCError, ValueError) as exc:
                self.warn(watched, "reconcile_failed", exc)
                return 0
            finally:
                self.last_reconcile[watched.id] = utcnow()

    async def _reconcile(self, watched: WatchedChannel, *, lane: Lane) -> int:
        """Read history above `reconciled_to`, the id up to which history (not live updates) was read.

        Live posts never move that mark: a live post that overtook a lost one must not hide the gap, and
        a channel that was empty when first seen keeps 0 as its mark, so every later post is above it.
        Posts the archive already holds are skipped, so only the missed ones are analysed and stored.
        """
        state = await self.prepare(watched)
        floor = int(state.get("reconciled_to", 0))
        new = 0
        async for batch, highest in self._batches(watched, min_id=floor, lane=lane):
            new += await self._recovered(watched, await self._missing(watched.id, batch))
            await self.store.set_sync_state(watched.id, reconciled_to=highest)
        if new:
            log_event(log, "reconciled", channel=watched.id, above=floor, recovered=new)
        return new

    async def settle(self, watched: WatchedChannel, top: int) -> bool:
        """Move the reconciled mark to `top` without a request when every id up to it is stored; False when
        something is missing and history must be read."""
        state = await self.prepare(watched)
        floor = int(state.get("reconciled_to", 0))
        if top <= floor:
            return True
        stored = await self.store.stored_ids_between(watched.id, floor, top)
        if len(stored) < top - floor:
            return False
        await self.store.set_sync_state(watched.id, reconciled_to=top)
        return True

    async def catch_up(
        self, watched: WatchedChannel, since: int, mark: DialogMark | None, *, lane: Lane = "foreground"
    ) -> int:
        """Read what a channel missed since the pts `since` (0: none known, or not joined: its history above
        the reconciled mark), up to the dialog's `mark` when change detection has one; returns the pts
        reached (0 when unknown). Difference first (posts, edits, deletions); history where it falls short."""
        reached: int | None = 0
        if since > 0 and (mark is None or since < mark.pts):
            reached = await self.difference(watched, since, lane=lane)
            if reached is None:  # too long: read history, then re-read the newest posts for edits
                await self.reconcile(watched, lane=lane)
                await self.recheck_newest(watched, lane=lane)
                reached = 0
        if mark is not None:
            if not await self.settle(watched, mark.top_message):
                await self.reconcile(watched, lane=lane)
            return max(reached or 0, mark.pts)
        if since <= 0:
            await self.reconcile(watched, lane=lane)
        return reached or 0

    async def difference(self, watched: WatchedChannel, pts: int, *, lane: Lane = "foreground") -> int | None:
        """Apply the channel's difference since `pts`: missed posts, edits and deletions. Returns the pts
        reached, or None when Telegram answers "too long" (the caller then reads history instead)."""
        for _ in range(MAX_DIFFERENCE_SLICES):
            result = await self._read(
                "updates.getChannelDifference",
                lambda p=pts: self.client(
                    functions.updates.GetChannelDifferenceRequest(
                        watched.input_channel, types.ChannelMessagesFilterEmpty(), p, DIFFERENCE_LIMIT
                    )
                ),
                lane=lane,
            )
            if isinstance(result, types.updates.ChannelDifferenceTooLong):
                log_event(log, "difference_too_long", channel=watched.id, pts=pts)
                return None
            pts = result.pts
            if isinstance(result, types.updates.ChannelDifference):
                await self._apply_difference(watched, result)
            if getattr(result, "final", True):
                break
        await self.store.set_sync_state(watched.id, pts=pts)
        return pts

    async def _apply_difference(self, watched: WatchedChannel, diff: types.updates.ChannelDifference) -> None:
        posts = [to_post(m, watched.id) for m in diff.new_messages if isinstance(m, types.Message)]
        recovered = await self._recovered(watched, await self._missing(watched.id, posts))
        edits = [
            to_post(u.message, watched.id)
            for u in diff.other_updates
            if isinstance(u, types.UpdateEditChannelMessage) and isinstance(u.message, types.Message)
        ]
        await self.ingestor.ingest(edits, late=True)
        deleted = [
            i
            for u in diff.other_updates
            if isinstance(u, types.UpdateDeleteChannelMessages)
            for i in u.messages
        ]
        await self.ingestor.delete(watched.id, deleted)
        if recovered or edits or deleted:
            log_event(
                log,
                "difference",
                channel=watched.id,
                recovered=recovered,
                edits=len(edits),
                deleted=len(deleted),
            )

    async def recheck_newest(self, watched: WatchedChannel, *, lane: Lane = "foreground") -> None:
        """After a too-long gap: re-read the newest stored posts by id, for the edits and deletions missed."""
        ids = await self.store.newest_live_ids(watched.id, BATCH)
        found: list[Post | int] = []
        if ids:
            found = await self._read("channels.getMessages", lambda: self._by_id(watched, ids), lane=lane)
        await self.ingestor.ingest([item for item in found if isinstance(item, Post)], late=True)
        await self.ingestor.delete(watched.id, [item for item in found if isinstance(item, int)])

    async def _recovered(self, watched: WatchedChannel, posts: list[Post]) -> int:
        """Store recovered posts: news alerted late, posts older than the news window counted for the outage
        summary instead (an outage of days must not become thousands of late alerts)."""
        cutoff = utcnow() - self.news_window
        news = [p for p in posts if p.date >= cutoff]
        old = [p for p in posts if p.date < cutoff]
        outcomes = await self.ingestor.ingest(news, late=True)
        analyses = await self.ingestor.ingest(old, alert=False)
        for post, outcome in zip(old, analyses, strict=True):
            if outcome.status == "new" and (kept := await self.store.get_post(watched.id, post.message_id)):
                self.outage.add(watched.label, post, kept.analysis.conflicts)
        if old:
            await self.store.notices.keep_outage(self.outage.as_state())
        return sum(1 for o in [*outcomes, *analyses] if o.status == "new")

    async def _missing(self, channel_id: int, posts: list[Post]) -> list[Post]:
        """The posts the archive lacks, looked up by id range (cost follows the batch, not the archive)."""
        if not posts:
            return []
        ids = [p.message_id for p in posts]
        stored = set(await self.store.stored_ids_between(channel_id, min(ids) - 1, max(ids)))
        return [p for p in posts if p.message_id not in stored]

    async def _batches(
        self, watched: WatchedChannel, *, min_id: int, lane: Lane
    ) -> AsyncIterator[tuple[list[Post], int]]:
        """Posts above min_id, oldest first, one request per batch, with the highest id read so far."""
        cursor = min_id
        while True:
            messages = await self._read(
                "messages.getHistory",
                lambda c=cursor: self.client.get_messages(
                    watched.peer, limit=BATCH, min_id=c, reverse=True, wait_time=0
                ),
                lane=lane,
            )
            # A server that ignores the offset window must not leak history in.
            above = [m for m in messages if m.id > cursor]
            if not above:
                return
            highest = max(m.id for m in above)
            yield [to_post(m, watched.id) for m in above if isinstance(m, types.Message)], highest
            if len(messages) < BATCH:
                return
            cursor = highest

    # -- backfill -------------------------------------------------------------------------------------

    async def backfill(
        self,
        watched: WatchedChannel,
        *,
        limit: int | None = None,
        since: date | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Read history downwards from the saved cursor until `limit` posts and `since` are both covered
        (the news window is always covered); resumable, the cursor is saved after every batch. Background
        work: it takes only what the budget leaves after change detection."""
        state = await self.prepare(watched)
        first_seen = datetime.fromisoformat(str(state["first_seen"]))
        news_since = first_seen - self.news_window
        cutoff = min(news_since, _start_of(since)) if since else news_since
        cursor = int(state.get("backfill_cursor", int(state["top_at_first_seen"]) + 1))
        done = int(state.get("backfill_count", 0))
        fetched = 0
        while cursor > 1:
            batch, lowest = await self._page(watched, cursor)
            wanted = _wanted(batch, cutoff=cutoff, room=None if limit is None else limit - done - fetched)
            await self._store_history(watched, wanted, news_since)
            fetched += len(wanted)
            if len(wanted) < len(batch):
                cursor = wanted[-1].message_id if wanted else cursor
                complete = True
            else:
                cursor, complete = lowest, lowest <= 1
            await self.store.set_sync_state(watched.id, backfill_cursor=cursor, backfill_count=done + fetched)
            if progress is not None:
                progress(len(wanted))
            if complete:
                break
        await self.store.set_sync_state(watched.id, backfill_done=True)
        log_event(log, "backfill_done", channel=watched.id, fetched=fetched, cursor=cursor)
        return fetched

    async def _page(self, watched: WatchedChannel, offset_id: int) -> tuple[list[Post], int]:
        return await self._read(
            "messages.getHistory", lambda: self._history_below(watched, offset_id), lane="background"
        )

    async def _history_below(self, watched: WatchedChannel, offset_id: int) -> tuple[list[Post], int]:
        """Up to BATCH posts below offset_id, newest first, and the lowest message id seen (1 at the end)."""
        messages = await self.client.get_messages(watched.peer, limit=BATCH, offset_id=offset_id, wait_time=0)
        posts = [to_post(m, watched.id) for m in messages if isinstance(m, types.Message)]
        lowest = min((m.id for m in messages), default=1) if len(messages) >= BATCH else 1
        return posts, lowest

    async def _store_history(self, watched: WatchedChannel, posts: list[Post], news_since: datetime) -> None:
        news = [p for p in posts if p.date >= news_since]
        history = [p for p in posts if p.date < news_since]
        await self.ingestor.ingest(news, late=True)
        await self.ingestor.ingest(history, alert=False)

    # -- engagement -----------------------------------------------------------------------------------

    async def snapshot_engagement(self, watched: WatchedChannel, ages: tuple[float, ...]) -> int:
        """Record the counters of every post that reached a configured age (hours) since the last snapshot:
        one `channels.getMessages` for up to 100 posts across all ages, read from a per-age cursor so the
        cost follows the posts that came of age, not the archive. Returns how many rows were recorded;
        each row carries the time it was read, which is at or after the post reached that age."""
        state = await self.store.sync_state(watched.id)
        cursors = {float(h): int(v) for h, v in dict(state.get("engagement_cursor", {})).items()}
        now = utcnow()
        due: dict[int, list[float]] = {}
        for h in ages:
            after = cursors.get(float(h), int(state.get("top_at_first_seen", 0)))
            for message_id, _ in await self.store.live_posts_after(
                watched.id, after, now - timedelta(hours=h), BATCH
            ):
                due.setdefault(message_id, []).append(float(h))
        ids = sorted(due)[:BATCH]
        if not ids:
            return 0
        found = await self._read("channels.getMessages", lambda: self._by_id(watched, ids), lane="steady")
        posts = [item for item in found if isinstance(item, Post)]
        await self.ingestor.ingest(posts)
        await self.ingestor.delete(watched.id, [item for item in found if isinstance(item, int)])
        for post in posts:
            await self.store.record_engagement(
                post.channel_id,
                post.message_id,
                views=post.views,
                forwards=post.forwards,
                replies=post.replies,
                reactions=post.reactions,
                at=now,
            )
        for h in ages:
            taken = [i for i in ids if float(h) in due[i]]
            if taken:
                cursors[float(h)] = max(taken)
        await self.store.set_sync_state(watched.id, engagement_cursor={str(h): v for h, v in cursors.items()})
        return len(posts)

    async def _by_id(self, watched: WatchedChannel, ids: list[int]) -> list[Post | int]:
        """Posts that still exist, and the bare ids of those Telegram now answers as empty (deleted)."""
        result = await self.client(
            functions.channels.GetMessagesRequest(
                watched.input_channel, [types.InputMessageID(i) for i in ids]
            )
        )
        found: list[Post | int] = []
        for message in result.messages:
            if isinstance(message, types.MessageEmpty):
                found.append(message.id)
            elif isinstance(message, types.Message):
                found.append(to_post(message, watched.id))
        return found

    # -- requests, flood waits and warnings -----------------------------------------------------------

    async def _read(self, method: str, call: Callable[[], Awaitable[T]], *, lane: Lane = "foreground") -> T:
        """One request through the budget; a flood wait pauses this task (never the live path's), is
        counted, and the request is retried after it, taking its turn in the budget again."""
        while True:
            await self.budget.spend(method, lane)
            try:
                return await call()
            except errors.FloodWaitError as exc:
                await self._respect_flood(method, exc)

    async def _respect_flood(self, request: str, exc: errors.FloodWaitError) -> None:
        """The client's guard has counted and logged the wait; this task waits it out."""
        log_event(log, "waiting_out_flood", level=logging.DEBUG, request=request, seconds=exc.seconds)
        await asyncio.sleep(exc.seconds)

    def warn(self, watched: WatchedChannel, event: str, exc: Exception) -> None:
        """One warning per channel and kind of error; repeats are logged at debug level."""
        key = (watched.id, type(exc).__name__)
        if key in self._warned:
            log_event(log, event, level=logging.DEBUG, channel=watched.id, error=type(exc).__name__)
            return
        self._warned.add(key)
        log_event(
            log, event, level=logging.WARNING, channel=watched.label, error=f"{type(exc).__name__}: {exc}"
        )


def _wanted(batch: list[Post], *, cutoff: datetime, room: int | None) -> list[Post]:
    """The newest-first prefix of a history batch that is newer than the cutoff or within the count."""
    kept: list[Post] = []
    for post in batch:
        if post.date < cutoff and (room is None or len(kept) >= room):
            break
        kept.append(post)
    return kept


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
