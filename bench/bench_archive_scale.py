"""Archive at scale: search, stats, a channel's export and write cost, on an archive of real texts.

    python bench/bench_archive_scale.py                       # 500,000 posts in a temporary archive
    python bench/bench_archive_scale.py --posts 5000000 --archive /tmp/scale.db --keep
    python bench/bench_archive_scale.py --archive /tmp/scale.db --reuse    # measure an archive built before
    python bench/bench_archive_scale.py --posts 5000000 --measure-every 1000000   # figures on the way

The texts are the real posts under ../shared/data/posts (JSONL and Telegram Desktop exports), each
analysed once (language and watchlists) and repeated with new ids and dates until the archive holds
--posts posts: 200 channels of very different sizes (channel k gets a share of 1/(k+1)), dates about 20
seconds apart, every channel's ids rising. Everything is stored through Store.save in batches, as
an import would. Then, on the full archive:

- search: the newest 50 matches of words picked from the archive's vocabulary at several frequencies
  (from one in three posts down to a few dozen), word forms and exact, each the median of 5 runs;
- stats: without filters and with each filter (channel, conflict, language, a period starting mid-day);
- export: every post of the largest channel and of a channel with a tenth of its posts, through
  Store.iter_posts (time per post should not grow with the channel);
- writes: the cost per post of the next 20 batches, each saved first into an empty archive and then into
  this one, in wall time and in CPU time (robust to load); these posts stay in the archive.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import collections
import itertools
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.analysis import Analyzer
from monitor.importing.files import InputRecord, read_posts
from monitor.model import Analysis, Channel, Post
from monitor.store import Store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "posts"
CHANNELS = 200
START = datetime(2023, 1, 1, tzinfo=UTC)
BATCH = 2_000
WRITE_BATCHES = 20
RUNS = 5
SPACING = 20  # seconds between posts: 5,000,000 posts span about three years


def load_texts(folder: Path) -> list[str]:
    """Every distinct non-empty text of the posts under `folder`."""
    texts: dict[str, None] = {}
    for path in sorted(folder.rglob("*.json*")):
        for record in read_posts(path):
            if isinstance(record, InputRecord) and record.text.strip():
                texts[record.text] = None
    return list(texts)


_SHARES = list(itertools.accumulate(1 / (k + 1) for k in range(CHANNELS)))


def channel_of(index: int) -> int:
    """Channel k (id 1000+k) receives about 1/(k+1) of the posts: a few large channels, many small."""
    position = (index * 0.6180339887) % 1.0 * _SHARES[-1]
    return 1000 + min(bisect.bisect(_SHARES, position), CHANNELS - 1)


def batches(texts: list[str], analyses: list[Analysis], count: int, first: int = 0):
    """`count` posts from index `first` on, in batches: dates rise by 1-2 minutes, ids per channel."""
    batch: list[tuple[Post, Analysis]] = []
    for index in range(first, first + count):
        channel = channel_of(index)
        text_index = (index * 7919) % len(texts)
        date = START + timedelta(seconds=SPACING * index + (index * 37) % SPACING)
        post = Post(channel, 10_000_000 + index, date, texts[text_index], views=index % 5000)
        batch.append((post, analyses[text_index]))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def add_channels(store: Store) -> None:
    await store.upsert_channel(Channel(1000, "Channel 0", "channel_0"))
    for k in range(1, CHANNELS):
        await store.upsert_channel(Channel(1000 + k, f"Channel {k}", f"channel_{k}"))


async def save_costs(store: Store, batch: list[tuple[Post, Analysis]]) -> tuple[float, float]:
    """Seconds of wall time and of this process's CPU time (every thread: the store writes on its own
    thread) per post, for saving one batch."""
    wall, cpu = time.perf_counter(), time.process_time()
    await store.save(batch, alert=True)
    return (time.perf_counter() - wall) / len(batch), (time.process_time() - cpu) / len(batch)


async def compare_writes(store: Store, upcoming) -> int:
    """The next WRITE_BATCHES batches of the build, each also saved into an empty archive right before it.

    The same posts go into both archives, alternately, so both see the same load from other work on the
    machine; CPU time (not wall time) is what the comparison rests on, as waiting for the cores does not
    count in it. Returns the number of posts added to the full archive.
    """
    empty_costs, full_costs = [], []
    added = 0
    with tempfile.TemporaryDirectory(prefix="bench-scale-empty-") as folder:
        async with await Store.open(Path(folder) / "empty.db") as empty:
            await add_channels(empty)
            for batch in itertools.islice(upcoming, WRITE_BATCHES):
                empty_costs.append(await save_costs(empty, batch))
                full_costs.append(await save_costs(store, batch))
                added += len(batch)
    if not empty_costs:
        return 0
    for name, column in (("wall", 0), ("CPU", 1)):
        into_empty = statistics.median(cost[column] for cost in empty_costs)
        into_full = statistics.median(cost[column] for cost in full_costs)
        print(
            f"writes, {name} time: {into_empty * 1e6:.0f} µs per post into an empty archive, "
            f"{into_full * 1e6:.0f} µs into this one ({into_full / into_empty:.2f}x; median of "
            f"{len(full_costs)} batches of {BATCH:,}, alternating)"
        )
    return added


async def build(
    store: Store, texts: list[str], analyses: list[Analysis], posts: int, measure_every: int
) -> None:
    """Store `posts` posts; every `measure_every` posts (and at the end), measure the archive so far."""
    await add_channels(store)
    started = time.perf_counter()
    done = 0
    upcoming = batches(texts, analyses, 2 * posts + WRITE_BATCHES * BATCH)  # the comparisons take theirs too
    for batch in upcoming:
        await store.save(batch, alert=True)
        done += len(batch)
        if done % 100_000 < BATCH:
            print(
                f"  stored {done:,} posts ({done / (time.perf_counter() - started):,.0f} posts/s)", flush=True
            )
        if done % measure_every < BATCH or done >= posts:
            size = store.path.stat().st_size / 1e9
            print(f"\n## {done:,} posts, {size:.2f} GB, stored in {time.perf_counter() - started:,.0f} s")
            paused = time.perf_counter()
            await measure(store, texts, done)
            done += await compare_writes(store, upcoming)
            print(flush=True)
            started += time.perf_counter() - paused  # the storing rate leaves measuring out
            if done >= posts:
                return


def query_words(texts: list[str], posts: int) -> list[tuple[str, float]]:
    """Words at falling frequencies (share of texts that hold them), from the texts themselves."""
    holding: collections.Counter[str] = collections.Counter()
    for text in texts:
        holding.update({word.lower() for word in re.findall(r"[^\W\d_]{4,}", text)})
    ranked = holding.most_common()
    picked = []
    for share in (0.3, 0.1, 0.03, 0.01, 0.001, 0.0001):
        word, n = min(ranked, key=lambda item: abs(item[1] / len(texts) - share))
        if n / len(texts) * posts >= 20:
            picked.append((word, n / len(texts)))
    return picked


async def timed(work) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def measure(store: Store, texts: list[str], posts: int) -> None:
    print("\nsearch, newest 50 (median of 5):")
    print("| word | share of posts | word forms ms | exact ms |")
    print("|---|---|---|---|")
    for word, share in query_words(texts, posts):
        forms = await timed(lambda w=word: store.search(w, limit=50))
        exact = await timed(lambda w=word: store.search(w, limit=50, exact=True))
        print(f"| {word} | {share:.2%} | {forms * 1000:.1f} | {exact * 1000:.1f} |")

    newest = START + timedelta(seconds=SPACING * posts)
    print("\nstats (median of 5):")
    print("| filter | ms |")
    print("|---|---|")
    for name, filters in {
        "none": {},
        "--channel (largest)": {"channel": "1000"},
        "--conflict russia-ukraine": {"conflict": "russia-ukraine"},
        "--lang uk": {"lang": "uk"},
        "--since (mid-day, last third)": {"since": newest - timedelta(seconds=SPACING * posts / 3, hours=5)},
        "all four": {
            "channel": "1001",
            "conflict": "russia-ukraine",
            "lang": "ru",
            "since": newest - timedelta(seconds=SPACING * posts / 3, hours=5),
        },
    }.items():
        print(f"| {name} | {await timed(lambda f=filters: store.stats(**f)) * 1000:.0f} |")

    print("\nexport of one channel (Store.iter_posts):")
    print("| channel | posts | s | µs per post |")
    print("|---|---|---|---|")
    sizes = {c["id"]: c["posts"] for c in (await store.stats())["channels"]}  # type: ignore[index]
    largest = max(sizes, key=sizes.__getitem__)
    tenth = min(sizes, key=lambda c: abs(sizes[c] - sizes[largest] / 10))
    for channel in (largest, tenth):
        started = time.perf_counter()
        count = 0
        async for _ in store.iter_posts(channel=str(channel)):
            count += 1
        elapsed = time.perf_counter() - started
        print(f"| {channel} | {count:,} | {elapsed:.2f} | {elapsed / count * 1e6:.0f} |")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=500_000)
    parser.add_argument("--archive", type=Path, help="Build here (default: a temporary directory).")
    parser.add_argument("--keep", action="store_true", help="Keep the archive after the run.")
    parser.add_argument("--reuse", action="store_true", help="Measure --archive as it is, without building.")
    parser.add_argument("--texts", type=Path, default=DATA)
    parser.add_argument("--measure-every", type=int, help="Also measure after every this many posts.")
    args = parser.parse_args()

    texts = load_texts(args.texts)
    if not texts:
        raise SystemExit(f"no posts under {args.texts}: give the folder of real posts with --texts")
    analyses = Analyzer.from_files().analyze_many(texts)
    size = sum(len(t.encode()) for t in texts) / len(texts)
    flagged = sum(bool(a.conflicts) for a in analyses)
    print(f"{len(texts):,} distinct texts, {size:,.0f} bytes on average, {flagged:,} flagged")

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        path = args.archive or Path(folder) / "archive.db"
        async with await Store.open(path) as store:
            if args.reuse:
                await measure(store, texts, int((await store.stats())["posts"]))  # type: ignore[arg-type]
            else:
                await build(store, texts, analyses, args.posts, args.measure_every or args.posts)
        if args.archive and not args.keep and not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    asyncio.run(main())
