"""What the tests share besides fixtures (those are in conftest.py): waiting with a deadline, the daemon's
end-to-end scene, and the alert desk's scene (an analyst chat that also holds an outsider)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import os
import re
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
from telethon import TelegramClient, errors, functions, types
from telethon.crypto import AuthKey
from telethon.sessions import StringSession

from monitor.config import AlertPolicy, ReadingSettings, ScheduleSettings
from monitor.demo import SandboxAccess
from monitor.model import Analysis, Channel, Conflict, Match, Post
from monitor.sandbox import strictness
from monitor.sandbox.faults import parse_faults
from monitor.sandbox.scenario import ChannelSpec, HistoryPost, PostSpec, Scenario, parse_scenario
from monitor.sandbox.server import RunningSandbox, start_sandbox
from monitor.sandbox.world import ChatMessage
from monitor.store import Store

if TYPE_CHECKING:
    from monitor.store.opening import Archive

T = TypeVar("T")

# How often `until` looks again: short, so a test goes on as soon as the outcome is there.
POLL_SECONDS = 0.01


async def until(condition: Callable[[], T | Awaitable[T]], what: str, timeout: float = 15.0) -> T:
    """Poll `condition` (plain or async) until it returns something truthy, and return that; fail naming
    `what` after `timeout` seconds. The daemon, the sender and the sandbox work in their own tasks."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if loop.time() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(POLL_SECONDS)


# -- the sandbox ------------------------------------------------------------------------------------------

StartSandbox = Callable[..., Awaitable[RunningSandbox]]
Connect = Callable[..., Awaitable[TelegramClient]]


# -- the strict sandbox: a joined channel and one the user has not joined ---------------------------------

WIRE = ChannelSpec(id=1400000001, username="strict_wire", title="Strict wire")
ASIDE = ChannelSpec(id=1400000002, username="strict_aside", title="Strict aside", joined=False)


def strict_scenario(posts: int = 5) -> Scenario:
    """A joined channel with a few posts a minute apart and a public channel the user has not joined."""
    history = tuple(
        HistoryPost(ago=600.0 - i * 60, post=PostSpec(channel_id=WIRE.id, text=f"wire item {i + 1}"))
        for i in range(posts)
    )
    return Scenario(name="strict", channels=(WIRE, ASIDE), history=history)


def read_records(path: Path) -> list[dict]:
    """A JSON-lines record of the sandbox (posts, chat or requests), one dict per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def collect(client: TelegramClient, event: object) -> list:
    """Every event of that kind the client dispatches, in order."""
    seen: list = []

    async def on_event(ev: object) -> None:
        seen.append(ev)

    client.add_event_handler(on_event, event)
    return seen


def input_channel_of(
    running: RunningSandbox, spec: ChannelSpec, account: int | None = None
) -> types.InputChannel:
    """The channel as `account` (the user by default) addresses it, with that account's access hash."""
    state = running.world.channel(spec.id)
    viewer = running.user_id if account is None else account
    return types.InputChannel(state.id, running.world.access_hash_of(state, viewer))


# -- the daemon end to end: two channels, one of them with a few days of history -------------------------

FLAGGED = "Ракетный удар по Харькову: ВСУ сообщают о погибших, Зеленский созвал ставку"
NEWS = "front_news"
CALM = "calm_news"
# Fast enough that nothing waits on pacing; periodic reconciles far apart, so only the reconnect recovers.
NO_PACING = AlertPolicy(
    per_minute=6000, burst=200, digest_after=500, quiet_hours=None, muted=(), summary="off"
)
RARE_JOBS = ScheduleSettings(300.0, (1.0, 24.0), 5.0)
# A local sandbox answers at once: tests spend requests freely unless they test the budget itself.
FAST_READING = ReadingSettings(
    requests_per_hour=360_000, burst=100, spacing_seconds=0.0, steady_per_hour=360_000
)


def scenario(history: int = 3, title: str = "Front news") -> Scenario:
    return parse_scenario(
        {
            "name": "e2e",
            "channels": [
                {"id": 1100000001, "username": NEWS, "title": title},
                {"id": 1100000002, "username": CALM, "title": "Calm news"},
            ],
            "history": [
                {"channel": NEWS, "ago": 3 * 86400 - i, "text": f"архивный пост {i}"} for i in range(history)
            ],
        }
    )


