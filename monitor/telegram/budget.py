"""The reading account's request budget: every read waits here for its turn, so the daemon spends requests
at a steady, jittered pace like an official client instead of in bursts Telegram answers with flood waits.

One token bucket per account: `per_hour` requests refill it up to `burst` (what a first start may spend
on reading each new channel's recent history once), and no two requests leave closer than `spacing`
seconds (plus a random `jitter` share of it), which keeps every 10-second window small. Four lanes share
it: a worker's takeover catch-up (the channels it just gained from a dead worker) goes before everything
and alone may spend the last `takeover_reserve` tokens, so a takeover never queues behind the look's own
reads; foreground work (change detection, recovering missed posts) goes next; background work (backfill)
takes a token only while no foreground request waits and `reserve` tokens stay; steady work (engagement
snapshots, polling channels that cannot be joined) is background work with a bucket of its own,
`steady_per_hour`, because it never ends and must not grow with the number of channels.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
Lane = Literal["takeover", "foreground", "background", "steady"]


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
        per_hour: float,
        burst: int,
        *,
        spacing: float = 0.0,
        jitter: float = 0.0,
        steady_per_hour: float | None = None,
        reserve: int = 2,
        takeover_reserve: int = 0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.bucket = Bucket(per_hour / 60.0, burst, clock())
        steady = steady_per_hour if steady_per_hour is not None else per_hour
        self.steady = Bucket(steady / 60.0, min(burst, 2), clock())
        self.spacing = spacing
        self.jitter = jitter
        self.takeover_reserve = min(takeover_reserve, burst - 1)
        self.reserve = min(reserve + self.takeover_reserve, burst - 1)
        self.stats = BudgetStats()
        self._rng = rng or random.Random()
        self._lock = asyncio.Lock()
        self._waiting: Counter[str] = Counter()
        # The next request leaves no earlier than this: the spacing plus a random share of it.
        self._not_before = 0.0

    @property
    def per_hour(self) -> float:
        return self.bucket.per_second * 3600.0

    async def spend(self, method: str, lane: Lane = "foreground") -> None:
        """Wait until this request fits the budget and its lane's turn, then count it."""
        if lane in ("background", "steady"):
            await self._background_turn(steady=lane == "steady")
        self._waiting[lane] += 1
        try:
            while (wait := await self._try_take(method, lane)) > 0:
                await self._sleep(wait)
        finally:
            self._waiting[lane] -= 1

    async def _try_take(self, method: str, lane: Lane) -> float:
        """Take a token for `lane` when it is its turn (0), else say how long to wait before trying again.
        Tokens are waited for outside the lock, so a takeover is never held up by a look asleep on an empty
        bucket; inside it only the spacing is waited out."""
        async with self._lock:
            now = self.clock()
            keep = 0.0 if lane == "takeover" else float(self.takeover_reserve)
            wait = self.bucket.seconds_until(1.0 + keep, now)
            if lane != "takeover" and self._waiting["takeover"]:
                wait = max(wait, self.spacing, 0.05)  # a waiting takeover goes first
            if wait > 0:
                return wait
            if (pause := self._not_before - now) > 0:
                await self._sleep(pause)
            now = self.clock()
            self.bucket.take(now)
            if lane == "steady":
                self.steady.take(now)
            self.stats.record(method, now)
            self._not_before = now + self.spacing * (1.0 + self._rng.uniform(0.0, self.jitter))
            return 0.0

    async def _background_turn(self, *, steady: bool) -> None:
        """Background work goes when no foreground request waits and a reserve of tokens would stay."""
        while True:
            now = self.clock()
            wait = self.bucket.seconds_until(1.0 + self.reserve, now)
            if steady:
                wait = max(wait, self.steady.seconds_until(1.0, now))
            if self._waiting["foreground"] + self._waiting["takeover"] == 0 and wait <= 0:
                return
            await self._sleep(max(wait, self.spacing, 0.05))

    async def _sleep(self, seconds: float) -> None:
        self.stats.waited_seconds += seconds
        await self.sleep(seconds)
