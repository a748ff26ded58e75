"""What the handler areas share: their registry, and the checks and answers common to many methods."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telethon.tl import types
from telethon.tl.tlobject import TLObject

from monitor.sandbox.errors import RpcError
from monitor.sandbox.scenario import Person
from monitor.sandbox.state import ChannelState

if TYPE_CHECKING:
    from monitor.sandbox.world import ClientLink, World

Handler = Callable[["World", "ClientLink", Any], Awaitable[Any]]


class Handlers:
    """The handlers of one area of the API by request type, filled with `@handlers.on(RequestType)`."""

    def __init__(self) -> None:
        self.by_type: dict[type, Handler] = {}

    def on(self, *request_types: type) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for request_type in request_types:
                self.by_type[request_type] = handler
            return handler

        return register


def input_channel(world: World, me: Person, item: TLObject, *, readable: bool = True) -> ChannelState:
    """Resolve an InputChannel / InputPeerChannel as Telegram checks it (the caller's own access hash,
    membership for private channels)."""
    if not isinstance(item, types.InputChannel | types.InputPeerChannel):
        raise RpcError(400, "CHANNEL_INVALID")
    state = world.channels.get(item.channel_id)
    if state is None:
        raise RpcError(400, "CHANNEL_INVALID")
    if not world.hashes.accepts(state.id, me.id, item.access_hash, bot=me.is_bot):
        raise RpcError(400, "CHANNEL_INVALID")  # another account's hash, or a stale one
    if readable and state.username is None and me.id not in state.members:
        raise RpcError(400, "CHANNEL_PRIVATE")
    return state


def channel_updates(
    world: World,
    state: ChannelState,
    me: Person,
    updates: list[TLObject],
    *,
    with_me: bool = False,
    date: datetime | None = None,
) -> types.Updates:
    """The Updates a request about one channel answers with (`with_me`: the caller's user too)."""
    return types.Updates(
        updates=updates,
        users=world.tl.users([me.id], me.id) if with_me else [],
        chats=[world.tl.channel(state, me.id)],
        date=date or world.now(),
        seq=0,
    )


def tl_seconds(date: datetime | None) -> int:
    """A TL date as Unix seconds; 0 (the epoch, which is how an absent date travels) means unset."""
    return int(date.timestamp()) if date is not None else 0
