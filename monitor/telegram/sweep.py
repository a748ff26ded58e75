"""Change detection: one cheap look at every watched channel, then reads only where something was missed.

A look costs one `messages.getPeerDialogs` per 100 joined channels. For each channel it compares the
dialog's newest message id with what the archive holds (an index range count, no request) and the
dialog's pts with the last pts seen in an unbroken chain of live updates. A channel that is behind after
a short grace (live updates still in flight) is caught up: its difference from that pts (missed posts,
edits, deletions), and its history only where posts are still missing. Channels absent from the answer
are not joined: Telegram sends them no updates, so they are polled by history, busiest first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from telethon import TelegramClient, errors

from monitor.logs import log_event
from monitor.model import utcnow
from monitor.telegram.budget import RequestBudget
from monitor.telegram.channels import WatchedChannel
from monitor.telegram.dialogs import DialogMark, peer_dialogs
from monitor.telegram.reconcile import Reconciler

log = logging.getLogger(__name__)

GRACE_SECONDS = 3.0  # live updates of a post reach the client within this in practice


@dataclass
class LookResult:
    """What one look found: channels caught up and channels that are not joined (to be polled)."""

    caught_up: list[int] = field(default_factory=list)
    not_joined: list[WatchedChannel] = field(default_factory=list)
    refused: list[WatchedChannel] = field(default_factory=list)  # a stale access hash: resolve again


class Sweep:
    """Looks at all watched channels at once; `live_pts` is the pts each channel reached through live
    updates without a gap (kept by `LiveIngest`), shared so both sides see the same numbers. `hand_off`,
    when set, may take a channel found behind to be caught up elsewhere (a worker's takeover catch-up,
    which runs beside the look) instead of inside this look."""

    def __init__(
        self,
        client: TelegramClient,
        reconciler: Reconciler,
        budget: RequestBudget,
        live_pts: dict[int, int],
        *,
        grace_seconds: float = GRACE_SECONDS,
    ) -> None:
        self.client = client
        self.reconciler = reconciler
        self.budget = budget
        self.live_pts = live_pts
        self.grace_seconds = grace_seconds
        self.hand_off: Callable[[WatchedChannel, DialogMark], bool] | None = None
        self._lock = asyncio.Lock()

    async def look(self, channels: list[WatchedChannel]) -> LookResult:
        """One look; a look asked for while one runs waits for it and then looks again (a reconnect
        during a look must not be answered by a look that began before it)."""
        async with self._lock:
            marks, refused = await peer_dialogs(self.client, [w.peer for w in channels], self._spend)
            result = LookResult(
                not_joined=[w for w in channels if w.id not in marks and w.id not in refused],
                refused=[w for w in channels if w.id in refused],
            )
            joined = [w for w in channels if w.id in marks]
            behind = [w for w in joined if not await self._in_step(w, marks[w.id])]
            if behind:
                await asyncio.sleep(self.grace_seconds)
                behind = [w for w in behind if not await self._in_step(w, marks[w.id])]
            if self.hand_off is not None:
                behind = [w for w in behind if not self.hand_off(w, marks[w.id])]
            for watched in behind:
                try:
                    await self._catch_up(watched, marks[watched.id])
                except (errors.RPCError, ValueError) as exc:
                    self.reconciler.warn(watched, "catch_up_failed", exc)
                    continue
                result.caught_up.append(watched.id)
            return result

    async def _spend(self, method: str) -> None:
        await self.budget.spend(method)

    async def _in_step(self, watched: WatchedChannel, mark: DialogMark) -> bool:
        """True when the archive holds every post up to the dialog's newest and no pts was skipped."""
        state = await self.reconciler.prepare(watched, mark)
        stored_pts = int(state.get("pts", 0))
        known = self.live_pts.setdefault(watched.id, stored_pts or mark.pts)
        if not await self.reconciler.settle(watched, mark.top_message):
            return False
        if known < mark.pts:
            return False
        if known != stored_pts:
            await self.reconciler.store.set_sync_state(watched.id, pts=known)
        self.reconciler.last_reconcile[watched.id] = utcnow()
        self._quiet_telethon(watched.id)
        return True

    def _quiet_telethon(self, channel_id: int) -> None:
        """Tell Telethon a channel was just found in step. Otherwise it asks for the difference of every
        channel silent for 15 minutes (its no-updates timeout): up to 4 requests per quiet channel-hour,
        outside the budget, for what this look has just checked. Telethon keeps that timer in a private
        message box; without one (another client version) nothing is done and only the cost remains."""
        box = getattr(self.client, "_message_box", None)
        if box is not None and channel_id in getattr(box, "map", {}):
            box.reset_channel_deadline(channel_id, None)

    async def _catch_up(self, watched: WatchedChannel, mark: DialogMark) -> None:
        reached = await self.reconciler.catch_up(watched, self.live_pts.get(watched.id, 0), mark)
        self.live_pts[watched.id] = max(self.live_pts.get(watched.id, 0), reached)
        await self.reconciler.store.set_sync_state(watched.id, pts=self.live_pts[watched.id])
        log_event(log, "caught_up", channel=watched.id, pts=self.live_pts[watched.id])
