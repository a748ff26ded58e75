"""Health of a running monitor, judged from its archive: heartbeat, channel rhythm, the alert outbox,
what the daemon recorded about itself (its limits, a clean stop, its connection to Telegram, and the file
errors of an archive it cannot use, kept beside the archive) and the Telegram problems it last reported
(a dead account or a blocked sender is fatal; flood waits and slow mode are notes), and the reading side's
state the daemon records at each heartbeat (channels waiting to resolve or join, channels polled because they
are not joined, channels unavailable), shown as notes: each is a named state the daemon handles or an
operator must fix in the config, not a blind monitor.

`snapshot()` reads what the judgement needs; `judge()` is pure, so every rule can be checked at any clock.
The limits come from the daemon's own record, so no config is needed; given ones override it.
"""

from __future__ import annotations

import itertools
import os
import statistics
from collections.abc import Awaitable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

from monitor.alerts.pacing import in_quiet_hours
from monitor.model import TelegramProblem
from monitor.store import ArchiveError, Store
from monitor.store.daemon_record import (
    DISCONNECT_SECONDS,
    OUTBOX_SECONDS,
    ArchiveFailure,
    ArchiveFailures,
    DaemonRecord,
)

T = TypeVar("T")
# File errors this recent (or within the heartbeat limit, if longer) mean the archive is failing now:
# the work that meets them (the sender's rounds, catch-up) retries every few seconds.
FAILURE_WINDOW_SECONDS = 60.0

# Less room than this and the next batch of posts (its index pages, the WAL's growth) may not fit.
FULL_BELOW_BYTES = 1024 * 1024

RHYTHM_WINDOW = timedelta(days=7)
HEARTBEAT_SECONDS = 120.0
# A heartbeat may miss this many beats (a slow write, a busy loop) before it counts as stale.
HEARTBEAT_FACTOR = 3.0


@dataclass(frozen=True, slots=True)
class HealthLimits:
    """How far each signal may drift before the monitor counts as unhealthy."""

    heartbeat_seconds: float = HEARTBEAT_SECONDS
    outbox_seconds: float = OUTBOX_SECONDS
    disconnect_seconds: float = DISCONNECT_SECONDS
    silence_floor_seconds: float = 6 * 3600.0
    silence_factor: float = 20.0
    min_posts: int = 10
    quiet_hours: tuple[time, time] | None = None


@dataclass(frozen=True, slots=True)
class ChannelActivity:
    """A channel's post dates (ascending) over the rhythm window that ends at its latest post."""

    label: str
    post_dates: tuple[datetime, ...]


@dataclass(frozen=True, slots=True)
class ArchiveSnapshot:
    """What the archive says about the daemon's liveness at one moment."""

    heartbeat: datetime | None
    oldest_pending: datetime | None
    channels: tuple[ChannelActivity, ...]
    daemon: DaemonRecord | None = None
    failure: ArchiveFailure | None = None
    unreadable: tuple[str, ...] = ()
    problems: tuple[TelegramProblem, ...] = ()
    reading: Mapping[str, object] = field(default_factory=dict)


def recorded_limits(record: DaemonRecord | None, base: HealthLimits) -> HealthLimits:
    """The limits the daemon wrote at its start, in place of those in `base`."""
    if record is None:
        return base
    return replace(
        base,
        heartbeat_seconds=HEARTBEAT_FACTOR * record.heartbeat_seconds,
        outbox_seconds=record.outbox_seconds,
        disconnect_seconds=record.disconnect_seconds,
        quiet_hours=record.quiet_hours,
    )


async def snapshot(store: Store, now: datetime, channel_ids: Iterable[int] | None = None) -> ArchiveSnapshot:
    """Read the heartbeat, the oldest undelivered alert, the daemon's record, the archive's recent file
    errors and the rhythm of the given channels (when None: those the daemon watches, else all).

    Each part is read on its own: a corrupt page under one table must not hide what the others say."""
    unreadable: list[str] = []

    async def part(read: Awaitable[T], empty: T) -> T:
        try:
            return await read
        except ArchiveError as exc:
            unreadable.append(str(exc))
            return empty

    pending_age = await part(store.outbox.oldest_pending_age(now), None)
    oldest = None if pending_age is None else now - timedelta(seconds=pending_age)
    record = await part(store.daemon.last(), None)
    if channel_ids is None and record is not None and record.channel_ids:
        channel_ids = record.channel_ids
    activity = await part(_activities(store, None if channel_ids is None else set(channel_ids)), [])
    heartbeat = await part(store.last_heartbeat(), None)
    problems = await part(store.problems.last(), [])
    reading = await part(store.reading(), {})
    try:
        # A file archive's errors are kept beside it; a server's failures are met when it is read.
        failure = ArchiveFailures(store.path).last() if isinstance(store.path, Path) else None
    except ValueError as exc:
        unreadable.append(str(exc))
        failure = None
    unread = tuple(dict.fromkeys(unreadable))
    return ArchiveSnapshot(
        heartbeat, oldest, tuple(activity), record, failure, unread, tuple(problems), reading
    )


