"""The PostgreSQL archive: bulk import speed and search at 1,000,000 posts.

    python bench/bench_pg.py                         # a throwaway server (as the tests start one), 1M posts
    python bench/bench_pg.py --url postgresql://monitor@db/bench --posts 1000000
    python bench/bench_pg.py --url postgresql://monitor@db/bench --reuse      # measure what is there

Texts and posts are those of bench_archive_scale.py (real posts under ../shared/data/posts, analysed once,
repeated with new ids and dates over 200 channels). The archive is filled in three parts, each timed:

1. --save-posts posts through PgStore.save in batches of 2,000: the path the daemon and `monitor import`
   take (edits checked, stems computed per post, one unnest statement per table and batch);
2. --copy-posts posts through COPY: rows copied into a temporary table (asyncpg copy_records_to_table)
   and moved into posts with their stems in one INSERT ... SELECT per 20,000 posts, stems computed per
   post as they would be for new texts;
3. the rest up to --posts through the same COPY path with each distinct text's stems computed once: how
   fast the database itself takes posts (and how the 1M archive is built in reasonable time).

Then ANALYZE, and on the full archive bench_archive_scale's measures: search (newest 50 matches of words
at falling frequencies, word forms and exact), stats with each filter, a channel's export; and which
forms of a name a word-form search finds.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
from bench_archive_scale import BATCH, DATA, batches, load_texts, measure

from monitor.analysis import Analyzer
from monitor.model import Analysis, Post
from monitor.store import open_archive
from monitor.store.batch import POST_COLUMNS, encode
from monitor.store.codec import now_iso
from monitor.store.postgres.archive import PgStore
from monitor.store.stems import stem_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.postgres import start_server

COPY_CHUNK = 20_000
MATCH_COLUMNS = ("channel_id", "message_id", "conflict", "term", "lang", "start", "end")
_STAGING = f"""
CREATE TEMP TABLE staging ON COMMIT DROP AS
SELECT {", ".join(POST_COLUMNS)}, ''::text AS stems FROM posts WITH NO DATA
"""
_MOVE = f"""
INSERT INTO posts ({", ".join(POST_COLUMNS)}, stems)
SELECT {", ".join(POST_COLUMNS)}, to_tsvector('simple', stems) FROM staging
"""


def chunks(texts: list[str], analyses: list[Analysis], first: int, count: int) -> Iterator[list]:
    """The posts [first, first + count) in chunks of COPY_CHUNK, with each post's text index."""
    chunk: list[tuple[Post, Analysis]] = []
    for batch in batches(texts, analyses, count, first):
        chunk.extend(batch)
        if len(chunk) >= COPY_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def copy_posts(store: PgStore, items: list[tuple[Post, Analysis]], stems: Callable[[str], str]) -> None:
    """New posts (none archived yet) in one transaction: COPY into a temporary table, then one INSERT."""
    encoded = encode(items, now_iso())
    rows = [(*item.row, stems(item.text)) for item in encoded]
    matches = [(*item.key, *match) for item in encoded for match in item.matches]
    async with store.database.write() as db:
        await db.execute(
            "INSERT INTO channels (id, first_seen) SELECT unnest($1::bigint[]), $2 ON CONFLICT DO NOTHING",
            sorted({item.key[0] for item in encoded}),
            now_iso(),
        )
        await db.execute(_STAGING)
        await db.copy_records_to_table("staging", records=rows, columns=[*POST_COLUMNS, "stems"])
        await db.execute(_MOVE)
        if matches:
            await db.copy_records_to_table("matches", records=matches, columns=MATCH_COLUMNS)


async def timed_import(label: str, count: int, work: Callable[[], object]) -> None:
    started = time.perf_counter()
    await work()  # type: ignore[misc]
    elapsed = time.perf_counter() - started
    print(f"| {label} | {count:,} | {elapsed:.1f} | {count / elapsed:,.0f} |", flush=True)


async def build(store: PgStore, texts: list[str], analyses: list[Analysis], args: argparse.Namespace) -> None:
    print("| path | posts | s | posts/s |")
    print("|---|---|---|---|")
    saved = min(args.save_posts, args.posts)

    async def save() -> None:
        for batch in batches(texts, analyses, saved):
            await store.save(batch, alert=False)

    await timed_import(f"PgStore.save, batches of {BATCH:,}", saved, save)
    copied = min(args.copy_posts, args.posts - saved)

    async def copy_stemmed() -> None:
        for chunk in chunks(texts, analyses, saved, copied):
            await copy_posts(store, chunk, stem_text)

    await timed_import(f"COPY, {COPY_CHUNK:,} a transaction, stems per post", copied, copy_stemmed)
    rest = args.posts - saved - copied
    known = {text: stem_text(text) for text in texts}

    async def copy_known() -> None:
        for chunk in chunks(texts, analyses, saved + copied, rest):
            await copy_posts(store, chunk, known.__getitem__)

    if rest > 0:
        await timed_import("COPY, stems of each distinct text computed once", rest, copy_known)
    async with store.database.write() as db:
        await db.execute("ANALYZE")


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
    parser.add_argument("--save-posts", type=int, default=100_000)
    parser.add_argument("--copy-posts", type=int, default=200_000)
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
            posts = int((await store.stats())["posts"])  # type: ignore[arg-type]
            print(f"\narchive: {posts:,} posts")
            await measure(store, texts, posts)  # type: ignore[arg-type]
            await word_forms(store, "Херсон")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
