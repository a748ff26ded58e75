"""The exact full-text index (`posts_fts`) of the posts a bulk import stored without it, built after them.

Tokenising a text for posts_fts is the largest single cost of storing a post (about 30 of 80 µs in
bench_import), so an import's saves (`defer_word_forms`, the bulk path) leave their new posts out of it
and `monitor import` builds it, in chunks that are each one transaction, before it returns. Every other
writer (the daemon, archive copy) indexes its own new posts as it stores them, so what waits is only ever
the posts of an import still running or interrupted: ranges of post ids, first and last included, kept in
id order in the meta table (key `exact_index_pending`; absent when nothing waits). An interrupted import
leaves them to the next import or to `monitor archive catch-up`; until then search does not find them.

Only an edit touches the index entry of a stored post (0002's update trigger takes the old text out, which
must be in the index), so before an edit a waiting post is indexed as it stands and leaves its range.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from monitor.store.word_forms import Progress, chunk_in_transaction

_KEY = "exact_index_pending"
# Posts per build transaction: about a second of work, so a writer waiting for the archive never waits long.
BUILD_CHUNK = 20_000

_INDEX_RANGE = "INSERT INTO posts_fts (rowid, text) SELECT id, text FROM posts WHERE id >= ? AND id <= ?"
_INDEX_IDS = """
INSERT INTO posts_fts (rowid, text) SELECT id, text FROM posts WHERE id IN (SELECT value FROM json_each(?))
"""

Range = tuple[int, int]


def pending(db: sqlite3.Connection) -> list[Range]:
    """The ranges of post ids waiting for the exact index, in id order ([] when none waits)."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (_KEY,)).fetchone()
    return [] if row is None else [(int(first), int(last)) for first, last in json.loads(row[0])]


def waiting(db: sqlite3.Connection) -> int:
    """How many posts wait for the exact index."""
    return sum(last - first + 1 for first, last in pending(db))


def defer(db: sqlite3.Connection, first: int, last: int) -> None:
    """Posts `first` to `last` (just stored, inside the caller's transaction) wait for a build."""
    ranges = pending(db)
    if ranges and ranges[-1][1] == first - 1:
        ranges[-1] = (ranges[-1][0], last)
    else:
        ranges.append((first, last))
    _record(db, ranges)


def index_before_edit(db: sqlite3.Connection, post_ids: Iterable[int]) -> None:
    """Index waiting posts about to be edited as they stand, so the update trigger finds their entries."""
    ranges = pending(db)
    if not ranges:
        return
    chosen = sorted({i for i in post_ids if any(first <= i <= last for first, last in ranges)})
    if chosen:
        db.execute(_INDEX_IDS, (json.dumps(chosen),))
        _record(db, _without(ranges, chosen))


def build_chunk(db: sqlite3.Connection, size: int = BUILD_CHUNK) -> Progress:
    """Index the next `size` waiting posts in one transaction; the index is complete once `done`."""
    return chunk_in_transaction(db, _build_chunk, size)


def _build_chunk(db: sqlite3.Connection, size: int) -> Progress:
    ranges = pending(db)
    indexed = 0
    while ranges and indexed < size:
        first, last = ranges[0]
        upto = min(last, first + size - indexed - 1)
        db.execute(_INDEX_RANGE, (first, upto))
        indexed += upto - first + 1
        ranges[0:1] = [] if upto == last else [(upto + 1, last)]
    _record(db, ranges)
    return Progress(indexed, not ranges)


def _without(ranges: list[Range], ids: list[int]) -> list[Range]:
    """The ranges with the (sorted) ids taken out, split where one was inside."""
    left: list[Range] = []
    for first, last in ranges:
        start = first
        for i in ids:
            if start <= i <= last:
                if i > start:
                    left.append((start, i - 1))
                start = i + 1
        if start <= last:
            left.append((start, last))
    return left


def _record(db: sqlite3.Connection, ranges: list[Range]) -> None:
    if not ranges:
        db.execute("DELETE FROM meta WHERE key = ?", (_KEY,))
        return
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (_KEY, json.dumps([list(r) for r in ranges])),
    )
