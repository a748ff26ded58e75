"""Leases of a fleet of workers on one archive: which worker reads which channel, which one sends alerts.

Each claim is one write transaction (BEGIN IMMEDIATE), so two workers never both find a lease free: the
second waits for the first to commit and then sees the lease taken. postgres/leases.py makes the same
claims on PostgreSQL with `FOR UPDATE SKIP LOCKED`; the conditions of both are written once, in
lease_terms.py. A lease lasts until its `expires_at`; its worker renews it every few seconds, and once it
has expired any worker may claim it (a takeover). Reading resumes from the archive's marks (the sync
state of the channel), so a takeover neither loses nor repeats anything: posts are keyed by (channel,
message id) and an alert is created only with a post that is new to the archive.

Who reads what: a channel goes to a worker whose account has joined it (it gets live updates there and
is counted against that account's 500-channel cap already), whatever the shares. The channels no live
worker's account has joined are shared fairly (all channels over the live workers): a worker takes
those it resolved first, and gives back what it holds above its share, so a worker that starts late
gets its part. Reached as `Store.leases`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

import aiosqlite

from monitor.store.database import Database, fetch
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

__all__ = ["AccountInUse", "Holding", "KnownChannel", "Leases", "WorkerRow", "stamp"]


class Leases:
    """Channel and job leases, worker records and each account's channels, on the archive's connection."""

    def __init__(self, database: Database) -> None:
        self._database = database

    # -- workers ------------------------------------------------------------------------------------

    async def register(
        self, worker: str, account: str, *, pid: int, host: str, now: datetime, lease: timedelta
    ) -> None:
        """Record the worker as live; refuse when another live worker reads with the same account."""
        async with self._database.write() as db:
            rows = await fetch(db, SAME_ACCOUNT, {"account": account, "worker": worker, "now": stamp(now)})
            if rows:
                raise AccountInUse.by(account, dict(rows[0]))
            await db.execute(
                """
                INSERT INTO workers (name, account, pid, host, started_at, renewed_at, expires_at, stopped_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
                ON CONFLICT (name) DO UPDATE SET account = excluded.account, pid = excluded.pid,
                    host = excluded.host, started_at = excluded.started_at, renewed_at = excluded.renewed_at,
                    expires_at = excluded.expires_at, stopped_at = NULL
                """,
                (worker, account, pid, host, stamp(now), stamp(now), stamp(now + lease)),
            )

    async def retire(self, worker: str, now: datetime) -> None:
        """A clean stop: give every lease back at once (no one waits for them to expire)."""
        async with self._database.write() as db:
            await db.execute(
                "UPDATE channel_leases SET worker = NULL, expires_at = ? WHERE worker = ?",
                (stamp(now), worker),
            )
            await db.execute("DELETE FROM job_leases WHERE worker = ?", (worker,))
            await db.execute(
                "UPDATE workers SET stopped_at = ?, expires_at = ? WHERE name = ?",
                (stamp(now), stamp(now), worker),
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
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account, channel_id) DO UPDATE SET
                    access_hash = coalesce(excluded.access_hash, account_channels.access_hash),
                    joined = max(excluded.joined, account_channels.joined), updated_at = excluded.updated_at
                """,
                rows,
            )
            await db.executemany(
                "INSERT INTO channel_leases (channel_id) VALUES (?) ON CONFLICT (channel_id) DO NOTHING",
                [(row[1],) for row in rows],
            )

    async def known(self, account: str) -> dict[int, KnownChannel]:
        rows = await self._database.rows(
            "SELECT channel_id, access_hash, joined FROM account_channels WHERE account = ?", (account,)
        )
        return {
            r["channel_id"]: KnownChannel(r["channel_id"], r["access_hash"], bool(r["joined"])) for r in rows
        }

    async def joined_count(self, account: str) -> int:
        value = await self._database.value(
            "SELECT count(*) FROM account_channels WHERE account = ? AND joined = 1", (account,)
        )
        return int(value or 0)

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
        transaction. A worker just started counts on `expected` workers (the configured fleet) until the
        others have had a lease's time to start, so it does not take everything and then give most back."""
        until = stamp(now + lease)
        async with self._database.write() as db:
            await db.execute(
                "UPDATE workers SET renewed_at = ?, expires_at = ?, state = ?, stopped_at = NULL "
                "WHERE name = ?",
                (stamp(now), until, json.dumps(state, ensure_ascii=False, default=str), worker),
            )
            await db.execute("UPDATE channel_leases SET expires_at = ? WHERE worker = ?", (until, worker))
            held = await _ids(db, "SELECT channel_id FROM channel_leases WHERE worker = ?", (worker,))
            target = await _fair_share(db, now, expected)
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
            await db.executemany(
                "UPDATE channel_leases SET worker = NULL, expires_at = ? WHERE channel_id = ? AND worker = ?",
                [(stamp(now), channel_id, worker) for channel_id in channel_ids],
            )

    async def holders(self) -> dict[int, tuple[str | None, str]]:
        """Every channel lease: channel id -> (worker or None, expires_at)."""
        rows = await self._database.rows("SELECT channel_id, worker, expires_at FROM channel_leases")
        return {r["channel_id"]: (r["worker"], r["expires_at"]) for r in rows}

    # -- job leases ---------------------------------------------------------------------------------

    async def hold_job(self, name: str, worker: str, *, now: datetime, lease: timedelta) -> bool:
        """Claim or renew the fleet-wide job `name` (e.g. 'sender'); True while this worker holds it."""
        async with self._database.write() as db:
            await db.execute(
                """
                INSERT INTO job_leases (name, worker, expires_at, claimed_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET
                    takeovers = job_leases.takeovers + (job_leases.worker <> excluded.worker),
                    claimed_at = CASE WHEN job_leases.worker = excluded.worker THEN job_leases.claimed_at
                                      ELSE excluded.claimed_at END,
                    worker = excluded.worker, expires_at = excluded.expires_at
                WHERE job_leases.worker = excluded.worker OR job_leases.expires_at <= ?
                """,
                (name, worker, stamp(now + lease), stamp(now), stamp(now)),
            )
            rows = await fetch(db, "SELECT worker FROM job_leases WHERE name = ?", (name,))
        return bool(rows) and rows[0]["worker"] == worker

    async def drop_job(self, name: str, worker: str) -> None:
        async with self._database.write() as db:
            await db.execute("DELETE FROM job_leases WHERE name = ? AND worker = ?", (name, worker))

    async def job_holder(self, name: str) -> tuple[str, str] | None:
        """(worker, expires_at) of the job's lease, if anyone ever held it."""
        rows = await self._database.rows("SELECT worker, expires_at FROM job_leases WHERE name = ?", (name,))
        return (rows[0]["worker"], rows[0]["expires_at"]) if rows else None