async def sandbox_of(
    scene: Scenario, faults: str = "", seed: int = 7, relaxed: bool = False
) -> RunningSandbox:
    """The scene's sandbox, as strict as Telegram unless `relaxed` (tests that exercise something else)."""
    rules = strictness.relaxed() if relaxed else None
    return await start_sandbox(
        scene, host="127.0.0.1", port=0, faults=parse_faults(faults), seed=seed, strictness=rules
    )


def own_messages(sandbox: RunningSandbox) -> list[ChatMessage]:
    """What the monitor (bot or user) wrote in the analyst chat."""
    return [m for m in sandbox.world.chat_messages() if m.sender_id in {sandbox.bot_id, sandbox.user_id}]


def alerts_for(sandbox: RunningSandbox, channel: str, message_id: int) -> list[ChatMessage]:
    link = re.compile(rf"t\.me/{channel}/{message_id}\b")
    return [m for m in own_messages(sandbox) if link.search(m.text)]


def write_config(
    access: SandboxAccess,
    directory: Path,
    *,
    channels: tuple[str, ...] | None = None,
    session_file: Path | None = None,
    backfill_alert_hours: float = 24,
) -> tuple[Path, dict[str, str]]:
    """A config file as an operator writes it, secrets through the environment (returned separately)."""
    key = directory / "sandbox.pem"
    key.write_text(access.rsa_public_key, encoding="utf-8")
    names = access.channels if channels is None else channels
    entries = "\n".join(f'[[channels]]\nref = "@{name}"\nbackfill = 10\n' for name in names)
    session = f'session_file = "{session_file}"' if session_file else 'session_env = "E2E_SESSION"'
    config = directory / "monitor.toml"
    config.write_text(
        f"""
[telegram]
api_id = 1
api_hash_env = "E2E_API_HASH"
{session}
bot_session_env = "E2E_BOT_SESSION"
[telegram.server]
host = "{access.host}"
port = {access.port}
dc_id = 2
rsa_public_key_file = "{key}"

[archive]
path = "{directory / "archive.db"}"

[analyst]
chat_id = {access.analyst_chat_id}

{entries}
[alerts]
per_minute = 6000
burst = 200
digest_after = 500
summary = "off"
backfill_alert_hours = {backfill_alert_hours}

[schedule]
reconcile_seconds = 300
heartbeat_seconds = 1
""",
        encoding="utf-8",
    )
    env = {
        "E2E_API_HASH": "sandbox",
        "E2E_SESSION": access.user_session,
        "E2E_BOT_SESSION": access.bot_session or "",
    }
    return config, env


# -- the alert desk: the sender and the analyst commands ---------------------------------------------------

CHANNEL = Channel(id=1234567, title="Border <News> & Co", username="bordernews", access_hash=1)
OUTSIDER = 5000009
BORDER = Conflict("border", "Border clashes", "high")
SEA = Conflict("sea", "Sea lanes", "medium")
POLICY = AlertPolicy(per_minute=600, burst=10, digest_after=5, quiet_hours=None, muted=(), summary="off")
DESK_SCENARIO = parse_scenario(
    {
        "name": "alerts",
        "channels": [{"id": CHANNEL.id, "title": CHANNEL.title, "username": CHANNEL.username}],
        "chat": {
            "id": 1900000001,
            "title": "Analyst desk",
            "members": [{"id": OUTSIDER, "first_name": "Outsider", "username": "outsider"}],
        },
    }
)


def sending_client(session: str) -> TelegramClient:
    """A client as the sender needs it: Telegram's answers (RANDOM_ID_DUPLICATE, flood waits) raised to the
    caller, not slept through or retried away."""
    return TelegramClient(
        StringSession(session),
        1,
        "sandbox",
        raise_last_call_error=True,
        flood_sleep_threshold=0,
        request_retries=0,
        connection_retries=1,
        retry_delay=0,
        timeout=5,
    )


async def flag(
    store: Store, message_id: int, text: str = "Clashes at the border overnight", **kw
) -> list[int]:
    """Store a post of CHANNEL the watchlist flagged (at the word 'border'); returns its new alert ids."""
    conflicts = kw.pop("conflicts", ("border",))
    start = text.find("border")
    matches = tuple(Match(c, "border", "en", start, start + 6) for c in conflicts) if start >= 0 else ()
    post = Post(CHANNEL.id, message_id, kw.pop("date", datetime.now(UTC)), text, **kw)
    (outcome,) = await store.save([(post, Analysis("en", 0.9, matches, conflicts))])
    return list(outcome.new_alert_ids)


