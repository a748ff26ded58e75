"""Users and channels: looking them up, joining and leaving (also by invite), and the dialog list."""

from __future__ import annotations

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

DIALOGS_MAX_LIMIT = 100
PEER_DIALOGS_MAX = 100  # messages.getPeerDialogs takes up to 100 peers (TELEGRAM.md)

handlers = Handlers()


@handlers.on(fn.users.GetUsersRequest)
async def get_users(world: World, link: ClientLink, request: Any) -> list[TLObject]:
    me = world.user_of(link)
    return [_user_or_empty(world, me, item) for item in request.id]


@handlers.on(fn.users.GetFullUserRequest)
async def get_full_user(world: World, link: ClientLink, request: Any) -> types.users.UserFull:
    me = world.user_of(link)
    user = _user_or_empty(world, me, request.id)
    if isinstance(user, types.UserEmpty):
        raise RpcError(400, "USER_ID_INVALID")
    full = types.UserFull(
        id=user.id,
        settings=types.PeerSettings(),
        notify_settings=types.PeerNotifySettings(),
        common_chats_count=0,
        about=None,
    )
    return types.users.UserFull(full_user=full, chats=[], users=[user])


@handlers.on(fn.contacts.ResolveUsernameRequest)
async def resolve_username(world: World, link: ClientLink, request: Any) -> types.contacts.ResolvedPeer:
    me = world.user_of(link)
    name = (request.username or "").lstrip("@").lower()
    if not name:
        raise RpcError(400, "USERNAME_INVALID")
    for person in world.people.values():
        if person.username and person.username.lower() == name:
            user = world.tl.user(person, me.id)
            return types.contacts.ResolvedPeer(peer=types.PeerUser(person.id), chats=[], users=[user])
    for state in world.channels.values():
        if state.username and state.username.lower() == name:
            chat = world.tl.channel(state, me.id)
            return types.contacts.ResolvedPeer(peer=types.PeerChannel(state.id), chats=[chat], users=[])
    raise RpcError(400, "USERNAME_NOT_OCCUPIED")


def _user_or_empty(world: World, me: Person, item: TLObject) -> TLObject:
    if isinstance(item, types.InputUserSelf):
        return world.tl.user(me, me.id)
    if isinstance(item, types.InputUser | types.InputPeerUser):
        person = world.people.get(item.user_id)
        known = person is not None and item.access_hash in (world.hashes.of(person.id, me.id), 0)
        if person is not None and known and (item.access_hash or me.is_bot or person.id == me.id):
            return world.tl.user(person, me.id)
        return types.UserEmpty(id=item.user_id)
    raise RpcError(400, "USER_ID_INVALID")


@handlers.on(fn.channels.GetChannelsRequest)
async def get_channels(world: World, link: ClientLink, request: Any) -> types.messages.Chats:
    me = world.user_of(link)
    states = [input_channel(world, me, item, readable=False) for item in request.id]
    return types.messages.Chats(chats=[world.tl.channel(s, me.id) for s in states])


@handlers.on(fn.channels.GetFullChannelRequest)
async def get_full_channel(world: World, link: ClientLink, request: Any) -> types.messages.ChatFull:
    me = world.user_of(link)
    state = input_channel(world, me, request.channel)
    top = state.alive[-1] if state.alive else 0
    full = types.ChannelFull(
        id=state.id,
        about=state.about,
        read_inbox_max_id=top,
        read_outbox_max_id=top,
        unread_count=0,
        chat_photo=types.PhotoEmpty(id=0),
        notify_settings=types.PeerNotifySettings(),
        bot_info=[],
        pts=state.pts,
        participants_count=state.participants_count,
        can_view_participants=state.megagroup,
    )
    return types.messages.ChatFull(full_chat=full, chats=[world.tl.channel(state, me.id)], users=[])


@handlers.on(fn.channels.JoinChannelRequest)
async def join_channel(world: World, link: ClientLink, request: Any) -> types.Updates:
    me = world.user_of(link)
    state = input_channel(world, me, request.channel)
    if me.is_bot:
        raise RpcError(400, "BOT_METHOD_INVALID")
    world.join(state, me.id)
    return channel_updates(world, state, me, [types.UpdateChannel(channel_id=state.id)])


@handlers.on(fn.channels.LeaveChannelRequest)
async def leave_channel(world: World, link: ClientLink, request: Any) -> types.Updates:
    me = world.user_of(link)
    state = input_channel(world, me, request.channel, readable=False)
    if me.id not in state.members:
        raise RpcError(400, "USER_NOT_PARTICIPANT")
    state.members.discard(me.id)
    return channel_updates(world, state, me, [types.UpdateChannel(channel_id=state.id)])


