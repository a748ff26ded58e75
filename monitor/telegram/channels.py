"""Channel resolution: config references become channels with an access hash, cached in the archive.

Usernames are resolved once and then served from the archive, because repeated resolveUsername calls
are what earns long flood bans. A channel that cannot be reached gets one warning; the rest go on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telethon import TelegramClient, errors, functions
from telethon.tl import types

from monitor.config import ChannelSettings
from monitor.logs import log_event
from monitor.model import Channel
from monitor.store import Store
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


async def resolve_all(
    client: TelegramClient, store: Store, channels: tuple[ChannelSettings, ...]
) -> tuple[list[WatchedChannel], list[Unavailable]]:
    """Resolve every configured channel, warning once about each one that cannot be read."""
    watched: list[WatchedChannel] = []
    failed: list[Unavailable] = []
    for settings in channels:
        try:
            channel = await resolve(client, store, settings)
        except ChannelUnavailable as exc:
            log_event(log, "channel_unavailable", level=logging.WARNING, ref=settings.ref, reason=str(exc))
            failed.append(Unavailable(settings, str(exc)))
            continue
        same = next((w for w in watched if w.id == channel.id), None)
        if same is not None:
            # Two refs to one channel would read and alert everything twice; the first ref wins.
            log_event(
                log, "channel_duplicate", level=logging.WARNING, ref=settings.ref, same_as=same.settings.ref
            )
            continue
        watched.append(WatchedChannel(channel, settings))
    return watched, failed


async def resolve(client: TelegramClient, store: Store, settings: ChannelSettings) -> Channel:
    """The archive's cached channel for this ref, or a fresh resolution stored for the next start."""
    cached = await store.channel_for_ref(settings.ref)
    if cached is not None and cached.access_hash is not None:
        return cached
    try:
        entity = await _fetch(client, settings)
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
