"""The API methods the sandbox answers, one handler per TL request type, following Telegram's semantics.

The handlers live by area: `login` (config, sign-in, passwords), `peers` (users, channels, invites,
dialogs), `messages` (history, messages by id, sending) and `updates` (state and differences).
Anything without a handler answers rpc_error 400 `METHOD_NOT_IMPLEMENTED: <method>` so gaps are visible.
docs/sandbox.md lists the methods and how each follows Telegram's documented behaviour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telethon.tl.tlobject import TLObject

from monitor.sandbox.api import login, messages, peers, updates
from monitor.sandbox.api.base import Handler
from monitor.sandbox.errors import RpcError

if TYPE_CHECKING:
    from monitor.sandbox.world import ClientLink, World

HANDLERS: dict[type, Handler] = {
    request_type: handler
    for area in (login, peers, messages, updates)
    for request_type, handler in area.handlers.by_type.items()
}


def method_name(request: TLObject) -> str:
    """The TL name of a request, e.g. GetHistoryRequest in functions.messages -> messages.getHistory."""
    name = type(request).__name__.removesuffix("Request")
    name = name[:1].lower() + name[1:]
    namespace = type(request).__module__.rsplit(".", 1)[-1]
    return name if namespace == "functions" else f"{namespace}.{name}"


async def dispatch(world: World, link: ClientLink, request: TLObject) -> Any:
    handler = HANDLERS.get(type(request))
    if handler is None:
        raise RpcError(400, f"METHOD_NOT_IMPLEMENTED: {method_name(request)}")
    return await handler(world, link, request)
