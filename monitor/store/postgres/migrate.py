"""Opening a PostgreSQL archive: refuse databases that belong to something else, then apply migrations.

The migrations are plain SQL files in postgres/migrations/, numbered like the SQLite ones they mirror
(store/migrations/) and applied in order, each in its own transaction; the table `monitor_schema` records
each one applied. A database with tables but no `monitor_schema` is not a monitor archive and is left
untouched. An advisory lock makes processes that open a new archive at once migrate it one at a time.
"""

from __future__ import annotations

import asyncpg

from monitor.store.errors import ArchiveError
from monitor.store.schema import load_migrations

# pg_advisory_xact_lock key held while migrating ('MONN', as the SQLite archive's application id).
MIGRATION_LOCK = int.from_bytes(b"MONN", "big")


MIGRATIONS = load_migrations("monitor.store.postgres")
SCHEMA_VERSION = MIGRATIONS[-1].version

_VERSION = "SELECT coalesce(max(version), 0) FROM monitor_schema"
_HAS_SCHEMA_TABLE = "SELECT to_regclass('monitor_schema') IS NOT NULL"
_OTHER_TABLES = (
    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
    "AND tablename <> 'monitor_schema'"
)
_CREATE_SCHEMA_TABLE = """
CREATE TABLE IF NOT EXISTS monitor_schema (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""


async def prepare(connection: asyncpg.Connection, shown: str, *, readonly: bool) -> None:
    """Check the database is a monitor archive of a version this monitor knows; migrate it if allowed."""
    version = await _checked_version(connection, shown)
    if version > SCHEMA_VERSION:
        raise ArchiveError(
            f"{shown}: archive schema version {version} is newer than this monitor supports "
            f"({SCHEMA_VERSION}); upgrade monitor to open it"
        )
    if version == SCHEMA_VERSION:
        return
    if readonly:
        raise ArchiveError(
            f"{shown}: archive schema version {version} is older than {SCHEMA_VERSION}; "
            "open it once without read-only to migrate it"
        )
    await _migrate(connection, shown)


async def _checked_version(connection: asyncpg.Connection, shown: str) -> int:
    if await connection.fetchval(_HAS_SCHEMA_TABLE):
        return int(await connection.fetchval(_VERSION))
    if await connection.fetchval(_OTHER_TABLES):
        raise ArchiveError(f"{shown}: a database with tables of another application, not a monitor archive")
    return 0


async def _migrate(connection: asyncpg.Connection, shown: str) -> None:
    """Apply each missing migration in its own transaction, so a failure leaves the last good version."""
    for migration in MIGRATIONS:
        try:
            async with connection.transaction():
                await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                await connection.execute(_CREATE_SCHEMA_TABLE)
                # Another process may have applied it while this one waited for the lock.
                if await connection.fetchval(_VERSION) >= migration.version:
                    continue
                await connection.execute(migration.sql)
                await connection.execute(
                    "INSERT INTO monitor_schema (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
        except asyncpg.PostgresError as exc:
            raise ArchiveError(
                f"{shown}: migration {migration.version:04d}_{migration.name} failed: {exc}"
            ) from exc
