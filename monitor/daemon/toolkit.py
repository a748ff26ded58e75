"""What every online command opens before it reads: the process locks, the archive (waited for when its
server is down), the analyzer, the user client, ingest, the reconciler and the request budget.
`monitor run`, `monitor backfill` and each worker of a fleet share it."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.analysis import Analyzer
from monitor.config import Config
from monitor.logs import log_event
from monitor.store import ArchiveUnreachable, Location, open_archive
from monitor.telegram.budget import RequestBudget
from monitor.telegram.client import (
    ConnectionWatch,
    GuardedClient,
    ProcessLock,
    SessionError,
    build_client,
    connect_user,
    lock_path_for,
)
from monitor.telegram.guard import AccountFault, FloodWaits
from monitor.telegram.ingest import ARCHIVE_RETRY_SECONDS, Ingestor
from monitor.telegram.reconcile import Reconciler

if TYPE_CHECKING:
    from monitor.store.opening import Archive

log = logging.getLogger(__name__)

TAKEOVER_RESERVE = 0.2  # a worker's share of the burst that only the catch-up of a takeover may spend


class WorkerRefused(Exception):
    """A worker that must not start: its account is already read by another worker (a usage error)."""


def acquire_locks(config: Config, *, worker: str | None = None) -> list[ProcessLock]:
    """Refuse a second process on the same session or archive before touching either. The workers of a
    fleet share the archive (a shared lock, which a single daemon's exclusive one refuses) and leave the
    bot's session to whichever of them holds the sender's seat."""
    telegram = config.telegram
    sessions = [(telegram.session, "the user session")]
    if worker is None:
        sessions.append((telegram.bot_session, "the bot session"))
    targets = [
        (lock_path_for(secret, config.archive_path), what) for secret, what in sessions if secret is not None
    ]
    locks: list[ProcessLock] = []
    try:
        for path, what in targets:
            lock = ProcessLock(path, what)
            lock.acquire()
            locks.append(lock)
    except SessionError as error:
        release_locks(locks)
        if worker is not None:
            raise WorkerRefused(f"worker {worker}: {error}") from None
        raise
    archive = ProcessLock(
        Path(f"{config.archive_path}.lock"), f"archive {config.archive_path}", shared=worker is not None
    )
    try:
        archive.acquire()
    except SessionError:
        release_locks(locks)
        raise
    return [*locks, archive]


def release_locks(locks: list[ProcessLock]) -> None:
    for lock in reversed(locks):
        lock.release()


@dataclass
class Toolkit:
    """What every online command needs: the locked archive, the analyzer, the user client, ingest and
    the reconciler. `monitor run` and `monitor backfill` share it."""

    config: Config
    store: Archive
    analyzer: Analyzer
    user: GuardedClient
    ingestor: Ingestor
    reconciler: Reconciler
    flood: FloodWaits
    budget: RequestBudget

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls,
        config: Config,
        *,
        watch: ConnectionWatch | None = None,
        wait_for_archive: bool = False,
        worker: str | None = None,
    ) -> AsyncIterator[Toolkit]:
        """`wait_for_archive`: an archive server that cannot be reached yet is waited for (the daemon),
        rather than an error (a command run by hand). `worker`: the fleet's worker this process is."""
        locks = acquire_locks(config, worker=worker)
        try:
            async with contextlib.AsyncExitStack() as stack:
                location = config.archive_location
                store = await (open_when_reachable(location) if wait_for_archive else open_archive(location))
                stack.push_async_callback(store.close)
                analyzer = await asyncio.to_thread(
                    Analyzer.from_files,
                    config.analysis.conflicts_path,
                    backend=config.analysis.language_backend,
                    thresholds=dict(config.analysis.thresholds),
                )
                await store.upsert_conflicts(analyzer.conflicts.values())
                session = config.telegram.session
                user = build_client(session.reveal() if session else "", config.telegram, watch=watch)
                stack.push_async_callback(user.disconnect)  # before connecting: a cancelled connect too
                user.guard.on_wait = functools.partial(report_flood_waits, store, user)
                try:
                    await user.guard.wait_out(functools.partial(connect_user, user))
                except AccountFault as fault:
                    await store.problems.report([fault.problem()])  # for `monitor health`
                    raise
                ingestor = Ingestor(store, analyzer)
                stack.push_async_callback(asyncio.to_thread, ingestor.close)
                reading = config.reading
                budget = RequestBudget(
                    reading.requests_per_hour,
                    reading.burst,
                    spacing=reading.spacing_seconds,
                    jitter=reading.jitter,
                    steady_per_hour=reading.steady_per_hour,
                    takeover_reserve=int(reading.burst * TAKEOVER_RESERVE) if worker else 0,
                )
                news_window = timedelta(hours=config.alerts.backfill_alert_hours)
                reconciler = Reconciler(user, store, ingestor, budget, news_window=news_window)
                yield cls(config, store, analyzer, user, ingestor, reconciler, user.guard.flood, budget)
        finally:
            release_locks(locks)


async def report_flood_waits(store: Archive, client: GuardedClient) -> None:
    """Record a client's flood waits for `monitor health` while nothing else reports (a wait at connect)."""
    await store.problems.report(client.guard.flood.problems())


async def open_when_reachable(location: Location) -> Archive:
    """The archive once its server answers: a PostgreSQL server down or starting up is waited for, each
    failed attempt logged naming the archive url (without its password); any other fault is raised."""
    delay, longest = ARCHIVE_RETRY_SECONDS
    while True:
        try:
            return await open_archive(location)
        except ArchiveUnreachable as error:
            log_event(log, "archive_unreachable", level=logging.ERROR, error=str(error), retry_seconds=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, longest)
