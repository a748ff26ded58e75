"""Online backups of an archive with SQLite's backup API: a consistent copy while the daemon keeps writing.

Copying `monitor.db` with `cp` under WAL is unsafe: the newest transactions live in `monitor.db-wal`, and
a copy taken mid-checkpoint mixes pages of two moments. The backup API copies pages through SQLite instead,
and the source connection holds one read transaction for the whole copy, so every step reads the same
snapshot (WAL lets the writer go on meanwhile) and the copy holds exactly what was committed when it began.

The copy is written beside its destination and renamed into place only once complete and checked, in
rollback-journal mode so that it is one self-contained file: restoring is copying it back while the
daemon is stopped.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from monitor.store.errors import ArchiveError

# Pages copied per step: 1024 pages of 8 KiB are 8 MiB, so a large archive reports progress often.
PAGES_PER_STEP = 1024

Progress = Callable[[int, int], None]
"""Called after each step with (bytes copied, bytes in total)."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    pages: int
    bytes: int
    schema_version: int


def backup_archive(
    source: Path, dest: Path, *, progress: Progress | None = None, pages_per_step: int = PAGES_PER_STEP
) -> BackupResult:
    """Copy the archive at `source` into `dest` (replaced if it exists) as one consistent snapshot.

    Blocking: run it on a thread from async code. Raises ArchiveError naming the file on any failure,
    and leaves no partial file behind.
    """
    if not source.is_file():
        raise ArchiveError(f"{source}: no archive at this path")
    if dest.resolve() == source.resolve():
        raise ArchiveError(f"{dest}: a backup cannot replace the archive it copies")
    partial = dest.with_name(f"{dest.name}.partial")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        pages, version = _copy(source, partial, progress, pages_per_step)
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        raise ArchiveError(f"{source}: backup to {dest} failed: {exc}") from exc
    except OSError as exc:
        raise ArchiveError(f"{dest}: cannot write the backup: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(dest, pages, dest.stat().st_size, version)


def _copy(source: Path, target: Path, progress: Progress | None, pages_per_step: int) -> tuple[int, int]:
    """Copy inside one read transaction of the source; return (pages, schema version) of the copy."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        src.execute("PRAGMA busy_timeout = 10000")
        # Opening the read transaction pins the snapshot: later commits by any writer stay out of the copy,
        # and the backup never restarts because of them.
        src.execute("BEGIN")
        (version,) = src.execute("PRAGMA user_version").fetchone()
        (page_size,) = src.execute("PRAGMA page_size").fetchone()

        def report(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress((total - remaining) * page_size, total * page_size)

        src.backup(dst, pages=pages_per_step, progress=report)
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode = DELETE")
        (check,) = dst.execute("PRAGMA quick_check").fetchone()
        if check != "ok":
            raise sqlite3.DatabaseError(f"the copy fails its check: {check}")
        (pages,) = dst.execute("PRAGMA page_count").fetchone()
        return int(pages), int(version)
    finally:
        dst.close()
        src.close()


def pre_migration_path(archive: Path, target_version: int) -> Path:
    """Where the copy taken before migrating `archive` to `target_version` goes: `monitor.db.pre-3.bak`."""
    return archive.with_name(f"{archive.name}.pre-{target_version}.bak")
