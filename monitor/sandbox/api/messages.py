"""Channel messages: history with Telegram's offset rules, messages by id, views, read marks, and
sending, editing and deleting in supergroups."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any

from telethon.tl import functions as fn
from telethon.tl import types
from telethon.tl.tlobject import TLObject

from monitor.sandbox.api.base import Handlers, channel_updates, input_channel, tl_seconds
from monitor.sandbox.errors import RpcError
from monitor.sandbox.scenario import Person
from monitor.sandbox.state import ChannelState

if TYPE_CHECKING:
    from monitor.sandbox.world import ClientLink, World

HISTORY_DEFAULT_LIMIT = 20
HISTORY_MAX_LIMIT = 100
MESSAGE_LENGTH_MAX = 4096

handlers = Handlers()


@handlers.on(fn.messages.GetHistoryRequest)
async def get_history(world: World, link: ClientLink, request: Any) -> TLObject:
    """Telegram's offset rules: skip offsetFromID(offset_id) + add_offset, take limit, then max_id/min_id."""
    me = world.user_of(link)
    if me.is_bot:
        raise RpcError(400, "BOT_METHOD_INVALID")
    if isinstance(request.peer, types.InputPeerSelf | types.InputPeerUser):
        return types.messages.Messages(messages=[], topics=[], chats=[], users=[])
    state = input_channel(world, me, request.peer)
    newest_first = state.alive[::-1]
    limit = min(request.limit if request.limit > 0 else HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT)
    low = _offset_from(state, request) + request.add_offset
    start, end = max(0, low), max(0, low + limit)
    ids = newest_first[start:end]
    ids = [
        i
        for i in ids
        if (not request.max_id or i < request.max_id) and (not request.min_id or i > request.min_id)
    ]
    messages, chats, users = world.tl.messages(state, (state.messages[i] for i in ids), me.id)
    return types.messages.ChannelMessages(
        pts=state.pts,
        count=len(state.alive),
        messages=messages,
        topics=[],
        chats=chats,
        users=users,
        offset_id_offset=start if request.offset_id or tl_seconds(request.offset_date) else None,
    )


def _offset_from(state: ChannelState, request: Any) -> int:
    """How many messages (newest first) precede the offset: ids >= offset_id, else dates >= offset_date."""
    if request.offset_id:
        return len(state.alive) - bisect.bisect_left(state.alive, request.offset_id)
    cutoff = tl_seconds(request.offset_date)
    if cutoff:
        return sum(1 for i in state.alive if state.messages[i].date.timestamp() >= cutoff)
    return 0


@handlers.on(fn.channels.GetMessagesRequest)
async def get_channel_messages(
    world: World, link: ClientLink, request: Any
) -> types.messages.ChannelMessages:
    """Messages by id in the order asked; deleted or unknown ids come back as messageEmpty."""
    me = world.user_of(link)
    state = input_channel(world, me, request.channel)
    if not request.id:
        raise RpcError(400, "MESSAGE_IDS_EMPTY")
    found: list[TLObject] = []
    for item in request.id:
        message_id = getattr(item, "id", None)
        if isinstance(item, types.InputMessageID) and state.is_alive(item.id):
            found.extend(world.tl.messages(state, [state.messages[message_id]], me.id)[0])
        else:
            found.append(world.tl.empty(state, message_id or 0))
    present = [state.messages[m.id] for m in found if isinstance(m, types.Message)]
    _, chats, users = world.tl.messages(state, present, me.id)
    return types.messages.ChannelMessages(
        pts=state.pts, count=len(found), messages=found, topics=[], chats=chats, users=users
    )


@handlers.on(fn.messages.GetMessagesRequest)
async def get_messages(world: World, link: ClientLink, request: Any) -> types.messages.Messages:
    """Private and basic-group messages by id: the sandbox has none, so every id is messageEmpty."""
    world.user_of(link)
    empty = [types.MessageEmpty(id=getattr(item, "id", 0)) for item in request.id]
    return types.messages.Messages(messages=empty, topics=[], chats=[], users=[])


@handlers.on(fn.messages.GetMessagesViewsRequest)
async def get_messages_views(world: World, link: ClientLink, request: Any) -> types.messages.MessageViews:
    me = world.user_of(link)
    state = input_channel(world, me, request.peer)
    views = []
    for message_id in request.id:
        msg = world.message(state.id, message_id)
        rendered = world.tl.message(state, msg, me.id) if msg is not None else None
        views.append(
            types.MessageViews(
                views=getattr(rendered, "views", None), forwards=getattr(rendered, "forwards", None)
            )
        )
    return types.messages.MessageViews(views=views, chats=[world.tl.channel(state, me.id)], users=[])


