"""The API methods the sandbox answers, one handler per TL request type, following Telegram's semantics.

Anything without a handler answers rpc_error 400 `METHOD_NOT_IMPLEMENTED: <method>` so gaps are visible.
docs/sandbox.md lists the methods and how each follows Telegram's documented behaviour.
"""

from __future__ import annotations

import bisect
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telethon import password as srp
from telethon.tl import functions as fn
from telethon.tl import types
from telethon.tl.tlobject import TLObject

from monitor.sandbox.config_tl import SANDBOX_DC, make_config
from monitor.sandbox.errors import RpcError
from monitor.sandbox.handshake import DH_G, DH_PRIME
from monitor.sandbox.scenario import Person, normalize_phone

if TYPE_CHECKING:
    from monitor.sandbox.world import ChannelState, ClientLink, StoredMessage, World

LOGIN_CODE = "12345"
HISTORY_DEFAULT_LIMIT = 20
HISTORY_MAX_LIMIT = 100
USER_DIFF_LIMIT = 100
BOT_DIFF_LIMIT = 100_000
DIFF_TIMEOUT = 30  # seconds clients are told to wait before polling a channel's difference again
TOO_LONG_MESSAGES = 20  # latest messages sent along with channelDifferenceTooLong
MESSAGE_LENGTH_MAX = 4096

Handler = Callable[["World", "ClientLink", Any], Awaitable[Any]]
HANDLERS: dict[type, Handler] = {}


def method_name(request: TLObject) -> str:
    """The TL name of a request, e.g. GetHistoryRequest in functions.messages -> messages.getHistory."""
    name = type(request).__name__.removesuffix("Request")
    name = name[:1].lower() + name[1:]
    namespace = type(request).__module__.rsplit(".", 1)[-1]
    return name if namespace == "functions" else f"{namespace}.{name}"


def handles(*request_types: type) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for request_type in request_types:
            HANDLERS[request_type] = handler
        return handler

    return register


async def dispatch(world: World, link: ClientLink, request: TLObject) -> Any:
    handler = HANDLERS.get(type(request))
    if handler is None:
        raise RpcError(400, f"METHOD_NOT_IMPLEMENTED: {method_name(request)}")
    return await handler(world, link, request)


# ------------------------------------------------------------------ help


@handles(fn.help.GetConfigRequest)
async def get_config(world: World, link: ClientLink, request: Any) -> types.Config:
    host, port = world.address
    return make_config(host, port, now=world.now())


@handles(fn.help.GetNearestDcRequest)
async def get_nearest_dc(world: World, link: ClientLink, request: Any) -> types.NearestDc:
    return types.NearestDc(country="NL", this_dc=SANDBOX_DC, nearest_dc=SANDBOX_DC)


# ------------------------------------------------------------------ login


@handles(fn.auth.SendCodeRequest)
async def send_code(world: World, link: ClientLink, request: Any) -> types.auth.SentCode:
    person = _person_by_phone(world, request.phone_number)
    code_hash = secrets.token_hex(8)
    world.pending_codes[code_hash] = person.phone or ""
    return types.auth.SentCode(
        type=types.auth.SentCodeTypeApp(length=len(LOGIN_CODE)), phone_code_hash=code_hash
    )


@handles(fn.auth.SignInRequest)
async def sign_in(world: World, link: ClientLink, request: Any) -> types.auth.Authorization:
    person = _person_by_phone(world, request.phone_number)
    if not request.phone_code_hash:
        raise RpcError(400, "PHONE_CODE_HASH_EMPTY")
    if world.pending_codes.get(request.phone_code_hash) != person.phone:
        raise RpcError(400, "PHONE_CODE_EXPIRED")
    if not request.phone_code:
        raise RpcError(400, "PHONE_CODE_EMPTY")
    if request.phone_code != LOGIN_CODE:
        raise RpcError(400, "PHONE_CODE_INVALID")
    del world.pending_codes[request.phone_code_hash]
    if person.password:
        world.password_pending[link.auth_key_id] = person.id
        raise RpcError(401, "SESSION_PASSWORD_NEEDED")
    return _authorize(world, link, person)


