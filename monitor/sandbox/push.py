"""Live channel updates pushed to the links that should get them, as Telegram pushes them.

Only authorised links whose account has joined the channel, is not banned and asked for updates get
a push (Telegram sends updates only for joined channels); each viewer gets its own rendering (its access
hashes, `out`, `left`). The withhold and delay faults apply here: a withheld update still took its
pts step, so the client sees a gap that only getChannelDifference fills.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from telethon.tl import types
from telethon.tl.tlobject import TLObject

from monitor.sandbox.log import log_event
from monitor.sandbox.state import ChannelState

if TYPE_CHECKING:
    from monitor.sandbox.world import ClientLink, World

log = logging.getLogger(__name__)


async def fan_out(
    world: World,
    state: ChannelState,
    make_update: Callable[[int], TLObject],
    *,
    senders: Iterable[int | None],
    exclude: ClientLink | None,
) -> None:
    """Push one channel update to every authorised member link that wants updates (faults permitting)."""
    targets = [
        (link, uid)
        for link in world.links
        if link is not exclude
        and link.wants_updates
        and (uid := world.authorizations.get(link.auth_key_id)) is not None
        and uid in state.members
        and uid not in world.gate.banned
    ]
    if not targets:
        return
    delay = world.faults.push_delay(world.rng)
    if delay is None:
        log_event(log, "update_withheld", level=logging.DEBUG, channel=state.id, pts=state.pts)
        return
    senders = tuple(senders)
    per_viewer: dict[int, types.Updates] = {}
    for link, uid in targets:
        if uid not in per_viewer:
            per_viewer[uid] = types.Updates(
                updates=[make_update(uid)],
                users=world.tl.users(senders, uid),
                chats=[world.tl.channel(state, uid)],
                date=world.now(),
                seq=0,
            )
        if delay:
            world.spawn(_push_later(world, link, per_viewer[uid], delay))
        else:
            await _push(link, per_viewer[uid])


async def _push(link: ClientLink, updates: TLObject) -> None:
    try:
        await link.push(updates)
    except (ConnectionError, OSError, RuntimeError) as exc:
        log_event(log, "push_failed", level=logging.DEBUG, session=link.session_id, error=str(exc))


async def _push_later(world: World, link: ClientLink, updates: TLObject, delay: float) -> None:
    await asyncio.sleep(delay)
    if link in world.links:
        await _push(link, updates)
