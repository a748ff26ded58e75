"""A worker's share of the fleet's channels: what its account knows goes into the archive, its leases are
renewed and topped up to its fair share, and a channel it now holds without a hash of its own is resolved.

The store does the claiming (`store/leases.py`, one transaction per renewal); this module is the worker's
side of it: which account, which channels it can read, and what to do with the channels it gained.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from datetime import timedelta

from monitor.config import FleetSettings
from monitor.model import utcnow
from monitor.store import Store
from monitor.store.leases import Holding, KnownChannel
from monitor.telegram.channels import ChannelResolver


class ChannelShare:
    """The channels this worker reads: those it holds a lease for. `held` changes with every `renew()`."""

    def __init__(self, store: Store, worker: str, account: str, fleet: FleetSettings) -> None:
        self.store = store
        self.worker = worker
        self.account = account
        self.lease = timedelta(seconds=fleet.lease_seconds)
        self.fleet_size = len(fleet.workers)
        self.started = utcnow()
        self.held: frozenset[int] = frozenset()
        self.taken_over = 0
        self._offered: dict[int, KnownChannel] = {}

    async def register(self) -> tuple[dict[int, int], set[int]]:
        """Join the fleet as a live worker of this account (AccountInUse when another live worker has it);
        returns the account's own access hashes by channel id and the channels it joined, as earlier runs
        recorded them (a takeover of a joined channel reads its kept updates, not its history)."""
        await self.store.leases.register(
            self.worker,
            self.account,
            pid=os.getpid(),
            host=socket.gethostname(),
            now=utcnow(),
            lease=self.lease,
        )
        known = await self.store.leases.known(self.account)
        hashes = {cid: k.access_hash for cid, k in known.items() if k.access_hash is not None}
        return hashes, {cid for cid, k in known.items() if k.joined and cid in hashes}

    async def renew(self, resolver: ChannelResolver, state: Mapping[str, object]) -> Holding:
        """Record what the account can read, renew and top up the leases, and ask the resolver for the hash
        of every held channel the account cannot read yet."""
        await self._offer(resolver)
        now = utcnow()
        starting = now - self.started < self.lease  # the rest of the fleet may still be starting
        holding = await self.store.leases.renew(
            self.worker,
            self.account,
            now=now,
            lease=self.lease,
            state=state,
            expected=self.fleet_size if starting else 1,
        )
        self.held = holding.held
        self.taken_over += len(holding.taken_over)
        readable = {w.id for w in resolver.watched}
        for channel_id in sorted(holding.gained - readable):
            await resolver.resolve_for_lease(channel_id)
        return holding

    async def retire(self) -> None:
        """A clean stop: every lease goes back at once, for the other workers to take."""
        await self.store.leases.retire(self.worker, utcnow())
        self.held = frozenset()

    async def _offer(self, resolver: ChannelResolver) -> None:
        """Tell the archive of the channels this account resolved or joined since the last renewal."""
        fresh = []
        for watched in resolver.watched:
            known = KnownChannel(watched.id, watched.channel.access_hash, watched.id in resolver.joined)
            if self._offered.get(watched.id) != known:
                fresh.append(known)
                self._offered[watched.id] = known
        await self.store.leases.offer(self.account, fresh, utcnow())
