"""Health of a running monitor, judged from its archive: heartbeat, channel rhythm, the alert outbox and
the Telegram problems the daemon last reported (a dead account or a blocked sender is fatal; flood waits
and slow mode are notes).

`snapshot()` reads what the judgement needs; `judge()` is pure, so every rule can be checked at any clock.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from monitor.alerts.pacing import in_quiet_hours
from monitor.model import TelegramProblem
from monitor.store import Store

RHYTHM_WINDOW = timedelta(days=7)
HEARTBEAT_SECONDS = 120.0
OUTBOX_SECONDS = 900.0


@dataclass(frozen=True, slots=True)
class HealthLimits:
    """How far each signal may drift before the monitor counts as unhealthy."""

    heartbeat_seconds: float = HEARTBEAT_SECONDS
    outbox_seconds: float = OUTBOX_SECONDS
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
    problems: tuple[TelegramProblem, ...] = ()


async def snapshot(store: Store, now: datetime, channel_ids: Iterable[int] | None = None) -> ArchiveSnapshot:
    """Read the heartbeat, the oldest undelivered alert and the recent rhythm of the given channels (all
    archived channels when None)."""
    pending_age = await store.outbox.oldest_pending_age(now)
    oldest = None if pending_age is None else now - timedelta(seconds=pending_age)
    wanted = None if channel_ids is None else set(channel_ids)
    activity = [
        await _activity(store, channel.id, channel.username or str(channel.id))
        for channel in await store.channels()
        if wanted is None or channel.id in wanted
    ]
    problems = tuple(await store.problems.last())
    return ArchiveSnapshot(await store.last_heartbeat(), oldest, tuple(activity), problems)


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
    if state.heartbeat is None:
        problems.append("no heartbeat recorded (has the daemon started?)")
    elif (age := (now - state.heartbeat).total_seconds()) > limits.heartbeat_seconds:
        problems.append(f"heartbeat is {age:.0f} s old (limit {limits.heartbeat_seconds:.0f} s)")
    if (stuck := _outbox_wait(state.oldest_pending, now, limits)) is not None:
        limit = limits.outbox_seconds
        problems.append(f"outbox stuck: oldest pending alert waited {stuck:.0f} s (limit {limit:.0f} s)")
    for channel in state.channels:
        if (silence := _silence(channel, now, limits)) is not None:
            problems.append(f"channel {channel.label} {silence}")
    return problems


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


def notes(state: ArchiveSnapshot, now: datetime) -> list[str]:
    """Passing problems worth knowing that do not make the monitor unhealthy (a flood wait, slow mode)."""
    return [
        f"Telegram {p.subject}: {p.state} until {p.until:%H:%M:%S} UTC: {p.detail}"
        for p in state.problems
        if not p.fatal and p.until is not None and p.until > now
    ]