@handles(fn.auth.ImportBotAuthorizationRequest)
async def import_bot_authorization(world: World, link: ClientLink, request: Any) -> types.auth.Authorization:
    bot = next(
        (p for p in world.people.values() if p.bot_token and p.bot_token == request.bot_auth_token), None
    )
    if bot is None:
        raise RpcError(400, "ACCESS_TOKEN_INVALID")
    return _authorize(world, link, bot)


@handles(fn.account.GetPasswordRequest)
async def get_password(world: World, link: ClientLink, request: Any) -> types.account.Password:
    person = _password_owner(world, link)
    new_algo = _kdf_algo(b"")
    secure = types.SecurePasswordKdfAlgoUnknown()
    if person is None or not person.password:
        return types.account.Password(
            new_algo=new_algo, new_secure_algo=secure, secure_random=secrets.token_bytes(32)
        )
    algo = _kdf_algo(_salt(world, person))
    verifier = pow(DH_G, int.from_bytes(srp.compute_hash(algo, person.password), "big"), DH_PRIME)
    secret = secrets.randbelow(DH_PRIME - 2) + 2
    k = int.from_bytes(srp.sha256(_pad(DH_PRIME), _pad(DH_G)), "big")
    srp_b = (k * verifier + pow(DH_G, secret, DH_PRIME)) % DH_PRIME
    srp_id = secrets.randbits(63)
    world.srp_secrets[link.auth_key_id] = (srp_id, secret, srp_b, verifier, algo)
    return types.account.Password(
        new_algo=new_algo,
        new_secure_algo=secure,
        secure_random=secrets.token_bytes(32),
        has_password=True,
        current_algo=algo,
        srp_B=_pad(srp_b),
        srp_id=srp_id,
    )


@handles(fn.auth.CheckPasswordRequest)
async def check_password(world: World, link: ClientLink, request: Any) -> types.auth.Authorization:
    user_id = world.password_pending.get(link.auth_key_id)
    challenge = world.srp_secrets.pop(link.auth_key_id, None)
    if user_id is None:
        raise RpcError(400, "PASSWORD_HASH_INVALID")
    check = request.password
    if (
        challenge is None
        or not isinstance(check, types.InputCheckPasswordSRP)
        or check.srp_id != challenge[0]
    ):
        raise RpcError(400, "SRP_ID_INVALID")
    if not _srp_matches(check, *challenge[1:]):
        raise RpcError(400, "PASSWORD_HASH_INVALID")
    del world.password_pending[link.auth_key_id]
    return _authorize(world, link, world.people[user_id])


@handles(fn.auth.LogOutRequest)
async def log_out(world: World, link: ClientLink, request: Any) -> types.auth.LoggedOut:
    world.user_of(link)
    del world.authorizations[link.auth_key_id]
    return types.auth.LoggedOut()


def _person_by_phone(world: World, phone: str) -> Person:
    digits = normalize_phone(phone or "")
    person = next((p for p in world.people.values() if p.phone and p.phone == digits), None)
    if person is None:
        raise RpcError(400, "PHONE_NUMBER_INVALID")
    return person


def _authorize(world: World, link: ClientLink, person: Person) -> types.auth.Authorization:
    world.authorizations[link.auth_key_id] = person.id
    return types.auth.Authorization(user=world.user_tl(person, person.id))


def _password_owner(world: World, link: ClientLink) -> Person | None:
    user_id = world.password_pending.get(link.auth_key_id, world.authorizations.get(link.auth_key_id))
    return world.people.get(user_id) if user_id is not None else None


def _kdf_algo(salt1: bytes) -> types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow:
    return types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=salt1, salt2=salt1[::-1], g=DH_G, p=_pad(DH_PRIME)
    )


def _salt(world: World, person: Person) -> bytes:
    """A stable per-account salt, so the verifier is the same on every attempt."""
    return hashlib.sha256(f"{world.scenario.name}:{person.id}".encode()).digest()[:16]


def _pad(number: int) -> bytes:
    return number.to_bytes(256, "big")


