"""Opening an archive: refuse files that are not (or no longer) monitor archives, then apply migrations.

Migrations are plain SQL files in `migrations/`, named NNNN_what.sql and applied in order; PRAGMA
user_version records the last one applied, so an older archive is brought up to date on open. Before the
first migration of an archive that holds data, a consistent copy is taken beside it
(`monitor.db.pre-N.bak` for a migration to version N), so a migration gone wrong costs nothing. SQL
functions the schema relies on (stem_text) are registered on every connection before migrating.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import aiosqlite

from monitor.logs import log_event
from monitor.store.backup import backup_archive, pre_migration_path
from monitor.store.errors import ArchiveError, file_error, is_file_error
from monitor.store.stems import stem_text

log = logging.getLogger(__name__)

APPLICATION_ID = int.from_bytes(b"MONN", "big")
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
PAGE_SIZE = 8192
CHECKPOINT_BYTES = 40_000_000
# Read-only opens (search, export, stats, browse: short-lived commands) get 64 MiB of page cache instead
# of SQLite's 2 MiB, so an export or a stats run over a large archive rereads fewer pages. The daemon
# keeps the default: its memory stays within its budget however large the archive grows.
READER_CACHE_KIB = 65_536


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(package: str = "monitor.store") -> tuple[Migration, ...]:
    """The migrations packaged in `package`/migrations/, ordered by their number (which must run 1, 2,
    3 ... without gaps); each backend has its own set."""
    found = []
    for entry in resources.files(package).joinpath("migrations").iterdir():
        if entry.name.endswith(".sql"):
            number, _, name = entry.name.removesuffix(".sql").partition("_")
            found.append(Migration(int(number), name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations are not numbered 1..{len(found)}: {[m.version for m in found]}")
    return tuple(found)


MIGRATIONS = load_migrations()
SCHEMA_VERSION = MIGRATIONS[-1].version


async def connect(path: Path, *, readonly: bool) -> aiosqlite.Connection:
    """Open, check and (unless read-only) migrate the archive; nothing is written to a refused file."""
    if readonly:
        return await _connect(path, readonly=True)
    _check_header(path, readonly=False)  # a file that is not an archive is refused before anything is made
    async with _one_opener(path):
        return await _connect(path, readonly=False)


@contextlib.asynccontextmanager
async def _one_opener(path: Path) -> AsyncIterator[None]:
    """The workers of a fleet may open a new archive at the same moment: one at a time sets it up (page
    size, journal mode, migrations) and the others find it ready. The lock is on the archive's directory,
    so no file is left beside the archive; where it cannot be taken, opening goes on without it and
    meets the archive's own error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield
        return
    try:
        await asyncio.to_thread(fcntl.flock, directory, fcntl.LOCK_EX)
        yield
    finally:
        os.close(directory)  # closing it releases the lock


async def _connect(path: Path, *, readonly: bool) -> aiosqlite.Connection:
    _check_header(path, readonly=readonly)
    try:
        db = await _open(path, readonly=readonly)
    except sqlite3.Error as exc:
        raise (
            file_error(path, exc)
            if is_file_error(exc)
            else ArchiveError(f"{path}: cannot open archive: {exc}")
        ) from exc
    except OSError as exc:  # creating the archive's directory
        raise ArchiveError(f"{path}: cannot create the archive's directory: {exc.strerror or exc}") from exc
    try:
        await _prepare(db, path, readonly=readonly)
    except sqlite3.Error as exc:
        await db.close()
        if is_file_error(exc):
            raise file_error(path, exc) from exc
        raise
    except BaseException:
        await db.close()
        raise
    return db


def _check_header(path: Path, *, readonly: bool) -> None:
    if not path.exists():
        if readonly:
            raise ArchiveError(f"{path}: no archive at this path")
        return
    if path.is_dir():
        raise ArchiveError(f"{path}: is a directory, not an archive file")
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise ArchiveError(f"{path}: not an SQLite database (unexpected file header); left untouched")


