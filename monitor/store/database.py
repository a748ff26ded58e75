"""One archive file's connection and its write discipline, shared by the archive and the alert outbox.

All tasks of a process share one connection, so every read and every transaction holds one lock: a read
never lands inside someone else's transaction, and a write is all of it or nothing.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import aiosqlite

from monitor.store import schema
from monitor.store.errors import ArchiveError, file_error, is_file_error

T = TypeVar("T")
R = TypeVar("R")


class Database:
    """The open archive file: `await Database.open(path)`, then `read()` and `write()` transactions."""

    def __init__(self, connection: aiosqlite.Connection, path: Path, readonly: bool) -> None:
        self._connection = connection
        self.path = path
        self.readonly = readonly
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, *, readonly: bool) -> Database:
        """Open, check and (unless read-only) migrate the file (schema.connect)."""
        return cls(await schema.connect(path, readonly=readonly), path, readonly)

    async def close(self) -> None:
        async with self._lock:
            await self._connection.close()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Serialise with writers: the connection is shared and a read must not land inside a transaction."""
        async with self._lock, self._named_errors():
            yield self._connection

    @asynccontextmanager
    async def _named_errors(self) -> AsyncIterator[None]:
        """A corrupt page, a read-only file system or a full disk becomes one ArchiveError naming the file."""
        try:
            yield
        except sqlite3.Error as exc:
            if is_file_error(exc):
                raise file_error(self.path, exc) from exc
            raise

    def check_writable(self) -> None:
        if self.readonly:
            raise ArchiveError(f"{self.path}: opened read-only, cannot write")

    @asynccontextmanager
    async def write(self, *, durable: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """One transaction: all of it or nothing. `durable` syncs the commit to disk (survives power loss)."""
        self.check_writable()
        db = self._connection
        async with self._lock, self._named_errors():
            if durable:
                await db.execute("PRAGMA synchronous = FULL")
            try:
                await db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    await db.rollback()
                    raise
                await db.commit()
            finally:
                if durable:
                    await db.execute("PRAGMA synchronous = NORMAL")

    async def run_on_thread(self, work: Callable[[sqlite3.Connection, T], R], arg: T) -> R:
        """Run `work(connection, arg)` on the connection's own thread, holding the lock: one hand-over for
        a whole batch. `work` runs its own transaction; callers check `check_writable()` first.

        aiosqlite has no public call for this (each `await db.execute` is a round trip between threads,
        about 70 µs); `_execute` is the queue its own methods use, so `work` runs in order with them.
        """
        db = self._connection
        async with self._lock, self._named_errors():
            return await db._execute(lambda: work(db._conn, arg))

    async def rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """All rows of one query, read on its own."""
        async with self.read() as db:
            return await fetch(db, sql, params)

    async def value(self, sql: str, params: Sequence[object] = ()) -> object:
        """The first column of the first row (None if there is none)."""
        rows = await self.rows(sql, params)
        return rows[0][0] if rows else None


async def fetch(db: aiosqlite.Connection, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
    """All rows of one query on a connection already held by `read()` or `write()`."""
    async with db.execute(sql, params) as cursor:
        return list(await cursor.fetchall())