async def _activities(store: Store, wanted: set[int] | None) -> list[ChannelActivity]:
    return [
        await _activity(store, channel.id, channel.username or str(channel.id))
        for channel in await store.channels()
        if wanted is None or channel.id in wanted
    ]


async def _activity(store: Store, channel_id: int, label: str) -> ChannelActivity:
    """The rhythm window ends at the latest post, so a channel silent for longer than the window is seen."""
    latest = await store.get_post(channel_id, await store.max_message_id(channel_id))
    if latest is None:
        return ChannelActivity(label, ())
    since = latest.post.date - RHYTHM_WINDOW
    dates = sorted([stored.post.date async for stored in store.iter_posts(channel=channel_id, since=since)])
    return ChannelActivity(label, tuple(dates))


def judge(state: ArchiveSnapshot, now: datetime, limits: HealthLimits) -> list[str]:
    """Every reason the monitor looks unhealthy at `now`; empty when healthy."""
    problems = [f"Telegram {p.subject}: {p.state}: {p.detail}" for p in state.problems if p.fatal]
    problems += [f"health cannot read the archive: {error}" for error in state.unreadable]
    record = state.daemon
    if record is not None and record.stopped_at is not None:
        ago = (now - record.stopped_at).total_seconds()
        problems.append(f"the daemon stopped at {_clock(record.stopped_at)} ({ago:.0f} s ago, a clean stop)")
    elif state.heartbeat is None:
        problems.append("no heartbeat recorded (has the daemon started?)")
    elif (age := (now - state.heartbeat).total_seconds()) > limits.heartbeat_seconds:
        problems.append(f"heartbeat is {age:.0f} s old (limit {limits.heartbeat_seconds:g} s)")
    if (failing := _failing(state.failure, now, limits)) is not None:
        problems.append(failing)
    if (offline := _disconnected(record, now, limits)) is not None:
        problems.append(
            f"disconnected from Telegram for {offline:.0f} s (limit {limits.disconnect_seconds:g} s)"
        )
    if (stuck := _outbox_wait(state.oldest_pending, now, limits)) is not None:
        limit = limits.outbox_seconds
        problems.append(f"outbox stuck: oldest pending alert waited {stuck:.0f} s (limit {limit:.0f} s)")
    for channel in state.channels:
        if (silence := _silence(channel, now, limits)) is not None:
            problems.append(f"channel {channel.label} {silence}")
    return problems


def _failing(failure: ArchiveFailure | None, now: datetime, limits: HealthLimits) -> str | None:
    """Recent file errors mean the daemon cannot use its archive right now (its
    heartbeat may still be written: a corrupt page elsewhere leaves the meta table readable)."""
    window = max(limits.heartbeat_seconds, FAILURE_WINDOW_SECONDS)
    if failure is None or (now - failure.last_at).total_seconds() > window:
        return None
    return (
        f"the daemon cannot use its archive: {failure.count} file error(s) since {_clock(failure.first_at)}, "
        f"the last {(now - failure.last_at).total_seconds():.0f} s ago: {failure.error}"
    )


def _disconnected(record: DaemonRecord | None, now: datetime, limits: HealthLimits) -> float | None:
    """Seconds a running daemon has been without Telegram, when longer than the limit."""
    if record is None or record.stopped_at is not None or record.connected is not False:
        return None
    since = record.connection_since or record.started_at
    offline = (now - since).total_seconds()
    return offline if offline > limits.disconnect_seconds else None