def _srp_matches(
    check: types.InputCheckPasswordSRP, secret: int, srp_b: int, verifier: int, algo: Any
) -> bool:
    """Verify the client's SRP proof M1 the way Telegram's 2FA does (server side of SRP-6a)."""
    big_a = int.from_bytes(check.A, "big")
    if not 1 < big_a < DH_PRIME - 1:
        return False
    u = int.from_bytes(srp.sha256(_pad(big_a), _pad(srp_b)), "big")
    shared = pow(big_a * pow(verifier, u, DH_PRIME) % DH_PRIME, secret, DH_PRIME)
    key = srp.sha256(_pad(shared))
    expected = srp.sha256(
        srp.xor(srp.sha256(_pad(DH_PRIME)), srp.sha256(_pad(DH_G))),
        srp.sha256(algo.salt1),
        srp.sha256(algo.salt2),
        _pad(big_a),
        _pad(srp_b),
        key,
    )
    return secrets.compare_digest(expected, check.M1)


# ------------------------------------------------------------------ users and peers


@handles(fn.users.GetUsersRequest)
async def get_users(world: World, link: ClientLink, request: Any) -> list[TLObject]:
    me = world.user_of(link)
    return [_user_or_empty(world, me, item) for item in request.id]


@handles(fn.users.GetFullUserRequest)
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


@handles(fn.contacts.ResolveUsernameRequest)
async def resolve_username(world: World, link: ClientLink, request: Any) -> types.contacts.ResolvedPeer:
    me = world.user_of(link)
    name = (request.username or "").lstrip("@").lower()
    if not name:
        raise RpcError(400, "USERNAME_INVALID")
    for person in world.people.values():
        if person.username and person.username.lower() == name:
            user = world.user_tl(person, me.id)
            return types.contacts.ResolvedPeer(peer=types.PeerUser(person.id), chats=[], users=[user])
    for state in world.channels.values():
        if state.username and state.username.lower() == name:
            chat = world.channel_tl(state, me.id)
            return types.contacts.ResolvedPeer(peer=types.PeerChannel(state.id), chats=[chat], users=[])
    raise RpcError(400, "USERNAME_NOT_OCCUPIED")


def _user_or_empty(world: World, me: Person, item: TLObject) -> TLObject:
    if isinstance(item, types.InputUserSelf):
        return world.user_tl(me, me.id)
    if isinstance(item, types.InputUser | types.InputPeerUser):
        person = world.people.get(item.user_id)
        known = person is not None and item.access_hash in (world.access_hashes[person.id], 0)
        if person is not None and known and (item.access_hash or me.is_bot or person.id == me.id):
            return world.user_tl(person, me.id)
        return types.UserEmpty(id=item.user_id)
    raise RpcError(400, "USER_ID_INVALID")


# ------------------------------------------------------------------ channels


def _channel(world: World, me: Person, item: TLObject, *, readable: bool = True) -> ChannelState:
    """Resolve an InputChannel / InputPeerChannel as Telegram checks it (access hash, membership)."""
    if not isinstance(item, types.InputChannel | types.InputPeerChannel):
        raise RpcError(400, "CHANNEL_INVALID")
    state = world.channels.get(item.channel_id)
    if state is None:
        raise RpcError(400, "CHANNEL_INVALID")
    if item.access_hash != state.access_hash and not (item.access_hash == 0 and me.is_bot):
        raise RpcError(400, "CHANNEL_INVALID")
    if readable and state.username is None and me.id not in state.members:
        raise RpcError(400, "CHANNEL_PRIVATE")
    return state


@handles(fn.channels.GetChannelsRequest)
async def get_channels(world: World, link: ClientLink, request: Any) -> types.messages.Chats:
    me = world.user_of(link)
    states = [_channel(world, me, item, readable=False) for item in request.id]
    return types.messages.Chats(chats=[world.channel_tl(s, me.id) for s in states])


@handles(fn.channels.GetFullChannelRequest)
async def get_full_channel(world: World, link: ClientLink, request: Any) -> types.messages.ChatFull:
    me = world.user_of(link)
    state = _channel(world, me, request.channel)
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
    return types.messages.ChatFull(full_chat=full, chats=[world.channel_tl(state, me.id)], users=[])


@handles(fn.channels.JoinChannelRequest)
async def join_channel(world: World, link: ClientLink, request: Any) -> types.Updates:
    me = world.user_of(link)
    state = _channel(world, me, request.channel)
    if me.is_bot:
        raise RpcError(400, "BOT_METHOD_INVALID")
    world.join(state, me.id)
    return _channel_updates(world, state, me, [types.UpdateChannel(channel_id=state.id)])


