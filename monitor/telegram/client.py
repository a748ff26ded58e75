"""Telethon clients built from the config: sessions, a custom server, process locks and a reconnect hook.

One client per session, shared by live handlers and scheduled jobs. A session is either a Telethon
StringSession string or the path of a `.session` file (SQLite, as `monitor login` writes it); the
config loader has already read a secret file holding a StringSession into its text.

Every request of a client, Telethon's own included (updates, entity lookups), passes its RequestGuard:
Telethon's flood_sleep_threshold is 0, so no flood wait is ever slept through uncounted.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

from telethon import TelegramClient, errors, functions
from telethon.crypto import rsa
from telethon.network.connection import ConnectionTcpFull
from telethon.sessions import SQLiteSession, StringSession
from telethon.sessions.abstract import Session

from monitor.config import Secret, ServerSettings, TelegramSettings
from monitor.logs import log_event
from monitor.model import utcnow
from monitor.telegram.guard import FLOOD_ERRORS, AccountFault, RequestGuard

log = logging.getLogger(__name__)

# Telethon reconnects by itself this many times (retry_delay apart) before giving up; the daemon's
# watchdog then calls connect() again, so a long outage never leaves a dead client behind.
CONNECTION_RETRIES = 8
RETRY_DELAY = 1
REQUEST_RETRIES = 3
TIMEOUT = 10


class SessionError(Exception):
    """A session that cannot be used: missing, unauthorised, or already used by another process."""


def is_session_file(value: str) -> bool:
    """The config hands over `.session` paths as they are and StringSession strings as their text."""
    return value.endswith(".session")


def open_session(value: str) -> Session:
    """Open a `.session` SQLite file (created if missing) or a StringSession string (empty = a new one)."""
    if not is_session_file(value):
        return StringSession(value)
    create_private(Path(value))
    return SQLiteSession(value)


def create_private(path: Path) -> None:
    """A session file holds the account's auth key: create it 0600 whatever the umask (SQLite would make
    it 0644), so the bot session written next to the archive is as private as the user's."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def lock_path_for(session: Secret, archive_path: Path) -> Path:
    """Where the lock of a session lives: next to the session's file (a `.session` file, or the secret file
    holding a StringSession), else next to the archive. Never in a temp dir: two containers sharing a
    volume share these paths, and a session used from two places at once is destroyed by Telegram."""
    value = session.reveal()
    if is_session_file(value):
        return Path(f"{value}.lock")
    if session.source.startswith("file "):
        return Path(f"{session.source.removeprefix('file ')}.lock")
    digest = hashlib.sha256(value.encode()).hexdigest()[:16]
    return archive_path.parent / f"{archive_path.name}.session-{digest}.lock"