@dataclass
class Desk:
    """The sandbox, the archive and the bot's connected client."""

    sandbox: RunningSandbox
    store: Store
    bot: TelegramClient
    chat_path: Path

    def bot_messages(self) -> list:
        return [m for m in self.sandbox.world.chat_messages() if m.sender_id == self.sandbox.bot_id]


class RecordingClient:
    """Answers like Telegram: a new message per random_id, RANDOM_ID_DUPLICATE for a repeated one, and
    scripted errors first."""

    def __init__(self) -> None:
        self.messages: dict[int, str] = {}
        self.edits: list[tuple[int, str]] = []
        self.random_ids: set[int] = set()
        self.failures: list[BaseException] = []

    async def get_input_entity(self, chat: int) -> types.InputPeerChannel:
        return types.InputPeerChannel(channel_id=9000000001, access_hash=1)

    async def __call__(self, request: object) -> object:
        if self.failures:
            raise self.failures.pop(0)
        if isinstance(request, functions.messages.EditMessageRequest):
            self.edits.append((request.id, request.message))
            return types.Updates(updates=[], users=[], chats=[], date=datetime.now(UTC), seq=0)
        assert isinstance(request, functions.messages.SendMessageRequest)
        if request.random_id in self.random_ids:
            raise errors.RandomIdDuplicateError(request=request)
        self.random_ids.add(request.random_id)
        message_id = len(self.messages) + 100
        self.messages[message_id] = request.message
        update = types.UpdateMessageID(id=message_id, random_id=request.random_id)
        return types.Updates(updates=[update], users=[], chats=[], date=datetime.now(UTC), seq=0)


# -- a damaged archive ------------------------------------------------------------------------------------


async def archive_of(path: Path, posts: int) -> None:
    """An archive of `posts` posts of one channel (1300000001), checkpointed so the file holds them all."""
    async with await Store.open(path) as store:
        channel = Channel(1300000001, "Feed", "feed")
        await store.upsert_channel(channel)
        when = datetime(2026, 1, 1, tzinfo=UTC)
        await store.save(
            [
                (Post(channel.id, i, when, f"сводка {i} " * 40), Analysis("ru", 0.9))
                for i in range(1, posts + 1)
            ],
            alert=False,
        )
    with contextlib.closing(sqlite3.connect(path)) as db:  # the last connection out removes the WAL
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def corrupt_pages(path: Path) -> None:
    """Overwrite pages in the middle and near the end of the file, as a failing disk would."""
    size = path.stat().st_size
    page = 8192
    with path.open("r+b") as file:
        for number in (size // page // 3, size // page // 2, size // page - 3):
            file.seek(number * page)
            file.write(b"\xa5" * page)


def corrupt_table(path: Path, table: str) -> None:
    """Overwrite the first page of one table or index, as a failing disk would."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        (page,) = db.execute("PRAGMA page_size").fetchone()
    with path.open("r+b") as file:
        file.seek((root - 1) * page)
        file.write(b"\xa5" * page)


# -- credentials ----------------------------------------------------------------------------------------


def session_string() -> str:
    """A well-formed StringSession (data centre 2 at 127.0.0.1, a made-up key)."""
    session = StringSession()
    session.set_dc(2, "127.0.0.1", 443)
    session.auth_key = AuthKey(bytes(range(256)))
    return session.save()


async def start_daemon(config: Path, env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    """`monitor run` as its own process, its output appended to `log`."""
    monitor = Path(sys.executable).with_name("monitor")
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            str(monitor), "run", "--config", str(config), env={**os.environ, **env}, stdout=out, stderr=out
        )


async def archive_rows(store: Archive, sql: str) -> list[tuple]:
    """The rows of a plain query (no parameters) run on an archive's own connection, in SQLite or
    PostgreSQL alike: what the tests read of the tables beside the archive's public methods."""
    return [tuple(row) for row in await store._database.rows(sql)]


async def archive_dicts(store: Archive, sql: str) -> list[dict]:
    """archive_rows, each row as {column: value}."""
    return [dict(row) for row in await store._database.rows(sql)]


async def archive_execute(store: Archive, sql: str) -> None:
    """Run one plain statement in a write transaction of the archive, in either backend."""
    async with store._database.write() as db:
        await db.execute(sql)


async def open_alerts(store: Archive) -> int:
    """How many alerts wait to be sent (pending or being sent), read from the table itself."""
    [(count,)] = await archive_rows(
        store, "SELECT count(*) FROM alerts WHERE status IN ('pending', 'sending')"
    )
    return count
