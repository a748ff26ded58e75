"""The word-form index (`post_stems`, stems.py) built after the posts it covers, for bulk imports.

Stemming a post and indexing its stems costs about as much as storing it, so an import stores its posts
with the index deferred and builds it afterwards, in chunks that are each one transaction. What is still
to do lives in the meta table (key `word_forms_pending`): every post with an id up to `through` is
indexed, so are the posts listed in `ahead`, and no other. Absent, the index is complete. An interrupted
build therefore resumes where its last chunk ended, and posts stored meanwhile (by the daemon, another
import) simply join the pending range: while it exists, no writer indexes new posts itself.

Only an edit touches the index of a pending post: the update trigger of 0004 takes the old stems out and
puts the new ones in, which needs the old ones to be there. So before an edit, a pending post is indexed
as it stands and listed in `ahead`; the build skips it later.

Search meanwhile reads the index for indexed posts and the exact full-text index for the pending ones,
asking there for any word that starts with a query word's stem (archive.py). The exact index is complete
but for the posts of an import still running or interrupted (exact_index.py), which `monitor import`
indexes there before it returns.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from monitor.store.rows import POST_SELECT
from monitor.store.stems import KEY_EPOCH, KEY_SHIFT

_KEY = "word_forms_pending"
# Posts per build transaction: about a second of work, so a writer waiting for the archive (the daemon
# storing live posts) never waits long.
BUILD_CHUNK = 20_000


def _search_key(table: str = "") -> str:
    """The SQL of a post's search key (stems.py), on the columns of `table` (an alias and a dot) or bare."""
    return (
        f"(min(max(coalesce(CAST(strftime('%s', {table}date) AS INTEGER), 0) - {KEY_EPOCH}, 0), 2147483647)"
        f" << {KEY_SHIFT}) | {table}id"
    )


_SEARCH_KEY = _search_key()
_INDEX_RANGE = f"""
INSERT INTO post_stems (rowid, text)
SELECT {_SEARCH_KEY}, stem_text(text) FROM posts
WHERE id > ? AND id <= ? AND id NOT IN (SELECT value FROM json_each(?))
"""
_INDEX_IDS = f"""
INSERT INTO post_stems (rowid, text)
SELECT {_SEARCH_KEY}, stem_text(text) FROM posts WHERE id IN (SELECT value FROM json_each(?))
"""


@dataclass(frozen=True, slots=True)
class Pending:
    """Posts above `through` are not in the word-form index yet, except those in `ahead`."""

    through: int
    ahead: tuple[int, ...] = ()

    def covers(self, post_id: int) -> bool:
        return post_id <= self.through or post_id in self.ahead


@dataclass(frozen=True, slots=True)
class Progress:
    """What a build chunk did: `indexed` posts; `done` once the index is complete."""

    indexed: int
    done: bool


PENDING_SQL = f"SELECT value FROM meta WHERE key = '{_KEY}'"


def pending(db: sqlite3.Connection) -> Pending | None:
    """The part of the archive not in the word-form index yet; None when the index is complete."""
    row = db.execute(PENDING_SQL).fetchone()
    return None if row is None else parse_pending(row[0])


def parse_pending(value: str) -> Pending:
    state = json.loads(value)
    return Pending(int(state["through"]), tuple(int(i) for i in state.get("ahead", ())))


def with_pending_posts(stem_sql: str, where: str, state: Pending) -> str:
    """Word-form search while the index is incomplete: the indexed posts' matches (`stem_sql`, its query,
    filters and limit) merged with those of the pending posts, found in the exact index by any word that
    starts with a query word's stem (stems.prefix_query); newest first either way. Binds: the stemmed
    query, the filters and limit of `stem_sql`, then the prefix query, the filters, the limit, the limit.
    """
    pending_sql = (
        f"{POST_SELECT}, {_search_key('p.')} AS search_key "
        "FROM posts_fts JOIN posts AS p ON p.id = posts_fts.rowid JOIN channels AS c ON c.id = p.channel_id "
        f"WHERE posts_fts MATCH ? AND p.id > {state.through} "
        f"AND p.id NOT IN (SELECT value FROM json_each('{json.dumps(state.ahead)}')) {where} "
        "ORDER BY search_key DESC LIMIT ?"
    )
    return (
        f"SELECT * FROM (SELECT * FROM ({stem_sql}) UNION ALL SELECT * FROM ({pending_sql})) "
        "ORDER BY search_key DESC LIMIT ?"
    )


def waiting(db: sqlite3.Connection, last: int) -> int:
    """How many posts (of ids up to `last`) wait for the index."""
    state = pending(db)
    return 0 if state is None else max(last - state.through - len(state.ahead), 0)


def defer(db: sqlite3.Connection) -> None:
    """From now on new posts wait for a build (inside the caller's transaction)."""
    if pending(db) is None:
        (last,) = db.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()
        _record(db, Pending(last))


def index_before_edit(db: sqlite3.Connection, post_ids: Iterable[int]) -> None:
    """Index pending posts about to be edited as they stand, so the update trigger finds their stems."""
    state = pending(db)
    if state is None:
        return
    waiting = sorted({post_id for post_id in post_ids if not state.covers(post_id)})
    if waiting:
        db.execute(_INDEX_IDS, (json.dumps(waiting),))
        _record(db, Pending(state.through, (*state.ahead, *waiting)))


def build_chunk(db: sqlite3.Connection, size: int = BUILD_CHUNK) -> Progress:
    """Index the next `size` pending posts in one transaction; the index is complete once `done`."""
    return chunk_in_transaction(db, _build_chunk, size)


def chunk_in_transaction(
    db: sqlite3.Connection, step: Callable[[sqlite3.Connection, int], Progress], size: int
) -> Progress:
    """One chunk of an index build in a write transaction of its own: all of it is kept, or none."""
    db.execute("BEGIN IMMEDIATE")
    try:
        progress = step(db, size)
    except BaseException:
        db.rollback()
        raise
    db.commit()
    return progress


def _build_chunk(db: sqlite3.Connection, size: int) -> Progress:
    (last,) = db.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()
    state = pending(db)
    if state is None:
        return Progress(0, True)
    upto = min(state.through + size, last)
    indexed = db.execute(_INDEX_RANGE, (state.through, upto, json.dumps(state.ahead))).rowcount
    if upto >= last:
        db.execute("DELETE FROM meta WHERE key = ?", (_KEY,))
    else:
        _record(db, Pending(upto, tuple(i for i in state.ahead if i > upto)))
    return Progress(indexed, upto >= last)


def _record(db: sqlite3.Connection, state: Pending) -> None:
    value = json.dumps({"through": state.through, "ahead": list(state.ahead)})
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (_KEY, value),
    )
