"""`monitor archive catch-up`: the work an archive may still owe, done with progress shown
(importing/catch_up.py): the search indexes of imported posts, links in the text of older posts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.cli.common import archive_option, open_store, out, run_archive
from monitor.store.upkeep import Owed

if TYPE_CHECKING:
    from monitor.store.opening import Archive


@click.command("catch-up")
@archive_option
def catch_up(archive: Path | str) -> None:
    """Do what the archive still owes: index imported posts for search (the exact index after an
    interrupted import, word forms after `import --no-catch-up`), and give posts stored by older versions
    the links written in their text.

    Resumable: interrupted, it goes on from its last chunk the next time (or at the end of the next
    `monitor import`). The daemon may keep running meanwhile. Search finds the posts waiting for their
    word forms (by their stem as a prefix), not those of an interrupted import until they are indexed.

    \b
    Example:
      monitor archive catch-up --archive /data/monitor.db
      monitor archive catch-up --archive postgresql://monitor@db/monitor
    """

    async def work() -> Owed:
        async with await open_store(archive, readonly=False) as store:
            return await catch_up_with_progress(store)

    owed = run_archive(work)
    out(
        f"caught up {archive}: {owed.exact_index} posts indexed for exact search, "
        f"{owed.word_forms} posts indexed by word form, "
        f"{owed.text_links} posts checked for links in their text"
    )


async def catch_up_with_progress(store: Archive) -> Owed:
    """Run importing.catch_up with a progress bar on stderr (hidden when stderr is not a terminal)."""
    from tqdm import tqdm

    from monitor.importing.catch_up import catch_up as run_catch_up

    owed = await store.upkeep.owed()
    with tqdm(total=owed.total, unit=" posts", file=sys.stderr, disable=None, desc="catching up") as bar:
        return await run_catch_up(store, bar.update)