@handles(fn.channels.LeaveChannelRequest)
async def leave_channel(world: World, link: ClientLink, request: Any) -> types.Updates:
    me = world.user_of(link)
    state = _channel(world, me, request.channel, readable=False)
    if me.id not in state.members:
        raise RpcError(400, "USER_NOT_PARTICIPANT")
    state.members.discard(me.id)
    return _channel_updates(world, state, me, [types.UpdateChannel(channel_id=state.id)])


@handles(fn.messages.CheckChatInviteRequest)
async def check_chat_invite(world: World, link: ClientLink, request: Any) -> TLObject:
    me = world.user_of(link)
    state = _by_invite(world, request.hash)
    if me.id in state.members:
        return types.ChatInviteAlready(chat=world.channel_tl(state, me.id))
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


@handles(fn.messages.ImportChatInviteRequest)
async def import_chat_invite(world: World, link: ClientLink, request: Any) -> TLObject:
    me = world.user_of(link)
    state = _by_invite(world, request.hash)
    if me.id in state.members:
        raise RpcError(400, "USER_ALREADY_PARTICIPANT")
    world.join(state, me.id)
    updates = _channel_updates(world, state, me, [types.UpdateChannel(channel_id=state.id)])
    return types.messages.ChatInviteJoinResultOk(updates=updates)


def _by_invite(world: World, invite: str) -> ChannelState:
    for state in world.channels.values():
        if state.invite and state.invite == invite:
            return state
    raise RpcError(400, "INVITE_HASH_INVALID")


def _channel_updates(
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
        users=world.users_tl([me.id], me.id) if with_me else [],
        chats=[world.channel_tl(state, me.id)],
        date=date or world.now(),
        seq=0,
    )


# ------------------------------------------------------------------ dialogs


@handles(fn.messages.GetDialogsRequest)
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
    limit = request.limit if request.limit > 0 else HISTORY_MAX_LIMIT
    page = ordered[start : start + min(limit, HISTORY_MAX_LIMIT)]
    dialogs, messages, chats, users = [], [], [], []
    for state in page:
        top = state.alive[-1] if state.alive else 0
        dialogs.append(_dialog(state, top))
        chats.append(world.channel_tl(state, me.id))
        if top:
            rendered, _, senders = world.render(state, [state.messages[top]], me.id)
            messages.extend(rendered)
            users.extend(senders)
    if start == 0 and len(page) == len(ordered):
        return types.messages.Dialogs(dialogs=dialogs, messages=messages, chats=chats, users=users)
    return types.messages.DialogsSlice(
        count=len(ordered), dialogs=dialogs, messages=messages, chats=chats, users=users
    )


def _dialog(state: ChannelState, top: int) -> types.Dialog:
    return types.Dialog(
        peer=types.PeerChannel(state.id),
        top_message=top,
        read_inbox_max_id=top,
        read_outbox_max_id=top,
        unread_count=0,
        unread_mentions_count=0,
        unread_reactions_count=0,
        unread_poll_votes_count=0,
        notify_settings=types.PeerNotifySettings(),
        pts=state.pts,
    )


def _top_date(state: ChannelState) -> float:
    return state.messages[state.alive[-1]].date.timestamp() if state.alive else state.created.timestamp()


def _dialogs_start(ordered: list[ChannelState], request: Any) -> int:
    peer = request.offset_peer
    if isinstance(peer, types.InputPeerChannel):
        for i, state in enumerate(ordered):
            if state.id == peer.channel_id:
                return i + 1
    cutoff = _seconds(request.offset_date)
    if cutoff:
        return next((i for i, s in enumerate(ordered) if _top_date(s) < cutoff), len(ordered))
    return 0


def _seconds(date: datetime | None) -> int:
    """A TL date as Unix seconds; 0 (the epoch, which is how an absent date travels) means unset."""
    return int(date.timestamp()) if date is not None else 0


# ------------------------------------------------------------------ history and messages


