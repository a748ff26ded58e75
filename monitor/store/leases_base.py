"""Leases of a fleet of workers on one archive: which worker reads which channel, which one sends alerts,
written once for both backends (leases.py on SQLite, postgres/leases.py); each says how its claims are
made safe against a second worker claiming at once, lease_terms.py what the claims decide.

A lease lasts until its `expires_at`; its worker renews it every few seconds, and once it has expired any
worker may claim it (a takeover). Reading resumes from the archive's marks (the sync state of the
channel), so a takeover neither loses nor repeats anything: posts are keyed by (channel, message id) and
an alert is created only with a post that is new to the archive.

Who reads what: membership comes before fairness. A channel goes to a worker whose account has joined it
(it gets live updates there and is counted against that account's 500-channel cap already), whatever
the shares; a worker whose account has not joined a channel holds it only while no live worker's account
has, and gives it back at its next renewal once one is live. Fair shares (all channels over the live
workers) decide among a channel's live members, and among all workers for the channels no live worker's
account has joined: a worker takes those it resolved first, and gives back what it holds above its
share, so a worker that starts late gets its part.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic

from monitor.store.lease_terms import (
    CLAIM_OWN,
    CLAIM_REST,
    COUNTS,
    GIVE_SURPLUS,
    GIVE_TO_MEMBER,
    SAME_ACCOUNT,
    AccountInUse,
    Holding,
    KnownChannel,
    WorkerRow,
    fair_share,
    stamp,
)
from monitor.store.session import Dialect, S, Sessions, Transactions

_REGISTER = """
INSERT INTO workers (name, account, pid, host, started_at, renewed_at, expires_at, stopped_at)
VALUES (:worker, :account, :pid, :host, :now, :now, :until, NULL)
ON CONFLICT (name) DO UPDATE SET account = excluded.account, pid = excluded.pid,
    host = excluded.host, started_at = excluded.started_at, renewed_at = excluded.renewed_at,
    expires_at = excluded.expires_at, stopped_at = NULL
"""
# Both backends read CASE alike (SQLite would add the comparison itself as 0 or 1, PostgreSQL not).
_HOLD_JOB = """
INSERT INTO job_leases (name, worker, expires_at, claimed_at) VALUES (:name, :worker, :until, :now)
ON CONFLICT (name) DO UPDATE SET
    takeovers = job_leases.takeovers + CASE WHEN job_leases.worker <> excluded.worker THEN 1 ELSE 0 END,
    claimed_at = CASE WHEN job_leases.worker = excluded.worker THEN job_leases.claimed_at
                      ELSE excluded.claimed_at END,
    worker = excluded.worker, expires_at = excluded.expires_at
