"""`monitor archive copy`: move an archive between an archive file and a PostgreSQL database, in either
direction or between two of a kind (store/copying.py does the work)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from monitor.cli.common import ArchiveLocation, CommandFailed, out, run_archive
from monitor.store.copying import PAGE_ROWS, CopyResult

# Exit status of a destination refused because it holds something else (see monitor/cli/__init__.py).
REFUSED = 5


@click.group()
def archive() -> None:
    """Work on whole archives (files or PostgreSQL databases)."""


@archive.command("copy")
@click.argument("src", type=ArchiveLocation())
@click.argument("dest", type=ArchiveLocation())
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=PAGE_ROWS,
    show_default=True,
    help="Rows per transaction: an interrupted copy goes on from the last batch stored.",
)
def copy(src: Path | str, dest: Path | str, batch_size: int) -> None:
    """Copy every table of the archive SRC into DEST: channels, posts with revisions and tombstones,
    engagement, analysis and scores, alerts with their sent state, mutes, learned context, sync state and
    the daemon's records. Each is a file or a postgresql:// URL (the database must exist).

    DEST must be empty, or hold an unfinished copy of SRC: run the same command again after an
    interruption and it goes on where it stopped, copying nothing twice (a finished copy is left as it
    is). Stop the daemon first: rows
    it changes after they were copied are not copied again. Search indexes and counts are rebuilt in
    DEST as rows arrive.

    Exit status: 0 copied; 1 a failure (run again to resume); 2 bad usage; 5 DEST refused (it holds
    another archive).

    \b
    Examples:
      monitor archive copy /data/monitor.db postgresql://monitor@db:5432/monitor
      monitor archive copy postgresql://monitor@db/monitor /backups/monitor.db
    """
    result = run_archive(lambda: _copy(src, dest, batch_size))
    if result.finished_before:
        out(f"archive copy: {result.dest} already holds a finished copy of {result.source}; nothing copied")
        return
    total = sum(result.copied.values())
    how = "resumed, " if result.resumed else ""
    out(f"archive copy: {result.source} -> {result.dest} ({how}{total} rows)")


async def _copy(src: Path | str, dest: Path | str, batch_size: int) -> CopyResult:
    from tqdm import tqdm

    from monitor.store.copying import DestinationInUse, copy_archive

    with tqdm(unit=" rows", file=sys.stderr, disable=None, dynamic_ncols=True, desc="copy") as bar:

        def remaining(rows: int) -> None:
            bar.total = rows
            bar.refresh()

        def progress(table: str, rows: int) -> None:
            bar.set_description(f"copy {table}", refresh=False)
            bar.update(rows)

        try:
            return await copy_archive(src, dest, page_rows=batch_size, remaining=remaining, progress=progress)
        except DestinationInUse as exc:
            raise CommandFailed(str(exc), REFUSED) from None


COMMANDS: list[click.Command] = [archive]