@handlers.on(fn.channels.ReadHistoryRequest)
async def read_channel_history(world: World, link: ClientLink, request: Any) -> bool:
    me = world.user_of(link)
    input_channel(world, me, request.channel)
    return True


@handlers.on(fn.messages.ReadHistoryRequest)
async def read_history(world: World, link: ClientLink, request: Any) -> types.messages.AffectedMessages:
    world.user_of(link)
    return types.messages.AffectedMessages(pts=world.account_pts, pts_count=0)


@handlers.on(fn.messages.SendMessageRequest)
async def send_message(world: World, link: ClientLink, request: Any) -> types.Updates:
    """Into a supergroup the sender belongs to (or a channel they administer); random_id deduplicates."""
    me = world.user_of(link)
    state = _writable(world, me, request.peer)
    text = request.message or ""
    if not text.strip():
        raise RpcError(400, "MESSAGE_EMPTY")
    if len(text) > MESSAGE_LENGTH_MAX:
        raise RpcError(400, "MESSAGE_TOO_LONG")
    reply_to = (
        request.reply_to.reply_to_msg_id if isinstance(request.reply_to, types.InputReplyToMessage) else None
    )
    msg, event = await world.send_to_chat(
        state,
        me,
        text,
        entities=request.entities or (),
        reply_to=reply_to,
        random_id=request.random_id,
        exclude=link,
    )
    message = world.tl.message(state, msg, me.id)
    updates: list[TLObject] = [
        types.UpdateMessageID(id=msg.id, random_id=request.random_id),
        types.UpdateNewChannelMessage(message=message, pts=event.pts, pts_count=1),
    ]
    return channel_updates(world, state, me, updates, with_me=True, date=msg.date)


@handlers.on(fn.messages.EditMessageRequest)
async def edit_message(world: World, link: ClientLink, request: Any) -> types.Updates:
    me = world.user_of(link)
    state = _writable(world, me, request.peer)
    msg = world.message(state.id, request.id)
    if msg is None:
        raise RpcError(400, "MESSAGE_ID_INVALID")
    if state.megagroup and msg.sender_id != me.id:
        raise RpcError(403, "MESSAGE_AUTHOR_REQUIRED")
    text = msg.text if request.message is None else request.message
    entities = tuple(request.entities or ()) if request.message is not None else msg.entities
    if text == msg.text and entities == msg.entities:
        raise RpcError(400, "MESSAGE_NOT_MODIFIED")
    if not text.strip():
        raise RpcError(400, "MESSAGE_EMPTY")
    edited, event = await world.edit_in_chat(state, me, msg, text, entities, exclude=link)
    message = world.tl.message(state, edited, me.id)
    update = types.UpdateEditChannelMessage(message=message, pts=event.pts, pts_count=1)
    return channel_updates(world, state, me, [update], with_me=True)


@handlers.on(fn.channels.DeleteMessagesRequest)
async def delete_channel_messages(
    world: World, link: ClientLink, request: Any
) -> types.messages.AffectedMessages:
    """Deletes the caller's own messages (any message in a channel they administer)."""
    me = world.user_of(link)
    state = _writable(world, me, request.channel)
    ids = tuple(i for i in dict.fromkeys(request.id) if world.message(state.id, i) is not None)
    foreign = [i for i in ids if state.megagroup and state.messages[i].sender_id != me.id]
    if foreign:
        raise RpcError(403, "MESSAGE_DELETE_FORBIDDEN")
    if not ids:
        return types.messages.AffectedMessages(pts=state.pts, pts_count=0)
    event = await world.delete_in_chat(state, me, ids, exclude=link)
    return types.messages.AffectedMessages(pts=event.pts, pts_count=event.count)


def _writable(world: World, me: Person, peer: TLObject) -> ChannelState:
    if isinstance(peer, types.InputPeerUser | types.InputPeerSelf | types.InputUser | types.InputUserSelf):
        raise RpcError(
            400, "METHOD_NOT_IMPLEMENTED: private chats (the sandbox serves channels and supergroups)"
        )
    state = input_channel(world, me, peer)
    if me.id not in state.members:
        raise RpcError(403, "CHAT_WRITE_FORBIDDEN")
    if not state.megagroup:
        raise RpcError(403, "CHAT_ADMIN_REQUIRED")
    return state
