"""The sandbox's world: accounts, channels, the analyst chat, who is connected, and every change to them.

The protocol side hands every decoded request to `World.handle` and tells the world which client
links are connected; the world answers through the API handlers (`api`) and pushes live updates to
the authorised links that want them. Tests and the demo drive it through the control API (`publish`,
`edit_post`, `delete_posts`, `set_views`, `analyst_says`, `run_timeline` ...). What it stores lives
in `state`, how that looks as TL in `render`, how a scenario becomes state in `compose`, and when
scripted events happen in `timeline`.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import random
import time
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from telethon.tl import types
from telethon.tl.tlobject import TLObject

from monitor.sandbox import api
from monitor.sandbox.access import AccessHashes
from monitor.sandbox.compose import (
    PostComposer,
    load_history,
    opening_channels,
    people_of,
    url_entities,
)
from monitor.sandbox.errors import RpcError
from monitor.sandbox.faults import Faults, parse_faults
from monitor.sandbox.gate import Gate, inject_faults
from monitor.sandbox.log import log_event
from monitor.sandbox.push import fan_out
from monitor.sandbox.recorder import Recorder
from monitor.sandbox.render import TlRenderer
from monitor.sandbox.scenario import Person, PostSpec, Scenario
from monitor.sandbox.state import ChannelEvent, ChannelState, StoredMessage, find_channel, telegram_now
from monitor.sandbox.strictness import Strictness
from monitor.sandbox.timeline import play_account_faults, play_drops, play_timeline

log = logging.getLogger(__name__)

ACCOUNT_PTS = 1  # nothing here lives in the account-wide box (no private chats), so its pts never moves


class ClientLink(Protocol):
    """One client connection as the protocol side presents it to the world."""

    auth_key_id: int
    session_id: int
    wants_updates: bool
    closed: bool

    async def push(self, updates: TLObject) -> None: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A message of the analyst chat as tests and the demo read it back."""

    message_id: int
    sender_id: int
    text: str
    date: datetime
    edit_date: datetime | None


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
        strictness: Strictness | None = None,
    ) -> None:
        self.scenario = scenario
        self._strictness = strictness if strictness is not None else Strictness()
        self.faults = faults if faults is not None else parse_faults(scenario.faults)
        self.recorder = recorder or Recorder()
        self.rng = random.Random(seed)
        self.authorizations: dict[int, int] = {}
        self.address: tuple[str, int] = ("127.0.0.1", 0)
        self.people: dict[int, Person] = {}
        self.channels: dict[int, ChannelState] = {}
        self.pending_codes: dict[str, str] = {}  # phone_code_hash -> phone
        self.password_pending: dict[int, int] = {}  # auth_key_id -> user id that still owes its password
        self.srp_secrets: dict[int, Any] = {}
        self.gate = Gate(self._strictness, self.authorizations)
        self.timeline_done = asyncio.Event()
        self.hashes = AccessHashes(scenario)
        self.tl = TlRenderer(self.people, self.channels, self.hashes)
        self.posts = PostComposer(self.channels, self.rng)
        self._links: set[ClientLink] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._build(scenario)

    def _build(self, scenario: Scenario) -> None:
        for person in people_of(scenario):
            self.people[person.id] = person
        start = telegram_now()
        self.channels.update(opening_channels(scenario, start))
        load_history(scenario, self.channels, self.posts, start, self.recorder.channel_post)

    # ------------------------------------------------------------------ accounts and lookups

    @property
    def strictness(self) -> Strictness:
        return self._strictness

    @strictness.setter
    def strictness(self, rules: Strictness) -> None:
        """Change the rules of a running world; the quotas' figures stay those it was built with."""
        self._strictness = rules
        self.gate.strictness = rules

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

    def now(self) -> datetime:
        """Telegram dates have whole seconds; records and clients then agree exactly."""
        return telegram_now()

    def authorize(self, auth_key_id: int, user_id: int) -> None:
        """Bind an auth key to an account, as a completed login does (used for pre-minted sessions)."""
        if user_id not in self.people:
            raise ValueError(f"no account {user_id} in this world")
        self.authorizations[auth_key_id] = user_id

    def channel(self, ref: str | int) -> ChannelState:
        """A channel or the analyst chat by username, bare id or -100-marked id; LookupError if unknown."""
        return find_channel(self.channels, ref)

    def access_hash_of(self, channel: ChannelState | str | int, account: int) -> int:
        """The access hash `account` holds for the channel (each account has its own, as on Telegram)."""
        state = channel if isinstance(channel, ChannelState) else self.channel(channel)
        return self.hashes.of(state.id, account)

    def rotate_access_hash(self, channel: str | int, account: int | None = None) -> int:
        """Make an account's (default: the user's) cached hash of the channel stale; returns the new one."""
        return self.hashes.rotate(self.channel(channel).id, self.user.id if account is None else account)

    def post_by_key(self, key: str) -> tuple[int, int]:
        """(channel id, message id) of a scenario post named by its key."""
        return self.posts.keys[key]

    def post_ids(self, channel: str | int) -> list[int]:
        """Ids of the channel's undeleted messages, ascending."""
        return list(self.channel(channel).alive)

    def message(self, channel: str | int, message_id: int) -> StoredMessage | None:
        state = self.channel(channel)
        return state.messages.get(message_id) if state.is_alive(message_id) else None

    # ------------------------------------------------------------------ links and requests

    def connected(self, link: ClientLink) -> None:
        self._links.add(link)

    def disconnected(self, link: ClientLink) -> None:
        self._links.discard(link)
        self.gate.forget(link)

    @property
    def links(self) -> list[ClientLink]:
        return list(self._links)

    async def drop_connections(self) -> int:
        """Close every connected client link (fault injection); returns how many were closed."""
        links = list(self._links)
        for link in links:
            await link.close()
        log_event(log, "connections_dropped", count=len(links))
        return len(links)

    async def handle(self, link: ClientLink, request: TLObject) -> Any:
        """Answer one API request from `link`; raises RpcError for what the client sees as rpc_error.

        Every answer, refusals included, goes into the request record (a cancelled call is not answered).
        """
        method = api.method_name(request)
        outcome = "ok"
        try:
            self.gate.admit(link, method, time.monotonic(), self._links)
            await inject_faults(self.faults, method, self.rng)
            return await api.dispatch(self, link, request)
        except RpcError as error:
            outcome = error.message
            raise
        except asyncio.CancelledError:
            outcome = ""
            raise
        except Exception:
            outcome = "INTERNAL_SERVER_ERROR"
            raise
        finally:
            if outcome:
                self.recorder.request(time.time(), self.authorizations.get(link.auth_key_id), method, outcome)

    def user_of(self, link: ClientLink) -> Person:
        """The account logged in on this link; 401 as Telegram answers unauthorised keys otherwise."""
        user_id = self.authorizations.get(link.auth_key_id)
        if user_id is None:
            raise RpcError(401, "AUTH_KEY_UNREGISTERED")
        return self.people[user_id]

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
        msg = self.posts.compose(state, spec, self.now(), forward_from=forward_from, grouped_id=grouped_id)
        await self._add_message(state, msg)
        return msg.id

    async def publish_spec(self, spec: PostSpec) -> int:
        """Post a scenario's post description (forwards, albums and all); pushes it and returns its id."""
        state = self.channels[spec.channel_id]
        msg = self.posts.compose(state, spec, self.now())
        await self._add_message(state, msg)
        return msg.id

    async def edit_post(self, channel: str | int, message_id: int, text: str) -> None:
        """Edit a channel message's text; pushes UpdateEditChannelMessage."""
        state = self.channel(channel)
        msg = self._alive(state, message_id)
        await self._edit_message(state, replace(msg, text=text, entities=url_entities(text)))

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
            views=views if views is not None else self.tl.engagement(state, msg)[0] or 0,
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
        msg, _ = await self.send_to_chat(state, sender, text, entities=url_entities(text), exclude=None)
        return msg.id

    def fail_account(self, kind: str, account: int | None = None) -> None:
        """The account (the user's by default) fails: revoked, banned or duplicated (see `Gate.fail`)."""
        self.gate.fail(kind, self.user.id if account is None else account)

    async def run_timeline(self) -> None:
        """Play the scenario's timeline against a monotonic clock: late events run at once, no drift."""
        try:
            await play_timeline(self)
        finally:
            self.timeline_done.set()

    async def start(self) -> None:
        """Run the timeline and the timed faults in the background."""
        self.spawn(self.run_timeline())
        if self.faults.drop_every is not None or self.faults.drop_at:
            self.spawn(play_drops(self))
        for rule in self.faults.auth:
            if rule.at == 0:
                self.fail_account(rule.kind)
        if any(rule.at > 0 for rule in self.faults.auth):
            self.spawn(play_account_faults(self))

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
        """A member's message into a supergroup (or an admin's into a channel), deduplicated by random_id.

        A re-send with a random_id already used by the same sender in the same chat creates nothing and
        returns the original message, as Telegram does (hydrogram/hydrogram#70); once the original is
        deleted there is nothing to return, and the answer is 500 RANDOM_ID_DUPLICATE (always, when relaxed).
        """
        if random_id is not None and (sender.id, random_id) in state.random_ids:
            original = state.random_ids[(sender.id, random_id)]
            if not (self.strictness.original_on_resend and state.is_alive(original)):
                raise RpcError(500, "RANDOM_ID_DUPLICATE")
            return state.messages[original], state.creation_of(original)
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
            self.recorder.chat_message("send", state, msg, sender)
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
            self.recorder.chat_message("edit", state, edited, sender)
        event = await self._edit_message(state, edited, exclude=exclude, record=not state.megagroup)
        return edited, event

    async def delete_in_chat(
        self, state: ChannelState, sender: Person, ids: tuple[int, ...], *, exclude: ClientLink | None
    ) -> ChannelEvent:
        if state.megagroup:
            for i in ids:
                self.recorder.chat_message("delete", state, state.messages[i], sender)
        return await self._delete_messages(state, ids, exclude=exclude, record=not state.megagroup)

    def join(self, state: ChannelState, user_id: int) -> None:
        """Make the account a member; CHANNELS_TOO_MUCH once it is in as many as Telegram allows."""
        limit = self.strictness.channels_limit
        if user_id in state.members:
            return
        if limit is not None and self.memberships(user_id) >= limit:
            raise RpcError(400, "CHANNELS_TOO_MUCH")
        state.members.add(user_id)

    def memberships(self, user_id: int) -> int:
        """How many channels and supergroups the account is in (what the 500 cap counts)."""
        return sum(1 for s in self.channels.values() if user_id in s.members)

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
            self.recorder.channel_post("post" if new else "edit", state, msg)
        update = types.UpdateNewChannelMessage if new else types.UpdateEditChannelMessage
        await fan_out(
            self,
            state,
            lambda viewer: update(self.tl.message(state, msg, viewer), event.pts, 1),
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
                self.recorder.channel_post("delete", state, state.messages[i], date=when)
        event = state.log_event("delete", ids, when)
        await fan_out(
            self,
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

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run background work that `stop()` cancels."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
