"""Stored state rendered as the Telethon TL objects a given viewer receives.

What a client sees depends on who asks (`is_self`, `out`, `left`, the phone number) and on when
(views grow with time), so nothing is stored as TL: every answer and push is rendered here.
"""

from __future__ import annotations

from collections.abc import Iterable

from telethon.tl import types
from telethon.tl.tlobject import TLObject

from monitor.sandbox.access import AccessHashes
from monitor.sandbox.config_tl import SANDBOX_DC
from monitor.sandbox.scenario import Person
from monitor.sandbox.state import ChannelState, StoredMessage, telegram_now

FORWARDS_PER_VIEWS = 150  # forwards grow as one per this many views


class TlRenderer:
    """Renders the world's accounts, channels and messages; it reads the world's registries, never writes."""

    def __init__(
        self,
        people: dict[int, Person],
        channels: dict[int, ChannelState],
        hashes: AccessHashes,
    ) -> None:
        self._people = people
        self._channels = channels
        self._hashes = hashes

    def user(self, person: Person, viewer_id: int) -> types.User:
        is_self = person.id == viewer_id
        return types.User(
            id=person.id,
            is_self=is_self,
            bot=person.is_bot,
            bot_info_version=1 if person.is_bot else None,
            access_hash=self._hashes.of(person.id, viewer_id),
            first_name=person.first_name,
            last_name=person.last_name,
            username=person.username,
            phone=person.phone if is_self else None,
            status=None if person.is_bot else types.UserStatusRecently(),
        )

    def users(self, ids: Iterable[int | None], viewer_id: int) -> list[types.User]:
        return [self.user(self._people[i], viewer_id) for i in dict.fromkeys(ids) if i in self._people]

    def channel(self, state: ChannelState, viewer_id: int) -> types.Channel:
        return types.Channel(
            id=state.id,
            title=state.title,
            photo=types.ChatPhotoEmpty(),
            date=state.created,
            left=viewer_id not in state.members,
            broadcast=not state.megagroup,
            megagroup=state.megagroup,
            access_hash=self._hashes.of(state.id, viewer_id),
            username=state.username,
            participants_count=state.participants_count,
        )

    def message(self, state: ChannelState, msg: StoredMessage, viewer_id: int) -> types.Message:
        views, forwards = self.engagement(state, msg)
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
            media=_media(msg),
            entities=list(msg.entities) or None,
            views=views,
            forwards=forwards,
            edit_date=msg.edit_date,
            grouped_id=msg.grouped_id,
        )

    def empty(self, state: ChannelState, message_id: int) -> types.MessageEmpty:
        return types.MessageEmpty(id=message_id, peer_id=types.PeerChannel(state.id))

    def messages(
        self, state: ChannelState, messages: Iterable[StoredMessage], viewer_id: int
    ) -> tuple[list[types.Message], list[types.TypeChat], list[types.User]]:
        """Messages plus the chats and users a client needs to build their entities."""
        rendered = [self.message(state, m, viewer_id) for m in messages]
        chats: dict[int, TLObject] = {state.id: self.channel(state, viewer_id)}
        for m in rendered:
            origin = getattr(m.fwd_from, "from_id", None)
            if isinstance(origin, types.PeerChannel) and origin.channel_id in self._channels:
                chats[origin.channel_id] = self.channel(self._channels[origin.channel_id], viewer_id)
        users = self.users((m.from_id.user_id for m in rendered if m.from_id is not None), viewer_id)
        return rendered, list(chats.values()), users

    def dialog(self, state: ChannelState) -> types.Dialog:
        """The channel as a dialog: everything up to its newest message counts as read."""
        top = state.alive[-1] if state.alive else 0
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

    def engagement(self, state: ChannelState, msg: StoredMessage) -> tuple[int | None, int | None]:
        """Views and forwards as of now (None in supergroups, which count neither)."""
        if state.megagroup:
            return None, None
        since = msg.views_since or msg.date
        grown = int(max(0.0, (telegram_now() - since).total_seconds()) * state.views_per_minute / 60.0)
        return msg.views + grown, msg.forwards + (msg.views + grown) // FORWARDS_PER_VIEWS


def _media(msg: StoredMessage) -> types.MessageMediaPhoto | None:
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