@handles(fn.messages.GetHistoryRequest)
async def get_history(world: World, link: ClientLink, request: Any) -> TLObject:
    """Telegram's offset rules: skip offsetFromID(offset_id) + add_offset, take limit, then max_id/min_id."""
    me = world.user_of(link)
    if me.is_bot:
        raise RpcError(400, "BOT_METHOD_INVALID")
    if isinstance(request.peer, types.InputPeerSelf | types.InputPeerUser):
        return types.messages.Messages(messages=[], topics=[], chats=[], users=[])
    state = _channel(world, me, request.peer)
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
    messages, chats, users = world.render(state, (state.messages[i] for i in ids), me.id)
    return types.messages.ChannelMessages(
        pts=state.pts,
        count=len(state.alive),
        messages=messages,
        topics=[],
        chats=chats,
        users=users,
        offset_id_offset=start if request.offset_id or _seconds(request.offset_date) else None,
    )


def _offset_from(state: ChannelState, request: Any) -> int:
    """How many messages (newest first) precede the offset: ids >= offset_id, else dates >= offset_date."""
    if request.offset_id:
        return len(state.alive) - bisect.bisect_left(state.alive, request.offset_id)
    cutoff = _seconds(request.offset_date)
    if cutoff:
        return sum(1 for i in state.alive if state.messages[i].date.timestamp() >= cutoff)
    return 0


@handles(fn.channels.GetMessagesRequest)
async def get_channel_messages(
    world: World, link: ClientLink, request: Any
) -> types.messages.ChannelMessages:
    """Messages by id in the order asked; deleted or unknown ids come back as messageEmpty."""
    me = world.user_of(link)
    state = _channel(world, me, request.channel)
    if not request.id:
        raise RpcError(400, "MESSAGE_IDS_EMPTY")
    found: list[TLObject] = []
    for item in request.id:
        message_id = getattr(item, "id", None)
        if isinstance(item, types.InputMessageID) and state.is_alive(item.id):
            found.extend(world.render(state, [state.messages[message_id]], me.id)[0])
        else:
            found.append(world.empty_tl(state, message_id or 0))
    present = [state.messages[m.id] for m in found if isinstance(m, types.Message)]
    _, chats, users = world.render(state, present, me.id)
    return types.messages.ChannelMessages(
        pts=state.pts, count=len(found), messages=found, topics=[], chats=chats, users=users
    )


@handles(fn.messages.GetMessagesRequest)
async def get_messages(world: World, link: ClientLink, request: Any) -> types.messages.Messages:
    """Private and basic-group messages by id: the sandbox has none, so every id is messageEmpty."""
    world.user_of(link)
    empty = [types.MessageEmpty(id=getattr(item, "id", 0)) for item in request.id]
    return types.messages.Messages(messages=empty, topics=[], chats=[], users=[])


@handles(fn.messages.GetMessagesViewsRequest)
async def get_messages_views(world: World, link: ClientLink, request: Any) -> types.messages.MessageViews:
    me = world.user_of(link)
    state = _channel(world, me, request.peer)
    views = []
    for message_id in request.id:
        msg = world.message(state.id, message_id)
        rendered = world.message_tl(state, msg, me.id) if msg is not None else None
        views.append(
            types.MessageViews(
                views=getattr(rendered, "views", None), forwards=getattr(rendered, "forwards", None)
            )
        )
    return types.messages.MessageViews(views=views, chats=[world.channel_tl(state, me.id)], users=[])


@handles(fn.channels.ReadHistoryRequest)
async def read_channel_history(world: World, link: ClientLink, request: Any) -> bool:
    me = world.user_of(link)
    _channel(world, me, request.channel)
    return True


@handles(fn.messages.ReadHistoryRequest)
async def read_history(world: World, link: ClientLink, request: Any) -> types.messages.AffectedMessages:
    world.user_of(link)
    return types.messages.AffectedMessages(pts=world.account_pts, pts_count=0)


# ------------------------------------------------------------------ sending


@handles(fn.messages.SendMessageRequest)
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
    message = world.message_tl(state, msg, me.id)
    updates: list[TLObject] = [
        types.UpdateMessageID(id=msg.id, random_id=request.random_id),
        types.UpdateNewChannelMessage(message=message, pts=event.pts, pts_count=1),
    ]
    return _channel_updates(world, state, me, updates, with_me=True, date=msg.date)


@handles(fn.messages.EditMessageRequest)
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
    message = world.message_tl(state, edited, me.id)
    update = types.UpdateEditChannelMessage(message=message, pts=event.pts, pts_count=1)
    return _channel_updates(world, state, me, [update], with_me=True)


