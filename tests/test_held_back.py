"""What a worker keeps of the live updates of channels another worker holds, and what a takeover finds."""

from __future__ import annotations

from telethon.tl import types

from monitor.model import Post, utcnow
from monitor.telegram.held_back import PushBuffer
from monitor.telegram.ingest import LiveItem

CHANNEL = 1700000001


def update(message_id: int, pts: int, channel: int = CHANNEL) -> LiveItem:
    """A new post whose update moves the channel's pts from pts - 1 to pts."""
    post = Post(channel_id=channel, message_id=message_id, date=utcnow(), text=f"заметка {message_id}")
    message = types.Message(message_id, None, None, "")
    raw = types.UpdateNewChannelMessage(message=message, pts=pts, pts_count=1)
    return LiveItem(channel, post, (), raw)


def ids(items: tuple[LiveItem, ...]) -> list[int]:
    return [item.post.message_id for item in items if item.post is not None]


def test_updates_that_continue_the_mark_are_handed_over_without_a_gap_and_those_below_it_dropped() -> None:
    buffer = PushBuffer()
    for message_id, pts in ((10, 20), (12, 22), (11, 21), (13, 23)):  # out of order on the way
        buffer.keep(update(message_id, pts))
    handover = buffer.take(CHANNEL, mark=21)
    assert ids(handover.items) == [12, 13] and not handover.gap
    assert len(buffer) == 0 and buffer.take(CHANNEL, mark=21).items == ()


def test_a_missing_update_above_the_mark_is_a_gap() -> None:
    buffer = PushBuffer()
    buffer.keep(update(10, 20))
    buffer.keep(update(12, 22))
    handover = buffer.take(CHANNEL, mark=19)
    assert ids(handover.items) == [10, 12] and handover.gap


def test_updates_kept_only_from_after_the_mark_are_a_gap_and_so_is_a_mark_never_seen() -> None:
    buffer = PushBuffer()
    buffer.keep(update(10, 20))
    assert buffer.take(CHANNEL, mark=15).gap
    buffer.keep(update(10, 20))
    assert buffer.take(CHANNEL, mark=0).gap
    assert not buffer.take(CHANNEL, mark=15).gap, "nothing kept: nothing says a post was missed"


def test_an_overflowing_channel_drops_its_oldest_so_a_takeover_from_before_them_sees_a_gap() -> None:
    buffer = PushBuffer(per_channel=2)
    for n in range(4):
        buffer.keep(update(10 + n, 20 + n))
    assert len(buffer) == 2
    handover = buffer.take(CHANNEL, mark=19)
    assert ids(handover.items) == [12, 13] and handover.gap
    for n in range(4):
        buffer.keep(update(10 + n, 20 + n))
    assert not buffer.take(CHANNEL, mark=21).gap, "what was dropped lies below the mark"


def test_beyond_the_total_the_fullest_channel_gives_up_its_oldest() -> None:
    buffer = PushBuffer(per_channel=10, total=4)
    for n in range(3):
        buffer.keep(update(10 + n, 20 + n))
    buffer.keep(update(50, 60, channel=CHANNEL + 1))
    buffer.keep(update(51, 61, channel=CHANNEL + 1))
    assert len(buffer) == 4
    assert ids(buffer.take(CHANNEL, mark=20).items) == [11, 12]
    assert ids(buffer.take(CHANNEL + 1, mark=59).items) == [50, 51]


def test_forgotten_channels_keep_nothing() -> None:
    buffer = PushBuffer()
    buffer.keep(update(10, 20))
    buffer.keep(update(50, 60, channel=CHANNEL + 1))
    buffer.forget([CHANNEL])
    assert buffer.channels() == {CHANNEL + 1} and len(buffer) == 1
