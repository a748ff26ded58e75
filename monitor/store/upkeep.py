"""Work an archive may still owe, done in resumable chunks: the exact full-text index and the word-form
index of posts stored with them deferred (exact_index.py, word_forms.py), and links written in the text of
posts stored before such links were kept.

Each chunk is one transaction that also records how far the work got (meta table), so an interrupted run
loses at most its current chunk and the next run goes on from there. Between chunks the archive is free,
so a daemon sharing the file keeps storing posts. Opening an archive never does this work: on a large
archive it takes minutes, and `monitor import` and `monitor archive catch-up` run it with progress shown.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from monitor.store import exact_index, word_forms
from monitor.store.codec import dump_list, load_list
from monitor.store.database import Database

# What a post's links become given the links stored and the text (the analysis layer knows how).
LinksOf = Callable[[tuple[str, ...], str], tuple[str, ...]]

_LINKS_KEY = "text_links_backfill"
LINKS_CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class Owed:
    """How many posts each piece of work still has to go through."""

    exact_index: int
    word_forms: int
    text_links: int

    @property
    def total(self) -> int:
        return self.exact_index + self.word_forms + self.text_links


class Upkeep:
    """Reached as `store.upkeep`; shares the store's connection."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def owed(self) -> Owed:
        return await self._database.run_on_thread(_owed, None)

    async def build_exact_index(self, advance: Callable[[int], object] = lambda _: None) -> None:
        """Index every post of a bulk import waiting for the exact index; `advance` is told of each chunk."""
        await self._build(exact_index.build_chunk, exact_index.BUILD_CHUNK, advance)

    async def build_word_forms(self, advance: Callable[[int], object] = lambda _: None) -> None:
        """Index every post waiting for the word-form index; `advance` is told of each chunk's posts."""
        await self._build(word_forms.build_chunk, word_forms.BUILD_CHUNK, advance)

    async def _build(
        self,
        chunk: Callable[[sqlite3.Connection, int], word_forms.Progress],
        size: int,
        advance: Callable[[int], object],
    ) -> None:
        """Run an index build chunk by chunk on the store's thread until it is complete."""
        self._database.check_writable()
        while True:
            progress = await self._database.run_on_thread(chunk, size)
            advance(progress.indexed)
            if progress.done:
                return

    async def fill_text_links(
        self, links_of: LinksOf, advance: Callable[[int], object] = lambda _: None
    ) -> None:
        """Give every post stored before text links were kept the links its text holds (once per archive)."""
        self._database.check_writable()
        work = functools.partial(_links_chunk, links_of=links_of)
        while True:
            done, finished = await self._database.run_on_thread(work, LINKS_CHUNK)
            advance(done)
            if finished:
                return


def _owed(db: sqlite3.Connection, _: None) -> Owed:
    (last,) = db.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()
    links = _links_state(db)
    return Owed(
        exact_index=exact_index.waiting(db),
        word_forms=word_forms.waiting(db, last),
        text_links=0 if links.get("done") else max(last - links["through"], 0),
    )


def links_complete(db: sqlite3.Connection) -> None:
    """An archive whose first posts are being stored owes no links: this code keeps those of the text."""
    _record_links(db, {"through": 0, "done": True})


def _record_links(db: sqlite3.Connection, state: dict[str, object]) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (_LINKS_KEY, json.dumps(state)),
    )


def _links_state(db: sqlite3.Connection) -> dict[str, int]:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (_LINKS_KEY,)).fetchone()
    return json.loads(row[0]) if row else {"through": 0}


def _links_chunk(db: sqlite3.Connection, size: int, *, links_of: LinksOf) -> tuple[int, bool]:
    """One transaction: the next `size` posts by id; returns how many it went through and whether all are."""
    db.execute("BEGIN IMMEDIATE")
    try:
        result = _fill_links(db, size, links_of)
    except BaseException:
        db.rollback()
        raise
    db.commit()
    return result


def _fill_links(db: sqlite3.Connection, size: int, links_of: LinksOf) -> tuple[int, bool]:
    state = _links_state(db)
    if state.get("done"):
        return 0, True
    (last,) = db.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()
    upto = min(state["through"] + size, last)
    changed = []
    rows = db.execute("SELECT id, links, text FROM posts WHERE id > ? AND id <= ?", (state["through"], upto))
    for post_id, links, text in rows:
        known = load_list(links)
        found = links_of(known, text or "")
        if found != known:
            changed.append((dump_list(found), post_id))
    db.executemany("UPDATE posts SET links = ? WHERE id = ?", changed)
    finished = upto >= last
    _record_links(db, {"through": upto, "done": finished})
    return upto - state["through"], finished
