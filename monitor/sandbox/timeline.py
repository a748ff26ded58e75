"""When things happen in the sandbox: the scenario's timeline (scripted or load events) and timed faults.

Every schedule is kept against one monotonic start, so an event that comes due while an earlier one
was still being applied runs at once and lateness never accumulates into drift.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from monitor.sandbox.errors import RpcError
from monitor.sandbox.log import log_event
from monitor.sandbox.scenario import TimelineEvent

if TYPE_CHECKING:
    from monitor.sandbox.world import World

log = logging.getLogger(__name__)
T = TypeVar("T")


async def keep_schedule(
    schedule: Iterable[tuple[float, T]],
    act: Callable[[T], Awaitable[object]],
    *,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Run `act(item)` at each (seconds after start, item), in order; `clock` and `sleep`: the loop's."""
    now = clock or asyncio.get_running_loop().time
    start = now()
    for at, item in schedule:
        wait = start + at - now()
        if wait > 0:
            await sleep(wait)
        await act(item)


async def play_timeline(world: World) -> None:
    """Apply the scenario's timeline events at their times; an event that fails is logged and skipped."""

    async def apply(event: TimelineEvent) -> None:
        try:
            await _apply(world, event)
        except (LookupError, RpcError) as exc:
            log_event(
                log,
                "timeline_event_skipped",
                level=logging.WARNING,
                at=round(event.at, 3),
                action=event.action,
                error=str(exc),
            )

    await keep_schedule(((event.at, event) for event in world.scenario.timeline), apply)


async def play_drops(world: World) -> None:
    """Close every client link at the faults' drop times (`drop=at:...` and `drop=every:...`)."""
    every = world.faults.drop_every
    repeats = itertools.count(every, every) if every is not None else iter(())
    moments = heapq.merge(world.faults.drop_at, repeats)

    async def drop(_: None) -> None:
        await world.drop_connections()

    await keep_schedule(((moment, None) for moment in moments), drop)


async def play_account_faults(world: World) -> None:
    """Make the user's account fail at the faults' later times (`auth=KIND:SECONDS`; those at 0 the
    world applies before it serves anyone)."""

    async def fail(kind: str) -> None:
        world.fail_account(kind)

    await keep_schedule(
        ((rule.at, rule.kind) for rule in sorted(world.faults.auth, key=lambda r: r.at)), fail
    )


async def _apply(world: World, event: TimelineEvent) -> None:
    if event.action == "post" and event.post is not None:
        await world.publish_spec(event.post)
    elif event.action == "analyst":
        await world.analyst_says(event.text or "", user=event.sender)
    else:
        channel_id, message_id = _target(world, event)
        if event.action == "edit":
            await world.edit_post(channel_id, message_id, event.text or "")
        elif event.action == "delete":
            await world.delete_posts(channel_id, [message_id])
        else:
            world.set_views(channel_id, message_id, event.views, event.forwards)


def _target(world: World, event: TimelineEvent) -> tuple[int, int]:
    if event.target is not None:
        if event.target not in world.posts.keys:
            raise LookupError(f"post {event.target!r} was never published")
        return world.posts.keys[event.target]
    return event.channel_id or 0, event.message_id or 0
