"""`monitor archive copy`: every table of one archive into another, between files and PostgreSQL databases
in any direction, resumable.

Each table is read in the order of its key a page at a time; a page is appended to the destination in one
transaction together with the key of its last row (meta `copy:<table>`), so a copy cut off anywhere goes
on from the last page that arrived, with nothing twice. Summary tables (post and alert counts), the post
ids of linked rows and the search indexes are not copied: the destination's own triggers and writers
rebuild them as rows arrive. The destination must be empty or the unfinished copy of the same source;
what the source changes in rows already copied is not followed (copy a stopped archive), and a finished
copy is not topped up. Each fleet account's own access hashes and memberships are copied, so workers on
the new archive need not resolve their channels again; the leases, workers and the sender's seat are the
running fleet's state, not the archive's, and a fleet starts afresh on the copy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from monitor.model import utcnow
from monitor.store.codec import to_iso
from monitor.store.errors import ArchiveError
from monitor.store.postgres.url import is_postgres_url

# In the order rows may refer to each other (posts before what hangs off them), each with its key.
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("conflicts", ("id",)),
    ("channels", ("id",)),
    ("channel_refs", ("ref",)),
    ("posts", ("id",)),
    ("matches", ("id",)),
    ("revisions", ("id",)),
    ("engagement", ("channel_id", "message_id", "at")),
    ("alerts", ("id",)),
    ("sync_state", ("channel_id",)),
    ("channel_context", ("channel_id",)),
    ("account_channels", ("account", "channel_id")),
    ("mutes", ("conflict",)),
    ("meta", ("key",)),
)
# Columns each destination fills itself (post ids by trigger, PostgreSQL's search stems by its writer).
DERIVED = frozenset({"post_id", "stems"})
MARK_PREFIX = "copy:"
SOURCE_MARK = "copy:source"
DONE_MARK = "copy:done"
PAGE_ROWS = 2000

Progress = Callable[[str, int], None]


class DestinationInUse(ArchiveError):
    """The destination holds rows that are not an unfinished copy of this source."""


class Tables(Protocol):
    """One archive's tables as rows (store/tables.py, store/postgres/tables.py)."""

    shown: str

    async def close(self) -> None: ...

    async def columns(self, table: str) -> list[str]: ...

    async def count(self, table: str, key: Sequence[str], after: Sequence[object] | None) -> int: ...

    async def page(
        self,
        table: str,
        key: Sequence[str],
        columns: Sequence[str],
        after: Sequence[object] | None,
        limit: int,
    ) -> list[tuple[object, ...]]: ...

    async def append(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]], marks: Mapping[str, str]
    ) -> None: ...

    async def mark(self, key: str) -> str | None: ...


@dataclass(slots=True)
class CopyResult:
    """Rows copied per table by this run, whether it went on from an earlier, unfinished run, and whether
    that run had in fact finished (nothing is copied then)."""

    source: str
    dest: str
    resumed: bool
    copied: dict[str, int] = field(default_factory=dict)
    finished_before: bool = False


async def open_tables(location: str | Path, *, readonly: bool) -> Tables:
    """The tables of the archive at `location` (a file, or a postgresql:// URL), migrated unless read-only."""
    if is_postgres_url(location):
        from monitor.store.postgres.tables import PgTables  # loads the driver only when needed

        return await PgTables.open(str(location), readonly=readonly)
    from monitor.store.tables import SqliteTables

    path = Path(location)
    if readonly and not path.is_file():
        raise ArchiveError(f"{path}: no such archive file")
    return await SqliteTables.open(path, readonly=readonly)


async def copy_archive(
    source: str | Path,
    dest: str | Path,
    *,
    page_rows: int = PAGE_ROWS,
    remaining: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> CopyResult:
    """Copy every table of `source` into `dest` (created and migrated as needed). `remaining` is told the
    rows still to copy before the first page; `progress` (table, rows) after each page has been stored."""
    src = await open_tables(source, readonly=True)
    try:
        dst = await open_tables(dest, readonly=False)
        try:
            return await _copy(src, dst, page_rows, remaining, progress)
        finally:
            await dst.close()
    finally:
        await src.close()


async def _copy(
    src: Tables,
    dst: Tables,
    page_rows: int,
    remaining: Callable[[int], None] | None,
    progress: Progress | None,
) -> CopyResult:
    resumed = await _claim(src, dst)
    result = CopyResult(src.shown, dst.shown, resumed)
    if resumed and await dst.mark(DONE_MARK) is not None:
        # Topping up a finished copy would bring new rows but not the changes of rows copied before.
        result.finished_before = True
        return result
    marks = {table: _load_mark(await dst.mark(MARK_PREFIX + table)) for table, _ in TABLES}
    if remaining is not None:
        remaining(sum([await src.count(table, key, marks[table]) for table, key in TABLES]))
    for table, key in TABLES:
        result.copied[table] = await _copy_table(src, dst, table, key, marks[table], page_rows, progress)
    await dst.append("meta", [], [], {DONE_MARK: to_iso(utcnow())})
    return result


async def _claim(src: Tables, dst: Tables) -> bool:
    """Whether this copy goes on from an unfinished one; a new copy marks the destination as its own.
    Refused: the source itself, or a destination with rows of another archive."""
    if src.shown == dst.shown:
        raise DestinationInUse(f"{dst.shown}: the destination is the source itself")
    claimed = await dst.mark(SOURCE_MARK)
    if claimed == src.shown:
        return True
    if claimed is not None:
        raise DestinationInUse(
            f"{dst.shown}: holds a copy of another archive ({claimed}); give an empty destination"
        )
    for table, key in TABLES:
        if await dst.count(table, key, None):
            raise DestinationInUse(
                f"{dst.shown}: not empty (table {table} has rows); give an empty destination"
            )
    await dst.append("meta", [], [], {SOURCE_MARK: src.shown})
    return False


async def _copy_table(
    src: Tables,
    dst: Tables,
    table: str,
    key: tuple[str, ...],
    after: list[object] | None,
    page_rows: int,
    progress: Progress | None,
) -> int:
    """Pages of one table from the row after `after`; returns how many rows were copied."""
    wanted = set(await dst.columns(table)) - DERIVED
    columns = [name for name in await src.columns(table) if name in wanted]
    missing = [name for name in key if name not in columns]
    if missing:
        raise ArchiveError(f"{src.shown}: table {table} lacks its key {missing}")
    positions = [columns.index(name) for name in key]
    copied = 0
    while rows := await src.page(table, key, columns, after, page_rows):
        after = [rows[-1][i] for i in positions]
        kept = [row for row in rows if not _is_copy_mark(table, row, columns)]
        await dst.append(table, columns, kept, {MARK_PREFIX + table: json.dumps(after, ensure_ascii=False)})
        copied += len(kept)
        if progress is not None:
            progress(table, len(rows))
    return copied


def _is_copy_mark(table: str, row: Sequence[object], columns: Sequence[str]) -> bool:
    """The source's own marks of a copy into it stay behind (they describe that copy, not this one)."""
    return table == "meta" and str(row[columns.index("key")]).startswith(MARK_PREFIX)


def _load_mark(value: str | None) -> list[object] | None:
    return None if value is None else list(json.loads(value))