WHERE job_leases.worker = excluded.worker OR job_leases.expires_at <= :now
"""


class LeasesBase(ABC, Generic[S]):
    """Channel and job leases, worker records and each account's channels (every method is one transaction).
    A backend supplies how the free leases a claim reads are locked, and how a registration is guarded."""

    # Appended to the claim queries (lease_terms.CLAIM_OWN, CLAIM_REST) to lock the leases they choose.
    LOCK_FREE: ClassVar[str]

    def __init__(self, database: Transactions, session: Callable[[Any], S], dialect: Dialect) -> None:
        self._sql = Sessions(database, session, dialect)

    @abstractmethod
    async def _guard_account(self, db: S, account: str) -> None:
        """Keep a second worker of `account` from registering until this transaction ends."""

    # -- workers ------------------------------------------------------------------------------------

    async def register(
        self, worker: str, account: str, *, pid: int, host: str, now: datetime, lease: timedelta
    ) -> None:
        """Record the worker as live; refuse when another live worker reads with the same account."""
        async with self._sql.write() as db:
            await self._guard_account(db, account)
            rows = await db.fetch(SAME_ACCOUNT, account=account, worker=worker, now=stamp(now))
            if rows:
                raise AccountInUse.by(account, dict(rows[0]))
            await db.run(
                _REGISTER,
                worker=worker,
                account=account,
                pid=pid,
                host=host,
                now=stamp(now),
                until=stamp(now + lease),
            )

    async def retire(self, worker: str, now: datetime) -> None:
        """A clean stop: give every lease back at once (no one waits for them to expire)."""
        async with self._sql.write() as db:
            await db.run(
                "UPDATE channel_leases SET worker = NULL, expires_at = :now WHERE worker = :worker",
                now=stamp(now),
                worker=worker,
            )
            await db.run("DELETE FROM job_leases WHERE worker = :worker", worker=worker)
            await db.run(
                "UPDATE workers SET stopped_at = :now, expires_at = :now WHERE name = :worker",
                now=stamp(now),
                worker=worker,
            )

    async def workers(self) -> list[WorkerRow]:
        rows = await self._sql.rows("SELECT * FROM workers ORDER BY name")
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
        rows = [
            {"account": account, "id": c.channel_id, "hash": c.access_hash, "joined": int(c.joined)}
            for c in channels
        ]
        if not rows:
            return
        dialect = self._sql.dialect
        async with self._sql.write() as db:
            await db.run_many(
                f"""
                INSERT INTO account_channels (account, channel_id, access_hash, joined, updated_at)
                VALUES (:account, :id, :hash, :joined, :now)
                ON CONFLICT (account, channel_id) DO UPDATE SET
                    access_hash = coalesce(excluded.access_hash, account_channels.access_hash),
                    joined = {dialect.greatest}(excluded.joined, account_channels.joined),
                    updated_at = excluded.updated_at
                """,
                [{**row, "now": stamp(now)} for row in rows],
            )
            # `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to the SELECT.
            await db.run(
                f"INSERT INTO channel_leases (channel_id) {dialect.ids('ids')} WHERE true "
                "ON CONFLICT (channel_id) DO NOTHING",
                ids=sorted({row["id"] for row in rows}),
            )

    async def known(self, account: str) -> dict[int, KnownChannel]:
        rows = await self._sql.rows(
            "SELECT channel_id, access_hash, joined FROM account_channels WHERE account = :account",
            account=account,
        )
        return {
            r["channel_id"]: KnownChannel(r["channel_id"], r["access_hash"], bool(r["joined"])) for r in rows
        }

    async def joined_count(self, account: str) -> int:
        value = await self._sql.value(
            "SELECT count(*) FROM account_channels WHERE account = :account AND joined = 1", account=account
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
        """Renew the worker and its leases, give back what a live member account should read or what
        is above its fair share, then claim its own account's channels and up to its share of the rest; one
        transaction. A worker just started counts on `expected` workers (the configured fleet) until the
        others have had a lease's time to start, so it does not take everything and then give most back."""
        until = stamp(now + lease)
        async with self._sql.write() as db:
            await db.run(
                "UPDATE workers SET renewed_at = :now, expires_at = :until, state = :state, "
                "stopped_at = NULL WHERE name = :worker",
                now=stamp(now),
                until=until,
                state=json.dumps(state, ensure_ascii=False, default=str),
                worker=worker,
            )
            await db.run(
                "UPDATE channel_leases SET expires_at = :until WHERE worker = :worker",
                until=until,
                worker=worker,
            )
            held = {
                int(r[0])
                for r in await db.fetch(
                    "SELECT channel_id FROM channel_leases WHERE worker = :worker", worker=worker
                )
            }
            counts = await db.fetch(COUNTS, now=stamp(now))
            target = fair_share(int(counts[0][0]), int(counts[0][1]), expected)
            released = await self._give_back(db, worker, account, now, len(held), target)
            room = target - len(held - released)
            gained, taken = await self._claim(
                db, worker, account, now, until, room, target, settled=expected <= 1
            )
        return Holding(
            frozenset((held | gained) - released),
            frozenset(gained),
            frozenset(released),
            frozenset(taken),
            target,
        )

    async def release(self, worker: str, channel_ids: Sequence[int], now: datetime) -> None:
        """Give back leases this worker cannot use (a channel its account cannot reach)."""
        async with self._sql.write() as db:
            await self._free(db, worker, sorted(set(channel_ids)), now)

    async def holders(self) -> dict[int, tuple[str | None, str]]:
        """Every channel lease: channel id -> (worker or None, expires_at)."""
        rows = await self._sql.rows("SELECT channel_id, worker, expires_at FROM channel_leases")
        return {r["channel_id"]: (r["worker"], r["expires_at"]) for r in rows}

    # -- job leases ---------------------------------------------------------------------------------

    async def hold_job(self, name: str, worker: str, *, now: datetime, lease: timedelta) -> bool:
        """Claim or renew the fleet-wide job `name` (e.g. 'sender'); True while this worker holds it. The
        upsert takes the row's lock, so of two workers claiming at once the second sees the first's claim."""
        async with self._sql.write() as db:
            await db.run(_HOLD_JOB, name=name, worker=worker, until=stamp(now + lease), now=stamp(now))
            holder = await db.value("SELECT worker FROM job_leases WHERE name = :name", name=name)
        return holder == worker

    async def drop_job(self, name: str, worker: str) -> None:
        async with self._sql.write() as db:
            await db.run(
                "DELETE FROM job_leases WHERE name = :name AND worker = :worker", name=name, worker=worker
            )

    async def job_holder(self, name: str) -> tuple[str, str] | None:
        """(worker, expires_at) of the job's lease, if anyone ever held it."""
        rows = await self._sql.rows("SELECT worker, expires_at FROM job_leases WHERE name = :name", name=name)
        return (rows[0]["worker"], rows[0]["expires_at"]) if rows else None

    # -- one renewal's steps ------------------------------------------------------------------------

    async def _claim(
        self,
        db: S,
        worker: str,
        account: str,
        now: datetime,
        until: str,
        room: int,
        target: int,
        *,
        settled: bool,
    ) -> tuple[set[int], set[int]]:
        """Claim every free or expired lease of a channel this account joined that no other live member
        below its share will take (unless the worker is waiting for the rest of the fleet to start), then
        up to `room` of the rest: those it joined first, then those it resolved, and a channel it has not
        joined only while no live worker's account has; returns the claimed ids and those taken over from
        another. The UPDATE checks again that each lease is free."""
        names = {"account": account, "now": stamp(now), "room": max(room, 0), "target": target}
        rows = []
        if settled:
            rows = await db.fetch(CLAIM_OWN + self.LOCK_FREE, **names)
        rows += await db.fetch(CLAIM_REST + self.LOCK_FREE, **names)  # may list again what CLAIM_OWN found
        claimed = sorted({int(r["channel_id"]) for r in rows})
        await db.run(
            f"""
            UPDATE channel_leases
            SET takeovers = takeovers + CASE WHEN worker IS NOT NULL AND worker <> :worker THEN 1 ELSE 0 END,
                worker = :worker, account = :account, expires_at = :until, claimed_at = :now
            WHERE {self._sql.dialect.any_of("channel_id", "ids")} AND (worker IS NULL OR expires_at <= :now)
            """,
            worker=worker,
            account=account,
            until=until,
            now=stamp(now),
            ids=claimed,
        )
        taken = {int(r["channel_id"]) for r in rows if r["worker"] is not None and r["worker"] != worker}
        return set(claimed), taken

    async def _give_back(
        self, db: S, worker: str, account: str, now: datetime, held: int, target: int
    ) -> set[int]:
        """Give back the held channels this account has not joined that a live worker's account has, at
        any share (that worker reads them live), then, above this worker's own share, those no live member
        has and those another live member below its share joined too; never a channel only this account
        joined. A give-back frees the lease in this transaction and the member claims it at its own renewal,
        so the channel is never read by two workers at once."""
        names: dict[str, object] = {"account": account, "now": stamp(now), "worker": worker, "target": target}
        rows = await db.fetch(GIVE_TO_MEMBER, **names)
        names["surplus"] = max(held - len(rows) - target, 0)
        rows += await db.fetch(GIVE_SURPLUS, **names)
        released = sorted({int(r["channel_id"]) for r in rows})
        await self._free(db, worker, released, now)
        return set(released)

    async def _free(self, db: S, worker: str, channel_ids: list[int], now: datetime) -> None:
        """Make the worker's leases of these channels free (those it holds: another's stay)."""
        await db.run(
            "UPDATE channel_leases SET worker = NULL, expires_at = :now "
            f"WHERE {self._sql.dialect.any_of('channel_id', 'ids')} AND worker = :worker",
            now=stamp(now),
            ids=channel_ids,
            worker=worker,
        )
