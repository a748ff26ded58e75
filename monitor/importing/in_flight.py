"""An import's batches saved while the client goes on: up to two transactions in flight.

A save is mostly the server's work (on PostgreSQL some 50 µs a post against the client's 30 for encoding
and sending); waiting for it idles the client. So a batch is saved in a task of its own, and the caller
reads the next records meanwhile, or, when its batches are ready (bench_pg.py), encodes and sends the
next one on a second connection while the server stores the first: the two cores then work at once.

What stays as with one batch at a time: batches in flight never share a post (a batch that names a post
of one in flight waits for it), so a post's copies are stored in file order, an edit after its original,
each planned against what was committed before it. Each batch is its own transaction: an import stopped
midway leaves whole batches stored (of those in flight, any), and importing the files again stores the
rest once, the stored ones coming back unchanged. Outcomes are reported in the order the batches came.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from monitor.model import Analysis, Post, SaveOutcome
from monitor.store import Store
from monitor.store.rows import PostKey

# Two: one stored by the server while the client prepares the next; a third would wait for a core.
IN_FLIGHT = 2
Saved = Callable[[int, list[SaveOutcome]], object]


@dataclass(frozen=True, slots=True)
class _Flight:
    records: int
    keys: frozenset[PostKey]
    save: asyncio.Future[list[SaveOutcome]]


class InFlight:
    """`add` each batch in order, then `settle`; `close` (in a finally) cancels what is still in flight
    after an error. `saved` is told each batch's record count and outcomes, in the order added."""

    def __init__(self, store: Store, saved: Saved, *, limit: int = IN_FLIGHT) -> None:
        self._store = store
        self._saved = saved
        self._limit = max(1, limit)
        self._flights: deque[_Flight] = deque()

    async def add(self, records: int, items: Sequence[tuple[Post, Analysis]]) -> None:
        """Start saving `items` (covering `records` input records), once fewer than `limit` batches are
        in flight and none of them holds one of its posts."""
        keys = frozenset((post.channel_id, post.message_id) for post, _ in items)
        while self._flights and (
            len(self._flights) >= self._limit or any(keys & flight.keys for flight in self._flights)
        ):
            await self._land()
        save = self._store.save(list(items), alert=False, defer_word_forms=True)
        self._flights.append(_Flight(records, keys, asyncio.ensure_future(save)))

    async def settle(self, most: int = 0) -> None:
        """Wait until at most `most` batches are in flight (all stored by default), reporting each."""
        while len(self._flights) > max(0, most):
            await self._land()

    async def close(self) -> None:
        """Cancel the saves still in flight (their transactions roll back) and wait for them to end."""
        saves = [flight.save for flight in self._flights]
        self._flights.clear()
        for save in saves:
            save.cancel()
        await asyncio.gather(*saves, return_exceptions=True)

    async def _land(self) -> None:
        flight = self._flights[0]
        outcomes = await flight.save
        self._flights.popleft()
        self._saved(flight.records, outcomes)
