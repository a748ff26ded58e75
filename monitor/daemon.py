"""Wiring of the long-running monitor: clients, live ingest, reconciler, alert sender, commands, scheduler.

Start-up: lock the session and archive, open the archive, load the analyzer, connect, resolve channels,
start live handlers, the alert sender and the commands, schedule the jobs, then catch up every channel.
Shutdown (SIGTERM/SIGINT): stop intake first, cancel catch-up work (every batch is its own transaction
and is fetched again after a restart), let the sender finish its current send, close the archive;
all within a bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from monitor.analysis import Analyzer
from monitor.config import Config
from monitor.logs import log_event
from monitor.metrics import MetricsEndpoint
from monitor.model import CONTEXT_OFF, Channel, ChannelContext, TelegramProblem, utcnow
from monitor.store import ArchiveError, Store
from monitor.telegram.channels import Unavailable, WatchedChannel, resolve_all
from monitor.telegram.client import (
    ConnectionWatch,
    GuardedClient,
    ProcessLock,
    SessionError,
    build_client,
    connect_bot,
    connect_user,
    lock_path_for,
)
from monitor.telegram.commands import ChannelStatus, CommandHandler, DaemonStatus
from monitor.telegram.guard import AccountFault, FloodWaits
from monitor.telegram.ingest import Ingestor, LiveIngest
from monitor.telegram.reconcile import Reconciler
from monitor.telegram.send import AlertSender

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 10.0
RECHECK_EVERY = timedelta(minutes=10)
BUSY_WITHIN = timedelta(hours=1)
CATCH_UP_CONCURRENCY = 4

Job = Callable[[], Coroutine[object, object, None]]


@dataclass
class DaemonState:
    """What the running daemon knows about itself, for analyst commands and tests."""

    started_at: datetime = field(default_factory=utcnow)
    channels: list[WatchedChannel] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)
    flood: FloodWaits = field(default_factory=FloodWaits)
    reconnects: int = 0


def acquire_locks(config: Config) -> list[ProcessLock]:
    """Refuse a second process on the same session or archive before touching either."""
    telegram = config.telegram
    targets = [
        (lock_path_for(secret, config.archive_path), what)
        for secret, what in (
            (telegram.session, "the user session"),
            (telegram.bot_session, "the bot session"),
        )
        if secret is not None
    ]
    targets.append((Path(f"{config.archive_path}.lock"), f"archive {config.archive_path}"))
    locks: list[ProcessLock] = []
    try:
        for path, what in targets:
            lock = ProcessLock(path, what)
            lock.acquire()
            locks.append(lock)
    except SessionError:
        release_locks(locks)
        raise
    return locks


def release_locks(locks: list[ProcessLock]) -> None:
    for lock in reversed(locks):
        lock.release()


@dataclass
class Toolkit:
    """What every online command needs: the locked archive, the analyzer, the user client, ingest and
    the reconciler. `monitor run` and `monitor backfill` share it."""

    config: Config
    store: Store
    analyzer: Analyzer
    user: GuardedClient
    ingestor: Ingestor
    reconciler: Reconciler
    flood: FloodWaits

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, config: Config, *, watch: ConnectionWatch | None = None) -> AsyncIterator[Toolkit]:
        locks = acquire_locks(config)
        try:
            async with contextlib.AsyncExitStack() as stack:
                store = await Store.open(config.archive_path)
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
                try:
                    await connect_user(user)
                except AccountFault as fault:
                    await store.problems.report([fault.problem()])  # for `monitor health`
                    raise
                ingestor = Ingestor(store, analyzer)
                stack.push_async_callback(asyncio.to_thread, ingestor.close)
                news_window = timedelta(hours=config.alerts.backfill_alert_hours)
                reconciler = Reconciler(user, store, ingestor, news_window=news_window)
                yield cls(config, store, analyzer, user, ingestor, reconciler, user.guard.flood)
        finally:
            release_locks(locks)


class Daemon:
    """One monitor process: `start()` brings every part up, `close()` takes them down within a bound.

    Every part is declared here; those that exist only while running are None before `start()`.
    """

    def __init__(self, config: Config, *, shutdown_seconds: float = SHUTDOWN_SECONDS) -> None:
        self.config = config
        self.shutdown_seconds = shutdown_seconds
        self.state = DaemonState()
        self.ready = asyncio.Event()
        self.watch = ConnectionWatch()
        self.kit: Toolkit | None = None
        self.sender_client: GuardedClient | None = None
        self.fault: AccountFault | None = None
        self._failed = asyncio.Event()
        self.sender: AlertSender | None = None
        self.live: LiveIngest | None = None
        self.commands: CommandHandler | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self.metrics: MetricsEndpoint | None = None
        self._resources = contextlib.AsyncExitStack()
        self._tasks: set[asyncio.Task[object]] = set()
        self._backfilling: set[int] = set()

    # -- life cycle --------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Start, serve until `stop` is set or an account dies, then close; a dead account is raised
        (AccountFault) after the close, for the command line's exit status. A stop during start-up (a
        first connect that hangs or retries) cancels the start at once rather than after it."""
        try:
            if await unless_stopped(self.start(), stop):
                waiters = [asyncio.ensure_future(event.wait()) for event in (stop, self._failed)]
                try:
                    await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for waiter in waiters:
                        waiter.cancel()
        finally:
            await self.close()
        if self.fault is not None:
            raise self.fault

    async def start(self) -> None:
        """Lock and open everything, start intake and delivery, then catch up every channel."""
        config = self.config
        kit = await self._resources.enter_async_context(Toolkit.open(config, watch=self.watch))
        self.kit = kit
        self.state.flood = kit.flood
        kit.user.guard.on_fault = self._account_failed
        self.sender_client = await self._connect_sender() or kit.user
        self.sender_client.guard.on_fault = self._account_failed
        self.sender = AlertSender(self.sender_client, kit.store, config.alerts, config.analyst.chat_id)
        kit.ingestor.on_change = self.sender.notify
        self.live = LiveIngest(kit.user, kit.ingestor)
        self.live.start()
        self.state.channels, self.state.unavailable = await resolve_all(kit.user, kit.store, config.channels)
        self.live.watched = {w.id for w in self.state.channels}
        kit.ingestor.learn_context = config.analysis.context == "learned"
        kit.ingestor.fixed_context = fixed_contexts(self.state.channels)
        self.commands = CommandHandler(
            self.sender_client,
            kit.store,
            self,
            self.sender,
            chat_id=config.analyst.chat_id,
            admins=config.analyst.admins,
            conflicts=kit.analyzer.conflicts,
        )
        self.commands.start()
        self._spawn(self.sender.run(), "alert_sender")
        self.scheduler = self._schedule(self.sender)
        self.watch.on_reconnect = self._on_reconnect
        self._spawn(self._catch_up(self.state.channels), "catch_up")
        if config.metrics is not None:
            self.metrics = MetricsEndpoint.start(config.metrics, self)
            self._resources.push_async_callback(self.metrics.close)
        self.ready.set()
        log_event(log, "daemon_ready", channels=len(self.state.channels))

    async def close(self) -> None:
        """Stop intake, let the sender finish and cancel catch-up work within the bound, then release
        the clients, the archive and the locks. Safe after a failed or partial start."""
        log_event(log, "daemon_stopping")
        await self._report_problems()  # before wind-down cancels work that may hold the archive
        for intake in (self.live, self.commands):
            if intake is not None:
                intake.stop()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        try:
            await asyncio.wait_for(self._wind_down(), self.shutdown_seconds)
        except TimeoutError:
            log_event(log, "shutdown_timeout", level=logging.WARNING, seconds=self.shutdown_seconds)
        await self._resources.aclose()
        log_event(log, "daemon_stopped")

    @property
    def store(self) -> Store:
        return self._running().store

    def _running(self) -> Toolkit:
        if self.kit is None:
            raise RuntimeError("the daemon has not started")
        return self.kit

    def status(self) -> DaemonStatus:
        """What `/status` shows about the reading side: channels, their lag, flood waits, reconnects."""
        kit = self._running()
        now = utcnow()
        last_reconcile = kit.reconciler.last_reconcile
        rows = [
            ChannelStatus(
                w.channel,
                kit.ingestor.last_post_at.get(w.id),
                (now - last_reconcile[w.id]).total_seconds() if w.id in last_reconcile else None,
            )
            for w in self.state.channels
        ]
        rows += [
            ChannelStatus(Channel(id=0, title=u.settings.ref), None, None, u.reason)
            for u in self.state.unavailable
        ]
        flood = self.state.flood
        return DaemonStatus(
            self.state.started_at,
            tuple(rows),
            flood.count,
            flood.seconds,
            self.state.reconnects,
            tuple(self.telegram_problems()),
        )

    def telegram_problems(self) -> list[TelegramProblem]:
        """What Telegram is doing to this monitor now: dead accounts, flood waits, a blocked sender."""
        kit = self._running()
        clients = {id(c): c for c in (kit.user, self.sender_client) if c is not None}.values()
        problems = [c.guard.fault.problem() for c in clients if c.guard.fault is not None]
        problems += [p for c in clients for p in c.guard.flood.problems()]
        return problems + (self.sender.problems() if self.sender else [])

    def _account_failed(self, fault: AccountFault) -> None:
        """A revoked, duplicated or banned key: stop the daemon rather than run blind."""
        if self.fault is None:
            self.fault = fault
            self._failed.set()

    async def _report_problems(self) -> None:
        """Record the current problems for `monitor health`; the last report before exit stays."""
        if self.kit is None:
            return
        try:
            await self.kit.store.problems.report(self.telegram_problems())
        except ArchiveError as error:
            log_event(log, "problems_not_recorded", level=logging.WARNING, error=str(error))

    async def _connect_sender(self) -> GuardedClient | None:
        """A bot sends the alerts when one is configured (its own session, or one next to the archive)."""
        telegram = self.config.telegram
        if telegram.bot_session is None and telegram.bot_token is None:
            return None
        bot_session = telegram.bot_session
        session = bot_session.reveal() if bot_session else f"{self.config.archive_path}.bot.session"
        client = build_client(session, telegram, who="the bot account")
        self._resources.push_async_callback(client.disconnect)
        await connect_bot(client, telegram.bot_token.reveal() if telegram.bot_token else None)
        return client

    async def _wind_down(self) -> None:
        if self.sender is not None:
            await self.sender.stop()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, coroutine: Coroutine[object, object, object], name: str) -> None:
        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log_event(
                log,
                "task_failed",
                level=logging.ERROR,
                task=task.get_name(),
                error=f"{type(error).__name__}: {error}",
            )

    # -- catch-up and jobs -----------------------------------------------------------------------

    async def _catch_up(self, channels: list[WatchedChannel]) -> None:
        """On start and after a reconnect: reconcile every channel, then backfill the new ones."""
        limit = asyncio.Semaphore(CATCH_UP_CONCURRENCY)

        kit = self._running()

        async def one(watched: WatchedChannel) -> None:
            async with limit:
                await kit.reconciler.reconcile(watched)
            state = await kit.store.sync_state(watched.id)
            if not state.get("backfill_done") and watched.id not in self._backfilling:
                self._backfilling.add(watched.id)
                self._spawn(self._backfill(watched), f"backfill:{watched.id}")

        await asyncio.gather(*(one(w) for w in channels))

    async def _backfill(self, watched: WatchedChannel) -> None:
        """One backfill per channel at a time; one cut short resumes at the next catch-up."""
        settings = watched.settings
        try:
            await self._running().reconciler.backfill(
                watched, limit=settings.backfill, since=settings.backfill_since
            )
        finally:
            self._backfilling.discard(watched.id)

    def _on_reconnect(self) -> None:
        """Catch up as a task the daemon owns, so a failure is logged and shutdown cancels it."""
        self.state.reconnects += 1
        self._spawn(self._catch_up(self.state.channels), "catch_up")

    def _schedule(self, sender: AlertSender) -> AsyncIOScheduler:
        schedule = self.config.schedule
        scheduler = AsyncIOScheduler(timezone="UTC")

        def every(seconds: float, name: str, job: Job, **options: object) -> None:
            trigger = functools.partial(self._trigger, name, job)
            scheduler.add_job(trigger, "interval", seconds=seconds, id=name, coalesce=True, **options)

        for watched in self.state.channels:
            every(
                schedule.busy_reconcile_seconds,
                f"reconcile:{watched.id}",
                functools.partial(self._periodic_reconcile, watched),
            )
        every(RECHECK_EVERY.total_seconds(), "recheck", self._recheck_all)
        every(schedule.heartbeat_seconds, "heartbeat", self._heartbeat, next_run_time=utcnow())
        sender.schedule(scheduler)
        scheduler.start()
        return scheduler

    async def _trigger(self, name: str, job: Job) -> None:
        """Scheduled jobs run as tasks the daemon owns, so shutdown cancels them like any other work;
        a job whose previous run is still going is skipped."""
        if not any(task.get_name() == name for task in self._tasks):
            self._spawn(job(), name)

    async def _periodic_reconcile(self, watched: WatchedChannel) -> None:
        """Busy channels (posted within the hour) every busy interval, the others every reconcile interval."""
        kit = self._running()
        now = utcnow()
        last_post = kit.ingestor.last_post_at.get(watched.id)
        busy = last_post is not None and now - last_post < BUSY_WITHIN
        last = kit.reconciler.last_reconcile.get(watched.id)
        due = last is None or (now - last).total_seconds() >= self.config.schedule.reconcile_seconds
        if busy or due:
            await kit.reconciler.reconcile(watched)

    async def _recheck_all(self) -> None:
        schedule = self.config.schedule
        for watched in self.state.channels:
            await self._running().reconciler.recheck(
                watched, hours=schedule.recheck_hours, engagement_hours=schedule.engagement_hours
            )

    async def _heartbeat(self) -> None:
        """Prove liveness to `monitor health`, and revive a client Telethon gave up reconnecting."""
        kit = self._running()
        await kit.store.heartbeat(utcnow())
        for client in {kit.user, self.sender_client or kit.user}:
            await client.confirm_account(self.config.schedule.heartbeat_seconds)
        await self._report_problems()
        for client in {kit.user, self.sender_client or kit.user}:
            if not client.is_connected():
                log_event(log, "reconnecting", level=logging.WARNING)
                try:
                    await client.connect()
                except OSError as error:  # ConnectionError and TimeoutError too; the next heartbeat retries
                    error_text = f"{type(error).__name__}: {error}"
                    log_event(log, "reconnect_failed", level=logging.WARNING, error=error_text)


async def unless_stopped(work: Coroutine[object, object, None], stop: asyncio.Event) -> bool:
    """Run `work` until it ends or `stop` is set, whichever comes first; True when `work` finished (its
    failure is raised), False when it was cancelled because of `stop`."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    if task.cancelled():
        return False
    task.result()
    return True


def quiet_library_logs() -> None:
    """APScheduler logs every job run at INFO; only its warnings belong in the daemon's log."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def install_signal_handlers(stop: asyncio.Event) -> None:
    """SIGTERM and SIGINT set the stop event; the daemon then shuts down within its bound."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)


async def run_daemon(config: Config) -> None:
    """`monitor run`: the daemon until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    install_signal_handlers(stop)
    quiet_library_logs()
    await Daemon(config).run(stop)


def fixed_contexts(channels: list[WatchedChannel]) -> dict[int, ChannelContext]:
    """Channels whose config sets their context: fixed shares, or none at all ("off")."""
    fixed = {}
    for watched in channels:
        setting = watched.settings.context
        if setting == "off":
            fixed[watched.id] = CONTEXT_OFF
        elif not isinstance(setting, str):
            fixed[watched.id] = ChannelContext(setting, source="config")
    return fixed
