"""Wiring of the long-running monitor: clients, live ingest, reconciler, alert sender, commands, scheduler.

Start-up: lock the session and archive, open the archive, load the analyzer, connect, resolve channels,
start live handlers, the alert sender and the commands, schedule the jobs; the first look at every
channel (change detection, `telegram/sweep.py`) runs at once and catches up what was missed while down.
Reading spends one request budget per account (`[reading]`): looks in the foreground, then backfill,
engagement snapshots and polling of channels that cannot be joined with what the looks leave.
Longer than most modules because it is the one place where the live parts meet: the reading jobs (look,
backfill, polling, engagement, outage summary) are short methods that only schedule work of `telegram/`.
A worker of a fleet runs the same life cycle and asks its `FleetWorker` (`worker.py`) where it differs.
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
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telethon import errors

from monitor.config import Config, WorkerSettings
from monitor.daemon.report import (
    DaemonState,
    channel_rows,
    daemon_record,
    reading_state,
    reading_summary,
    telegram_problems,
)
from monitor.daemon.toolkit import Toolkit
from monitor.daemon.worker import FleetWorker
from monitor.logs import log_event
from monitor.metrics import MetricsEndpoint
from monitor.model import CONTEXT_OFF, ChannelContext, TelegramProblem, utcnow
from monitor.store import ArchiveError
from monitor.store.daemon_record import ArchiveFailures
from monitor.telegram.channels import ChannelResolver, WatchedChannel
from monitor.telegram.client import (
    ConnectionWatch,
    GuardedClient,
    build_client,
    connect_bot,
)
from monitor.telegram.commands import CommandHandler, DaemonStatus
from monitor.telegram.guard import AccountFault
from monitor.telegram.ingest import LiveIngest
from monitor.telegram.reconcile import OutageSummary
from monitor.telegram.send import AlertSender
from monitor.telegram.sweep import Sweep

if TYPE_CHECKING:
    from monitor.store.opening import Archive

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 10.0
RECONNECT_DEBOUNCE_SECONDS = 5.0  # reconnects in a flurry get one look, not one each
LOOK_SHARE = 0.25  # looks take at most this share of the budget; the rest is for what they find
ENGAGEMENT_JOB_SECONDS = 60.0

Job = Callable[[], Coroutine[object, object, None]]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Daemon:
    """One monitor process: `start()` brings every part up, `close()` takes them down within a bound.

    Every part is declared here; those that exist only while running are None before `start()`.
    """

    def __init__(
        self,
        config: Config,
        *,
        shutdown_seconds: float = SHUTDOWN_SECONDS,
        worker: WorkerSettings | None = None,
    ) -> None:
        # A worker of a fleet reads with its own account and only the channels it holds leases for.
        self.worker = worker
        if worker is not None:
            config = replace(config, telegram=replace(config.telegram, session=worker.session))
        self.config = config
        self.shutdown_seconds = shutdown_seconds
        self.state = DaemonState()
        self.ready = asyncio.Event()
        self.looked = asyncio.Event()  # set when the first look (the catch-up at start) is done
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
        self.sweep: Sweep | None = None
        self.resolver: ChannelResolver | None = None
        self._engaged: dict[int, datetime] = {}
        self.fleet = FleetWorker(self, worker) if worker is not None else None
        self.looked_at: datetime | None = None

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
        name = self.worker.name if self.worker else None
        kit = await self._resources.enter_async_context(
            Toolkit.open(config, watch=self.watch, wait_for_archive=True, worker=name)
        )
        self.kit = kit
        kit.store.report_file_errors(ArchiveFailures(config.archive_path).report)
        self.state.flood = kit.flood
        kit.user.guard.on_fault = self._account_failed
        kit.user.guard.on_wait = self._report_problems
        if self.worker is None:
            self._take_sender(await self._connect_sender() or kit.user)
        kit.reconciler.outage = OutageSummary.from_state(await kit.store.notices.open_outage())
        self.live = LiveIngest(kit.user, kit.ingestor)
        self.live.start()
        self._spawn(self.live.run(), "live_ingest")
        reading = config.reading
        self.resolver = ChannelResolver(
            kit.user,
            kit.store,
            kit.budget,
            resolves_per_hour=reading.resolves_per_hour,
            joins_per_hour=reading.joins_per_hour,
        )
        own_hashes = await self.fleet.join() if self.fleet is not None else None
        await self.resolver.start(config.channels, own_hashes=own_hashes)
        self.state.channels, self.state.unavailable = self.resolver.watched, self.resolver.unavailable
        if self.fleet is not None:
            await self.fleet.start_reading()
        self.resolver.on_watched = self._on_watched
        self.live.watched = {w.id for w in self.state.channels}
        kit.ingestor.learn_context = config.analysis.context == "learned"
        kit.ingestor.fixed_context = fixed_contexts(self.resolver.watched)
        self.sweep = Sweep(kit.user, kit.reconciler, kit.budget, self.live.pts)
        if self.fleet is not None and self.fleet.takeover is not None:
            self.sweep.hand_off = self.fleet.takeover.hand_off
        if self.sender is not None:
            self._start_sending(self.sender)
        self.scheduler = self._schedule(self.sender)
        self.watch.on_reconnect = self._on_reconnect
        self._spawn(self.resolver.run(), "resolver")
        if config.metrics is not None:
            self.metrics = MetricsEndpoint.start(config.metrics, self)
            self._resources.push_async_callback(self.metrics.close)
        if self.worker is None:
            await kit.store.daemon.started(daemon_record(config, self.state))
        self.ready.set()
        log_event(log, "daemon_ready", channels=len(self.state.channels), worker=name)

    def _take_sender(self, client: GuardedClient) -> AlertSender:
        """The alert sender on `client` (the bot, else the user); a worker's sends only while seated."""
        kit = self._running()
        self.sender_client = client
        client.guard.on_fault = self._account_failed
        seat = self.fleet.seat if self.fleet is not None else None
        seated = seat.valid if seat is not None else None
        config = self.config
        self.sender = AlertSender(client, kit.store, config.alerts, config.analyst.chat_id, may_send=seated)
        kit.ingestor.on_change = self.sender.notify
        return self.sender

    def _start_sending(self, sender: AlertSender) -> None:
        """Deliver the outbox and answer the analysts' commands, through the sender's client."""
        kit, config = self._running(), self.config
        self.commands = CommandHandler(
            self.sender_client,
            kit.store,
            self,
            sender,
            chat_id=config.analyst.chat_id,
            admins=config.analyst.admins,
            conflicts=kit.analyzer.conflicts,
        )
        self.commands.start()
        self._spawn(sender.run(), "alert_sender")
        if self.scheduler is not None:
            sender.schedule(self.scheduler)

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
        try:
            if self.kit is not None:
                with contextlib.suppress(ArchiveError):  # already recorded beside the archive
                    if self.fleet is not None:
                        await self.fleet.leave()
                    if self.worker is None:
                        await self.kit.store.daemon.stopped(utcnow())
        finally:
            await self._resources.aclose()
        log_event(log, "daemon_stopped")

    @property
    def store(self) -> Archive:
        return self._running().store

    def _running(self) -> Toolkit:
        if self.kit is None:
            raise RuntimeError("the daemon has not started")
        return self.kit

    def _live(self) -> LiveIngest:
        if self.live is None:
            raise RuntimeError("the daemon has not started")
        return self.live

    def _resolver(self) -> ChannelResolver:
        if self.resolver is None:
            raise RuntimeError("the daemon has not started")
        return self.resolver

    async def _on_watched(self, watched: WatchedChannel) -> None:
        """A channel resolved after start (queued, or again after a stale hash): read it live and look at
        it soon, which records its first sighting or catches it up from its stored pts. A worker reads it
        only once it holds its lease."""
        if self.kit is not None:
            self.kit.ingestor.fixed_context.update(fixed_contexts([watched]))
        if self.fleet is not None:
            self.fleet.on_watched(watched)
        elif self.live is not None:
            self.live.watched.add(watched.id)
        self.look_soon()

    async def _stop_sending(self) -> None:
        """Stop delivering the outbox and answering commands (a worker that lost the sender's seat)."""
        if self.sender is not None:
            await self.sender.stop()
        if self.commands is not None:
            self.commands.stop()
        self.sender = self.commands = self.sender_client = None

    def look_soon(self, seconds: float = 0.0) -> None:
        """Bring the next look forward to `seconds` from now (a new channel, a reconnect, an operator)."""
        if self.scheduler is not None and self.scheduler.get_job("look") is not None:
            self.scheduler.modify_job("look", next_run_time=utcnow() + timedelta(seconds=seconds))

    def _sweep(self) -> Sweep:
        if self.sweep is None:
            raise RuntimeError("the daemon has not started")
        return self.sweep

    def status(self) -> DaemonStatus:
        """What `/status` shows about the reading side: channels, their lag and state, the request budget,
        flood waits, reconnects, and posts recovered too late to alert."""
        kit, state = self._running(), self.state
        rows = channel_rows(state, kit.ingestor, kit.reconciler, self._resolver().pending, utcnow())
        flood = state.flood
        return DaemonStatus(
            state.started_at,
            tuple(rows),
            flood.count,
            flood.seconds,
            state.reconnects,
            tuple(self.telegram_problems()),
            reading=self.reading_summary(),
        )

    async def fleet_status(self) -> list[str]:
        return await self.fleet.status_lines() if self.fleet is not None else []

    def telegram_problems(self) -> list[TelegramProblem]:
        """What Telegram is doing to this monitor now: dead accounts, flood waits, a blocked sender."""
        clients = [c for c in (self._running().user, self.sender_client) if c is not None]
        return telegram_problems(clients, self.sender)

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

    def reading_state(self) -> dict[str, object]:
        """What `monitor health` can show of the reading side (`report.py`)."""
        return reading_state(self.state, self._resolver().describe_pending(), self._running().budget)

    def reading_summary(self) -> str:
        """One line on how the reading account spends its budget (`report.py`)."""
        pending = len(self._resolver().pending)
        return reading_summary(self.state, pending, self._running().budget, self.look_seconds())

    async def _connect_sender(self) -> GuardedClient | None:
        """A bot sends the alerts when one is configured (its own session, or one next to the archive)."""
        telegram = self.config.telegram
        if telegram.bot_session is None and telegram.bot_token is None:
            return None
        bot_session = telegram.bot_session
        session = bot_session.reveal() if bot_session else f"{self.config.archive_path}.bot.session"
        client = build_client(session, telegram, who="the bot account")
        self._resources.push_async_callback(client.disconnect)
        self.sender_client = client  # its problems are reported from now on, a wait while connecting too
        client.guard.on_wait = self._report_problems
        token = telegram.bot_token.reveal() if telegram.bot_token else None
        await client.guard.wait_out(functools.partial(connect_bot, client, token))
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

    # -- reading jobs ----------------------------------------------------------------------------

    async def _look(self) -> None:
        """One look at every channel (catching up those behind), then the background reads it calls for:
        polling channels that are not joined, busiest first, and backfilling new channels, newest first."""
        examined = {w.id for w in self.state.channels}
        result = await self._sweep().look(self.state.channels)
        if self.fleet is not None:
            self.fleet.looked(examined)
        self.looked_at = utcnow()
        self.looked.set()
        self.state.not_joined = [w.id for w in result.not_joined]
        resolver = self._resolver()
        resolver.joined |= examined - {w.id for w in (*result.not_joined, *result.refused)}
        resolver.joined -= {w.id for w in result.not_joined}
        for watched in result.not_joined:
            resolver.join_later(watched)
        for watched in result.refused:
            if self.live is not None:
                self.live.watched.discard(watched.id)
            resolver.resolve_again(watched)
        if result.refused and self.fleet is not None:
            self.fleet.read_held()
        await self.announce_outage()
        if result.not_joined and not self._is_running("poll"):
            self._spawn(self._poll(result.not_joined), "poll")
        if not self._is_running("backfill"):
            newest = {w.id: await self._unread_history_since(w) for w in self.state.channels}
            pending = sorted(
                (w for w in self.state.channels if newest[w.id]), key=lambda w: newest[w.id], reverse=True
            )
            if pending:
                self._spawn(self._backfill(pending), "backfill")

    async def _unread_history_since(self, watched: WatchedChannel) -> str:
        """The date of the newest post a pending backfill will read ('' when done): the channels whose
        history holds the freshest posts, news published just before the first sighting, go first."""
        state = await self._running().store.sync_state(watched.id)
        if state.get("backfill_done"):
            return ""
        return str(state.get("top_date_at_first_seen") or "0")

    async def _poll(self, channels: list[WatchedChannel]) -> None:
        """Channels Telegram sends no updates for, read by history in the background, busiest first."""
        kit = self._running()
        channels = sorted(channels, key=lambda w: kit.ingestor.last_post_at.get(w.id, _EPOCH), reverse=True)
        for watched in channels:
            await kit.reconciler.reconcile(watched, lane="steady")

    async def _backfill(self, channels: list[WatchedChannel]) -> None:
        """One channel at a time in the background; one cut short resumes after the next look."""
        reconciler = self._running().reconciler
        for watched in channels:
            settings = watched.settings
            try:
                await reconciler.backfill(watched, limit=settings.backfill, since=settings.backfill_since)
            except (errors.RPCError, ValueError) as exc:
                reconciler.warn(watched, "backfill_failed", exc)

    async def _engagement(self) -> None:
        """Engagement snapshots at the configured post ages, one batched read per channel at most every
        `[reading] engagement_every_hours`, in the background."""
        kit = self._running()
        spacing = timedelta(hours=self.config.reading.engagement_every_hours)
        ages = self.config.schedule.engagement_hours
        for watched in list(self.state.channels):
            last = self._engaged.get(watched.id)
            if not ages or (last is not None and utcnow() - last < spacing):
                continue
            try:
                if await kit.reconciler.snapshot_engagement(watched, ages):
                    self._engaged[watched.id] = utcnow()
            except (errors.RPCError, ValueError) as exc:
                kit.reconciler.warn(watched, "engagement_failed", exc)

    async def announce_outage(self) -> None:
        """Posts recovered after longer than the news window: one log line and one analyst message per
        outage, with counts by conflict and channel, instead of an alert each. The message is queued in the
        archive as the outage closes and the sender delivers it exactly once, across crashes."""
        kit = self._running()
        outage = kit.reconciler.outage
        if outage.total == 0:
            return
        await kit.store.notices.close_outage(outage.describe(self.config.archive_shown, utcnow()))
        kit.reconciler.outage = type(outage)()
        self.state.outages.append(outage)
        log_event(
            log,
            "outage_recovered",
            level=logging.WARNING,
            posts=outage.total,
            channels=dict(outage.by_channel),
            conflicts=dict(outage.by_conflict),
            oldest=outage.oldest.isoformat() if outage.oldest else None,
        )
        if self.sender is not None:
            self.sender.notify()

    def _on_reconnect(self) -> None:
        """Debounced: the next look runs a few seconds after the last reconnect of a flurry."""
        self.state.reconnects += 1
        self.look_soon(RECONNECT_DEBOUNCE_SECONDS)

    def look_seconds(self) -> float:
        """How often to look: the configured interval, stretched so looks use at most LOOK_SHARE of the
        budget (one request per 100 channels each)."""
        requests = max(1, -(-len(self.state.channels) // 100))
        per_second = self._running().budget.per_hour / 3600.0
        return max(self.config.schedule.reconcile_seconds, requests / (LOOK_SHARE * per_second))

    def _schedule(self, sender: AlertSender | None) -> AsyncIOScheduler:
        schedule = self.config.schedule
        scheduler = AsyncIOScheduler(timezone="UTC")

        def every(seconds: float, name: str, job: Job, **options: object) -> None:
            trigger = functools.partial(self._trigger, name, job)
            scheduler.add_job(trigger, "interval", seconds=seconds, id=name, coalesce=True, **options)

        every(self.look_seconds(), "look", self._look, next_run_time=utcnow())
        every(ENGAGEMENT_JOB_SECONDS, "engagement", self._engagement)
        every(schedule.heartbeat_seconds, "heartbeat", self._heartbeat, next_run_time=utcnow())
        every(schedule.heartbeat_seconds, "clients", self._look_after_clients)
        if self.fleet is not None:
            renew = self.config.fleet.renew_seconds
            every(renew, "leases", self.fleet.renew_leases)
            every(renew, "seat", self.fleet.sender_seat, next_run_time=utcnow())
        if sender is not None:
            sender.schedule(scheduler)
        scheduler.start()
        return scheduler

    def _is_running(self, name: str) -> bool:
        return any(task.get_name() == name for task in self._tasks)

    async def _trigger(self, name: str, job: Job) -> None:
        """Scheduled jobs run as tasks the daemon owns, so shutdown cancels them like any other work;
        a job whose previous run is still going is skipped."""
        if not self._is_running(name):
            self._spawn(job(), name)

    async def _heartbeat(self) -> None:
        """Prove liveness to `monitor health`: the archive only, so a Telegram outage (which `health` names
        by its length) never makes the daemon look hung."""
        kit = self._running()
        await kit.store.heartbeat(utcnow())
        await kit.store.daemon.connection(self.watch.up, self.watch.changed_at)
        await self._report_problems()
        await kit.store.record_reading(self.reading_state())

    async def _look_after_clients(self) -> None:
        """Ask an idle account whether it still works, and revive a client Telethon gave up reconnecting."""
        kit = self._running()
        for client in {kit.user, self.sender_client or kit.user}:
            await client.confirm_account(self.config.schedule.heartbeat_seconds)
        for client in {kit.user, self.sender_client or kit.user}:
            if not client.is_connected():
                log_event(log, "reconnecting", level=logging.WARNING)
                try:
                    await client.connect()
                except OSError as error:  # ConnectionError and TimeoutError too; the next round retries
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


async def run_daemon(config: Config, worker: WorkerSettings | None = None) -> None:
    """`monitor run`: the daemon (or one worker of a fleet) until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    install_signal_handlers(stop)
    quiet_library_logs()
    await Daemon(config, worker=worker).run(stop)


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
