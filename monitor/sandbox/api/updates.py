"""Catching up on updates: the account's state and difference, and each channel's difference by pts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telethon.tl import functions as fn
from telethon.tl import types
from telethon.tl.tlobject import TLObject

from monitor.sandbox.api.base import Handlers, input_channel, tl_seconds
from monitor.sandbox.errors import RpcError
from monitor.sandbox.scenario import Person
from monitor.sandbox.state import ChannelEvent, ChannelState, StoredMessage

if TYPE_CHECKING:
    from monitor.sandbox.world import ClientLink, World

USER_DIFF_LIMIT = 100
BOT_DIFF_LIMIT = 100_000
DIFF_TIMEOUT = 30  # seconds clients are told to wait before polling a channel's difference again
TOO_LONG_MESSAGES = 20  # latest messages sent along with channelDifferenceTooLong

handlers = Handlers()


@handlers.on(fn.updates.GetStateRequest)
async def get_state(world: World, link: ClientLink, request: Any) -> types.updates.State:
    world.user_of(link)
    return _state(world)


@handlers.on(fn.updates.GetDifferenceRequest)
async def get_difference(world: World, link: ClientLink, request: Any) -> TLObject:
    """The account box never moves; channels with news since `date` are flagged updateChannelTooLong.

    Dates have whole seconds, so news in the very second of `date` counts too (at worst the client asks
    getChannelDifference once for nothing).
    """
    me = world.user_of(link)
    since = tl_seconds(request.date)
    stale = [
        s
        for s in world.channels.values()
        if me.id in s.members and s.last_event is not None and s.last_event.timestamp() >= since
    ]
    if not stale:
        return types.updates.DifferenceEmpty(date=world.now(), seq=0)
    return types.updates.Difference(
        new_messages=[],
        new_encrypted_messages=[],
        other_updates=[types.UpdateChannelTooLong(channel_id=s.id, pts=s.pts) for s in stale],
        chats=[world.tl.channel(s, me.id) for s in stale],
        users=[],
        state=_state(world),
    )


@handlers.on(fn.updates.GetChannelDifferenceRequest)
async def get_channel_difference(world: World, link: ClientLink, request: Any) -> TLObject:
    """Events after the client's pts: empty; up to `limit` pts of them (not final while more remain: the
    client asks again from the slice's pts); or tooLong when the client is more than the world's
    difference window behind (refetch recent history, as Telegram asks)."""
    me = world.user_of(link)
    state = input_channel(world, me, request.channel)
    if request.pts <= 0:
        raise RpcError(400, "PERSISTENT_TIMESTAMP_EMPTY")
    if request.pts > state.pts:
        raise RpcError(400, "PERSISTENT_TIMESTAMP_INVALID")
    if request.pts == state.pts:
        return types.updates.ChannelDifferenceEmpty(pts=state.pts, final=True, timeout=DIFF_TIMEOUT)
    cap = BOT_DIFF_LIMIT if me.is_bot else USER_DIFF_LIMIT
    limit = min(request.limit, cap) if request.limit > 0 else cap
    if state.pts - request.pts > world.strictness.difference_window:
        return _too_long(world, state, me)
    events = _slice(state.events_after(request.pts), request.pts + limit)
    new_messages, other_updates = _events_since(world, state, events, me)
    messages, chats, users = world.tl.messages(state, new_messages, me.id)
    slice_pts = events[-1].pts
    return types.updates.ChannelDifference(
        pts=slice_pts,
        new_messages=messages,
        other_updates=other_updates,
        chats=chats,
        users=users,
        final=slice_pts == state.pts,
        timeout=DIFF_TIMEOUT,
    )


def _slice(events: list[ChannelEvent], until_pts: int) -> list[ChannelEvent]:
    """The events up to `until_pts` (at least one, so a big deletion still moves the client on)."""
    taken = [e for e in events if e.pts <= until_pts]
    return taken or events[:1]


def _events_since(
    world: World, state: ChannelState, events: list[ChannelEvent], me: Person
) -> tuple[list[StoredMessage], list[TLObject]]:
    """Messages created by `events` (as they are now) plus edits and deletions of older messages."""
    created = {i for e in events if e.kind == "new" for i in e.ids}
    new_messages = [state.messages[i] for i in sorted(created) if state.is_alive(i)]
    other: list[TLObject] = []
    last_edit = {e.ids[0]: e for e in events if e.kind == "edit"}
    for event in events:
        if event.kind == "edit" and last_edit[event.ids[0]] is event:
            message_id = event.ids[0]
            if message_id not in created and state.is_alive(message_id):
                message = world.tl.message(state, state.messages[message_id], me.id)
                other.append(types.UpdateEditChannelMessage(message=message, pts=event.pts, pts_count=1))
        elif event.kind == "delete":
            gone = [i for i in event.ids if i not in created]
            if gone:
                other.append(types.UpdateDeleteChannelMessages(state.id, gone, event.pts, event.count))
    return new_messages, other


def _too_long(world: World, state: ChannelState, me: Person) -> types.updates.ChannelDifferenceTooLong:
    latest = [state.messages[i] for i in state.alive[-TOO_LONG_MESSAGES:][::-1]]
    messages, chats, users = world.tl.messages(state, latest, me.id)
    return types.updates.ChannelDifferenceTooLong(
        dialog=world.tl.dialog(state),
        messages=messages,
        chats=chats,
        users=users,
        final=True,
        timeout=DIFF_TIMEOUT,
    )


def _state(world: World) -> types.updates.State:
    return types.updates.State(pts=world.account_pts, qts=0, date=world.now(), seq=0, unread_count=0)
