"""Live updates of channels a worker's account joined but another worker holds: kept, not stored.

Telegram pushes every joined channel's updates to the account for free, whichever worker of the fleet holds
the channel's lease; only the holder stores them (a channel is read by one worker at a time). The others
keep them here, per channel and in pts order, so that a takeover stores what was posted in the lease's gap
at once: when the kept updates continue the archive's pts mark without a gap, nothing is left to request.
A gap (an update missed, the buffer overflowed or began after the mark) is what a catch-up must read.

Bounded: at most `per_channel` updates of a channel (the oldest go first: the holder's marks move on with
its looks, so old updates are below any mark a takeover will find) and `total` over all channels.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.telegram.ingest import LiveItem

PER_CHANNEL = 100  # at a post every few minutes, hours of a channel's updates
TOTAL = 20_000  # a few tens of MB of posts at most, however many channels the account joined


def pts_of(update: object) -> tuple[int, int]:
    """An update's pts and pts_count; (0, 0) for one without (Telethon's own gap fills carry none)."""
    return int(getattr(update, "pts", 0) or 0), int(getattr(update, "pts_count", 0) or 0)


@dataclass(frozen=True, slots=True)
class Handover:
    """What a takeover finds kept for a channel: the updates above the archive's mark, in pts order, and
    whether they continue that mark without a gap (then nothing is left to request)."""

    items: tuple[LiveItem, ...]
    gap: bool


class PushBuffer:
    """Updates of channels this worker does not hold, by channel, oldest first."""

    def __init__(self, per_channel: int = PER_CHANNEL, total: int = TOTAL) -> None:
        self.per_channel = per_channel
        self.total = total
        self._kept: dict[int, deque[LiveItem]] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def keep(self, item: LiveItem) -> None:
        """Keep one update; beyond the bounds the oldest of the channel (or of the fullest channel) goes."""
        kept = self._kept.setdefault(item.channel_id, deque())
        kept.append(item)
        self._count += 1
        if len(kept) > self.per_channel:
            kept.popleft()
            self._count -= 1
        if self._count > self.total:
            fullest = max(self._kept.values(), key=len)
            fullest.popleft()
            self._count -= 1

    def take(self, channel_id: int, mark: int) -> Handover:
        """Hand over a channel's kept updates above `mark` (the archive's pts for it) and forget the rest.
        The chain is followed from the mark: an update whose pts does not follow the last one is a gap,
        and so is a mark of 0 (the archive never saw the channel's pts)."""
        kept = self._kept.pop(channel_id, deque())
        self._count -= len(kept)
        ordered = sorted(kept, key=lambda item: pts_of(item.update)[0])
        above = [item for item in ordered if pts_of(item.update)[0] > mark or not pts_of(item.update)[0]]
        reached, gap = mark, mark <= 0 and bool(above)
        for item in above:
            pts, count = pts_of(item.update)
            if pts and pts - count == reached:
                reached = pts
            else:
                gap = True
        return Handover(tuple(above), gap)

    def forget(self, channel_ids: Iterable[int]) -> None:
        """Drop what is kept for channels this worker no longer keeps updates of."""
        for channel_id in channel_ids:
            self._count -= len(self._kept.pop(channel_id, ()))

    def channels(self) -> set[int]:
        return set(self._kept)
