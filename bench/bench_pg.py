"""The PostgreSQL archive: bulk import speed, the word-form index built after it, and search at scale.

    python bench/bench_pg.py                         # a throwaway server (as the tests start one), 1M posts
    python bench/bench_pg.py --posts 200000 --import-only          # only the import figures
    python bench/bench_pg.py --url postgresql://monitor@db/bench --posts 1000000
    python bench/bench_pg.py --url postgresql://monitor@db/bench --reuse      # measure what is there

Texts and posts are those of bench_archive_scale.py (real posts under ../shared/data/posts, analysed once,
before timing, repeated with new ids and dates over 200 channels). The archive is filled in two parts:

1. --save-posts posts through PgStore.save in batches of 2,000: the daemon's path (edits checked, stems
   computed and indexed with each post, one unnest statement per table and batch);
2. the rest up to --posts (made before timing) through PgStore.save(defer_word_forms=True) in batches of
   --bulk-batch, as `monitor import` saves (postgres/bulk.py: COPY, no stems), with --in-flight batches
   saved at once (importing/in_flight.py: the next batch encoded and sent while the server stores one);

then the word-form index of those posts is built (store.upkeep.build_word_forms, as `monitor import` does
at its end). Each step prints posts/s in wall time, and the CPU seconds of this process (the client:
encoding, COPY, stemming) and of the server's processes (read from /proc, so only for a server on this
machine) per post: on a shared machine the CPU figures say more than the wall time.

Then ANALYZE, and on the full archive bench_archive_scale's measures: search (newest 50 matches of words
at falling frequencies, word forms and exact), stats with each filter, a channel's export; and which
forms of a name a word-form search finds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from bench_archive_scale import BATCH, DATA, batches, load_texts, measure

from monitor.analysis import Analyzer
from monitor.importing.in_flight import IN_FLIGHT, InFlight
from monitor.importing.pipeline import IMPORT_BATCH
from monitor.model import Analysis
from monitor.store import open_archive
from monitor.store.postgres.archive import PgStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.postgres import start_server


@dataclass(frozen=True, slots=True)
class Clocks:
    """Wall seconds, this process's CPU seconds and the server's (None when it runs elsewhere)."""

    wall: float
    client: float
    server: float | None

    def __sub__(self, other: Clocks) -> Clocks:
        server = None if self.server is None or other.server is None else self.server - other.server
        return Clocks(self.wall - other.wall, self.client - other.client, server)


async def server_pid(store: PgStore) -> int | None:
    """The server's main process (the parent of this connection's backend), if it runs on this machine."""
    backend = await store.database.value("SELECT pg_backend_pid()")
    stat = Path(f"/proc/{backend}/stat")
    return int(stat.read_text().rsplit(")", 1)[1].split()[1]) if stat.exists() else None


def server_cpu(pid: int | None) -> float | None:
    """CPU seconds of the server: its main process, the children it has reaped, and those still running."""
    if pid is None:
        return None
    ticks = os.sysconf("SC_CLK_TCK")

    def fields(path: Path) -> list[str]:
        return path.read_text().rsplit(")", 1)[1].split()

    main = fields(Path(f"/proc/{pid}/stat"))
    total = sum(int(value) for value in main[11:15])  # utime, stime, cutime, cstime
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            total += sum(int(value) for value in fields(Path(f"/proc/{child}/stat"))[11:13])
        except FileNotFoundError:  # exited meanwhile: counted in cutime next time
            continue
    return total / ticks


async def timed(label: str, count: int, work: Callable[[], Awaitable[object]], pid: int | None) -> None:
    def now() -> Clocks:
        return Clocks(time.perf_counter(), time.process_time(), server_cpu(pid))

    before = now()
    await work()
    took = now() - before
    micro = 1_000_000 / max(count, 1)  # seconds for all of them, as µs per post
    server = "n/a" if took.server is None else f"{took.server * micro:.0f}"
    rate = count / took.wall
    print(
        f"| {label} | {count:,} | {took.wall:.1f} | {rate:,.0f} | {took.client * micro:.0f} | {server} |",
        flush=True,
    )


async def build(store: PgStore, texts: list[str], analyses: list[Analysis], args: argparse.Namespace) -> None:
    pid = await server_pid(store)
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print("| path | posts | wall s | posts/s (wall) | client CPU µs per post | server CPU µs per post |")
    print("|---|---|---|---|---|---|")
    saved = min(args.save_posts, args.posts)

    async def save() -> None:
        for batch in batches(texts, analyses, saved):
            await store.save(batch, alert=False)

    await timed(f"PgStore.save, batches of {BATCH:,}, index inline", saved, save, pid)
    bulk = args.posts - saved

    # Made before timing, as the analysis is: what is timed is storing them.
    ready = list(slices(batches(texts, analyses, bulk, saved), args.bulk_batch))

    async def save_bulk() -> None:
        saves = InFlight(store, lambda _, __: None, limit=args.in_flight)
        try:
            for batch in ready:
                await saves.add(len(batch), batch)
            await saves.settle()
        finally:
            await saves.close()

    label = f"bulk import (COPY), batches of {args.bulk_batch:,}, {args.in_flight} in flight, index deferred"
    await timed(label, bulk, save_bulk, pid)
    await timed("then the word-form index of those posts", bulk, store.upkeep.build_word_forms, pid)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    async with store.database.write() as db:
        await db.execute("ANALYZE")


def slices(batches_: Iterable[list], size: int) -> Iterator[list]:
    """The posts of `batches_` again, in lists of `size`."""
    chunk: list = []
    for batch in batches_:
        chunk.extend(batch)
        while len(chunk) >= size:
            yield chunk[:size]
            chunk = chunk[size:]
    if chunk:
        yield chunk


async def word_forms(store: PgStore, word: str) -> None:
    """Which spellings of `word` the newest 200 word-form matches hold: more than one: forms are found."""
    stem = word.lower()[:-1]
    found = Counter[str]()
    for stored in await store.search(word, limit=200):
        found.update(w.lower() for w in re.findall(rf"\b{stem}\w*", stored.post.text, re.IGNORECASE))
    exact = len(await store.search(word, limit=200, exact=True))
    print(f"\nword forms of {word!r} among its newest 200 matches: {dict(found.most_common(8))}")
    print(f"exact search finds {exact} of 200 (as written only)")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="An empty database (default: a throwaway server, stopped at the end).")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--save-posts", type=int, default=20_000)
    parser.add_argument("--bulk-batch", type=int, default=IMPORT_BATCH, help="Posts per bulk-import batch.")
    parser.add_argument("--in-flight", type=int, default=IN_FLIGHT, help="Bulk-import batches saved at once.")
    parser.add_argument("--import-only", action="store_true", help="Build, then stop: no searches.")
    parser.add_argument("--reuse", action="store_true", help="Measure --url as it is, without building.")
    parser.add_argument("--texts", type=Path, default=DATA)
    args = parser.parse_args()

    texts = load_texts(args.texts)
    if not texts:
        raise SystemExit(f"no posts under {args.texts}: give the folder of real posts with --texts")
    analyses = Analyzer.from_files(backend="fast").analyze_many(texts)
    print(f"{len(texts):,} distinct texts, {sum(bool(a.conflicts) for a in analyses):,} flagged")
    server = None if args.url else start_server()
    url = args.url or server.url("postgres")  # type: ignore[union-attr]
    try:
        if server is not None:
            connection = await asyncpg.connect(url)
            await connection.execute("CREATE DATABASE bench")
            await connection.close()
            url = server.url("bench")
        store = await open_archive(url)
        assert isinstance(store, PgStore)
        async with store:
            if not args.reuse:
                await build(store, texts, analyses, args)
            if args.import_only:
                return
            posts = int((await store.stats())["posts"])  # type: ignore[arg-type]
            print(f"\narchive: {posts:,} posts")
            await measure(store, texts, posts)  # type: ignore[arg-type]
            await word_forms(store, "Херсон")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