@handlers.on(fn.messages.CheckChatInviteRequest)
async def check_chat_invite(world: World, link: ClientLink, request: Any) -> TLObject:
    me = world.user_of(link)
    state = _by_invite(world, request.hash)
    if me.id in state.members:
        return types.ChatInviteAlready(chat=world.tl.channel(state, me.id))
    return types.ChatInvite(
        title=state.title,
        photo=types.PhotoEmpty(id=0),
        participants_count=state.participants_count,
        color=0,
        channel=True,
        broadcast=not state.megagroup,
        megagroup=state.megagroup,
        public=state.username is not None,
        about=state.about or None,
    )


@handlers.on(fn.messages.ImportChatInviteRequest)
async def import_chat_invite(world: World, link: ClientLink, request: Any) -> TLObject:
    me = world.user_of(link)
    state = _by_invite(world, request.hash)
    if me.id in state.members:
        raise RpcError(400, "USER_ALREADY_PARTICIPANT")
    world.join(state, me.id)
    updates = channel_updates(world, state, me, [types.UpdateChannel(channel_id=state.id)])
    return types.messages.ChatInviteJoinResultOk(updates=updates)


def _by_invite(world: World, invite: str) -> ChannelState:
    for state in world.channels.values():
        if state.invite and state.invite == invite:
            return state
    raise RpcError(400, "INVITE_HASH_INVALID")


@handlers.on(fn.messages.GetDialogsRequest)
async def get_dialogs(world: World, link: ClientLink, request: Any) -> TLObject:
    """Member channels, newest top message first; offset_peer/offset_date continue a previous page."""
    me = world.user_of(link)
    if me.is_bot:
        raise RpcError(400, "BOT_METHOD_INVALID")
    ordered = sorted(
        (s for s in world.channels.values() if me.id in s.members),
        key=lambda s: (_top_date(s), s.id),
        reverse=True,
    )
    start = _dialogs_start(ordered, request)
    limit = request.limit if request.limit > 0 else DIALOGS_MAX_LIMIT
    page = ordered[start : start + min(limit, DIALOGS_MAX_LIMIT)]
    dialogs, messages, chats, users = _dialog_page(world, me, page)
    if start == 0 and len(page) == len(ordered):
        return types.messages.Dialogs(dialogs=dialogs, messages=messages, chats=chats, users=users)
    return types.messages.DialogsSlice(
        count=len(ordered), dialogs=dialogs, messages=messages, chats=chats, users=users
    )


@handlers.on(fn.messages.GetPeerDialogsRequest)
async def get_peer_dialogs(world: World, link: ClientLink, request: Any) -> types.messages.PeerDialogs:
    """The dialogs of up to 100 peers in one call: each joined channel's top_message and pts.

    This is how an official client learns cheaply which of its channels moved. A channel the account
    has not joined is not one of its dialogs and is left out; a wrong access hash is CHANNEL_INVALID.
    """
    me = world.user_of(link)
    if me.is_bot:
        raise RpcError(400, "BOT_METHOD_INVALID")
    if len(request.peers) > PEER_DIALOGS_MAX:
        raise RpcError(400, "LIMIT_INVALID")
    states: dict[int, ChannelState] = {}
    for item in request.peers:
        peer = item.peer if isinstance(item, types.InputDialogPeer) else None
        if peer is None:
            continue
        if not isinstance(peer, types.InputPeerChannel):
            raise RpcError(400, "PEER_ID_INVALID")
        state = input_channel(world, me, peer)
        if me.id in state.members:
            states[state.id] = state
    dialogs, messages, chats, users = _dialog_page(world, me, list(states.values()))
    state = types.updates.State(pts=world.account_pts, qts=0, date=world.now(), seq=0, unread_count=0)
    return types.messages.PeerDialogs(
        dialogs=dialogs, messages=messages, chats=chats, users=users, state=state
    )


def _dialog_page(
    world: World, me: Person, page: list[ChannelState]
) -> tuple[list[TLObject], list[TLObject], list[TLObject], list[TLObject]]:
    """Dialogs with their top messages, and the chats and users those need."""
    dialogs: list[TLObject] = []
    messages: list[TLObject] = []
    chats: list[TLObject] = []
    users: list[TLObject] = []
    for state in page:
        top = state.alive[-1] if state.alive else 0
        dialogs.append(world.tl.dialog(state))
        chats.append(world.tl.channel(state, me.id))
        if top:
            rendered, _, senders = world.tl.messages(state, [state.messages[top]], me.id)
            messages.extend(rendered)
            users.extend(senders)
    return dialogs, messages, chats, users


def _top_date(state: ChannelState) -> float:
    return state.messages[state.alive[-1]].date.timestamp() if state.alive else state.created.timestamp()


def _dialogs_start(ordered: list[ChannelState], request: Any) -> int:
    peer = request.offset_peer
    if isinstance(peer, types.InputPeerChannel):
        for i, state in enumerate(ordered):
            if state.id == peer.channel_id:
                return i + 1
    cutoff = tl_seconds(request.offset_date)
    if cutoff:
        return next((i for i, s in enumerate(ordered) if _top_date(s) < cutoff), len(ordered))
    return 0
