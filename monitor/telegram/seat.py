"""The sender's seat of a fleet: one worker at a time delivers the alerts, through the bot.

Exactly once across workers rests on two things. One sender at a time: a job lease in the archive
('sender'), renewed with the worker's leases and taken over once it lapses; a holder that cannot renew
stops sending before its lease runs out (`valid()`), so two workers never send at once. One sending
account: the bot, whose session only the seat holder opens (a second process on the same key would be
cut off by Telegram); a re-sent alert keeps the random_id it was claimed with, and Telegram answers a
random_id it has seen from that account with the original message, so a send cut short by a crash is
completed by the next holder without a duplicate.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

from monitor.config import FleetSettings, TelegramSettings
from monitor.logs import log_event
from monitor.model import utcnow
from monitor.store import Store
from monitor.telegram.client import (
    GuardedClient,
    ProcessLock,
    SessionError,
    build_client,
    connect_bot,
    lock_path_for,
)

log = logging.getLogger(__name__)

JOB = "sender"


class SenderSeat:
    """Claims, renews and gives up the sender's lease; opens the bot while it holds it."""

    def __init__(
        self, store: Store, worker: str, fleet: FleetSettings, telegram: TelegramSettings, archive: Path
    ) -> None:
        self.store = store
        self.worker = worker
        self.telegram = telegram
        self.archive = archive
        self.lease = timedelta(seconds=fleet.lease_seconds)
        # A renewal that fails leaves this much of the lease unused: the holder stops before anyone may start.
        self._margin = fleet.renew_seconds
        self._valid_until = 0.0
        self.client: GuardedClient | None = None
        self._lock: ProcessLock | None = None

    async def hold(self) -> bool:
        """Claim or renew the seat; True while this worker holds it."""
        started = time.monotonic()
        held = await self.store.leases.hold_job(JOB, self.worker, now=utcnow(), lease=self.lease)
        self._valid_until = started + self.lease.total_seconds() - self._margin if held else 0.0
        return held

    def valid(self) -> bool:
        """Whether sending is still this worker's: its last renewal holds for a while yet."""
        return time.monotonic() < self._valid_until

    async def open_bot(self) -> GuardedClient | None:
        """Lock and connect the bot's session; None while another process still holds it."""
        session = self.telegram.bot_session
        value = session.reveal() if session else f"{self.archive}.bot.session"
        lock = ProcessLock(
            lock_path_for(session, self.archive) if session else Path(f"{value}.lock"), "the bot session"
        )
        try:
            lock.acquire()
        except SessionError as error:
            log_event(log, "sender_seat_waiting", level=logging.WARNING, error=str(error))
            return None
        client = build_client(value, self.telegram, who="the bot account")
        try:
            token = self.telegram.bot_token
            await connect_bot(client, token.reveal() if token else None)
        except BaseException:
            await client.disconnect()
            lock.release()
            raise
        self.client, self._lock = client, lock
        log_event(log, "sender_seat_taken", worker=self.worker)
        return client

    async def leave(self, *, give_up: bool) -> None:
        """Close the bot and unlock its session; `give_up` also hands the lease back at once."""
        if self.client is not None:
            await self.client.disconnect()
            self.client = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        self._valid_until = 0.0
        if give_up:
            await self.store.leases.drop_job(JOB, self.worker)
