"""Messages to the analyst chat that are not alerts (an outage's summary), queued in the archive so each
is sent exactly once, and the open outage they summarise. Reached as `Store.notices` (and
`PgStore.notices`).

An outage's counts grow in the meta table as recovered posts are stored; closing it queues its summary
with the random_id its send will use and clears the counts in one transaction, so a crash either leaves
the outage open (closed again after the restart) or its summary queued (sent after the restart, where
Telegram answers RANDOM_ID_DUPLICATE if the first send went through). Kept in the meta table: the queue
holds one entry per outage, and is emptied as the sender delivers.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from monitor.store.codec import dump_state, load_state
from monitor.store.meta import MetaTable, Values, put

_OUTAGE = "open_outage"
_QUEUE = "notices"


@dataclass(frozen=True, slots=True)
class Notice:
    """One queued message: its text (plain) and the random_id every attempt to send it uses."""

    random_id: int
    text: str


class Notices:
    """The notice queue and the open outage, each one JSON value in the meta table."""

    def __init__(self, meta: MetaTable) -> None:
        self._meta = meta

    async def open_outage(self) -> dict[str, object]:
        """The counts of the outage not yet summarised ({} when there is none)."""
        return load_state(await self._meta.get(_OUTAGE))

    async def keep_outage(self, state: Mapping[str, object]) -> None:
        await put(self._meta, _OUTAGE, dump_state(dict(state)))

    async def close_outage(self, text: str) -> Notice:
        """Queue the outage's summary and forget its counts, in one durable transaction."""
        notice = Notice(secrets.randbits(63) | 4, text)

        def change(current: Values) -> Values:
            queue = [*_entries(current[_QUEUE]), {"random_id": notice.random_id, "text": notice.text}]
            return {_QUEUE: json.dumps(queue, ensure_ascii=False), _OUTAGE: None}

        await self._meta.change([_QUEUE, _OUTAGE], change, durable=True)
        return notice

    async def pending(self) -> list[Notice]:
        """Queued notices, oldest first."""
        entries = _entries(await self._meta.get(_QUEUE))
        return [Notice(int(str(entry["random_id"])), str(entry["text"])) for entry in entries]

    async def mark_sent(self, random_id: int) -> None:
        """Take a delivered notice off the queue (a second call changes nothing)."""

        def change(current: Values) -> Values:
            queue = [entry for entry in _entries(current[_QUEUE]) if entry["random_id"] != random_id]
            return {_QUEUE: json.dumps(queue, ensure_ascii=False)}

        await self._meta.change([_QUEUE], change)


def _entries(value: str | None) -> list[dict[str, object]]:
    return list(json.loads(value)) if value else []