@handles(fn.channels.DeleteMessagesRequest)
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
    state = _channel(world, me, peer)
    if me.id not in state.members:
        raise RpcError(403, "CHAT_WRITE_FORBIDDEN")
    if not state.megagroup:
        raise RpcError(403, "CHAT_ADMIN_REQUIRED")
    return state


# ------------------------------------------------------------------ updates


@handles(fn.updates.GetStateRequest)
async def get_state(world: World, link: ClientLink, request: Any) -> types.updates.State:
    world.user_of(link)
    return _state(world)


@handles(fn.updates.GetDifferenceRequest)
async def get_difference(world: World, link: ClientLink, request: Any) -> TLObject:
    """The account box never moves; channels with news since `date` are flagged updateChannelTooLong.

    Dates have whole seconds, so news in the very second of `date` counts too (at worst the client asks
    getChannelDifference once for nothing).
    """
    me = world.user_of(link)
    since = _seconds(request.date)
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
        chats=[world.channel_tl(s, me.id) for s in stale],
        users=[],
        state=_state(world),
    )


@handles(fn.updates.GetChannelDifferenceRequest)
async def get_channel_difference(world: World, link: ClientLink, request: Any) -> TLObject:
    """Events after the client's pts: empty, the events (final), or tooLong when pts + limit < channel pts."""
    me = world.user_of(link)
    state = _channel(world, me, request.channel)
    if request.pts <= 0:
        raise RpcError(400, "PERSISTENT_TIMESTAMP_EMPTY")
    if request.pts > state.pts:
        raise RpcError(400, "PERSISTENT_TIMESTAMP_INVALID")
    if request.pts == state.pts:
        return types.updates.ChannelDifferenceEmpty(pts=state.pts, final=True, timeout=DIFF_TIMEOUT)
    cap = BOT_DIFF_LIMIT if me.is_bot else USER_DIFF_LIMIT
    limit = min(request.limit, cap) if request.limit > 0 else cap
    if request.pts + limit < state.pts:
        return _too_long(world, state, me)
    new_messages, other_updates = _events_since(world, state, request.pts, me)
    messages, chats, users = world.render(state, new_messages, me.id)
    return types.updates.ChannelDifference(
        pts=state.pts,
        new_messages=messages,
        other_updates=other_updates,
        chats=chats,
        users=users,
        final=True,
        timeout=DIFF_TIMEOUT,
    )


def _events_since(
    world: World, state: ChannelState, pts: int, me: Person
) -> tuple[list[StoredMessage], list[TLObject]]:
    """Messages created after pts (as they are now) plus edits and deletions of older messages."""
    events = state.events_after(pts)
    created = {i for e in events if e.kind == "new" for i in e.ids}
    new_messages = [state.messages[i] for i in sorted(created) if state.is_alive(i)]
    other: list[TLObject] = []
    last_edit = {e.ids[0]: e for e in events if e.kind == "edit"}
    for event in events:
        if event.kind == "edit" and last_edit[event.ids[0]] is event:
            message_id = event.ids[0]
            if message_id not in created and state.is_alive(message_id):
                message = world.message_tl(state, state.messages[message_id], me.id)
                other.append(types.UpdateEditChannelMessage(message=message, pts=event.pts, pts_count=1))
        elif event.kind == "delete":
            gone = [i for i in event.ids if i not in created]
            if gone:
                other.append(types.UpdateDeleteChannelMessages(state.id, gone, event.pts, event.count))
    return new_messages, other


def _too_long(world: World, state: ChannelState, me: Person) -> types.updates.ChannelDifferenceTooLong:
    top = state.alive[-1] if state.alive else 0
    latest = [state.messages[i] for i in state.alive[-TOO_LONG_MESSAGES:][::-1]]
    messages, chats, users = world.render(state, latest, me.id)
    return types.updates.ChannelDifferenceTooLong(
        dialog=_dialog(state, top),
        messages=messages,
        chats=chats,
        users=users,
        final=True,
        timeout=DIFF_TIMEOUT,
    )


def _state(world: World) -> types.updates.State:
    return types.updates.State(pts=world.account_pts, qts=0, date=world.now(), seq=0, unread_count=0)
