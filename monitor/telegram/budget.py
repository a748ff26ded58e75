"""The reading account's request budget: every read waits here for its turn, so the daemon spends requests
at a steady, jittered pace like an official client instead of in bursts Telegram answers with flood waits.

One token bucket per account: `rate` requests a minute refill it up to `burst`. Foreground work (change
detection, recovering missed posts) always goes first; background work (backfill, engagement snapshots,
polling channels that cannot be joined) takes a token only while no foreground request is waiting and
`reserve` tokens stay for the next one. Jitter spaces requests by a random extra fraction of the interval.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass
class BudgetStats:
    """What the budget has let through, for `/status`, logs and the request benchmark."""

    spent: Counter[str] = field(default_factory=Counter)
    waited_seconds: float = 0.0
    peak_per_minute: int = 0
    _window: deque[float] = field(default_factory=deque)

    def record(self, method: str, now: float) -> None:
        self.spent[method] += 1
        self._window.append(now)
        while self._window and self._window[0] <= now - 60.0:
            self._window.popleft()
        self.peak_per_minute = max(self.peak_per_minute, len(self._window))

    @property
    def total(self) -> int:
        return sum(self.spent.values())


class Bucket:
    """Pure token-bucket arithmetic (no waiting): how many tokens there are and when the next one comes."""

    def __init__(self, per_minute: float, burst: int, now: float) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("a request budget needs a positive rate and a burst of at least 1")
        self.per_second = per_minute / 60.0
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = now

    def refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now

    def seconds_until(self, tokens: float, now: float) -> float:
        """Seconds until the bucket holds `tokens` (0 if it already does)."""
        self.refill(now)
        return max(0.0, (tokens - self.tokens) / self.per_second)

    def take(self, now: float) -> None:
        self.refill(now)
        self.tokens -= 1.0


class RequestBudget:
    """Paces one account's read requests; `await budget.spend("messages.getHistory")` before each one."""

    def __init__(
        self,
        per_minute: float,
        burst: int,
        *,
        jitter: float = 0.0,
        reserve: int = 1,
        clock: Clock = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.clock = clock
        self.bucket = Bucket(per_minute, burst, clock())
        self.jitter = jitter
        self.reserve = min(reserve, burst - 1)
        self.stats = BudgetStats()
        self._rng = rng or random.Random()
        self._lock = asyncio.Lock()
        self._foreground_waiting = 0
        # Jitter: the next request leaves no earlier than this, a random fraction of an interval later.
        self._not_before = 0.0

    @property
    def per_minute(self) -> float:
        return self.bucket.per_second * 60.0

    async def spend(self, method: str, *, background: bool = False) -> None:
        """Wait until this request fits the budget, then count it. Background requests yield to foreground
        ones and leave `reserve` tokens, so a change-detection sweep never queues behind a backfill."""
        if background:
            await self._background_turn()
        else:
            self._foreground_waiting += 1
        try:
            async with self._lock:
                await self._wait_for(1.0)
                if (pause := self._not_before - self.clock()) > 0:
                    await self._sleep(pause)
                now = self.clock()
                self.bucket.take(now)
                self.stats.record(method, now)
                self._not_before = now + self._rng.uniform(0.0, self.jitter) / self.bucket.per_second
        finally:
            if not background:
                self._foreground_waiting -= 1

    async def _background_turn(self) -> None:
        while True:
            wait = self.bucket.seconds_until(1.0 + self.reserve, self.clock())
            if self._foreground_waiting == 0 and wait <= 0:
                return
            await self._sleep(max(wait, 1.0 / self.bucket.per_second / 4))

    async def _wait_for(self, tokens: float) -> None:
        while (wait := self.bucket.seconds_until(tokens, self.clock())) > 0:
            await self._sleep(wait)

    async def _sleep(self, seconds: float) -> None:
        self.stats.waited_seconds += seconds
        await asyncio.sleep(seconds)
