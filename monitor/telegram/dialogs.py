"""What the dialog list says about joined channels: each one's latest message id and pts, many per request.

This is the daemon's cheap change detection: one `messages.getPeerDialogs` tells for up to 100 joined
channels whether anything happened since the last look, where reading each channel's history would cost a
request per channel. `messages.getDialogs` pages serve the first start, to find joined channels by
username without `contacts.resolveUsername`, the most tightly limited method.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from telethon import TelegramClient, errors, functions
from telethon.tl import types

PEERS_PER_REQUEST = 100
DIALOG_PAGE = 100
MAX_DIALOG_PAGES = 20  # 2,000 dialogs: beyond the 500-channel cap with room for chats and users

Spend = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DialogMark:
    """Where a joined channel stands now: its newest message id, its pts and when that message was posted."""

    channel_id: int
    top_message: int
    pts: int
    top_date: datetime | None


async def peer_dialogs(
    client: TelegramClient, peers: Sequence[types.InputPeerChannel], spend: Spend
) -> tuple[dict[int, DialogMark], list[int]]:
    """Marks of the given channels, 100 per request (a channel the account has not joined is absent), and
    the ids Telegram refused (a stale access hash): one refused peer fails its whole request, so that
    request is split in halves until the refused peers stand alone."""
    marks: dict[int, DialogMark] = {}
    refused: list[int] = []
    chunks = [list(peers[i : i + PEERS_PER_REQUEST]) for i in range(0, len(peers), PEERS_PER_REQUEST)]
    while chunks:
        chunk = chunks.pop()
        await spend("messages.getPeerDialogs")
        try:
            result = await client(
                functions.messages.GetPeerDialogsRequest([types.InputDialogPeer(p) for p in chunk])
            )
        except (errors.ChannelInvalidError, errors.ChannelPrivateError, errors.PeerIdInvalidError):
            if len(chunk) == 1:
                refused.append(chunk[0].channel_id)
            else:
                chunks += [chunk[: len(chunk) // 2], chunk[len(chunk) // 2 :]]
            continue
        marks.update(_marks(result.dialogs, result.messages))
    return marks, refused


async def joined_channels(
    client: TelegramClient, spend: Spend
) -> tuple[list[types.Channel], dict[int, DialogMark]]:
    """Every channel in the account's dialog list with its mark, page by page (newest first)."""
    channels: dict[int, types.Channel] = {}
    marks: dict[int, DialogMark] = {}
    offset_date, offset_id, offset_peer = None, 0, types.InputPeerEmpty()
    for _ in range(MAX_DIALOG_PAGES):
        await spend("messages.getDialogs")
        page = await client(
            functions.messages.GetDialogsRequest(
                offset_date=offset_date,
                offset_id=offset_id,
                offset_peer=offset_peer,
                limit=DIALOG_PAGE,
                hash=0,
            )
        )
        found = {c.id: c for c in page.chats if isinstance(c, types.Channel)}
        channels.update(found)
        marks.update(_marks(page.dialogs, page.messages))
        if isinstance(page, types.messages.Dialogs) or len(page.dialogs) < DIALOG_PAGE or not found:
            break
        last = page.dialogs[-1]
        last_channel = found.get(getattr(last.peer, "channel_id", 0))
        if last_channel is None:
            break
        top = marks.get(last_channel.id)
        offset_date = top.top_date if top else None
        offset_id = last.top_message
        offset_peer = types.InputPeerChannel(last_channel.id, last_channel.access_hash or 0)
    return list(channels.values()), marks


def _marks(dialogs: Sequence[object], messages: Sequence[object]) -> dict[int, DialogMark]:
    dates = {
        (getattr(m.peer_id, "channel_id", None), m.id): m.date
        for m in messages
        if isinstance(m, types.Message | types.MessageService)
    }
    marks: dict[int, DialogMark] = {}
    for dialog in dialogs:
        if not isinstance(dialog, types.Dialog) or not isinstance(dialog.peer, types.PeerChannel):
            continue
        channel_id = dialog.peer.channel_id
        date = dates.get((channel_id, dialog.top_message))
        marks[channel_id] = DialogMark(channel_id, dialog.top_message, dialog.pts or 0, _utc(date))
    return marks


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
