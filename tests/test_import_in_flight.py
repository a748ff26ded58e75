"""An import's batches saved with two transactions in flight (importing/in_flight.py): never two at once
that share a post, at most two, outcomes in order, and an import stopped with both in flight stores every
post exactly once when run again, with its counts right, on both backends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from monitor.importing.in_flight import InFlight
from monitor.model import Analysis, Channel, Match, Post, SaveOutcome
from monitor.store import open_archive
from monitor.store.rows import PostKey
from tests.support import archive_rows, until

if TYPE_CHECKING:
    from monitor.store.opening import Archive

T0 = datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
CHANNELS = (Channel(701, "Сводки с юга", "south"), Channel(702, "Восток", "east"))
Batch = list[tuple[Post, Analysis]]


def batch(first: int, count: int, *, text: str = "Обстрел Херсона ночью") -> Batch:
    """`count` posts per channel from message id `first`, flagged with one match each."""
    analysis = Analysis("ru", 0.9, (Match("ua_ru", "херсон", "ru", 8, 15),), ("ua_ru",), "w1")
    return [
        (Post(channel.id, message_id, T0 + timedelta(minutes=message_id), text), analysis)
        for channel in CHANNELS
        for message_id in range(first, first + count)
    ]


class GatedStore:
    """Saves that end when the test opens their gate; records which started and how many ran at once."""

    def __init__(self) -> None:
        self.gates: list[asyncio.Event] = []
        self.started: list[set[PostKey]] = []
        self.running = 0
        self.most_running = 0

    async def save(self, items: Sequence[tuple[Post, Analysis]], **_: object) -> list[SaveOutcome]:
        gate = asyncio.Event()
        self.gates.append(gate)
        self.started.append({(post.channel_id, post.message_id) for post, _ in items})
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        await gate.wait()
        self.running -= 1
        return [SaveOutcome(post.channel_id, post.message_id, "new", ()) for post, _ in items]


async def test_at_most_two_batches_are_in_flight_and_outcomes_come_in_the_order_added() -> None:
    store = GatedStore()
    landed: list[int] = []
    saves = InFlight(store, lambda records, _: landed.append(records))  # type: ignore[arg-type]
    await saves.add(1, batch(1, 2))
    await saves.add(2, batch(10, 2))
    third = asyncio.ensure_future(saves.add(3, batch(20, 2)))
    await until(lambda: len(store.gates) == 2, "two saves started")
    store.gates[1].set()  # the second ends first: still reported after the first
    await until(lambda: store.running == 1, "the second save ended")
    assert not third.done() and len(store.started) == 2
    store.gates[0].set()
    await third
    await until(lambda: len(store.gates) == 3, "the third save started")
    store.gates[2].set()
    await saves.settle()
    assert landed == [1, 2, 3]
    assert store.most_running == 2


async def test_a_batch_holding_a_post_of_one_in_flight_waits_for_it() -> None:
    store = GatedStore()
    saves = InFlight(store, lambda *_: None)  # type: ignore[arg-type]
    await saves.add(1, batch(1, 3))
    again = asyncio.ensure_future(saves.add(1, batch(3, 3, text="Обстрел Херсона ночью, дополнено")))
    await until(lambda: len(store.gates) == 1, "the first save started")
    assert not again.done()
    assert len(store.started) == 1  # the edit of post 3 waits: one batch in flight, not two
    store.gates[0].set()
    await again
    await until(lambda: len(store.gates) == 2, "the second save started")
    store.gates[1].set()
    await saves.settle()
    assert store.most_running == 1


@pytest.fixture
async def archive(archive_location: Path | str) -> AsyncIterator[Archive]:
    opened = await open_archive(archive_location)
    for channel in CHANNELS:
        await opened.upsert_channel(channel)
    yield opened
    await opened.close()


class Started:
    """An archive whose saves are counted as they start, so the test can stop an import with both in
    flight."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.count = 0

    async def save(self, items: Sequence[tuple[Post, Analysis]], **options: object) -> list[SaveOutcome]:
        self.count += 1
        return await self.archive.save(items, **options)  # type: ignore[arg-type]


async def test_an_import_stopped_with_two_batches_in_flight_stores_every_post_once_when_run_again(
    archive: Archive,
) -> None:
    batches = [batch(1, 40), batch(41, 40), batch(81, 40), batch(121, 40)]
    started = Started(archive)
    stopped = InFlight(started, lambda *_: None)  # type: ignore[arg-type]
    await stopped.add(80, batches[0])
    await stopped.add(80, batches[1])
    await until(lambda: started.count == 2, "both saves started")
    await stopped.close()  # Ctrl-C: each of the two is stored whole or not at all
    kept = (await archive_rows(archive, "SELECT count(*) FROM posts"))[0][0]
    assert kept in (0, 80, 160)

    statuses: list[str] = []
    again = InFlight(archive, lambda _, outcomes: statuses.extend(o.status for o in outcomes))  # type: ignore[arg-type]
    try:
        for part in batches:
            await again.add(80, part)
        await again.settle()
    finally:
        await again.close()

    assert statuses.count("unchanged") == kept and statuses.count("new") == 320 - kept
    rows = await archive_rows(
        archive, "SELECT count(*), count(DISTINCT channel_id * 100000 + message_id) FROM posts"
    )
    assert rows == [(320, 320)]
    assert await archive_rows(archive, "SELECT count(*) FROM matches") == [(320,)]
    assert await archive_rows(archive, "SELECT count(*) FROM revisions") == [(0,)]
    stats = await archive.stats()
    assert (stats["posts"], stats["edited"], stats["conflicts"]) == (320, 0, {"ua_ru": 320})


async def test_two_batches_in_flight_on_the_same_days_and_channels_both_store_and_count(
    archive: Archive,
) -> None:
    saves = InFlight(archive, lambda *_: None)  # type: ignore[arg-type]
    try:
        for first in range(1, 400, 50):
            await saves.add(100, batch(first, 50))
        await saves.settle()
    finally:
        await saves.close()
    stats = await archive.stats()
    assert (stats["posts"], stats["conflicts"]) == (800, {"ua_ru": 800})
    assert await archive_rows(archive, "SELECT count(*) FROM matches") == [(800,)]