async def _ids(db: aiosqlite.Connection, sql: str, params: Sequence[object]) -> set[int]:
    return {int(row[0]) for row in await fetch(db, sql, params)}


async def _fair_share(db: aiosqlite.Connection, now: datetime, expected: int) -> int:
    rows = await fetch(db, COUNTS, {"now": stamp(now)})
    return fair_share(int(rows[0][0]), int(rows[0][1]), expected)


async def _claim(
    db: aiosqlite.Connection,
    worker: str,
    account: str,
    now: datetime,
    until: str,
    room: int,
    target: int,
    *,
    settled: bool,
) -> tuple[set[int], set[int]]:
    """Claim every free or expired lease of a channel only this account (of the live workers') joined
    (unless the worker is waiting for the rest of the fleet to start), then up to `room` of the rest:
    those it joined first, then those it resolved, leaving a channel another live worker joined to that
    worker while it is below its share; returns the claimed ids and those taken over from another."""
    names = {"account": account, "now": stamp(now), "room": max(room, 0), "target": target}
    rows = []
    if settled:
        rows = await fetch(db, CLAIM_OWN, names)
    rows += await fetch(db, CLAIM_REST, names)
    claimed = [int(r["channel_id"]) for r in rows]
    await db.executemany(
        """
        UPDATE channel_leases SET takeovers = takeovers + (worker IS NOT NULL AND worker <> ?),
            worker = ?, account = ?, expires_at = ?, claimed_at = ?
        WHERE channel_id = ? AND (worker IS NULL OR expires_at <= ?)
        """,
        [(worker, worker, account, until, stamp(now), channel_id, stamp(now)) for channel_id in claimed],
    )
    taken = {int(r["channel_id"]) for r in rows if r["worker"] is not None and r["worker"] != worker}
    return set(claimed), taken


async def _give_back(
    db: aiosqlite.Connection, worker: str, account: str, now: datetime, held: int, target: int
) -> set[int]:
    """Give back the held channels this account has not joined that another live worker below its share
    has (that worker reads them live), then, above this worker's own share, those it has not joined and
    those another live worker joined too; never a channel only this account joined."""
    names: dict[str, object] = {"account": account, "now": stamp(now), "worker": worker, "target": target}
    rows = await fetch(db, GIVE_TO_JOINER, names)
    names["surplus"] = max(held - len(rows) - target, 0)
    rows += await fetch(db, GIVE_SURPLUS, names)
    released = {int(r["channel_id"]) for r in rows}
    await db.executemany(
        "UPDATE channel_leases SET worker = NULL, expires_at = ? WHERE channel_id = ? AND worker = ?",
        [(stamp(now), channel_id, worker) for channel_id in released],
    )
    return released
