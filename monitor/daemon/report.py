"""What the running daemon tells about itself: the `/status` rows, the reading account's summary and state
for `monitor health`, the record `health` judges the process by, and what Telegram is doing to its clients.
Read from the daemon's parts at one moment; no I/O."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from monitor.config import Config
from monitor.model import Channel, TelegramProblem, utcnow
from monitor.store.daemon_record import DISCONNECT_SECONDS, OUTBOX_SECONDS, DaemonRecord
from monitor.telegram.budget import RequestBudget
from monitor.telegram.channels import Pending, Unavailable, WatchedChannel
from monitor.telegram.client import GuardedClient
from monitor.telegram.commands import ChannelStatus
from monitor.telegram.guard import FloodWaits
from monitor.telegram.ingest import Ingestor
from monitor.telegram.reconcile import OutageSummary, Reconciler
from monitor.telegram.send import AlertSender


@dataclass
class DaemonState:
    """What the running daemon knows about itself, for analyst commands and tests."""

    started_at: datetime = field(default_factory=utcnow)
    channels: list[WatchedChannel] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)
    flood: FloodWaits = field(default_factory=FloodWaits)
    reconnects: int = 0
    not_joined: list[int] = field(default_factory=list)  # watched channels polled by history
    outages: list[OutageSummary] = field(default_factory=list)  # posts recovered too late to alert


def channel_rows(
    state: DaemonState, ingestor: Ingestor, reconciler: Reconciler, pending: Sequence[Pending], now: datetime
) -> list[ChannelStatus]:
    """One `/status` row per channel: those read with their lag, then the unavailable and the pending."""
    last_reconcile = reconciler.last_reconcile
    not_joined = set(state.not_joined)
    rows = [
        ChannelStatus(
            w.channel,
            ingestor.last_post_at.get(w.id),
            (now - last_reconcile[w.id]).total_seconds() if w.id in last_reconcile else None,
            "not joined: polled by history" if w.id in not_joined else None,
        )
        for w in state.channels
    ]
    rows += [
        ChannelStatus(Channel(id=0, title=u.settings.ref), None, None, u.reason) for u in state.unavailable
    ]
    rows += [ChannelStatus(Channel(id=0, title=p.settings.ref), None, None, p.describe(now)) for p in pending]
    return rows


def telegram_problems(clients: Iterable[GuardedClient], sender: AlertSender | None) -> list[TelegramProblem]:
    """What Telegram is doing to these clients now: dead accounts, flood waits, a blocked sender."""
    unique = {id(c): c for c in clients}.values()
    problems = [c.guard.fault.problem() for c in unique if c.guard.fault is not None]
    problems += [p for c in unique for p in c.guard.flood.problems()]
    return problems + (sender.problems() if sender else [])


def reading_state(state: DaemonState, pending: list[str], budget: RequestBudget) -> dict[str, object]:
    """What `monitor health` can show of the reading side: pending channels and their states."""
    return {
        "pending": pending,
        "not_joined": [w.label for w in state.channels if w.id in set(state.not_joined)],
        "unavailable": [f"{u.settings.ref}: {u.reason}" for u in state.unavailable],
        "requests": budget.stats.total,
        "peak_per_minute": budget.stats.peak_per_minute,
        "budget_per_hour": budget.per_hour,
    }


def reading_summary(state: DaemonState, pending: int, budget: RequestBudget, look_seconds: float) -> str:
    """One line on how the reading account spends its budget and what recovery kept from alerts."""
    stats = budget.stats
    line = (
        f"{stats.total} requests, peak {stats.peak_per_minute}/min, budget {budget.per_hour:g}/h; "
        f"look every {look_seconds:.0f} s; {len(state.not_joined)} not joined; "
        f"{pending} waiting to resolve or join"
    )
    late = sum(o.total for o in state.outages)
    if late:
        line += f"; {late} posts recovered after the news window, archived without alerts"
    return line


def daemon_record(config: Config, state: DaemonState) -> DaemonRecord:
    """What `monitor health` needs to judge this process without its config."""
    return DaemonRecord(
        started_at=state.started_at,
        pid=os.getpid(),
        heartbeat_seconds=config.schedule.heartbeat_seconds,
        outbox_seconds=OUTBOX_SECONDS,
        disconnect_seconds=DISCONNECT_SECONDS,
        quiet_hours=config.alerts.quiet_hours,
        channel_ids=tuple(w.id for w in state.channels),
        connected=True,
        connection_since=utcnow(),
    )
