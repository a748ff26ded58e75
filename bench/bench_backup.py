"""Backup benchmark: how fast `monitor backup` copies an archive, alone and while a writer commits.

    python bench/bench_backup.py                   # 100,000 posts of about 1,300 bytes
    python bench/bench_backup.py --posts 500000

The archive is built here from synthetic posts (a precomputed Analysis, no alerts); prints its size, the
copy's duration and rate, how many progress reports it gave, and how many write transactions a
concurrent writer committed while the copy ran (they must not wait for it under WAL).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.model import Analysis, Channel, Post
from monitor.store import Store
from monitor.store.backup import backup_archive

CHANNEL = Channel(id=777, title="bench", username="bench", access_hash=1)
TEXT = "Обстрел окраин города ночью, сообщают местные каналы; подробности уточняются. " * 15
START = datetime(2026, 1, 1, tzinfo=UTC)
BATCH = 5000


def post(number: int) -> tuple[Post, Analysis]:
    return Post(CHANNEL.id, number, START + timedelta(seconds=number), f"{number} {TEXT}"), Analysis(
        "ru", 0.9, (), ()
    )


async def build(store: Store, posts: int) -> None:
    await store.upsert_channel(CHANNEL, "@bench")
    for first in range(1, posts + 1, BATCH):
        await store.save([post(n) for n in range(first, min(posts, first + BATCH - 1) + 1)], alert=False)


async def measure(path: Path, posts: int) -> None:
    async with await Store.open(path) as store:
        await build(store, posts)
        size = path.stat().st_size + Path(f"{path}-wal").stat().st_size
        reports: list[int] = []
        started = time.perf_counter()
        backup_archive(
            path, path.with_suffix(".alone.db"), progress=lambda done, _total: reports.append(done)
        )
        alone = time.perf_counter() - started

        committed = 0
        copying = True

        async def writer() -> None:
            nonlocal committed
            while copying:
                await store.save([post(posts + committed + 1)], alert=False)
                committed += 1

        task = asyncio.create_task(writer())
        started = time.perf_counter()
        await asyncio.to_thread(backup_archive, path, path.with_suffix(".busy.db"))
        busy = time.perf_counter() - started
        copying = False
        await task
    mib = size / 2**20
    print(f"archive: {posts:,} posts, {mib:,.0f} MiB")
    print(f"backup alone: {alone:.2f} s ({mib / alone:,.0f} MiB/s), {len(reports)} progress reports")
    print(f"backup with a writer: {busy:.2f} s; the writer committed {committed:,} transactions meanwhile")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as workdir:
        asyncio.run(measure(Path(workdir) / "archive.db", args.posts))


if __name__ == "__main__":
    main()