def _clock(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _outbox_wait(oldest: datetime | None, now: datetime, limits: HealthLimits) -> float | None:
    """Seconds the oldest alert waited beyond the limit while sending was allowed; quiet hours hold alerts
    on purpose, so they neither count nor make the outbox stuck."""
    if oldest is None or in_quiet_hours(now, limits.quiet_hours):
        return None
    waiting_since = max(oldest, _last_quiet_end(now, limits.quiet_hours) or oldest)
    waited = (now - waiting_since).total_seconds()
    return waited if waited > limits.outbox_seconds else None


def _last_quiet_end(now: datetime, quiet: tuple[time, time] | None) -> datetime | None:
    if quiet is None:
        return None
    end = now.astimezone(UTC).replace(hour=quiet[1].hour, minute=quiet[1].minute, second=0, microsecond=0)
    return end if end <= now else end - timedelta(days=1)


def _silence(channel: ChannelActivity, now: datetime, limits: HealthLimits) -> str | None:
    """A channel silent far beyond its usual gap between posts (judged only with enough history)."""
    dates = channel.post_dates
    if len(dates) < limits.min_posts:
        return None
    usual = statistics.median((b - a).total_seconds() for a, b in itertools.pairwise(dates))
    limit = max(limits.silence_factor * usual, limits.silence_floor_seconds)
    silent = (now - dates[-1]).total_seconds()
    if silent <= limit:
        return None
    return f"silent for {silent / 3600:.1f} h (usually posts every {usual / 60:.0f} min)"


def file_system(path: Path) -> tuple[list[str], list[str], int]:
    """Reasons, notes and the free bytes of the file system holding the archive. A full or read-only one
    refuses the side file where the daemon keeps its file errors too, so without this a stale heartbeat
    would be all there is to see. Read-only is a note: it may be only how this mount shows it (a checker
    beside the daemon), and the heartbeat tells whether the daemon can write."""
    space = os.statvfs(path.parent)
    free = space.f_bavail * space.f_frsize
    reasons = []
    if free < FULL_BELOW_BYTES:
        reasons.append(f"the archive's file system is full ({free} bytes free): the daemon cannot write")
    notes = ["the archive's file system is read-only here"] if space.f_flag & os.ST_RDONLY else []
    return reasons, notes, free


def figures(state: ArchiveSnapshot, now: datetime) -> dict[str, object]:
    """The measurements behind the verdict, for `monitor health --json`: ages in seconds, None if unknown."""
    record, failure = state.daemon, state.failure

    def age(when: datetime | None) -> float | None:
        return None if when is None else round((now - when).total_seconds(), 1)

    return {
        "heartbeat_age_seconds": age(state.heartbeat),
        "oldest_pending_alert_seconds": age(state.oldest_pending),
        "daemon_started_at": None if record is None else record.started_at.isoformat(),
        "daemon_stopped_at": None
        if record is None or record.stopped_at is None
        else record.stopped_at.isoformat(),
        "connected": None if record is None else record.connected,
        "connection_state_seconds": None if record is None else age(record.connection_since),
        "archive_errors": 0 if failure is None else failure.count,
        "last_archive_error": None if failure is None else failure.error,
        "last_archive_error_age_seconds": None if failure is None else age(failure.last_at),
        "channels_judged": len(state.channels),
        "channels_waiting": len(_entries(state.reading, "pending")),
        "channels_not_joined": len(_entries(state.reading, "not_joined")),
        "channels_unavailable": len(_entries(state.reading, "unavailable")),
    }


def notes(state: ArchiveSnapshot, now: datetime) -> list[str]:
    """Problems worth knowing that do not make the monitor unhealthy: a flood wait, slow mode, and the
    channels the daemon last recorded as not fully watched. A channel waiting to resolve or join is retried
    after its wait; one not joined is polled within the budget; one unavailable (private, deleted, a name
    that no longer exists) needs the config fixed, and the rest of the channels are still watched."""
    passing = [
        f"Telegram {p.subject}: {p.state} until {p.until:%H:%M:%S} UTC: {p.detail}"
        for p in state.problems
        if not p.fatal and p.until is not None and p.until > now
    ]
    reading = state.reading
    passing += [f"channel {entry}" for entry in _entries(reading, "pending")]
    passing += [
        f"channel {label}: not joined, read by polling within the request budget"
        for label in _entries(reading, "not_joined")
    ]
    passing += [f"channel unavailable, not watched: {entry}" for entry in _entries(reading, "unavailable")]
    return passing


def _entries(reading: Mapping[str, object], key: str) -> list[str]:
    """One list of the recorded reading state, as text (an archive written by another version may lack it)."""
    value = reading.get(key)
    return [str(entry) for entry in value] if isinstance(value, list) else []
