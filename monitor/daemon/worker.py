"""The glue of a worker of a fleet (`--worker`, docs/workers.md) between its parts and the daemon's reading.

A worker reads with its own account only the channels it holds leases for (`telegram/share.py`), renewed
every few seconds, keeps the live updates of the others for a takeover (`telegram/held_back.py`), catches
up gained channels beside the look (`telegram/takeover.py`) and sends alerts only while it holds the
sender's seat (`telegram/seat.py`). The daemon (`life.py`) runs the same life cycle for a worker and a
single process and asks this object at the few points where a worker differs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from monitor.config import MAX_JOINED_CHANNELS, WorkerSettings
from monitor.daemon.toolkit import WorkerRefused
from monitor.fleet import FleetSnapshot, fleet_lines
from monitor.logs import log_event
from monitor.model import utcnow
from monitor.store.leases import AccountInUse
from monitor.telegram.channels import WatchedChannel
from monitor.telegram.held_back import Handover
from monitor.telegram.seat import SenderSeat
from monitor.telegram.share import ChannelShare
from monitor.telegram.takeover import TakeoverCatchUp

if TYPE_CHECKING:
    from monitor.daemon.life import Daemon

log = logging.getLogger(__name__)


class FleetWorker:
    """This process as one worker of a fleet; its share, seat and takeover catch-up exist once it joined."""

    def __init__(self, daemon: Daemon, settings: WorkerSettings) -> None:
        self.daemon = daemon
        self.settings = settings
        self.share: ChannelShare | None = None
        self.seat: SenderSeat | None = None
        self.takeover: TakeoverCatchUp | None = None

    async def join(self) -> dict[int, int]:
        """Register as a worker of this account, or refuse to start when another live worker has it; start
        the catch-up of gained channels. Returns the account's own access hashes the archive holds."""
        daemon = self.daemon
        kit, resolver, live = daemon._running(), daemon._resolver(), daemon._live()
        config, name = daemon.config, self.settings.name
        me = await kit.user.get_me(input_peer=True)
        account = str(getattr(me, "user_id", ""))
        self.share = ChannelShare(kit.store, name, account, config.fleet)
        self.seat = SenderSeat(kit.store, name, config.fleet, config.telegram, config.archive_path)
        try:
            own_hashes, joined_before = await self.share.register()
        except AccountInUse as error:
            raise WorkerRefused(f"worker {name}: {error}") from None
        resolver.joined |= joined_before
        resolver.join_cap = MAX_JOINED_CHANNELS
        joined = resolver.joined
        self.takeover = TakeoverCatchUp(kit.reconciler, live.pts, joined.__contains__)
        daemon._spawn(self.takeover.run(), "takeover_catch_up")
        return own_hashes

    async def start_reading(self) -> None:
        """Once the channels are resolved: read only what this worker holds after its first renewal."""
        self.daemon.state.channels = []
        await self.renew_leases()
        self.read_held()

    async def renew_leases(self) -> None:
        """Renew this worker's leases and read what it now holds. A gained channel gets what was kept of its
        live updates above the archive's mark stored at once; what is left to read (a gap, a channel the
        account has not joined) is caught up beside the look, and the look checks the rest from the
        dialogs' marks (a takeover loses nothing)."""
        share, daemon = self.share, self.daemon
        if share is None:
            return
        before = share.held
        holding = await share.renew(daemon._resolver(), self.state())
        marks = {c: int((await daemon.store.sync_state(c)).get("pts", 0)) for c in holding.gained}
        if holding.held != before:  # gained, given back, or lost while this worker could not renew
            handed = self.read_held(marks)
            log_event(
                log,
                "leases_changed",
                held=len(holding.held),
                gained=len(holding.gained),
                taken_over=len(holding.taken_over),
                released=len(holding.released),
                share=holding.target,
            )
            self.take_over(holding.gained, handed)
        if holding.gained:
            daemon.look_soon()

    def on_watched(self, watched: WatchedChannel) -> None:
        """A channel resolved after start is read once this worker holds its lease, caught up if gained."""
        self.read_held()
        if self.share is not None and watched.id in self.share.held:
            self.take_over({watched.id}, {})

    def looked(self, examined: AbstractSet[int]) -> None:
        """A look checked these channels from the dialogs' marks: none of them is fresh from a takeover."""
        if self.takeover is not None:
            self.takeover.fresh -= examined

    def take_over(self, gained: AbstractSet[int], handed: Mapping[int, Handover]) -> None:
        """Queue the catch-up of gained channels whose kept updates do not reach back to the archive's mark
        without a gap, or whose updates this account does not get; the next look checks the others."""
        takeover, joined = self.takeover, self.daemon._resolver().joined
        if takeover is None or not gained:
            return
        takeover.fresh |= gained
        queued = 0
        for watched in self.daemon.state.channels:
            handover = handed.get(watched.id)
            if watched.id in gained and (watched.id not in joined or (handover and handover.gap)):
                queued += takeover.want(watched)
        kept = sum(len(h.items) for h in handed.values())
        log_event(log, "takeover", gained=len(gained), kept_updates=kept, catch_up=queued)

    def read_held(self, marks: Mapping[int, int] | None = None) -> dict[int, Handover]:
        """Read exactly the channels this worker holds and can address (its own hash); keep the live updates
        of the others it can address for a takeover. Gained channels with their archive's pts in `marks`
        get what was kept of them handed over."""
        daemon = self.daemon
        held = self.share.held if self.share is not None else frozenset()
        watched = daemon._resolver().watched
        readable = {w.id for w in watched}
        daemon.state.channels = [w for w in watched if w.id in held]
        if daemon.live is None:
            return {}
        return daemon.live.read_only({w.id for w in daemon.state.channels}, readable - held, marks)

    async def sender_seat(self) -> None:
        """Hold the sender's seat (open the bot and deliver) or, having lost it, stop delivering."""
        seat, daemon = self.seat, self.daemon
        if seat is None:
            return
        if not await seat.hold():
            if daemon.sender is not None:
                await self.stop_sending(give_up=False)
            return
        if daemon.sender is None and (client := await seat.open_bot()) is not None:
            daemon._start_sending(daemon._take_sender(client))

    async def stop_sending(self, *, give_up: bool) -> None:
        """Stop delivering and leave the seat; `give_up` hands it over at once rather than when it expires."""
        await self.daemon._stop_sending()
        if self.seat is not None:
            await self.seat.leave(give_up=give_up)

    async def leave(self) -> None:
        """A clean stop of a worker: the seat and every lease go back at once for the others to take."""
        if self.seat is not None:
            await self.stop_sending(give_up=True)
        if self.share is not None:
            await self.share.retire()

    async def status_lines(self) -> list[str]:
        """The fleet as `/status` shows it, once this worker has joined it."""
        if self.share is None:
            return []
        return fleet_lines(await FleetSnapshot.read(self.daemon.store), utcnow())

    def state(self) -> dict[str, object]:
        """What `monitor workers` shows of this worker: channels held and read, budget, lag, the seat."""
        daemon = self.daemon
        now = utcnow()
        budget = daemon._running().budget
        problems = daemon.telegram_problems()
        looked_at = daemon.looked_at
        return {
            "lease_seconds": daemon.config.fleet.lease_seconds,
            "held": len(self.share.held) if self.share else 0,
            "reading": len(daemon.state.channels),
            "waiting_to_resolve": len(daemon._resolver().pending),
            "not_joined": len(daemon.state.not_joined),
            "taken_over": self.share.taken_over if self.share else 0,
            "catching_up": self.takeover.waiting if self.takeover else 0,
            "caught_up_after_takeover": self.takeover.caught_up if self.takeover else 0,
            "kept_updates": len(daemon.live.held_back) if daemon.live else 0,
            "requests": budget.stats.total,
            "peak_per_minute": budget.stats.peak_per_minute,
            "budget_per_hour": budget.per_hour,
            "look_lag_seconds": round((now - looked_at).total_seconds(), 1) if looked_at else None,
            "sender": daemon.sender is not None,
            "connected": daemon.watch.up,
            "problems": [f"{p.subject}: {p.state}: {p.detail}" for p in problems if p.fatal],
            "waits": [f"{p.subject}: {p.state}: {p.detail}" for p in problems if not p.fatal],
        }
