"""Telethon clients built from the config: sessions, a custom server, process locks and a reconnect hook.

One client per session, shared by live handlers and scheduled jobs. A session is either a Telethon
StringSession string or the path of a `.session` file (SQLite, as `monitor login` writes it); the
config loader has already read a secret file holding a StringSession into its text.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from telethon import TelegramClient
from telethon.crypto import rsa
from telethon.network.connection import ConnectionTcpFull
from telethon.sessions import SQLiteSession, StringSession
from telethon.sessions.abstract import Session

from monitor.config import ServerSettings, TelegramSettings
from monitor.logs import log_event
from monitor.model import utcnow

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


def lock_path_for(session_value: str) -> Path:
    """Where the lock of a session lives: next to a session file, or in the temp dir for a string session."""
    if is_session_file(session_value):
        return Path(f"{session_value}.lock")
    digest = hashlib.sha256(session_value.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"monitor-session-{digest}.lock"


class ProcessLock:
    """An exclusive flock held for the life of the process; the kernel drops it even on SIGKILL."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        self.what = what
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise SessionError(
                f"{self.what} is already in use by pid {holder} (lock {self.path}); "
                "run one monitor per session and archive"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
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


def trust_server(server: ServerSettings) -> None:
    """Make Telethon accept a non-Telegram server's RSA key (the sandbox or Telegram's test servers)."""
    rsa.add_key(server.rsa_public_key, old=False)


def build_client(
    session_value: str,
    telegram: TelegramSettings,
    *,
    watch: ConnectionWatch | None = None,
) -> TelegramClient:
    """A configured, not yet connected client; a custom server overrides the session's data centre."""
    session = open_session(session_value)
    if telegram.server is not None:
        trust_server(telegram.server)
        session.set_dc(telegram.server.dc_id, telegram.server.host, telegram.server.port)
    return TelegramClient(
        session,
        telegram.api_id,
        telegram.api_hash.reveal(),
        connection=watch.connection_class() if watch else ConnectionTcpFull,
        timeout=TIMEOUT,
        request_retries=REQUEST_RETRIES,
        connection_retries=CONNECTION_RETRIES,
        retry_delay=RETRY_DELAY,
        auto_reconnect=True,
        flood_sleep_threshold=telegram.flood_sleep_threshold,
        # The alert sender needs RANDOM_ID_DUPLICATE itself, not a generic error after retries.
        raise_last_call_error=True,
    )


async def connect_user(client: TelegramClient) -> None:
    """Connect a user client and insist that its session is authorised (login is interactive, not here)."""
    await client.connect()
    if not await client.is_user_authorized():
        await client.disconnect()
        raise SessionError("the user session is not authorised; run `monitor login --config FILE` first")


async def connect_bot(client: TelegramClient, bot_token: str | None) -> None:
    """Connect a bot client from its session, signing in with the token when the session is new."""
    await client.connect()
    if await client.is_user_authorized():
        return
    if bot_token is None:
        await client.disconnect()
        raise SessionError("the bot session is not authorised and no bot token is configured")
    await client.start(bot_token=bot_token)
