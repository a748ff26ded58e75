"""Leases of a fleet of workers on an archive file (leases_base.py says what they mean). Reached as
`Store.leases`.

Each claim is one write transaction (BEGIN IMMEDIATE), so two workers never both find a lease free: the
second waits for the first to commit and then sees the lease taken. The same holds a registration apart
from another of the same account, so nothing here locks rows.
"""

from __future__ import annotations

from monitor.store.database import Database
from monitor.store.lease_terms import AccountInUse, Holding, KnownChannel, WorkerRow, stamp
from monitor.store.leases_base import LeasesBase
from monitor.store.session import SQLITE, SqliteSession

__all__ = ["AccountInUse", "Holding", "KnownChannel", "Leases", "WorkerRow", "stamp"]


class Leases(LeasesBase[SqliteSession]):
    """Channel and job leases, worker records and each account's channels, on the archive's connection."""

    LOCK_FREE = ""

    def __init__(self, database: Database) -> None:
        super().__init__(database, SqliteSession, SQLITE)

    async def _guard_account(self, db: SqliteSession, account: str) -> None:
        """The write transaction has the file to itself already."""
