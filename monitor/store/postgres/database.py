"""One PostgreSQL archive's connection pool and its write discipline, the counterpart of store/database.py.

Tasks of a process share a small pool: a read runs in a read-only transaction on a connection of its
own, a write in a transaction of its own (all of it or nothing). Concurrent writers are serialised by
PostgreSQL's row locks, not by a lock of ours, so several processes may share the archive.

Every failure to reach or use the server becomes one ArchiveError naming the archive's URL without its
password (url.redact).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import asyncpg

from monitor.store.errors import ArchiveError, ArchiveUnreachable
from monitor.store.postgres import migrate
from monitor.store.postgres.url import redact, scrub

POOL_SIZE = 4
CONNECT_TIMEOUT = 10.0
# The server gone away or refusing work for reasons of its own, not of a query: a lost connection, a
# shutdown or restart, no memory or disk left; OSError covers sockets (refused, reset, timed out), and
# the driver's interface errors what it says of a connection the server closed under it ("connection is
# closed", a protocol state it cannot leave).
_SERVER_ERRORS = (
    asyncpg.PostgresConnectionError,
    asyncpg.InsufficientResourcesError,
    asyncpg.OperatorInterventionError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
)


class PgDatabase:
    """The open archive database: `await PgDatabase.open(url)`, then `read()` and `write()` transactions."""

    def __init__(self, pool: asyncpg.Pool, url: str, readonly: bool) -> None:
        self._pool = pool
        self.url = url
        # What messages and logs show of the archive: its URL without the password.
        self.path = redact(url)
        self.readonly = readonly
        # Told of every failure of the server, so a process can record it (as with the SQLite file's).
        self.on_file_error: Callable[[ArchiveError], None] | None = None

    @classmethod
    async def open(cls, url: str, *, readonly: bool, pool_size: int = POOL_SIZE) -> PgDatabase:
        """Connect, check and (unless read-only) migrate the database (migrate.py)."""
        settings = {"default_transaction_read_only": "on"} if readonly else {}
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=pool_size,
                timeout=CONNECT_TIMEOUT,
                server_settings={"application_name": "monitor", **settings},
            )
        except Exception as exc:  # the driver raises many kinds; each becomes one named line
            raise connect_error(url, exc) from None
        try:
            async with pool.acquire() as connection:
                await migrate.prepare(connection, redact(url), readonly=readonly)
        except BaseException:
            await pool.close()
            raise
        return cls(pool, url, readonly)

    async def close(self) -> None:
        await self._pool.close()

    def check_writable(self) -> None:
        if self.readonly:
            raise ArchiveError(f"{self.path}: opened read-only, cannot write")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection in a read-only transaction: one consistent view for every query inside."""
        async with (
            self._named_errors(),
            self._pool.acquire() as connection,
            connection.transaction(isolation="repeatable_read", readonly=True),
        ):
            yield connection

    @asynccontextmanager
    async def write(self, *, durable: bool = False) -> AsyncIterator[asyncpg.Connection]:
        """One transaction: all of it or nothing. `durable` waits for the commit to reach the disk even when
        the server is set to commit asynchronously."""
        self.check_writable()
        async with self._named_errors(), self._pool.acquire() as connection, connection.transaction():
            if durable:
                await connection.execute("SET LOCAL synchronous_commit = on")
            yield connection

    @asynccontextmanager
    async def _named_errors(self) -> AsyncIterator[None]:
        """A server gone away or out of resources becomes one ArchiveError naming the archive."""
        try:
            yield
        except _SERVER_ERRORS as exc:
            error = ArchiveError(f"{self.path}: the archive's server failed: {scrub(str(exc), self.url)}")
            if self.on_file_error is not None:
                self.on_file_error(error)
            raise error from None

    async def rows(self, sql: str, params: Sequence[object] = ()) -> list[asyncpg.Record]:
        """All rows of one query, read on its own."""
        async with self.read() as connection:
            return await connection.fetch(sql, *params)

    async def value(self, sql: str, params: Sequence[object] = ()) -> object:
        """The first column of the first row (None if there is none)."""
        async with self.read() as connection:
            return await connection.fetchval(sql, *params)


def connect_error(url: str, exc: BaseException) -> ArchiveError:
    """Why the archive's server cannot be used, naming the URL (never its password) and the fix."""
    shown = redact(url)
    reason = scrub(str(exc) or type(exc).__name__, url)
    if isinstance(exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError):
        hint = "check the user and password in the archive url"
    elif isinstance(exc, asyncpg.InvalidCatalogNameError):
        hint = "create the database first (createdb), or fix its name in the archive url"
    elif isinstance(exc, OSError | TimeoutError | asyncpg.CannotConnectNowError):
        hint = "is the server running and reachable at that host and port?"
        return ArchiveUnreachable(f"archive url {shown}: cannot connect: {reason} ({hint})")
    elif isinstance(exc, ValueError | asyncpg.ClientConfigurationError):
        hint = "the archive url is not valid, e.g. postgresql://user:password@host:5432/monitor"
    else:
        hint = "see the server's log"
    return ArchiveError(f"archive url {shown}: cannot connect: {reason} ({hint})")
