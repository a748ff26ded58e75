"""Archive benchmark: import rate, idempotent re-import rate and full-text search latency.

    python bench/bench_import.py                          # 100,000 synthetic posts, batches of 1,000
    python bench/bench_import.py --posts 20000 --batch 500
    python bench/bench_import.py --texts ../shared/data/posts/ru_news_2024/*.json   # real texts, repeated
    python bench/bench_import.py --defer      # as `monitor import` saves: search indexes built afterwards

Synthetic posts are generated here: Zipf-distributed pseudo-words (mostly Cyrillic), about 440
characters, one in ten with a watchlist term. Every post carries a precomputed Analysis, so only the
archive is measured. Search queries run on the synthetic vocabulary.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.model import Analysis, Match, Post
from monitor.store import Store

CYRILLIC = (
    "ба",
    "ве",
    "го",
    "да",
    "же",
    "зи",
    "ко",
    "ла",
    "ми",
    "но",
    "пу",
    "ра",
    "се",
    "ти",
    "ха",
    "ов",
    "ен",
)
LATIN = ("ta", "ke", "mi", "no", "ra", "su", "lo", "ve", "de", "ni", "ar", "on", "in", "st")
TERMS = ("газа", "хамас", "курск", "зсу", "hezbollah", "израиль")
CONFLICTS = ("israel-hamas", "russia-ukraine", "israel-hezbollah")
VOCABULARY_SIZE = 30_000
WORDS_PER_POST = 52

Items = list[tuple[Post, Analysis]]


def vocabulary(rng: random.Random) -> list[str]:
    """Pseudo-words of 2-4 syllables, in random order (the order decides their frequency rank)."""
    scripts = (CYRILLIC, CYRILLIC, CYRILLIC, LATIN)
    words = {
        "".join(rng.choices(rng.choice(scripts), k=rng.randint(2, 4))) for _ in range(VOCABULARY_SIZE * 2)
    }
    ordered = sorted(words)[:VOCABULARY_SIZE]
    rng.shuffle(ordered)
    return ordered


def synthetic_texts(count: int, words: list[str], rng: random.Random) -> list[str]:
    """Texts drawn with Zipf weights (word i has weight 1/i), one in ten with a watchlist term."""
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    texts = []
    for index in range(count):
        chosen = rng.choices(words, cum_weights=weights, k=WORDS_PER_POST)
        if index % 10 == 0:
            chosen[rng.randrange(len(chosen))] = rng.choice(TERMS)
        texts.append(" ".join(chosen))
    return texts


def real_texts(paths: list[Path], count: int) -> list[str]:
    """Texts from exports (JSON arrays or JSONL with a "text" string), repeated up to `count`."""
    texts: list[str] = []
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        records = json.loads(raw) if raw.lstrip().startswith("[") else map(json.loads, raw.splitlines())
        texts.extend(r["text"] for r in records if isinstance(r.get("text"), str) and r["text"].strip())
    return list(itertools.islice(itertools.cycle(texts), count))


def make_posts(texts: list[str], channels: int, rng: random.Random) -> Items:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    items = []
    for index, text in enumerate(texts):
        post = Post(
            channel_id=1_000_000 + index % channels,
            message_id=index // channels + 1,
            date=start + timedelta(seconds=index * 7),
            text=text,
            views=rng.randrange(100, 100_000),
            forwards=rng.randrange(0, 500),
            reactions=(("👍", rng.randrange(50)),),
        )
        items.append((post, analysis_of(text, rng)))
    return items


def analysis_of(text: str, rng: random.Random) -> Analysis:
    """A plausible Analysis: flagged with one match when the text holds a watchlist term."""
    lowered = text.lower()
    term = next((term for term in TERMS if term in lowered), None)
    if term is None:
        return Analysis("ru", 0.99, watchlist_version="bench")
    start = lowered.index(term)
    conflict = rng.choice(CONFLICTS)
    return Analysis(
        "ru", 0.99, (Match(conflict, term, "ru", start, start + len(term)),), (conflict,), "bench"
    )


async def timed_save(store: Store, items: Items, batch: int, defer: bool = False) -> float:
    """One save() per batch, each awaited before the next."""
    began = time.perf_counter()
    for offset in range(0, len(items), batch):
        await store.save(items[offset : offset + batch], defer_word_forms=defer)
    return time.perf_counter() - began


async def timed_build(store: Store) -> tuple[float, float, float, float]:
    """The exact and word-form indexes of posts saved with them deferred, built as `monitor import` and its
    catch-up do afterwards: (wall, CPU) seconds of each."""
    began, cpu = time.perf_counter(), time.process_time()
    await store.upkeep.build_exact_index()
    exact, exact_cpu = time.perf_counter() - began, time.process_time() - cpu
    began, cpu = time.perf_counter(), time.process_time()
    await store.upkeep.build_word_forms()
    return exact, exact_cpu, time.perf_counter() - began, time.process_time() - cpu


def queries(words: list[str]) -> dict[str, str]:
    """Queries from very common to rare words, a phrase, a boolean query and a watchlist term."""
    return {
        "word of rank 10": words[9],
        "word of rank 100": words[99],
        "word of rank 1,000": words[999],
        "word of rank 10,000": words[9_999],
        "two-word phrase": f'"{words[20]} {words[21]}"',
        "rank 100 AND rank 300": f"{words[99]} AND {words[299]}",
        "watchlist term": "хамас",
    }


async def search_latency(store: Store, named: dict[str, str], rounds: int) -> dict[str, float]:
    """Median milliseconds per query (limit 50, newest first)."""
    medians = {}
    for name, query in named.items():
        timings = []
        for _ in range(rounds):
            began = time.perf_counter()
            await store.search(query, limit=50)
            timings.append((time.perf_counter() - began) * 1000)
        medians[name] = statistics.median(timings)
    return medians


def match_count(path: Path, query: str) -> int:
    """How many posts a query matches, to read the latency figures against."""
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?", (query,)).fetchone()[0]


async def run(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    words = vocabulary(rng)
    texts = real_texts(args.texts, args.posts) if args.texts else synthetic_texts(args.posts, words, rng)
    items = make_posts(texts, args.channels, rng)
    # The input lives in memory (a real import streams it); keep the garbage collector from walking it.
    gc.freeze()
    named = queries(words)
    chars = sum(len(text) for text in texts) // len(texts)
    print(
        f"{len(items):,} posts, {chars} characters on average, "
        f"batches of {args.batch:,}, {args.channels} channels"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = await Store.open(path)
        try:
            cpu = time.process_time()
            first = await timed_save(store, items, args.batch, args.defer)
            cpu = time.process_time() - cpu
            exact, exact_cpu, stems, stems_cpu = await timed_build(store)
            again = await timed_save(store, items, args.batch)
            latency = await search_latency(store, named, args.search_rounds)
        finally:
            await store.close()
        counts = {name: match_count(path, query) for name, query in named.items()}
        size = path.stat().st_size
    mode = "search indexes deferred" if args.defer else "search indexes with each batch"
    per_post = 1e6 / len(items)
    print(
        f"import:    {len(items) / first:>8,.0f} posts/s ({first:.2f} s wall, {cpu:.2f} s CPU, "
        f"{cpu * per_post:.0f} µs a post; {mode})"
    )
    if args.defer:
        for name, wall, used in (("exact:", exact, exact_cpu), ("stems:", stems, stems_cpu)):
            print(
                f"{name:<10} {len(items) / wall:>8,.0f} posts/s ({wall:.2f} s wall, {used:.2f} s CPU, "
                f"{used * per_post:.0f} µs a post; built after)"
            )
        total = first + exact + stems
        both = cpu + exact_cpu + stems_cpu
        print(f"together:  {len(items) / total:>8,.0f} posts/s ({total:.2f} s wall, {both:.2f} s CPU)")
    print(f"re-import: {len(items) / again:>8,.0f} posts/s ({again:.2f} s, every post unchanged)")
    print(f"archive:   {size / 1e6:.0f} MB")
    print(f"search, limit 50, newest first (median of {args.search_rounds}):")
    for name, query in named.items():
        print(f"  {name:<22} {query:<28} {counts[name]:>7,} matches {latency[name]:>7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--search-rounds", type=int, default=20)
    parser.add_argument("--texts", type=Path, nargs="+", help="take post texts from these exports instead")
    parser.add_argument(
        "--defer",
        action="store_true",
        help="defer the word-form index, as `monitor import` does, then build it",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
