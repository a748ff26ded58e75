"""Channel resolution: config references become channels with an access hash, cached in the archive.

Usernames are resolved once and then served from the archive, because repeated resolveUsername calls
are what earns long flood bans. At a first start the account's dialog list (one request per 100 dialogs)
names every channel it has joined; only the rest are resolved one by one, paced and queued: a flood wait
puts the channel back in the queue until the wait is over, it is never dropped. Joining is paced the same
way. An access hash is stored with the account that owns it (hashes differ per account): another
account's hash is resolved again. A channel that cannot be reached gets one warning; the rest go on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from telethon import TelegramClient, errors, functions
from telethon.tl import types

from monitor.config import ChannelSettings
from monitor.logs import log_event
from monitor.model import Channel, utcnow
from monitor.store import Store
from monitor.telegram.budget import Bucket, RequestBudget
from monitor.telegram.client import GuardedClient
from monitor.telegram.dialogs import joined_channels
from monitor.telegram.ingest import channel_from_entity

log = logging.getLogger(__name__)


class ChannelUnavailable(Exception):
    """A configured channel that cannot be read (renamed, private, banned, missing, not joined)."""


@dataclass(frozen=True, slots=True)
class WatchedChannel:
    """A resolved channel with its config entry and the input peer requests need."""

    channel: Channel
    settings: ChannelSettings

    @property
    def id(self) -> int:
        return self.channel.id

    @property
    def peer(self) -> types.InputPeerChannel:
        return types.InputPeerChannel(self.channel.id, self.channel.access_hash or 0)

    @property
    def input_channel(self) -> types.InputChannel:
        return types.InputChannel(self.channel.id, self.channel.access_hash or 0)

    @property
    def label(self) -> str:
        return f"@{self.channel.username}" if self.channel.username else str(self.channel.id)


@dataclass(frozen=True, slots=True)
class Unavailable:
    """A configured channel that could not be resolved, and why (shown by `/status`)."""

    settings: ChannelSettings
    reason: str


@dataclass
class Pending:
    """A configured channel still on its way: to be resolved or joined, not before `not_before`."""

    settings: ChannelSettings
    step: str  # "resolve" or "join"
    not_before: datetime | None = None
    channel: Channel | None = None

    def describe(self, now: datetime) -> str:
        waiting = (
            f", flood wait until {self.not_before:%H:%M:%S} UTC"
            if self.not_before and self.not_before > now
            else ""
        )
        return f"{self.settings.ref}: waiting to {self.step}{waiting}"


OnWatched = Callable[[WatchedChannel], Awaitable[None]]
IMMEDIATE = 3  # resolves (and joins) allowed at once before the pace applies


class ChannelResolver:
    """Resolves the configured channels: cached ones and those in the dialog list at once, the rest through
    a queue paced at `per_hour`; joins likewise at `joins_per_hour`. `on_watched` hears of every channel
    that becomes readable after start."""

    def __init__(
        self,
        client: GuardedClient,
        store: Store,
        budget: RequestBudget,
        *,
        resolves_per_hour: float,
        joins_per_hour: float,
    ) -> None:
        self.client = client
        self.store = store
        self.budget = budget
        self.watched: list[WatchedChannel] = []
        self.unavailable: list[Unavailable] = []
        self.pending: list[Pending] = []
        self.on_watched: OnWatched | None = None
        self.account = ""
        now = time.monotonic()
        self._pace = {
            "resolve": Bucket(resolves_per_hour / 60, IMMEDIATE, now),
            "join": Bucket(joins_per_hour / 60, IMMEDIATE, now),
        }
        self._wake = asyncio.Event()
        self._join_refused: set[int] = set()
        self.joined: set[int] = set()  # channels this account is known to be in (dialogs, joins)
        self._ref_ids: dict[str, int] = {}  # queued refs the archive knows the channel of
        # At most this many memberships (a worker knows its account's joins; Telegram's cap is 500): a
        # channel beyond it stays polled by history rather than being refused a join.
        self.join_cap: int | None = None

    async def start(
        self, channels: tuple[ChannelSettings, ...], *, own_hashes: Mapping[int, int] | None = None
    ) -> None:
        """Everything resolvable without a per-channel look-up, then what the pace allows at once.

        `own_hashes` (a worker of a fleet: this account's access hashes by channel id) replaces the archive's
        one cached hash per channel, which may be another account's."""
        me = await self.client.get_me(input_peer=True)
        self.account = str(getattr(me, "user_id", ""))
        todo: list[ChannelSettings] = []
        for settings in channels:
            cached = await self.store.channel_for_ref(settings.ref)
            if own_hashes is not None:
                own = own_hashes.get(cached.id) if cached is not None else None
                if cached is not None and own is not None:
                    self._add(settings, replace(cached, access_hash=own))
                else:
                    todo.append(settings)
                continue
            owner = (await self.store.sync_state(cached.id)).get("hash_owner") if cached else None
            if cached is not None and cached.access_hash is not None and owner in (None, self.account):
                self._add(settings, cached)
            else:
                todo.append(settings)
        if any(s.target.kind != "invite" for s in todo):
            todo = await self._from_dialogs(todo)
        self.pending.extend(Pending(settings, "resolve") for settings in todo)
        await self._work(block=False)

    async def resolve_for_lease(self, channel_id: int) -> None:
        """A worker now holds a channel its account has no hash for: resolve it next (paced), before the
        channels still queued from the start, whose hashes are kept for later takeovers."""
        for item in self.pending:
            if item.step != "resolve":
                continue
            ref = item.settings.ref
            if ref not in self._ref_ids and (known := await self.store.channel_for_ref(ref)) is not None:
                self._ref_ids[ref] = known.id
            if self._ref_ids.get(ref) == channel_id:
                self.pending.remove(item)
                self.pending.insert(0, item)
                self._wake.set()
                return

    async def run(self) -> None:
        """Work the queue until it is empty, then wait for more (a join asked for, a hash gone stale)."""
        while True:
            await self._work(block=True)
            self._wake.clear()
            await self._wake.wait()

    def join_later(self, watched: WatchedChannel) -> None:
        """Queue a join for a watched channel the look found not joined (when its config allows)."""
        if watched.id in self._join_refused:
            return  # refused for good (too many channels, banned): it stays polled, asked once
        if self.join_cap is not None and len(self.joined) >= self.join_cap:
            return
        if watched.settings.join and not any(p.settings is watched.settings for p in self.pending):
            self.pending.append(Pending(watched.settings, "join", channel=watched.channel))
            self._wake.set()

    def resolve_again(self, watched: WatchedChannel) -> None:
        """A stale access hash (CHANNEL_INVALID): stop reading the channel and resolve it again, paced."""
        if watched in self.watched:
            self.watched.remove(watched)
        if not any(p.settings is watched.settings for p in self.pending):
            self.pending.append(Pending(watched.settings, "resolve"))
            log_event(log, "channel_hash_stale", level=logging.WARNING, channel=watched.label)
            self._wake.set()

    def describe_pending(self) -> list[str]:
        now = utcnow()
        return [p.describe(now) for p in self.pending]

    async def _from_dialogs(self, todo: list[ChannelSettings]) -> list[ChannelSettings]:
        """Match usernames and ids against the joined channels in the dialog list; return the rest."""
        # The start cannot go on without the list: a flood wait on it is waited out, not a failed start.
        channels, _ = await self.client.guard.wait_out(
            functools.partial(joined_channels, self.client, self._spend)
        )
        by_name = {c.username.lower(): c for c in channels if c.username}
        by_id = {c.id: c for c in channels}
        rest: list[ChannelSettings] = []
        for settings in todo:
            value = settings.target.value
            entity = by_name.get(str(value).lower()) if settings.target.kind == "username" else None
            entity = by_id.get(int(value)) if settings.target.kind == "id" else entity
            if entity is None:
                rest.append(settings)
                continue
            channel = channel_from_entity(entity)
            await self._remember(channel, settings)
            self.joined.add(channel.id)
            self._add(settings, channel)
        return rest

    async def _work(self, *, block: bool) -> None:
        """Take each pending channel whose turn has come; with `block`, wait for the pace and flood waits."""
        while self.pending:
            item = self._next_due()
            if item is None:
                if not block:
                    return
                await asyncio.sleep(self._seconds_to_next())
                continue
            self._pace[item.step].take(time.monotonic())
            try:
                await self._step(item)
            except errors.FloodWaitError as exc:
                item.not_before = utcnow() + timedelta(seconds=exc.seconds)
                log_event(
                    log,
                    "flood_wait",
                    level=logging.WARNING,
                    request=item.step,
                    ref=item.settings.ref,
                    seconds=exc.seconds,
                )
                continue
            self.pending.remove(item)

    def _next_due(self) -> Pending | None:
        now, clock = utcnow(), time.monotonic()
        for item in self.pending:
            if (item.not_before is None or item.not_before <= now) and self._pace[item.step].seconds_until(
                1, clock
            ) <= 0:
                return item
        return None

    def _seconds_to_next(self) -> float:
        now, clock = utcnow(), time.monotonic()
        waits = [
            max(
                (item.not_before - now).total_seconds() if item.not_before else 0.0,
                self._pace[item.step].seconds_until(1, clock),
            )
            for item in self.pending
        ]
        return max(0.5, min(waits))

    async def _step(self, item: Pending) -> None:
        settings = item.settings
        if item.step == "join" and item.channel is not None:
            await self._spend("channels.joinChannel")
            peer = types.InputChannel(item.channel.id, item.channel.access_hash or 0)
            try:
                await self.client(functions.channels.JoinChannelRequest(peer))
            except errors.RPCError as exc:
                if isinstance(exc, errors.FloodWaitError):
                    raise
                log_event(log, "join_failed", level=logging.WARNING, ref=settings.ref, reason=_reason(exc))
                self._join_refused.add(item.channel.id)
                return
            log_event(log, "channel_joined", channel=item.channel.id, title=item.channel.title)
            self.joined.add(item.channel.id)
            return
        await self._spend("contacts.resolveUsername")
        try:
            channel = await resolve(self.client, self.store, settings, cached_ok=False)
        except ChannelUnavailable as exc:
            log_event(log, "channel_unavailable", level=logging.WARNING, ref=settings.ref, reason=str(exc))
            self.unavailable.append(Unavailable(settings, str(exc)))
            return
        await self.store.set_sync_state(channel.id, hash_owner=self.account)
        watched = self._add(settings, channel)
        if watched is not None and self.on_watched is not None:
            await self.on_watched(watched)

    async def _remember(self, channel: Channel, settings: ChannelSettings) -> None:
        await self.store.upsert_channel(channel, ref=settings.ref)
        await self.store.set_sync_state(channel.id, hash_owner=self.account)

    def _add(self, settings: ChannelSettings, channel: Channel) -> WatchedChannel | None:
        same = next((w for w in self.watched if w.id == channel.id), None)
        if same is not None:
            # Two refs to one channel would read and alert everything twice; the first ref wins.
            log_event(
                log, "channel_duplicate", level=logging.WARNING, ref=settings.ref, same_as=same.settings.ref
            )
            return None
        watched = WatchedChannel(channel, settings)
        self.watched.append(watched)
        return watched

    async def _spend(self, method: str) -> None:
        await self.budget.spend(method)


async def resolve(
    client: TelegramClient, store: Store, settings: ChannelSettings, *, cached_ok: bool = True
) -> Channel:
    """The archive's cached channel for this ref, or a fresh resolution stored for the next start."""
    cached = await store.channel_for_ref(settings.ref) if cached_ok else None
    if cached is not None and cached.access_hash is not None:
        return cached
    try:
        entity = await _fetch(client, settings)
    except errors.FloodWaitError:
        raise  # not a property of the channel: the caller retries after the wait
    except (errors.RPCError, ValueError, TypeError) as exc:
        raise ChannelUnavailable(_reason(exc)) from None
    if not isinstance(entity, types.Channel):
        raise ChannelUnavailable(f"{settings.ref} is not a channel ({type(entity).__name__})")
    channel = channel_from_entity(entity)
    await store.upsert_channel(channel, ref=settings.ref)
    log_event(log, "channel_resolved", ref=settings.ref, channel=channel.id, title=channel.title)
    return channel


async def _fetch(client: TelegramClient, settings: ChannelSettings) -> object:
    target = settings.target
    if target.kind == "username":
        return await client.get_entity(str(target.value))
    if target.kind == "invite":
        return await _via_invite(client, str(target.value), join=settings.join)
    peer = types.PeerChannel(int(target.value))
    try:
        return await client.get_entity(peer)
    except ValueError:
        # A bare id needs an access hash; the dialogs list carries it for channels the account is in.
        await client.get_dialogs()
    try:
        return await client.get_entity(peer)
    except ValueError:
        raise ChannelUnavailable(
            "no channel with this id in the account's dialogs (not a member? use a username or invite link)"
        ) from None


async def _via_invite(client: TelegramClient, invite_hash: str, *, join: bool) -> object:
    invite = await client(functions.messages.CheckChatInviteRequest(invite_hash))
    if isinstance(invite, types.ChatInviteAlready | types.ChatInvitePeek):
        return invite.chat
    if not join:
        raise ChannelUnavailable("the account is not a member and join is false for this invite link")
    result = await client(functions.messages.ImportChatInviteRequest(invite_hash))
    # Current layers wrap the Updates in messages.ChatInviteJoinResultOk; older ones return them bare.
    updates = getattr(result, "updates", result)
    chats = [chat for chat in getattr(updates, "chats", []) if isinstance(chat, types.Channel)]
    if not chats:
        raise ChannelUnavailable("joining through the invite link returned no channel")
    log_event(log, "channel_joined", channel=chats[0].id, title=chats[0].title)
    return chats[0]


def _reason(exc: Exception) -> str:
    """One line a person can act on, for the usual ways a channel goes away."""
    known = {
        errors.UsernameNotOccupiedError: "no channel has this username (renamed or deleted?)",
        errors.UsernameInvalidError: "the username is invalid",
        errors.ChannelPrivateError: "the channel is private or the account was banned from it",
        errors.InviteHashExpiredError: "the invite link has expired",
        errors.InviteHashInvalidError: "the invite link is invalid",
    }
    for error_type, text in known.items():
        if isinstance(exc, error_type):
            return text
    if isinstance(exc, ValueError) and "username" in str(exc):
        return "no channel has this username (renamed or deleted?)"
    return f"{type(exc).__name__}: {exc}"
