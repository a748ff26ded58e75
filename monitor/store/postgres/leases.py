"""Leases of a fleet of workers on a PostgreSQL archive: the interface and guarantees of store/leases.py,
with the same conditions (store/lease_terms.py), made safe the way PostgreSQL allows many writers at once.

Each renewal or claim is one transaction. A claim selects its leases `FOR UPDATE OF l SKIP LOCKED`: two
workers claiming at once lock different rows (the second skips what the first holds and, once the first
has committed, sees it taken), so one channel never goes to two workers; the UPDATE that takes a lease
checks again that it is free. Registering a worker holds a transaction-scoped advisory lock on its
account, so two workers starting with one account at once cannot both find it unused. Reached as
`PgStore.leases`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

import asyncpg

from monitor.store.lease_terms import (
    CLAIM_OWN,
    CLAIM_REST,
    COUNTS,
    GIVE_SURPLUS,
    GIVE_TO_JOINER,
    SAME_ACCOUNT,
    AccountInUse,
    Holding,
    KnownChannel,
    WorkerRow,
    fair_share,
    stamp,
)
from monitor.store.postgres.database import PgDatabase
from monitor.store.postgres.sql import named

# The first half of the two-part advisory lock keys that guard an account while a worker registers
# ('work'; meta.py's keys have their own first half).
_LOCK_SPACE = 0x776F726B
_SKIP_LOCKED = " FOR UPDATE OF l SKIP LOCKED"


class PgLeases:
    """Channel and job leases, worker records and each account's channels, in the archive's database."""

    def __init__(self, database: PgDatabase) -> None:
        self._database = database

    # -- workers ------------------------------------------------------------------------------------

    async def register(
        self, worker: str, account: str, *, pid: int, host: str, now: datetime, lease: timedelta
    ) -> None:
        """Record the worker as live; refuse when another live worker reads with the same account."""
        async with self._database.write() as db:
            await db.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", _LOCK_SPACE, account)
            rows = await _fetch(db, SAME_ACCOUNT, {"account": account, "worker": worker, "now": stamp(now)})
            if rows:
                raise AccountInUse.by(account, dict(rows[0]))
            await db.execute(
                """
                INSERT INTO workers (name, account, pid, host, started_at, renewed_at, expires_at, stopped_at)
                VALUES ($1, $2, $3, $4, $5, $5, $6, NULL)
                ON CONFLICT (name) DO UPDATE SET account = excluded.account, pid = excluded.pid,
                    host = excluded.host, started_at = excluded.started_at, renewed_at = excluded.renewed_at,
                    expires_at = excluded.expires_at, stopped_at = NULL
                """,
                worker,
                account,
                pid,
                host,
                stamp(now),
                stamp(now + lease),
            )

    async def retire(self, worker: str, now: datetime) -> None:
        """A clean stop: give every lease back at once (no one waits for them to expire)."""
        async with self._database.write() as db:
            await db.execute(
                "UPDATE channel_leases SET worker = NULL, expires_at = $1 WHERE worker = $2",
                stamp(now),
                worker,
            )
            await db.execute("DELETE FROM job_leases WHERE worker = $1", worker)
            await db.execute(
                "UPDATE workers SET stopped_at = $1, expires_at = $1 WHERE name = $2", stamp(now), worker
            )

    async def workers(self) -> list[WorkerRow]:
        rows = await self._database.rows("SELECT * FROM workers ORDER BY name")
        return [
            WorkerRow(
                r["name"],
                r["account"],
                r["pid"],
                r["host"],
                r["started_at"],
                r["renewed_at"],
                r["expires_at"],
                r["stopped_at"],
                json.loads(r["state"] or "{}"),
            )
            for r in rows
        ]

    # -- what each account knows -------------------------------------------------------------------

    async def offer(self, account: str, channels: Iterable[KnownChannel], now: datetime) -> None:
        """Record what this account knows of these channels, and give each a lease row (free if new)."""
        rows = [(account, c.channel_id, c.access_hash, int(c.joined), stamp(now)) for c in channels]
        if not rows:
            return
        async with self._database.write() as db:
            await db.executemany(
                """
                INSERT INTO account_channels (account, channel_id, access_hash, joined, updated_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (account, channel_id) DO UPDATE SET
                    access_hash = coalesce(excluded.access_hash, account_channels.access_hash),
                    joined = greatest(excluded.joined, account_channels.joined),
                    updated_at = excluded.updated_at
                """,
                rows,
            )
            await db.execute(
                "INSERT INTO channel_leases (channel_id) SELECT unnest($1::bigint[]) "
                "ON CONFLICT (channel_id) DO NOTHING",
                sorted({row[1] for row in rows}),
            )

    async def known(self, account: str) -> dict[int, KnownChannel]:
        rows = await self._database.rows(
            "SELECT channel_id, access_hash, joined FROM account_channels WHERE account = $1", (account,)
        )
        return {
            r["channel_id"]: KnownChannel(r["channel_id"], r["access_hash"], bool(r["joined"])) for r in rows
        }

    async def joined_count(self, account: str) -> int:
        value = await self._database.value(
            "SELECT count(*) FROM account_channels WHERE account = $1 AND joined = 1", (account,)
        )
        return int(str(value or 0))

    # -- channel leases -----------------------------------------------------------------------------

    async def renew(
        self,
        worker: str,
        account: str,
        *,
        now: datetime,
        lease: timedelta,
        state: Mapping[str, object],
        expected: int = 1,
    ) -> Holding:
        """Renew the worker and its leases, give back what another worker's account should read or what
        is above its fair share, then claim its own account's channels and up to its share of the rest; one
        transaction (store/leases.py says which channels go where)."""
        until = stamp(now + lease)
        async with self._database.write() as db:
            await db.execute(
                "UPDATE workers SET renewed_at = $1, expires_at = $2, state = $3, stopped_at = NULL "
                "WHERE name = $4",
                stamp(now),
                until,
                json.dumps(state, ensure_ascii=False, default=str),
                worker,
            )
            await db.execute("UPDATE channel_leases SET expires_at = $1 WHERE worker = $2", until, worker)
            held = {
                int(r[0])
                for r in await db.fetch("SELECT channel_id FROM channel_leases WHERE worker = $1", worker)
            }
            counts = await _fetch(db, COUNTS, {"now": stamp(now)})
            target = fair_share(int(counts[0][0]), int(counts[0][1]), expected)
            released = await _give_back(db, worker, account, now, len(held), target)
            room = target - len(held - released)
            gained, taken = await _claim(db, worker, account, now, until, room, target, settled=expected <= 1)
        return Holding(
            frozenset((held | gained) - released),
            frozenset(gained),
            frozenset(released),
            frozenset(taken),
            target,
        )

    async def release(self, worker: str, channel_ids: Sequence[int], now: datetime) -> None:
        """Give back leases this worker cannot use (a channel its account cannot reach)."""
        async with self._database.write() as db:
            await db.execute(
                "UPDATE channel_leases SET worker = NULL, expires_at = $1 "
                "WHERE channel_id = ANY($2::bigint[]) AND worker = $3",
                stamp(now),
                list(channel_ids),
                worker,
            )

    async def holders(self) -> dict[int, tuple[str | None, str]]:
        """Every channel lease: channel id -> (worker or None, expires_at)."""
        rows = await self._database.rows("SELECT channel_id, worker, expires_at FROM channel_leases")
        return {r["channel_id"]: (r["worker"], r["expires_at"]) for r in rows}

    # -- job leases ---------------------------------------------------------------------------------

    async def hold_job(self, name: str, worker: str, *, now: datetime, lease: timedelta) -> bool:
        """Claim or renew the fleet-wide job `name` (e.g. 'sender'); True while this worker holds it. The
        upsert takes the row's lock, so of two workers claiming at once the second sees the first's claim."""
        async with self._database.write() as db:
            await db.execute(
                """
                INSERT INTO job_leases (name, worker, expires_at, claimed_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (name) DO UPDATE SET
                    takeovers = job_leases.takeovers
                        + CASE WHEN job_leases.worker <> excluded.worker THEN 1 ELSE 0 END,
                    claimed_at = CASE WHEN job_leases.worker = excluded.worker THEN job_leases.claimed_at
                                      ELSE excluded.claimed_at END,
                    worker = excluded.worker, expires_at = excluded.expires_at
                WHERE job_leases.worker = excluded.worker OR job_leases.expires_at <= $4
                """,
                name,
                worker,
                stamp(now + lease),
                stamp(now),
            )
            holder = await db.fetchval("SELECT worker FROM job_leases WHERE name = $1", name)
        return holder == worker

    async def drop_job(self, name: str, worker: str) -> None:
        async with self._database.write() as db:
            await db.execute("DELETE FROM job_leases WHERE name = $1 AND worker = $2", name, worker)

    async def job_holder(self, name: str) -> tuple[str, str] | None:
        """(worker, expires_at) of the job's lease, if anyone ever held it."""
        rows = await self._database.rows("SELECT worker, expires_at FROM job_leases WHERE name = $1", (name,))
        return (rows[0]["worker"], rows[0]["expires_at"]) if rows else None


async def _fetch(db: asyncpg.Connection, sql: str, values: Mapping[str, object]) -> list[asyncpg.Record]:
    statement, params = named(sql, values)
    return await db.fetch(statement, *params)


async def _claim(
    db: asyncpg.Connection,
    worker: str,
    account: str,
    now: datetime,
    until: str,
    room: int,
    target: int,
    *,
    settled: bool,
) -> tuple[set[int], set[int]]:
    """Lock and claim the free leases store/lease_terms.py's CLAIM_OWN and CLAIM_REST choose, skipping
    those another worker's claim has locked; returns the claimed ids and those taken over from another."""
    names = {"account": account, "now": stamp(now), "room": max(room, 0), "target": target}
    rows = []
    if settled:
        rows = await _fetch(db, CLAIM_OWN + _SKIP_LOCKED, names)
    rows += await _fetch(db, CLAIM_REST + _SKIP_LOCKED, names)  # may list again what CLAIM_OWN found
    claimed = sorted({int(r["channel_id"]) for r in rows})
    await db.execute(
        """
        UPDATE channel_leases
        SET takeovers = takeovers + CASE WHEN worker IS NOT NULL AND worker <> $1 THEN 1 ELSE 0 END,
            worker = $1, account = $2, expires_at = $3, claimed_at = $4
        WHERE channel_id = ANY($5::bigint[]) AND (worker IS NULL OR expires_at <= $4)
        """,
        worker,
        account,
        until,
        stamp(now),
        claimed,
    )
    taken = {int(r["channel_id"]) for r in rows if r["worker"] is not None and r["worker"] != worker}
    return set(claimed), taken


async def _give_back(
    db: asyncpg.Connection, worker: str, account: str, now: datetime, held: int, target: int
) -> set[int]:
    """Give back what store/lease_terms.py's GIVE_TO_JOINER and GIVE_SURPLUS choose (this worker's own
    leases, renewed and so locked by this transaction already)."""
    names: dict[str, object] = {"account": account, "now": stamp(now), "worker": worker, "target": target}
    rows = await _fetch(db, GIVE_TO_JOINER, names)
    names["surplus"] = max(held - len(rows) - target, 0)
    rows += await _fetch(db, GIVE_SURPLUS, names)
    released = sorted({int(r["channel_id"]) for r in rows})
    await db.execute(
        "UPDATE channel_leases SET worker = NULL, expires_at = $1 "
        "WHERE channel_id = ANY($2::bigint[]) AND worker = $3",
        stamp(now),
        released,
        worker,
    )
    return set(released)
