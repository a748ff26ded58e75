"""What one gap check and one engagement selection cost as a channel's archive grows to 1,000,000 posts.

    python bench/bench_gap_check.py
    python bench/bench_gap_check.py --sizes 1000 1000000 --repeat 2000

For each size, one channel's posts (ids 1..N, one a minute) are written straight into a fresh archive
(the schema the migrations create; analysis columns left empty: the queries do not read them). Then
the reading side's per-look queries run `--repeat` times each, over what a look sees at steady state:
the last 100 ids (`Store.stored_ids_between`, the check for missed posts), and the posts that reached
an engagement age since the per-age cursor (`Store.live_posts_after`). Printed: the mean time per call.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.store import Store

CHANNEL = 1_300_000_001
NEW = 100  # ids a look covers at steady state


async def measure(size: int, repeat: int, directory: Path) -> tuple[float, float]:
    path = directory / f"archive_{size}.db"
    store = await Store.open(path)
    await store.close()
    fill(path, size)
    store = await Store.open(path)
    try:
        until = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=size - NEW // 2)
        gap = await per_call(repeat, lambda: store.stored_ids_between(CHANNEL, size - NEW, size))
        due = await per_call(repeat, lambda: store.live_posts_after(CHANNEL, size - NEW, until, 100))
        return gap, due
    finally:
        await store.close()


async def per_call(repeat: int, call) -> float:  # type: ignore[no-untyped-def]
    await call()
    start = time.perf_counter()
    for _ in range(repeat):
        await call()
    return (time.perf_counter() - start) / repeat


def fill(path: Path, size: int) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO channels (id, username, title, first_seen) VALUES (?, 'bench', 'Bench', ?)",
            (CHANNEL, start.isoformat()),
        )
        rows = (
            (CHANNEL, i, (start + timedelta(minutes=i)).isoformat(), f"post {i}", start.isoformat())
            for i in range(1, size + 1)
        )
        db.executemany(
            "INSERT INTO posts (channel_id, message_id, date, text, first_stored_at) VALUES (?, ?, ?, ?, ?)",
            rows,
        )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=1_000)
    args = parser.parse_args()
    print("| archived posts | gap check (last 100 ids) | engagement selection |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory() as directory:
        for size in args.sizes:
            gap, due = await measure(size, args.repeat, Path(directory))
            print(f"| {size:,} | {gap * 1e3:.3f} ms | {due * 1e3:.3f} ms |")


if __name__ == "__main__":
    asyncio.run(main())
