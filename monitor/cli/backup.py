"""`monitor backup`: a consistent copy of the archive, safe while the daemon runs (store/backup.py)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from monitor.cli.common import archive_file, archive_option, out, run_archive
from monitor.store.backup import BackupResult, backup_archive


@click.command()
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@archive_option
def backup(dest: Path, archive: Path | str) -> None:
    """Copy the archive to DEST while the daemon keeps running: one consistent snapshot, checked.

    Unlike copying monitor.db (unsafe under WAL), the copy holds exactly what was committed when it
    began. DEST is replaced if it exists. To restore: stop the daemon, replace the archive file with
    the copy (and delete any monitor.db-wal / monitor.db-shm beside it), start the daemon.

    \b
    Example:
      monitor backup --archive /data/monitor.db /backups/monitor-$(date +%F).db
    """
    path = archive_file(archive, "backup")
    result = run_archive(lambda: _backup(path, dest))
    size = result.bytes / 2**20
    out(f"backup: {archive} -> {result.path} ({size:.1f} MiB, schema version {result.schema_version})")


async def _backup(archive: Path, dest: Path) -> BackupResult:
    from tqdm import tqdm

    with tqdm(unit="B", unit_scale=True, file=sys.stderr, disable=None, desc="backup") as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return await asyncio.to_thread(backup_archive, archive, dest, progress=progress)


COMMANDS: list[click.Command] = [backup]