class ProcessLock:
    """A flock held for the life of the process; the kernel drops it even on SIGKILL. Exclusive by default;
    `shared` locks (the workers of a fleet on one archive) admit each other but not an exclusive one."""

    def __init__(self, path: Path, what: str, *, shared: bool = False) -> None:
        self.path = path
        self.what = what
        self.shared = shared
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise SessionError(
                f"{self.what} is already in use by {holder} (lock {self.path}); "
                "run one monitor per session and archive (or workers of one fleet on a shared archive)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write("workers of a fleet" if self.shared else f"pid {os.getpid()}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class ConnectionWatch:
    """Counts transport connects; every connect after the first is a reconnect that calls `on_reconnect`
    (which must not block: the daemon starts its catch-up as a task of its own).

    Telethon reconnects silently and does not catch up on channel updates it missed meanwhile, so the
    daemon needs this signal to reconcile.
    """

    def __init__(self) -> None:
        self.connects = 0
        self.on_reconnect: Callable[[], None] | None = None
        # Whether a transport is up and since when: Telethon's is_connected() stays true while it retries.
        self.up = False
        self.changed_at = utcnow()

    def connected(self) -> None:
        self.connects += 1
        self.up, self.changed_at = True, utcnow()
        if self.connects > 1 and self.on_reconnect is not None:
            log_event(log, "reconnected", connects=self.connects)
            self.on_reconnect()

    def disconnected(self) -> None:
        if self.up:
            self.up, self.changed_at = False, utcnow()

    def connection_class(self) -> type[ConnectionTcpFull]:
        """Telethon's default transport, reporting each (re)connect to this watch."""
        watch = self

        class WatchedConnection(ConnectionTcpFull):
            async def connect(self, timeout=None, ssl=None):  # type: ignore[no-untyped-def]
                await super().connect(timeout=timeout, ssl=ssl)
                watch.connected()

            async def disconnect(self):  # type: ignore[no-untyped-def]
                await super().disconnect()
                watch.disconnected()

        return WatchedConnection


class GuardedClient(TelegramClient):  # type: ignore[misc]  # Telethon is untyped
    """A TelegramClient whose every request passes `guard` (counted flood waits, fatal account errors)."""

    def __init__(self, *args: object, who: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.guard = RequestGuard(who)

    async def __call__(self, request, ordered=False, flood_sleep_threshold=None):  # type: ignore[no-untyped-def]
        async def send():  # type: ignore[no-untyped-def]
            return await super(GuardedClient, self).__call__(request, ordered=ordered)

        return await self.guard.call(request, send)

    async def confirm_account(self, quiet_seconds: float) -> None:
        """Ask Telegram something cheap (updates.getState) when it has answered nothing for `quiet_seconds`:
        a revoked or banned key shows only in an answer, and an idle monitor may ask nothing for minutes
        (Telethon itself asks after 15). A busy client spends nothing on this. The answer is awaited at
        most `quiet_seconds`: a request queued while Telethon reconnects is never answered if it gives up,
        and the caller has to get on to reconnecting."""
        if self.guard.fault is not None or self.guard.quiet_for() < quiet_seconds:
            return
        try:
            await asyncio.wait_for(self(functions.updates.GetStateRequest()), quiet_seconds)
        except (errors.RPCError, OSError) as error:  # a dead account is the guard's; the rest can wait
            log_event(log, "account_check_failed", level=logging.DEBUG, error=type(error).__name__)


def trust_server(server: ServerSettings) -> None:
    """Make Telethon accept a non-Telegram server's RSA key (the sandbox or Telegram's test servers)."""
    rsa.add_key(server.rsa_public_key, old=False)


def build_client(
    session_value: str,
    telegram: TelegramSettings,
    *,
    who: str = "the user account",
    watch: ConnectionWatch | None = None,
) -> GuardedClient:
    """A configured, not yet connected client; a custom server overrides the session's data centre."""
    session = open_session(session_value)
    if telegram.server is not None:
        trust_server(telegram.server)
        session.set_dc(telegram.server.dc_id, telegram.server.host, telegram.server.port)
    return GuardedClient(
        session,
        telegram.api_id,
        telegram.api_hash.reveal(),
        connection=watch.connection_class() if watch else ConnectionTcpFull,
        timeout=TIMEOUT,
        request_retries=REQUEST_RETRIES,
        connection_retries=CONNECTION_RETRIES,
        retry_delay=RETRY_DELAY,
        auto_reconnect=True,
        flood_sleep_threshold=0,
        who=who,
        # The alert sender needs RANDOM_ID_DUPLICATE itself, not a generic error after retries.
        raise_last_call_error=True,
    )


async def connect_user(client: GuardedClient) -> None:
    """Connect a user client and insist that its session is authorised (login is interactive, not here)."""
    await _connect(client)
    if not await _authorized(client):
        await client.disconnect()
        raise SessionError("the user session is not authorised; run `monitor login --config FILE` first")


async def connect_bot(client: GuardedClient, bot_token: str | None) -> None:
    """Connect a bot client from its session, signing in with the token when the session is new (a new
    session's key is unregistered, so only without a token is that a fault)."""
    await _connect(client)
    if bot_token is None:
        if not await _authorized(client):
            await client.disconnect()
            raise SessionError("the bot session is not authorised and no bot token is configured")
        return
    if not await client.is_user_authorized():
        await client.start(bot_token=bot_token)
    client.guard.signed_in = True


async def _connect(client: GuardedClient) -> None:
    """Telethon's connect sends its first requests itself (get_me, updates.getState) and starts its update
    loop only once they are answered: a flood wait on them leaves the link open but deaf, so it is closed
    and the wait raised, for the caller to wait out and connect afresh."""
    try:
        await client.connect()
    except FLOOD_ERRORS:
        await client.disconnect()
        raise


async def _authorized(client: GuardedClient) -> bool:
    """Whether the session is signed in; a key Telegram revoked, duplicated or banned raises AccountFault
    (Telethon would answer just False). From here on a fatal answer stops the daemon."""
    authorized = bool(await client.is_user_authorized())
    fault: AccountFault | None = client.guard.seen
    if not authorized and fault is not None:
        await client.disconnect()
        raise fault
    client.guard.signed_in = authorized
    return authorized
