"""The sandbox's world: accounts, channels, the analyst chat, their messages and per-channel pts.

The protocol side hands every decoded request to `World.handle` and tells the world which client
links are connected; the world answers with Telethon TL objects and pushes live updates to the
authorised links that want them. Tests and the demo drive it through the control API (`publish`,
`edit_post`, `delete_posts`, `set_views`, `analyst_says`, `run_timeline` ...).
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import itertools
import logging
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from telethon.tl import types
from telethon.tl.tlobject import TLObject

from monitor.sandbox import api
from monitor.sandbox.config_tl import SANDBOX_DC
from monitor.sandbox.errors import RpcError
from monitor.sandbox.faults import Faults, parse_faults
from monitor.sandbox.recorder import Recorder
from monitor.sandbox.scenario import ChannelSpec, Person, PostSpec, Scenario, TimelineEvent

log = logging.getLogger(__name__)

ACCOUNT_PTS = 1  # nothing here lives in the account-wide box (no private chats), so its pts never moves
FORWARDS_PER_VIEWS = 150  # forwards grow as one per this many views
URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")


class ClientLink(Protocol):
    """One client connection as the protocol side presents it to the world."""

    auth_key_id: int
    session_id: int
    wants_updates: bool

    async def push(self, updates: TLObject) -> None: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as the server keeps it; rendered into a TL Message per viewer on the way out."""

    id: int
    date: datetime
    text: str
    sender_id: int | None = None  # None: a broadcast channel post
    entities: tuple[TLObject, ...] = ()
    edit_date: datetime | None = None
    views: int = 0  # views at `views_since`; they grow from there at the channel's rate
    views_since: datetime | None = None
    forwards: int = 0
    fwd_from: types.MessageFwdHeader | None = None
    media: str | None = None
    grouped_id: int | None = None
    reply_to: int | None = None


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A message of the analyst chat as tests and the demo read it back."""

    message_id: int
    sender_id: int
    text: str
    date: datetime
    edit_date: datetime | None


@dataclass(frozen=True, slots=True)
class ChannelEvent:
    """One pts step (or several, for a deletion of many ids) of a channel."""

    pts: int
    count: int
    kind: str  # new | edit | delete
    ids: tuple[int, ...]


@dataclass(slots=True)
class ChannelState:
    """A broadcast channel or a supergroup, with its messages and update log."""

    id: int
    access_hash: int
    title: str
    created: datetime
    megagroup: bool = False
    username: str | None = None
    about: str = ""
    participants: int = 0
    views_per_minute: float = 0.0
    invite: str | None = None
    members: set[int] = field(default_factory=set)
    pts: int = 1
    last_id: int = 0
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    alive: list[int] = field(default_factory=list)
    events: list[ChannelEvent] = field(default_factory=list)
    event_pts: list[int] = field(default_factory=list)
    random_ids: dict[tuple[int, int], int] = field(default_factory=dict)
    last_event: datetime | None = None

    @property
    def marked_id(self) -> int:
        return int(f"-100{self.id}")

    @property
    def participants_count(self) -> int:
        return len(self.members) if self.megagroup else self.participants

    def log_event(self, kind: str, ids: tuple[int, ...], when: datetime) -> ChannelEvent:
        """Advance pts by one per affected message and remember the step for getChannelDifference."""
        self.pts += len(ids)
        event = ChannelEvent(self.pts, len(ids), kind, ids)
        self.events.append(event)
        self.event_pts.append(event.pts)
        self.last_event = when
        return event

    def is_alive(self, message_id: int) -> bool:
        i = bisect.bisect_left(self.alive, message_id)
        return i < len(self.alive) and self.alive[i] == message_id

    def events_after(self, pts: int) -> list[ChannelEvent]:
        return self.events[bisect.bisect_right(self.event_pts, pts) :]


class World:
    """Everything the sandbox serves. Create it, hand it to the server, `await start()`, `await stop()`.

    The world takes ownership of the recorder and closes it in `stop()`.
    """

    def __init__(
        self,
        scenario: Scenario,
        faults: Faults | None = None,
        recorder: Recorder | None = None,
        seed: int = 0,
    ) -> None:
        self.scenario = scenario
        self.faults = faults if faults is not None else parse_faults(scenario.faults)
        self.recorder = recorder or Recorder()
        self.rng = random.Random(seed)
        self.authorizations: dict[int, int] = {}
        self.address: tuple[str, int] = ("127.0.0.1", 0)
        self.people: dict[int, Person] = {}
        self.access_hashes: dict[int, int] = {}
        self.channels: dict[int, ChannelState] = {}
        self.pending_codes: dict[str, str] = {}  # phone_code_hash -> phone
        self.password_pending: dict[int, int] = {}  # auth_key_id -> user id that still owes its password
        self.srp_secrets: dict[int, Any] = {}
        self.timeline_done = asyncio.Event()
        self._links: set[ClientLink] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._keys: dict[str, tuple[int, int]] = {}
        self._groups: dict[str, int] = {}
        self._build(scenario)

    # ------------------------------------------------------------------ accounts and lookups

    @property
    def user(self) -> Person:
        return self.scenario.user

    @property
    def bot(self) -> Person:
        return self.scenario.bot

    @property
    def analyst(self) -> Person:
        return self.scenario.analyst

    @property
    def account_pts(self) -> int:
        return ACCOUNT_PTS

    @property
    def analyst_chat(self) -> ChannelState:
        return self.channels[self.scenario.chat.id]

    @property
    def analyst_chat_id(self) -> int:
        """The analyst chat as clients address it (-100-marked)."""
        return self.analyst_chat.marked_id

    @property
    def channel_usernames(self) -> list[str]:
        return [c.username for c in self.channels.values() if c.username and not c.megagroup]

    def authorize(self, auth_key_id: int, user_id: int) -> None:
        """Bind an auth key to an account, as a completed login does (used for pre-minted sessions)."""
        if user_id not in self.people:
            raise ValueError(f"no account {user_id} in this world")
        self.authorizations[auth_key_id] = user_id

    def channel(self, ref: str | int) -> ChannelState:
        """A channel or the analyst chat by username, bare id or -100-marked id; LookupError if unknown."""
        if isinstance(ref, int):
            bare = int(str(ref)[4:]) if str(ref).startswith("-100") else ref
            if bare in self.channels:
                return self.channels[bare]
        else:
            name = ref.lstrip("@").lower()
            for state in self.channels.values():
                if state.username and state.username.lower() == name:
                    return state
        raise LookupError(f"no channel {ref!r} in the sandbox")

    def post_by_key(self, key: str) -> tuple[int, int]:
        """(channel id, message id) of a scenario post named by its key."""
        return self._keys[key]

    def post_ids(self, channel: str | int) -> list[int]:
        """Ids of the channel's undeleted messages, ascending."""
        return list(self.channel(channel).alive)

    def message(self, channel: str | int, message_id: int) -> StoredMessage | None:
        state = self.channel(channel)
        return state.messages.get(message_id) if state.is_alive(message_id) else None

    # ------------------------------------------------------------------ links

    def connected(self, link: ClientLink) -> None:
        self._links.add(link)

    def disconnected(self, link: ClientLink) -> None:
        self._links.discard(link)

    @property
    def links(self) -> list[ClientLink]:
        return list(self._links)

    async def drop_connections(self) -> int:
        """Close every connected client link (fault injection); returns how many were closed."""
        links = list(self._links)
        for link in links:
            await link.close()
        log.info("sandbox dropped connections count=%d", len(links))
        return len(links)

    # ------------------------------------------------------------------ requests

    async def handle(self, link: ClientLink, request: TLObject) -> Any:
        """Answer one API request from `link`; raises RpcError for what the client sees as rpc_error."""
        method = api.method_name(request)
        await self._inject_faults(method)
        return await api.dispatch(self, link, request)

    async def _inject_faults(self, method: str) -> None:
        delay = self.faults.slow_for(self.rng)
        if delay:
            await asyncio.sleep(delay)
        flood = self.faults.flood_for(method, self.rng)
        if flood is not None:
            raise RpcError(420, f"FLOOD_WAIT_{flood}")
        error = self.faults.error_for(method, self.rng)
        if error is not None:
            raise RpcError(error.code, error.message)

    def user_of(self, link: ClientLink) -> Person:
        """The account logged in on this link; 401 as Telegram answers unauthorised keys otherwise."""
        user_id = self.authorizations.get(link.auth_key_id)
        if user_id is None:
            raise RpcError(401, "AUTH_KEY_UNREGISTERED")
        return self.people[user_id]

    # ------------------------------------------------------------------ rendering TL objects

    def now(self) -> datetime:
        """Telegram dates have whole seconds; records and clients then agree exactly."""
        return datetime.now(UTC).replace(microsecond=0)

    def user_tl(self, person: Person, viewer_id: int) -> types.User:
        is_self = person.id == viewer_id
        return types.User(
            id=person.id,
            is_self=is_self,
            bot=person.is_bot,
            bot_info_version=1 if person.is_bot else None,
            access_hash=self.access_hashes[person.id],
            first_name=person.first_name,
            last_name=person.last_name,
            username=person.username,
            phone=person.phone if is_self else None,
            status=None if person.is_bot else types.UserStatusRecently(),
        )

    def users_tl(self, ids: Iterable[int | None], viewer_id: int) -> list[types.User]:
        return [self.user_tl(self.people[i], viewer_id) for i in dict.fromkeys(ids) if i in self.people]

    def channel_tl(self, state: ChannelState, viewer_id: int) -> types.Channel:
        return types.Channel(
            id=state.id,
            title=state.title,
            photo=types.ChatPhotoEmpty(),
            date=state.created,
            left=viewer_id not in state.members,
            broadcast=not state.megagroup,
            megagroup=state.megagroup,
            access_hash=state.access_hash,
            username=state.username,
            participants_count=state.participants_count,
        )

    def message_tl(self, state: ChannelState, msg: StoredMessage, viewer_id: int) -> types.Message:
        views, forwards = self._engagement(state, msg)
        return types.Message(
            id=msg.id,
            peer_id=types.PeerChannel(state.id),
            date=msg.date,
            message=msg.text,
            out=msg.sender_id is not None and msg.sender_id == viewer_id,
            post=not state.megagroup,
            from_id=types.PeerUser(msg.sender_id) if msg.sender_id is not None else None,
            fwd_from=msg.fwd_from,
            reply_to=types.MessageReplyHeader(reply_to_msg_id=msg.reply_to) if msg.reply_to else None,
            media=self._media_tl(msg),
            entities=list(msg.entities) or None,
            views=views,
            forwards=forwards,
            edit_date=msg.edit_date,
            grouped_id=msg.grouped_id,
        )

    def empty_tl(self, state: ChannelState, message_id: int) -> types.MessageEmpty:
        return types.MessageEmpty(id=message_id, peer_id=types.PeerChannel(state.id))

    def render(
        self, state: ChannelState, messages: Iterable[StoredMessage], viewer_id: int
    ) -> tuple[list[types.Message], list[types.TypeChat], list[types.User]]:
        """Messages plus the chats and users a client needs to build their entities."""
        rendered = [self.message_tl(state, m, viewer_id) for m in messages]
        chats: dict[int, TLObject] = {state.id: self.channel_tl(state, viewer_id)}
        for m in rendered:
            origin = getattr(m.fwd_from, "from_id", None)
            if isinstance(origin, types.PeerChannel) and origin.channel_id in self.channels:
                chats[origin.channel_id] = self.channel_tl(self.channels[origin.channel_id], viewer_id)
        users = self.users_tl((m.from_id.user_id for m in rendered if m.from_id is not None), viewer_id)
        return rendered, list(chats.values()), users

    def _engagement(self, state: ChannelState, msg: StoredMessage) -> tuple[int | None, int | None]:
        if state.megagroup:
            return None, None
        since = msg.views_since or msg.date
        grown = int(max(0.0, (self.now() - since).total_seconds()) * state.views_per_minute / 60.0)
        return msg.views + grown, msg.forwards + (msg.views + grown) // FORWARDS_PER_VIEWS

    def _media_tl(self, msg: StoredMessage) -> types.MessageMediaPhoto | None:
        if msg.media != "photo":
            return None
        photo = types.Photo(
            id=msg.id,
            access_hash=msg.id * 7919,
            file_reference=b"",
            date=msg.date,
            sizes=[types.PhotoSize(type="x", w=1280, h=720, size=96_000)],
            dc_id=SANDBOX_DC,
        )
        return types.MessageMediaPhoto(photo=photo)

    # ------------------------------------------------------------------ control API

    async def publish(
        self,
        channel: str | int,
        text: str,
        *,
        key: str | None = None,
        views: int | None = None,
        forwards: int | None = None,
        forward_from: str | int | None = None,
        media: str | None = None,
        grouped_id: int | None = None,
    ) -> int:
        """Post into a channel as its admins would; pushes the new message and returns its id."""
        state = self.channel(channel)
        spec = PostSpec(channel_id=state.id, text=text, key=key, views=views, forwards=forwards, media=media)
        msg = self._compose(state, spec, self.now(), forward_from=forward_from, grouped_id=grouped_id)
        await self._add_message(state, msg)
        return msg.id

    async def edit_post(self, channel: str | int, message_id: int, text: str) -> None:
        """Edit a channel message's text; pushes UpdateEditChannelMessage."""
        state = self.channel(channel)
        msg = self._alive(state, message_id)
        await self._edit_message(state, replace(msg, text=text, entities=_url_entities(text)))

    async def delete_posts(self, channel: str | int, message_ids: Iterable[int]) -> None:
        """Delete channel messages; pushes one UpdateDeleteChannelMessages."""
        state = self.channel(channel)
        ids = tuple(i for i in dict.fromkeys(message_ids) if i in state.messages and state.is_alive(i))
        if ids:
            await self._delete_messages(state, ids)

    def set_views(
        self, channel: str | int, message_id: int, views: int | None = None, forwards: int | None = None
    ) -> None:
        """Set a post's counters; they keep growing from the new values (no update is pushed)."""
        state = self.channel(channel)
        msg = self._alive(state, message_id)
        state.messages[message_id] = replace(
            msg,
            views=views if views is not None else self._engagement(state, msg)[0] or 0,
            views_since=self.now(),
            forwards=forwards if forwards is not None else msg.forwards,
        )

    def chat_messages(self, chat_id: int | None = None) -> list[ChatMessage]:
        """The undeleted messages of the analyst chat (or another supergroup), oldest first."""
        state = self.analyst_chat if chat_id is None else self.channel(chat_id)
        return [
            ChatMessage(m.id, m.sender_id or 0, m.text, m.date, m.edit_date)
            for m in (state.messages[i] for i in state.alive)
        ]

    async def analyst_says(self, text: str, user: int | None = None) -> int:
        """A scripted member (the analyst by default) writes into the analyst chat; returns the id."""
        sender = self.people[user if user is not None else self.analyst.id]
        state = self.analyst_chat
        if sender.id not in state.members:
            raise LookupError(f"{sender.id} is not a member of the analyst chat")
        msg, _ = await self.send_to_chat(state, sender, text, entities=_url_entities(text), exclude=None)
        return msg.id

    async def run_timeline(self) -> None:
        """Play the scenario's timeline against a monotonic clock: late events run at once, no drift."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        try:
            for event in self.scenario.timeline:
                wait = start + event.at - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                await self._apply(event)
        finally:
            self.timeline_done.set()

    async def start(self) -> None:
        """Run the timeline and the timed faults in the background."""
        self._spawn(self.run_timeline())
        if self.faults.drop_every is not None or self.faults.drop_at:
            self._spawn(self._drop_loop())

    async def stop(self) -> None:
        """Cancel background work and close the records."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.recorder.close()

    # ------------------------------------------------------------------ state changes (used by api too)

    async def send_to_chat(
        self,
        state: ChannelState,
        sender: Person,
        text: str,
        *,
        entities: Iterable[TLObject] = (),
        reply_to: int | None = None,
        random_id: int | None = None,
        exclude: ClientLink | None,
    ) -> tuple[StoredMessage, ChannelEvent]:
        """A member's message into a supergroup (or an admin's into a channel), deduplicated by random_id."""
        if random_id is not None and (sender.id, random_id) in state.random_ids:
            raise RpcError(500, "RANDOM_ID_DUPLICATE")
        state.last_id += 1
        msg = StoredMessage(
            id=state.last_id,
            date=self.now(),
            text=text,
            sender_id=sender.id if state.megagroup else None,
            entities=tuple(entities),
            reply_to=reply_to,
        )
        if random_id is not None:
            state.random_ids[(sender.id, random_id)] = msg.id
        if state.megagroup:
            self._record_chat("send", state, msg, sender)
        event = await self._add_message(state, msg, exclude=exclude, record=not state.megagroup)
        return msg, event

    async def edit_in_chat(
        self,
        state: ChannelState,
        sender: Person,
        msg: StoredMessage,
        text: str,
        entities: Iterable[TLObject],
        *,
        exclude: ClientLink | None,
    ) -> tuple[StoredMessage, ChannelEvent]:
        edited = replace(msg, text=text, entities=tuple(entities), edit_date=self.now())
        if state.megagroup:
            self._record_chat("edit", state, edited, sender)
        event = await self._edit_message(state, edited, exclude=exclude, record=not state.megagroup)
        return edited, event

    async def delete_in_chat(
        self, state: ChannelState, sender: Person, ids: tuple[int, ...], *, exclude: ClientLink | None
    ) -> ChannelEvent:
        if state.megagroup:
            for i in ids:
                self._record_chat("delete", state, state.messages[i], sender)
        return await self._delete_messages(state, ids, exclude=exclude, record=not state.megagroup)

    def join(self, state: ChannelState, user_id: int) -> None:
        state.members.add(user_id)

    async def _add_message(
        self,
        state: ChannelState,
        msg: StoredMessage,
        *,
        exclude: ClientLink | None = None,
        record: bool = True,
    ) -> ChannelEvent:
        state.alive.append(msg.id)
        return await self._put_message(state, msg, "new", msg.date, exclude=exclude, record=record)

    async def _edit_message(
        self,
        state: ChannelState,
        msg: StoredMessage,
        *,
        exclude: ClientLink | None = None,
        record: bool = True,
    ) -> ChannelEvent:
        edited_at = msg.edit_date or self.now()
        msg = replace(msg, edit_date=edited_at)
        return await self._put_message(state, msg, "edit", edited_at, exclude=exclude, record=record)

    async def _put_message(
        self,
        state: ChannelState,
        msg: StoredMessage,
        kind: str,
        when: datetime,
        *,
        exclude: ClientLink | None,
        record: bool,
    ) -> ChannelEvent:
        """Store a new or edited message, take its pts step and push it to the members."""
        new = kind == "new"
        state.messages[msg.id] = msg
        event = state.log_event(kind, (msg.id,), when)
        if record:
            self._record_post("post" if new else "edit", state, msg)
        update = types.UpdateNewChannelMessage if new else types.UpdateEditChannelMessage
        await self._fan_out(
            state,
            lambda viewer: update(self.message_tl(state, msg, viewer), event.pts, 1),
            senders=(msg.sender_id,),
            exclude=exclude,
        )
        return event

    async def _delete_messages(
        self,
        state: ChannelState,
        ids: tuple[int, ...],
        *,
        exclude: ClientLink | None = None,
        record: bool = True,
    ) -> ChannelEvent:
        when = self.now()
        for i in ids:
            state.alive.pop(bisect.bisect_left(state.alive, i))
            if record:
                self._record_post("delete", state, state.messages[i], date=when)
        event = state.log_event("delete", ids, when)
        await self._fan_out(
            state,
            lambda viewer: types.UpdateDeleteChannelMessages(state.id, list(ids), event.pts, event.count),
            senders=(),
            exclude=exclude,
        )
        return event

    def _alive(self, state: ChannelState, message_id: int) -> StoredMessage:
        if not state.is_alive(message_id):
            raise LookupError(f"no message {message_id} in {state.username or state.id}")
        return state.messages[message_id]

    # ------------------------------------------------------------------ pushing updates

    async def _fan_out(
        self,
        state: ChannelState,
        make_update: Callable[[int], TLObject],
        *,
        senders: Iterable[int | None],
        exclude: ClientLink | None,
    ) -> None:
        """Push one channel update to every authorised member link that wants updates (faults permitting)."""
        targets = [
            (link, uid)
            for link in self._links
            if link is not exclude
            and link.wants_updates
            and (uid := self.authorizations.get(link.auth_key_id)) is not None
            and uid in state.members
        ]
        if not targets:
            return
        delay = self.faults.push_delay(self.rng)
        if delay is None:
            log.debug("sandbox withheld update channel=%d pts=%d", state.id, state.pts)
            return
        per_viewer: dict[int, types.Updates] = {}
        for link, uid in targets:
            if uid not in per_viewer:
                per_viewer[uid] = types.Updates(
                    updates=[make_update(uid)],
                    users=self.users_tl(senders, uid),
                    chats=[self.channel_tl(state, uid)],
                    date=self.now(),
                    seq=0,
                )
            if delay:
                self._spawn(self._push_later(link, per_viewer[uid], delay))
            else:
                await self._push(link, per_viewer[uid])

    async def _push(self, link: ClientLink, updates: TLObject) -> None:
        try:
            await link.push(updates)
        except (ConnectionError, OSError, RuntimeError) as exc:
            log.debug("sandbox push failed session=%d error=%s", link.session_id, exc)

    async def _push_later(self, link: ClientLink, updates: TLObject, delay: float) -> None:
        await asyncio.sleep(delay)
        if link in self._links:
            await self._push(link, updates)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drop_loop(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        every = self.faults.drop_every
        repeats = itertools.count(every, every) if every is not None else iter(())
        for moment in heapq.merge(self.faults.drop_at, repeats):
            await asyncio.sleep(max(0.0, start + moment - loop.time()))
            await self.drop_connections()

    # ------------------------------------------------------------------ timeline

    async def _apply(self, event: TimelineEvent) -> None:
        try:
            await self._apply_one(event)
        except (LookupError, RpcError) as exc:
            log.warning(
                "sandbox timeline event skipped at=%.3f action=%s error=%s", event.at, event.action, exc
            )

    async def _apply_one(self, event: TimelineEvent) -> None:
        if event.action == "post" and event.post is not None:
            state = self.channels[event.post.channel_id]
            msg = self._compose(state, event.post, self.now())
            await self._add_message(state, msg)
        elif event.action == "analyst":
            await self.analyst_says(event.text or "", user=event.sender)
        else:
            channel_id, message_id = self._target(event)
            if event.action == "edit":
                await self.edit_post(channel_id, message_id, event.text or "")
            elif event.action == "delete":
                await self.delete_posts(channel_id, [message_id])
            else:
                self.set_views(channel_id, message_id, event.views, event.forwards)

    def _target(self, event: TimelineEvent) -> tuple[int, int]:
        if event.target is not None:
            if event.target not in self._keys:
                raise LookupError(f"post {event.target!r} was never published")
            return self._keys[event.target]
        return event.channel_id or 0, event.message_id or 0

    # ------------------------------------------------------------------ building the world

    def _build(self, scenario: Scenario) -> None:
        chat = scenario.chat
        for person in (scenario.user, scenario.bot, scenario.analyst, *chat.members):
            self.people[person.id] = person
            self.access_hashes[person.id] = self._hash(person.id)
        start = self.now()
        for spec in scenario.channels:
            self.channels[spec.id] = self._channel_state(spec, start)
        members = {scenario.user.id, scenario.bot.id, scenario.analyst.id, *(m.id for m in chat.members)}
        self.channels[chat.id] = ChannelState(
            id=chat.id,
            access_hash=self._hash(chat.id),
            title=chat.title,
            about=chat.about,
            created=_ago(start, 86400 * 30),
            megagroup=True,
            members=members,
        )
        self._load_history(scenario, start)

    def _channel_state(self, spec: ChannelSpec, start: datetime) -> ChannelState:
        return ChannelState(
            id=spec.id,
            access_hash=self._hash(spec.id),
            title=spec.title,
            username=spec.username,
            about=spec.about,
            participants=spec.participants,
            views_per_minute=spec.views_per_minute,
            invite=spec.invite,
            created=_ago(start, 86400 * 365),
            members={self.scenario.user.id} if spec.joined else set(),
        )

    def _hash(self, ident: int) -> int:
        return random.Random(f"{self.scenario.name}:{ident}").randrange(1, 2**63)

    def _load_history(self, scenario: Scenario, start: datetime) -> None:
        """Post the initial history quietly (no pushes), oldest first, then apply its edits and deletions."""
        ordered = sorted(scenario.history, key=lambda h: -h.ago)
        posted: list[tuple[ChannelState, int]] = []
        for item in ordered:
            state = self.channels[item.post.channel_id]
            msg = self._compose(state, item.post, _ago(start, item.ago))
            state.messages[msg.id] = msg
            state.alive.append(msg.id)
            state.log_event("new", (msg.id,), msg.date)
            self._record_post("post", state, msg)
            posted.append((state, msg.id))
        for item, (state, message_id) in zip(ordered, posted, strict=True):
            msg = state.messages[message_id]
            if item.edited is not None:
                edited_at = _ago(start, item.ago / 2)
                msg = replace(msg, text=item.edited, entities=_url_entities(item.edited), edit_date=edited_at)
                state.messages[msg.id] = msg
                state.log_event("edit", (msg.id,), edited_at)
                self._record_post("edit", state, msg)
            if item.deleted:
                state.alive.remove(msg.id)
                state.log_event("delete", (msg.id,), start)
                self._record_post("delete", state, msg, date=start)

    def _compose(
        self,
        state: ChannelState,
        spec: PostSpec,
        date: datetime,
        *,
        forward_from: str | int | None = None,
        grouped_id: int | None = None,
    ) -> StoredMessage:
        """The next message of a channel from a post description (ids, album, forward header)."""
        state.last_id += 1
        if spec.key:
            self._keys[spec.key] = (state.id, state.last_id)
        if spec.group and grouped_id is None:
            grouped_id = self._groups.setdefault(spec.group, self.rng.randrange(1, 2**62))
        return StoredMessage(
            id=state.last_id,
            date=date,
            text=spec.text,
            entities=_url_entities(spec.text),
            views=spec.views if spec.views is not None else self.rng.randrange(50, 500),
            forwards=spec.forwards or 0,
            fwd_from=self._forward_header(spec, date, forward_from),
            media=spec.media or ("photo" if grouped_id is not None else None),
            grouped_id=grouped_id,
        )

    def _forward_header(
        self, spec: PostSpec, date: datetime, forward_from: str | int | None
    ) -> types.MessageFwdHeader | None:
        if forward_from is not None:
            try:
                source = self.channel(forward_from)
            except LookupError:
                return types.MessageFwdHeader(date=date, from_name=str(forward_from))
            return types.MessageFwdHeader(
                date=date,
                from_id=types.PeerChannel(source.id),
                channel_post=source.alive[-1] if source.alive else None,
            )
        if spec.forward_channel is not None:
            return self._forward_header(spec, date, spec.forward_channel)
        if spec.forward_name is not None:
            return types.MessageFwdHeader(date=date, from_name=spec.forward_name)
        return None

    # ------------------------------------------------------------------ records

    def _record_post(
        self, event: str, state: ChannelState, msg: StoredMessage, date: datetime | None = None
    ) -> None:
        origin = msg.fwd_from
        self.recorder.post(
            event,
            channel=state.username,
            channel_id=state.id,
            message_id=msg.id,
            date=date or (msg.edit_date if event == "edit" and msg.edit_date else msg.date),
            text=msg.text,
            grouped_id=msg.grouped_id,
            forward_from=(getattr(origin.from_id, "channel_id", None) or origin.from_name)
            if origin
            else None,
        )

    def _record_chat(self, event: str, state: ChannelState, msg: StoredMessage, sender: Person) -> None:
        dates = {"send": msg.date, "edit": msg.edit_date, "delete": self.now()}
        self.recorder.chat(
            event,
            chat_id=state.marked_id,
            message_id=msg.id,
            date=dates[event] or msg.date,
            text=msg.text,
            sender=sender.id,
            sender_username=sender.username,
        )


def _ago(start: datetime, seconds: float) -> datetime:
    return datetime.fromtimestamp(int(start.timestamp() - seconds), UTC)


def _url_entities(text: str) -> tuple[types.MessageEntityUrl, ...]:
    """URL entities as Telegram detects them; offsets count UTF-16 code units."""
    return tuple(
        types.MessageEntityUrl(offset=_utf16_len(text[: m.start()]), length=_utf16_len(m.group()))
        for m in URL.finditer(text)
    )


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
