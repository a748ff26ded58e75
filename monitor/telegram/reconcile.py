"""The archive is the truth: fetch what live updates missed, backfill history, re-read recent posts.

Telethon silently loses channel messages across disconnects, so each channel is re-read above the
id up to which its history was read, on start, after every reconnect and periodically; posts found
this way are stored and alerted exactly like live ones, marked late with their delay.

History policy: when a channel is first seen, its newest message id is recorded. Everything above it
is news. Below it, the posts of the news window before that sighting (`[alerts] backfill_alert_hours`,
a day by default) are news too, alerted and marked late: a monitor started this morning should still
report last night's posts, and posts made while it was being set up are never lost. Older history
(the configured backfill, `monitor backfill`) is stored and analysed without alerts, because history is
not news.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from telethon import TelegramClient, errors, functions
from telethon.tl import types

from monitor.logs import log_event
from monitor.model import Post, utcnow
from monitor.store import Store
from monitor.telegram.channels import WatchedChannel
from monitor.telegram.ingest import Ingestor, to_post

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH = 100


class Reconciler:
    """Per-channel catch-up, backfill and recheck jobs; each runs in its own task, never on the live path."""

    def __init__(
        self,
        client: TelegramClient,
        store: Store,
        ingestor: Ingestor,
        *,
        news_window: timedelta,
    ) -> None:
        self.client = client
        self.store = store
        self.ingestor = ingestor
        self.news_window = news_window
        self.last_reconcile: dict[int, datetime] = {}
        self._running: dict[int, asyncio.Lock] = {}
        self._warned: set[tuple[int, str]] = set()
        self._again: set[int] = set()

    # -- first sighting and catch-up -----------------------------------------------------------

    async def prepare(self, watched: WatchedChannel) -> dict[str, object]:
        """Record the first sighting of a channel (its newest message id) once; later starts reuse it."""
        state = await self.store.sync_state(watched.id)
        if "top_at_first_seen" in state:
            return state
        latest = await self._with_flood_retry(
            "getHistory", lambda: self.client.get_messages(watched.peer, limit=1)
        )
        top = latest[0].id if latest else 0
        await self.store.set_sync_state(
            watched.id,
            first_seen=utcnow().isoformat(),
            top_at_first_seen=top,
            reconciled_to=top,
            backfill_cursor=top + 1,
            backfill_done=False,
        )
        log_event(log, "channel_first_seen", channel=watched.id, top=top)
        return await self.store.sync_state(watched.id)

    async def reconcile(self, watched: WatchedChannel) -> int:
        """Fetch and ingest what the archive lacks above the reconciled mark; returns how many posts were new.

        A request while a pass is running schedules one more pass, so a reconnect during a pass is not
        left to the next periodic run.
        """
        lock = self._running.setdefault(watched.id, asyncio.Lock())
        if lock.locked():
            self._again.add(watched.id)
            return 0
        new = 0
        async with lock:
            while True:
                self._again.discard(watched.id)
                try:
                    new += await self._reconcile(watched)
                except (errors.RPCError, ValueError) as exc:
                    self._warn_once(watched, "reconcile_failed", exc)
                finally:
                    self.last_reconcile[watched.id] = utcnow()
                if watched.id not in self._again:
                    return new

    async def _reconcile(self, watched: WatchedChannel) -> int:
        """Read history above `reconciled_to`, the id up to which history (not live updates) was read.

        Live posts never move that mark: a live post that overtook a lost one must not hide the gap.
        Posts the archive already holds are skipped, so only the missed ones are analysed and stored.
        """
        state = await self.prepare(watched)
        floor = int(state.get("reconciled_to", 0)) or await self.store.max_message_id(watched.id)
        new = 0
        async for batch, highest in self._batches(watched, min_id=floor):
            missing = await self._missing(watched.id, batch)
            outcomes = await self.ingestor.ingest(watched.id, missing, late=True)
            new += sum(1 for o in outcomes if o.status == "new")
            await self.store.set_sync_state(watched.id, reconciled_to=highest)
        if new:
            log_event(log, "reconciled", channel=watched.id, above=floor, recovered=new)
        return new

    async def _missing(self, channel_id: int, posts: list[Post]) -> list[Post]:
        if not posts:
            return []
        stored = set(await self.store.recent_message_ids(channel_id, min(p.date for p in posts)))
        return [p for p in posts if p.message_id not in stored]

    async def _batches(
        self, watched: WatchedChannel, *, min_id: int
    ) -> AsyncIterator[tuple[list[Post], int]]:
        """Posts above min_id, oldest first, in batches with the highest message id read so far; a flood
        wait pauses this task and resumes above what was already yielded."""
        cursor = min_id
        while True:
            try:
                batch: list[Post] = []
                highest = cursor
                async for message in self.client.iter_messages(
                    watched.peer, min_id=cursor, reverse=True, wait_time=0
                ):
                    if message.id <= cursor:
                        continue  # a server that ignores the offset window must not leak history in
                    highest = max(highest, message.id)
                    if isinstance(message, types.Message):
                        batch.append(to_post(message, watched.id))
                    if len(batch) >= BATCH:
                        yield batch, highest
                        cursor, batch = highest, []
                if batch or highest > cursor:
                    yield batch, highest
                return
            except errors.FloodWaitError as exc:
                await self._respect_flood("getHistory", exc)

    # -- backfill -------------------------------------------------------------------------------

    async def backfill(
        self,
        watched: WatchedChannel,
        *,
        limit: int | None = None,
        since: date | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Read history downwards from the saved cursor until `limit` posts and `since` are both covered
        (the news window is always covered); resumable, the cursor is saved after every batch.

        The next page is read while the current one is analysed and stored, so the server's time to
        answer overlaps the analysis instead of adding to it.
        """
        state = await self.prepare(watched)
        first_seen = datetime.fromisoformat(str(state["first_seen"]))
        news_since = first_seen - self.news_window
        cutoff = min(news_since, _start_of(since)) if since else news_since
        cursor = int(state.get("backfill_cursor", int(state["top_at_first_seen"]) + 1))
        done = int(state.get("backfill_count", 0))
        fetched = 0
        ahead: asyncio.Task[tuple[list[Post], int]] | None = None
        try:
            while cursor > 1:
                batch, lowest = await ahead if ahead is not None else await self._page(watched, cursor)
                wanted = _wanted(batch, cutoff=cutoff, room=None if limit is None else limit - done - fetched)
                more = len(wanted) == len(batch) and lowest > 1
                ahead = asyncio.create_task(self._page(watched, lowest)) if more else None
                await self._store_history(watched, wanted, news_since)
                fetched += len(wanted)
                if len(wanted) < len(batch):
                    cursor = wanted[-1].message_id if wanted else cursor
                    complete = True
                else:
                    cursor, complete = lowest, lowest <= 1
                await self.store.set_sync_state(
                    watched.id, backfill_cursor=cursor, backfill_count=done + fetched
                )
                if progress is not None:
                    progress(len(wanted))
                if complete:
                    break
        finally:
            if ahead is not None:
                ahead.cancel()
                await asyncio.gather(ahead, return_exceptions=True)
        await self.store.set_sync_state(watched.id, backfill_done=True)
        log_event(log, "backfill_done", channel=watched.id, fetched=fetched, cursor=cursor)
        return fetched

    async def _page(self, watched: WatchedChannel, offset_id: int) -> tuple[list[Post], int]:
        return await self._with_flood_retry("getHistory", lambda: self._history_below(watched, offset_id))

    async def _history_below(self, watched: WatchedChannel, offset_id: int) -> tuple[list[Post], int]:
        """Up to BATCH posts below offset_id, newest first, and the lowest message id seen (1 at the end)."""
        messages = await self.client.get_messages(watched.peer, limit=BATCH, offset_id=offset_id, wait_time=0)
        posts = [to_post(m, watched.id) for m in messages if isinstance(m, types.Message)]
        lowest = min((m.id for m in messages), default=1) if len(messages) >= BATCH else 1
        return posts, lowest

    async def _store_history(self, watched: WatchedChannel, posts: list[Post], news_since: datetime) -> None:
        news = [p for p in posts if p.date >= news_since]
        history = [p for p in posts if p.date < news_since]
        await self.ingestor.ingest(watched.id, news, late=True)
        await self.ingestor.ingest(watched.id, history, alert=False)

    # -- recheck and engagement -----------------------------------------------------------------

    async def recheck(
        self, watched: WatchedChannel, *, hours: float, engagement_hours: tuple[float, ...]
    ) -> None:
        """Re-read recent posts by id: missed edits and deletions, and engagement at each configured age."""
        now = utcnow()
        span = max(hours, *(h + 1 for h in engagement_hours)) if engagement_hours else hours
        ids = await self.store.recent_message_ids(watched.id, now - timedelta(hours=span))
        state = await self.store.sync_state(watched.id)
        marks = {
            float(h): datetime.fromisoformat(v) for h, v in dict(state.get("engagement_marks", {})).items()
        }
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            try:
                found = await self._with_flood_retry("getMessages", lambda c=chunk: self._by_id(watched, c))
            except (errors.RPCError, ValueError) as exc:
                self._warn_once(watched, "recheck_failed", exc)
                return
            posts = [item for item in found if isinstance(item, Post)]
            deleted = [item for item in found if isinstance(item, int)]
            await self.ingestor.ingest(watched.id, posts)
            await self.ingestor.delete(watched.id, deleted)
            await self._record_engagement(posts, engagement_hours, marks, now)
        await self.store.set_sync_state(
            watched.id, engagement_marks={str(h): now.isoformat() for h in engagement_hours}
        )

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

    async def _record_engagement(
        self, posts: list[Post], hours: tuple[float, ...], marks: dict[float, datetime], now: datetime
    ) -> None:
        """Record a post's counters once per configured age: when it crossed that age since the last run."""
        for post in posts:
            for h in hours:
                crossed = post.date + timedelta(hours=h)
                if marks.get(float(h), now) < crossed <= now:
                    await self.store.record_engagement(
                        post.channel_id,
                        post.message_id,
                        views=post.views,
                        forwards=post.forwards,
                        replies=post.replies,
                        reactions=post.reactions,
                        at=now,
                    )

    # -- flood waits and warnings ---------------------------------------------------------------

    async def _with_flood_retry(self, request: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run a request, sleeping through flood waits in this task (never the live path's) and retrying."""
        while True:
            try:
                return await call()
            except errors.FloodWaitError as exc:
                await self._respect_flood(request, exc)

    async def _respect_flood(self, request: str, exc: errors.FloodWaitError) -> None:
        """The client's guard has counted and logged the wait; this task waits it out."""
        log_event(log, "waiting_out_flood", level=logging.DEBUG, request=request, seconds=exc.seconds)
        await asyncio.sleep(exc.seconds)

    def _warn_once(self, watched: WatchedChannel, event: str, exc: Exception) -> None:
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
