"""What the running daemon writes about itself so `monitor health` can judge it without its config: when
it started and stopped, the limits it runs by, the channels it watches and its connection to Telegram.

The record lives in the archive's meta table (key `daemon`, one JSON value). A file error cannot be
recorded in the archive it concerns, so those go to a side file next to it (`ArchiveFailures`).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from pathlib import Path

from monitor.logs import log_event
from monitor.model import utcnow
from monitor.store.codec import from_iso, to_iso, to_iso_optional
from monitor.store.errors import ArchiveError
from monitor.store.meta import MetaTable, Values, put

log = logging.getLogger(__name__)

_KEY = "daemon"

# The limits a daemon records unless told otherwise (and `monitor health` assumes without a record): an
# alert may wait this long while sending is allowed, and Telethon retries a dropped connection for seconds,
# so minutes without Telegram mean posts go unread.
OUTBOX_SECONDS = 900.0
DISCONNECT_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class DaemonRecord:
    """The daemon's own account of itself. `stopped_at` is set by a clean stop and cleared by a start;
    `connected` is None until the first check, `connection_since` is when it last changed."""

    started_at: datetime
    pid: int
    heartbeat_seconds: float
    outbox_seconds: float
    disconnect_seconds: float
    quiet_hours: tuple[time, time] | None
    channel_ids: tuple[int, ...]
    stopped_at: datetime | None = None
    connected: bool | None = None
    connection_since: datetime | None = None


class DaemonRecords:
    """Reached as `Store.daemon` (and `PgStore.daemon`); each change is one small transaction on the meta
    table, a change of the record read and written under one lock so none is lost."""

    def __init__(self, meta: MetaTable) -> None:
        self._meta = meta

    async def started(self, record: DaemonRecord) -> None:
        await put(self._meta, _KEY, json.dumps(_encode(record)))

    async def stopped(self, at: datetime) -> None:
        await self._amend(lambda record: replace(record, stopped_at=at))

    async def connection(self, connected: bool, at: datetime) -> None:
        """Record the connection state; `since` moves only when the state changes."""
        await self._amend(
            lambda record: (
                record
                if record.connected is connected
                else replace(record, connected=connected, connection_since=at)
            )
        )

    async def last(self) -> DaemonRecord | None:
        value = await self._meta.get(_KEY)
        return _decode(json.loads(value)) if value else None

    async def _amend(self, amend: Callable[[DaemonRecord], DaemonRecord]) -> None:
        """Rewrite the record as `amend` says; nothing happens before a daemon has recorded its start."""

        def change(current: Values) -> Values:
            value = current[_KEY]
            return {} if not value else {_KEY: json.dumps(_encode(amend(_decode(json.loads(value)))))}

        await self._meta.change([_KEY], change)


def _encode(record: DaemonRecord) -> dict[str, object]:
    quiet = record.quiet_hours
    return {
        "started_at": to_iso(record.started_at),
        "pid": record.pid,
        "heartbeat_seconds": record.heartbeat_seconds,
        "outbox_seconds": record.outbox_seconds,
        "disconnect_seconds": record.disconnect_seconds,
        "quiet_hours": None if quiet is None else [t.isoformat("minutes") for t in quiet],
        "channel_ids": list(record.channel_ids),
        "stopped_at": to_iso_optional(record.stopped_at),
        "connected": record.connected,
        "connection_since": to_iso_optional(record.connection_since),
    }


def _decode(entry: dict[str, object]) -> DaemonRecord:
    quiet = entry.get("quiet_hours")
    return DaemonRecord(
        started_at=datetime.fromisoformat(str(entry["started_at"])),
        pid=int(str(entry["pid"])),
        heartbeat_seconds=float(str(entry["heartbeat_seconds"])),
        outbox_seconds=float(str(entry["outbox_seconds"])),
        disconnect_seconds=float(str(entry["disconnect_seconds"])),
        quiet_hours=None
        if not isinstance(quiet, list)
        else (time.fromisoformat(quiet[0]), time.fromisoformat(quiet[1])),
        channel_ids=tuple(int(i) for i in entry.get("channel_ids", []) or []),  # type: ignore[union-attr]
        stopped_at=_optional_time(entry.get("stopped_at")),
        connected=None if entry.get("connected") is None else bool(entry["connected"]),
        connection_since=_optional_time(entry.get("connection_since")),
    )


def _optional_time(value: object) -> datetime | None:
    return None if value is None else from_iso(str(value))


@dataclass(frozen=True, slots=True)
class ArchiveFailure:
    """The archive's file errors in one run of failures: the first and last time, how many, the last one."""

    error: str
    first_at: datetime
    last_at: datetime
    count: int


class ArchiveFailures:
    """The side file `<archive>.failure.json`: written by the daemon on every file error of its archive
    (corrupt page, read-only, full disk), read by `monitor health`. A failure more than `gap` after the
    previous one starts a new run."""

    def __init__(self, archive: Path, gap: timedelta = timedelta(minutes=5)) -> None:
        self.path = archive.with_name(archive.name + ".failure.json")
        self.gap = gap

    def record(self, error: str, at: datetime) -> None:
        previous = self.last()
        if previous is None or at - previous.last_at > self.gap:
            current = ArchiveFailure(error, at, at, 1)
        else:
            current = ArchiveFailure(error, previous.first_at, at, previous.count + 1)
        value = {
            "error": current.error,
            "first_at": to_iso(current.first_at),
            "last_at": to_iso(current.last_at),
            "count": current.count,
        }
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self.path)  # a reader never sees half a file

    def report(self, error: ArchiveError) -> None:
        """Record a file error as it is raised (`Store.report_file_errors`); a file system that refuses
        the side file too (read-only, full) is logged instead, since the error is being raised anyway."""
        try:
            self.record(str(error), utcnow())
        except OSError as refused:
            log_event(log, "archive_failure_not_recorded", level=logging.WARNING, error=str(refused))

    def last(self) -> ArchiveFailure | None:
        try:
            entry = json.loads(self.path.read_text(encoding="utf-8"))
            first, last = datetime.fromisoformat(entry["first_at"]), datetime.fromisoformat(entry["last_at"])
            return ArchiveFailure(str(entry["error"]), first, last, int(entry["count"]))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as exc:  # half-written by hand or by a failing disk
            raise ValueError(f"{self.path}: not a record of file errors ({exc})") from None
