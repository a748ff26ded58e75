"""`monitor archive copy` speed: an archive file of synthetic posts (bench_import.py's) copied into
PostgreSQL and back into a new file, each direction timed, and both copies checked against the source.

    python bench/bench_copy.py                               # 50,000 posts, a throwaway server
    python bench/bench_copy.py --posts 200000 --batch-size 5000
    python bench/bench_copy.py --url postgresql://monitor@db/empty_database

Every post has an engagement row and every tenth an alert, so the copy moves several tables; the
figures are rows per second over all tables and posts per second.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench_import import make_posts, synthetic_texts, vocabulary

from monitor.store import Store, open_archive
from monitor.store.copying import PAGE_ROWS, copy_archive

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.postgres import start_server

SAVE_BATCH = 2_000


async def build(path: Path, posts: int) -> None:
    rng = random.Random(7)
    items = make_posts(synthetic_texts(posts, vocabulary(rng), rng), 100, rng)
    async with await Store.open(path) as store:
        for start in range(0, len(items), SAVE_BATCH):
            await store.save(items[start : start + SAVE_BATCH])
        for post, _ in items[::50]:
            await store.record_engagement(
                post.channel_id,
                post.message_id,
                views=10,
                forwards=1,
                replies=0,
                reactions=[],
                at=datetime.now(UTC),
            )


async def timed_copy(source: Path | str, dest: Path | str, batch: int) -> tuple[float, int]:
    started = time.perf_counter()
    result = await copy_archive(source, dest, page_rows=batch)
    return time.perf_counter() - started, sum(result.copied.values())


async def stats(location: Path | str) -> dict[str, object]:
    async with await open_archive(location, readonly=True) as store:
        return await store.stats()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=PAGE_ROWS)
    parser.add_argument("--url", help="An empty database (default: a throwaway server, stopped at the end).")
    args = parser.parse_args()
    server = None if args.url else start_server()
    try:
        url = args.url or await server.create_database()  # type: ignore[union-attr]
        with tempfile.TemporaryDirectory() as tmp:
            source, back = Path(tmp) / "source.db", Path(tmp) / "back.db"
            await build(source, args.posts)
            for name, src, dst in (("file -> postgresql", source, url), ("postgresql -> file", url, back)):
                seconds, rows = await timed_copy(src, dst, args.batch_size)
                print(
                    f"{name}: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s, "
                    f"{args.posts / seconds:,.0f} posts/s, batches of {args.batch_size:,})"
                )
            expected = await stats(source)
            print(f"stats equal after the round trip: {await stats(url) == expected == await stats(back)}")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
