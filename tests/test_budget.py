"""The request budget on a simulated clock: pace, burst, jitter and foreground before background."""

from __future__ import annotations

import asyncio
import itertools
import random

import pytest

from monitor.telegram.budget import Bucket, Lane, RequestBudget


class SimulatedTime:
    """A clock that moves only when the budget sleeps, so pacing is checked exactly and instantly."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def budget_on(time: SimulatedTime, per_hour: float, burst: int, **options: object) -> RequestBudget:
    return RequestBudget(per_hour, burst, clock=time.clock, sleep=time.sleep, **options)  # type: ignore[arg-type]


def test_a_bucket_refills_at_its_rate_up_to_its_burst() -> None:
    bucket = Bucket(per_minute=6, burst=2, now=0.0)
    bucket.take(0.0)
    bucket.take(0.0)
    assert bucket.seconds_until(1, 0.0) == pytest.approx(10.0)
    assert bucket.seconds_until(1, 10.0) == 0.0
    assert bucket.seconds_until(3, 1000.0) == pytest.approx(10.0), "never holds more than its burst"


def test_a_bucket_needs_a_rate_and_a_burst() -> None:
    with pytest.raises(ValueError):
        Bucket(per_minute=0, burst=1, now=0.0)


async def test_after_the_burst_requests_leave_at_the_budgeted_rate() -> None:
    time = SimulatedTime()
    budget = budget_on(time, per_hour=360, burst=3)
    start = time.now
    stamps = []
    for _ in range(9):
        await budget.spend("messages.getHistory")
        stamps.append(time.now - start)
    assert stamps[:3] == [0.0, 0.0, 0.0]
    assert [round(b - a, 6) for a, b in itertools.pairwise(stamps[2:])] == [10.0] * 6
    assert budget.stats.spent["messages.getHistory"] == 9 and budget.stats.peak_per_minute <= 3 + 6


async def test_jitter_spaces_requests_by_up_to_its_share_of_an_interval() -> None:
    time = SimulatedTime()
    budget = budget_on(time, per_hour=3600, burst=10, spacing=0.5, jitter=0.4, rng=random.Random(7))
    stamps = []
    for _ in range(10):
        await budget.spend("messages.getPeerDialogs")
        stamps.append(time.now)
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert all(0.5 - 1e-9 <= gap <= 0.7 + 1e-9 for gap in gaps), "the spacing plus at most 40% of it"
    assert len({round(g, 6) for g in gaps}) > 5, "not one fixed rhythm"


async def test_background_work_yields_to_a_waiting_look_and_leaves_a_reserve() -> None:
    time = SimulatedTime()
    budget = budget_on(time, per_hour=360, burst=3, reserve=1)
    for _ in range(3):
        await budget.spend("messages.getPeerDialogs")  # the burst is spent
    left: dict[str, tuple[float, float]] = {}

    async def spend(name: str, background: bool) -> None:
        await budget.spend(name, "background" if background else "foreground")
        left[name] = (time.now, budget.bucket.tokens)

    await asyncio.gather(spend("backfill", True), spend("look", False))
    assert left["look"][0] < left["backfill"][0], "the look went first although the backfill asked first"
    assert left["backfill"][1] >= 1 - 1e-6, "the backfill left a token in reserve for the next look"


async def test_steady_work_keeps_to_its_own_rate_whatever_the_account_budget_allows() -> None:
    time = SimulatedTime()
    budget = budget_on(time, per_hour=36_000, burst=200, steady_per_hour=360)
    start = time.now
    for _ in range(12):
        await budget.spend("channels.getMessages", "steady")
    # 2 at once (the steady burst), then one every 10 s: the account's 200-token burst is not theirs
    assert time.now - start == pytest.approx(100.0)
    await budget.spend("messages.getPeerDialogs")
    assert time.now - start == pytest.approx(100.0), "a look is not held back by the steady lane"


async def test_a_takeover_goes_before_a_waiting_look_and_alone_spends_the_reserve() -> None:
    time = SimulatedTime()
    budget = budget_on(time, per_hour=360, burst=4, takeover_reserve=2)
    for _ in range(2):
        await budget.spend("messages.getPeerDialogs")  # all but the reserve is spent
    left: dict[str, tuple[float, float]] = {}

    async def spend(name: str, lane: Lane) -> None:
        await budget.spend(name, lane)
        left[name] = (time.now, budget.bucket.tokens)

    await asyncio.gather(spend("look", "foreground"), spend("takeover", "takeover"))
    assert left["takeover"][0] < left["look"][0], "the takeover went first, though the look asked first"
    assert left["look"][1] >= 2 - 1e-6, "the look left the reserve"
