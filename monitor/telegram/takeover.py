"""A worker's catch-up of the channels it gained from another worker, beside the look and before it.

Most of a takeover costs nothing: the account joined the channel, so what was posted in the lease's gap
was kept (`held_back.py`) and is stored at once. What is left costs requests: a channel whose kept updates
have a gap (or start after the archive's mark, or overflowed) reads its difference from that mark; one the
account has not joined reads its history; one that change detection then finds behind is handed here too.
These reads run in a task of their own, one channel after another, on the budget's takeover lane: it goes
before the look's reads and alone may spend a reserve of tokens, so a takeover is not queued behind them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telethon import errors

from monitor.logs import log_event
from monitor.store import ArchiveError
from monitor.telegram.channels import WatchedChannel
from monitor.telegram.dialogs import DialogMark
from monitor.telegram.reconcile import Reconciler

log = logging.getLogger(__name__)


class TakeoverCatchUp:
    """Gained channels waiting for their catch-up; `run()` reads them in the order they were gained.

    `live_pts` is the live pts map the look and the live ingest share; `joined` says whether the account
    gets the channel's updates (its difference can be read) or must read history."""

    def __init__(
        self, reconciler: Reconciler, live_pts: dict[int, int], joined: Callable[[int], bool]
    ) -> None:
        self.reconciler = reconciler
        self.live_pts = live_pts
        self.joined = joined
        # Gained and not looked at since: a look that finds one of them behind hands it here.
        self.fresh: set[int] = set()
        self.caught_up = 0
        self._queue: asyncio.Queue[tuple[WatchedChannel, DialogMark | None]] = asyncio.Queue()
        self._pending: set[int] = set()

    def want(self, watched: WatchedChannel, mark: DialogMark | None = None) -> bool:
        """Queue a channel's catch-up (once while it waits); `mark` is the dialog's, when a look found it."""
        if watched.id not in self._pending:
            self._pending.add(watched.id)
            self._queue.put_nowait((watched, mark))
        return True

    def hand_off(self, watched: WatchedChannel, mark: DialogMark) -> bool:
        """For the look: a freshly gained channel found behind is caught up here, not inside the look."""
        return watched.id in self.fresh and self.want(watched, mark)

    @property
    def waiting(self) -> int:
        return len(self._pending)

    async def run(self) -> None:
        """Catch up queued channels until cancelled; one that fails is logged and left to the next look
        (which hands it back here while it is fresh, or catches it up itself), and the others go on."""
        while True:
            watched, mark = await self._queue.get()
            try:
                await self._catch_up(watched, mark)
            except (errors.RPCError, ValueError, ArchiveError, ConnectionError) as exc:
                self.reconciler.warn(watched, "takeover_catch_up_failed", exc)
            finally:
                self._pending.discard(watched.id)

    async def _catch_up(self, watched: WatchedChannel, mark: DialogMark | None) -> None:
        since = self.live_pts.get(watched.id, 0) if self.joined(watched.id) else 0
        reached = await self.reconciler.catch_up(watched, since, mark, lane="takeover")
        if reached:
            self.live_pts[watched.id] = max(self.live_pts.get(watched.id, 0), reached)
            await self.reconciler.store.set_sync_state(watched.id, pts=self.live_pts[watched.id])
        self.caught_up += 1
        log_event(log, "takeover_caught_up", channel=watched.id, pts=self.live_pts.get(watched.id))
