"""Leases of a fleet of workers on a PostgreSQL archive (store/leases_base.py says what they mean), made
safe the way PostgreSQL allows many writers at once. Reached as `PgStore.leases`.

Each renewal or claim is one transaction. A claim selects its leases `FOR UPDATE OF l SKIP LOCKED`: two
workers claiming at once lock different rows (the second skips what the first holds and, once the first
has committed, sees it taken), so one channel never goes to two workers; the UPDATE that takes a lease
checks again that it is free. Registering a worker holds a transaction-scoped advisory lock on its
account, so two workers starting with one account at once cannot both find it unused.
"""

from __future__ import annotations

from monitor.store.leases_base import LeasesBase
from monitor.store.postgres.database import PgDatabase
from monitor.store.postgres.session import POSTGRES, PgSession

# The first half of the two-part advisory lock keys that guard an account while a worker registers
# ('work'; meta.py's keys have their own first half).
_LOCK_SPACE = 0x776F726B


class PgLeases(LeasesBase[PgSession]):
    """Channel and job leases, worker records and each account's channels, in the archive's database."""

    LOCK_FREE = " FOR UPDATE OF l SKIP LOCKED"

    def __init__(self, database: PgDatabase) -> None:
        super().__init__(database, PgSession, POSTGRES)

    async def _guard_account(self, db: PgSession, account: str) -> None:
        await db.run(
            "SELECT pg_advisory_xact_lock(:space, hashtext(:account))", space=_LOCK_SPACE, account=account
        )
