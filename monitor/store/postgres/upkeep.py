"""What a PostgreSQL archive may still owe (the counterpart of store/upkeep.py, the same `Owed` and entry
points, run by importing/catch_up.py): the word-form index of posts a bulk import stored without it.

A post waits while its stems are NULL (0005; bulk.py). The build takes the waiting posts in id order, a
chunk per transaction, locked with SKIP LOCKED: what a chunk indexed is committed with it, so an
interrupted build resumes with the posts still waiting, two builds share the work, and the daemon's
writes wait at most for one chunk. Stemming runs here in Python, as on every write (stems.py).

Links written in the text owe nothing here: every PostgreSQL archive was written by code that keeps them.
Nor does the exact full-text index: PostgreSQL indexes a post's text as it stores it.
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from monitor.store.postgres.database import PgDatabase
from monitor.store.stems import stem_text
from monitor.store.upkeep import LinksOf, Owed

# Posts per build transaction: a second or two of work on a loaded 2-core machine.
BUILD_CHUNK = 5_000
WAITING = "SELECT count(*) FROM posts WHERE stems IS NULL"
_NEXT_WAITING = "SELECT id, text FROM posts WHERE stems IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED"
_INDEX = """
UPDATE posts AS p SET stems = to_tsvector('simple', u.stems)
FROM unnest($1::bigint[], $2::text[]) AS u (id, stems) WHERE p.id = u.id
"""


class PgUpkeep:
    """Reached as `store.upkeep`; shares the store's pool."""

    def __init__(self, database: PgDatabase) -> None:
        self._database = database

    async def owed(self) -> Owed:
        waiting = int(await self._database.value(WAITING))  # type: ignore[arg-type]
        return Owed(exact_index=0, word_forms=waiting, text_links=0)

    async def build_exact_index(self, advance: Callable[[int], object] = lambda _: None) -> None:
        """Nothing to build: a bulk import's COPY indexes text for exact search as it stores it; there for
        the shared import and catch-up."""

    async def build_word_forms(self, advance: Callable[[int], object] = lambda _: None) -> None:
        """Index every post waiting for the word-form index; `advance` is told of each chunk's posts."""
        self._database.check_writable()
        while True:
            async with self._database.write() as db:
                indexed = await index_chunk(db, BUILD_CHUNK)
            advance(indexed)
            if indexed == 0:
                return

    async def fill_text_links(
        self, links_of: LinksOf, advance: Callable[[int], object] = lambda _: None
    ) -> None:
        """Nothing to fill (see the module's docstring); there for the shared catch-up."""


async def index_chunk(db: asyncpg.Connection, size: int) -> int:
    """Within the caller's transaction: index up to `size` waiting posts; returns how many."""
    rows = await db.fetch(_NEXT_WAITING, size)
    if rows:
        await db.execute(_INDEX, [row[0] for row in rows], [stem_text(row[1]) for row in rows])
    return len(rows)