def _readonly_uri(path: Path) -> str:
    """On a read-only file system SQLite cannot create the WAL's shared-memory file, even to read. When no
    WAL is waiting there, nothing can change the file: open it as immutable, which needs none."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal = Path(f"{path}-wal")
    if not os.access(path.parent, os.W_OK) and not (wal.exists() and wal.stat().st_size):
        uri += "&immutable=1"
    return uri


async def _open(path: Path, *, readonly: bool) -> aiosqlite.Connection:
    if readonly:
        db = await aiosqlite.connect(_readonly_uri(path), uri=True, isolation_level=None)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None)
    db.row_factory = sqlite3.Row
    await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return db


async def _prepare(db: aiosqlite.Connection, path: Path, *, readonly: bool) -> None:
    version = await _checked_version(db, path)
    if version > SCHEMA_VERSION:
        raise ArchiveError(
            f"{path}: archive schema version {version} is newer than this monitor supports "
            f"({SCHEMA_VERSION}); upgrade monitor to open it"
        )
    if readonly and version < SCHEMA_VERSION:
        raise ArchiveError(
            f"{path}: archive schema version {version} is older than {SCHEMA_VERSION}; "
            "open it once without read-only to migrate it"
        )
    await db.execute("PRAGMA foreign_keys = ON")
    if readonly:
        await db.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
    await db.create_function("stem_text", 1, stem_text, deterministic=True)
    if not readonly:
        if version == 0:
            # Only a file with nothing in it yet can take a page size. 8 KiB pages hold a full-text index
            # block (about 4 KB) without an overflow page, which makes imports about 10 % faster.
            await db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        # Checkpoint (copy the WAL into the file, with an fsync) every ~40 MB rather than every 4 MB: bulk
        # imports rewrite the same index pages often, so fewer checkpoints copy and sync much less.
        page_size = await _pragma(db, "page_size")
        await db.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_BYTES // page_size}")
        await db.execute("PRAGMA journal_size_limit = 67108864")
        await _migrate(db, path, version)


async def _checked_version(db: aiosqlite.Connection, path: Path) -> int:
    """Read the schema version, refusing databases that belong to something else."""
    version = await _pragma(db, "user_version")
    application_id = await _pragma(db, "application_id")
    async with db.execute("SELECT count(*) FROM sqlite_master") as cursor:
        (objects,) = await cursor.fetchone()
    if application_id not in (0, APPLICATION_ID) or (application_id == 0 and (version or objects)):
        raise ArchiveError(f"{path}: an SQLite database of another application, not a monitor archive")
    return version


async def _pragma(db: aiosqlite.Connection, name: str) -> int:
    async with db.execute(f"PRAGMA {name}") as cursor:
        (value,) = await cursor.fetchone()
    return int(value)


async def _migrate(db: aiosqlite.Connection, path: Path, version: int) -> None:
    """Apply each missing migration in its own transaction, so a failure leaves the last good version."""
    if 0 < version < SCHEMA_VERSION:
        await _backup_before_migrating(path, version)
    for migration in MIGRATIONS[version:]:
        script = f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            await db.executescript(script)
        except sqlite3.Error as exc:
            if db.in_transaction:
                await db.rollback()
            if is_file_error(exc):
                raise file_error(path, exc) from exc
            raise ArchiveError(
                f"{path}: migration {migration.version:04d}_{migration.name} failed: {exc}"
            ) from exc


async def _backup_before_migrating(path: Path, version: int) -> None:
    """Copy an archive that holds data before changing its schema; no copy, no migration."""
    target = pre_migration_path(path, SCHEMA_VERSION)
    result = await asyncio.to_thread(backup_archive, path, target)
    log_event(
        log,
        "archive_backed_up",
        reason="migration",
        schema_from=version,
        schema_to=SCHEMA_VERSION,
        backup=str(result.path),
        bytes=result.bytes,
    )
